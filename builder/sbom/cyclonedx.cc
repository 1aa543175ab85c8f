#include "builder/sbom/cyclonedx.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/sbom/dep5.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace sbom {
namespace {

using nlohmann::json;

json Sha256Hash(absl::string_view digest_or_hex) {
  absl::string_view hex = digest_or_hex;
  if (hex.substr(0, 7) == "sha256:") hex.remove_prefix(7);
  return json::array({{{"alg", "SHA-256"}, {"content", std::string(hex)}}});
}

json Property(const std::string& name, const std::string& value) {
  return {{"name", name}, {"value", value}};
}

json Licenses(const Package& p) {
  json out = json::array();
  std::set<std::string> seen;
  for (const std::string& debian : p.licenses) {
    std::string id = SpdxId(debian);
    // An id must be on the SPDX list (the schema checks it); anything else goes by name.
    if (!seen.insert(id.empty() ? "name:" + debian : "id:" + id).second) continue;
    out.push_back(id.empty() ? json{{"license", {{"name", debian}}}}
                             : json{{"license", {{"id", id}}}});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> CycloneDxJson(const Image& image) {
  json components = json::array();
  json image_depends = json::array();
  json dependencies = json::array();
  if (!image.base_digest.empty()) {
    components.push_back({{"type", "container"},
                          {"bom-ref", "base"},
                          {"name", image.base_target},
                          {"version", image.base_digest},
                          {"hashes", Sha256Hash(image.base_digest)},
                          {"description", "the base image, by manifest digest"}});
    image_depends.push_back("base");
  }
  for (size_t i = 0; i < image.layers.size(); ++i) {
    const Layer& layer = image.layers[i];
    std::string ref = absl::StrCat("layer-", i);
    json properties = json::array({Property("stowage:layer:index", std::to_string(i))});
    if (!layer.diff_id.empty())
      properties.push_back(Property("stowage:layer:diffId", layer.diff_id));
    properties.push_back(Property("stowage:layer:mediaType", layer.media_type));
    if (!layer.target.empty()) properties.push_back(Property("stowage:bazel:target", layer.target));
    if (layer.from_base) properties.push_back(Property("stowage:layer:fromBase", "true"));
    json files = json::array();
    for (const LayerFile& f : layer.files) {
      json file = {{"type", "file"},
                   {"bom-ref", absl::StrCat(ref, ":", f.path)},
                   {"name", f.path},
                   {"hashes", json::array({{{"alg", "SHA-256"}, {"content", f.sha256}},
                                           {{"alg", "SHA-1"}, {"content", f.sha1}}})}};
      json fp = json::array({Property("stowage:file:size", std::to_string(f.size))});
      if (IsStaticAsset(layer, f.path)) fp.push_back(Property("stowage:file:staticAsset", "true"));
      file["properties"] = fp;
      files.push_back(std::move(file));
    }
    json component = {{"type", "data"},
                      {"bom-ref", ref},
                      {"name", absl::StrCat("layer ", i)},
                      {"version", layer.digest},
                      {"hashes", Sha256Hash(layer.digest)},
                      {"properties", properties}};
    if (!files.empty()) component["components"] = std::move(files);
    components.push_back(std::move(component));
    image_depends.push_back(ref);
    json layer_depends = json::array();
    for (const Package& p : layer.packages) {
      std::string purl = p.Purl();
      json pkg = {
          {"type", "library"},
          {"bom-ref", purl},
          {"name", p.name},
          {"version", p.version},
          {"purl", purl},
          {"hashes", Sha256Hash(p.deb_sha256)},
          {"properties", json::array({Property("stowage:deb:architecture", p.architecture),
                                      Property("stowage:layer:index", std::to_string(i))})}};
      json licenses = Licenses(p);
      if (!licenses.empty()) pkg["licenses"] = std::move(licenses);
      components.push_back(std::move(pkg));
      layer_depends.push_back(purl);
    }
    if (!layer_depends.empty())
      dependencies.push_back({{"ref", ref}, {"dependsOn", layer_depends}});
  }
  dependencies.insert(dependencies.begin(), json{{"ref", "image"}, {"dependsOn", image_depends}});

  json metadata = {
      {"timestamp", image.created},
      {"tools", {{"components", json::array({{{"type", "application"}, {"name", "stowage"}}})}}},
      {"component",
       {{"type", "container"},
        {"bom-ref", "image"},
        {"name", image.name},
        {"version", image.manifest_digest},
        {"hashes", Sha256Hash(image.manifest_digest)},
        {"properties", json::array({Property("stowage:image:config", image.config_digest),
                                    Property("stowage:image:platform",
                                             absl::StrCat(image.os, "/", image.architecture)),
                                    Property("stowage:bazel:target", image.name)})}}},
  };
  json bom = {
      {"bomFormat", "CycloneDX"}, {"specVersion", "1.5"},     {"version", 1},
      {"metadata", metadata},     {"components", components}, {"dependencies", dependencies}};
  // The serial number names this content: the digest of the document without it.
  ASSIGN_OR_RETURN(std::string unnumbered, CanonicalJson(bom, "the CycloneDX SBOM"));
  bom["serialNumber"] =
      absl::StrCat("urn:uuid:", UuidFromDigest(std::string(DigestHex(Sha256Digest(unnumbered)))));
  return CanonicalJson(bom, "the CycloneDX SBOM");
}

}  // namespace sbom
}  // namespace stowage
