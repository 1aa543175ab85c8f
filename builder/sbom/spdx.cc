#include "builder/sbom/spdx.h"

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

json Checksum(const char* algorithm, absl::string_view digest_or_hex) {
  absl::string_view hex = digest_or_hex;
  if (hex.substr(0, 7) == "sha256:") hex.remove_prefix(7);
  return {{"algorithm", algorithm}, {"checksumValue", std::string(hex)}};
}

json Relationship(const std::string& from, const char* type, const std::string& to) {
  return {{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

json BarePackage(const std::string& id, const std::string& name, const std::string& version) {
  return {{"SPDXID", id},
          {"name", name},
          {"versionInfo", version},
          {"downloadLocation", "NOASSERTION"},
          {"filesAnalyzed", false},
          {"licenseConcluded", "NOASSERTION"},
          {"licenseDeclared", "NOASSERTION"},
          {"copyrightText", "NOASSERTION"}};
}

}  // namespace

absl::StatusOr<std::string> SpdxJson(const Image& image) {
  json packages = json::array();
  json files = json::array();
  json relationships = json::array();
  std::map<std::string, std::string> refs;  // LicenseRef id -> Debian name
  std::map<std::string, std::string> ref_texts;

  json image_pkg = BarePackage("SPDXRef-Image", image.name, image.manifest_digest);
  image_pkg["checksums"] = json::array({Checksum("SHA256", image.manifest_digest)});
  image_pkg["primaryPackagePurpose"] = "CONTAINER";
  image_pkg["sourceInfo"] =
      absl::StrCat("built by Bazel target ", image.name, "; config ", image.config_digest,
                   "; platform ", image.os, "/", image.architecture);
  packages.push_back(std::move(image_pkg));
  relationships.push_back(Relationship("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image"));
  if (!image.base_digest.empty()) {
    json base = BarePackage("SPDXRef-Base", image.base_target, image.base_digest);
    base["checksums"] = json::array({Checksum("SHA256", image.base_digest)});
    base["primaryPackagePurpose"] = "CONTAINER";
    packages.push_back(std::move(base));
    relationships.push_back(Relationship("SPDXRef-Image", "DESCENDANT_OF", "SPDXRef-Base"));
  }
  for (size_t i = 0; i < image.layers.size(); ++i) {
    const Layer& layer = image.layers[i];
    std::string id = absl::StrCat("SPDXRef-Layer-", i);
    json pkg = BarePackage(id, absl::StrCat("layer ", i), layer.digest);
    pkg["checksums"] = json::array({Checksum("SHA256", layer.digest)});
    pkg["primaryPackagePurpose"] = "ARCHIVE";
    std::string source = layer.target.empty()
                             ? std::string("")
                             : absl::StrCat("built by Bazel target ", layer.target);
    if (layer.from_base) source = absl::StrCat("a layer of the base image ", image.base_target);
    if (!layer.diff_id.empty()) source = absl::StrCat(source, "; diffId ", layer.diff_id);
    if (!source.empty()) pkg["sourceInfo"] = source;
    packages.push_back(std::move(pkg));
    relationships.push_back(Relationship("SPDXRef-Image", "CONTAINS", id));
    for (size_t f = 0; f < layer.files.size(); ++f) {
      const LayerFile& file = layer.files[f];
      std::string fid = absl::StrCat("SPDXRef-File-", i, "-", f);
      json entry = {{"SPDXID", fid},
                    {"fileName", absl::StrCat(".", file.path)},
                    {"checksums",
                     json::array({Checksum("SHA1", file.sha1), Checksum("SHA256", file.sha256)})},
                    {"licenseConcluded", "NOASSERTION"},
                    {"copyrightText", "NOASSERTION"}};
      if (IsStaticAsset(layer, file.path)) entry["comment"] = "static asset";
      files.push_back(std::move(entry));
      relationships.push_back(Relationship(id, "CONTAINS", fid));
    }
    for (size_t p = 0; p < layer.packages.size(); ++p) {
      const Package& deb = layer.packages[p];
      std::string pid = absl::StrCat("SPDXRef-Package-", i, "-", p);
      json entry = BarePackage(pid, deb.name, deb.version);
      entry["supplier"] = "Organization: Debian";
      entry["checksums"] = json::array({Checksum("SHA256", deb.deb_sha256)});
      entry["externalRefs"] = json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                                            {"referenceType", "purl"},
                                            {"referenceLocator", deb.Purl()}}});
      entry["primaryPackagePurpose"] = "LIBRARY";
      if (!deb.licenses.empty()) {
        std::vector<std::string> parts;
        for (const std::string& l : deb.licenses) {
          std::map<std::string, std::string> new_refs;
          std::string expr = SpdxExpression(l, &new_refs);
          for (const auto& [ref, name] : new_refs) {
            refs[ref] = name;
            auto text = deb.license_texts.find(name);
            if (text != deb.license_texts.end() && ref_texts.count(ref) == 0) {
              ref_texts[ref] = text->second;
            }
          }
          parts.push_back(parts.empty() && deb.licenses.size() == 1 ? expr
                                                                    : absl::StrCat("(", expr, ")"));
        }
        std::string declared;
        for (const std::string& part : parts) {
          declared += declared.empty() ? part : absl::StrCat(" AND ", part);
        }
        entry["licenseDeclared"] = declared;
      }
      entry["comment"] = !deb.copyright_found ? "no copyright file in the layer"
                         : deb.machine_readable
                             ? "licenses from the machine-readable copyright file"
                             : "copyright file is not machine-readable (DEP-5)";
      packages.push_back(std::move(entry));
      relationships.push_back(Relationship(id, "CONTAINS", pid));
    }
  }
  json extracted = json::array();
  for (const auto& [ref, name] : refs) {
    auto text = ref_texts.find(ref);
    extracted.push_back(
        {{"licenseId", ref},
         {"name", name},
         {"extractedText", text != ref_texts.end() && !text->second.empty()
                               ? text->second
                               : absl::StrCat("The license Debian names \"", name,
                                              "\" in the package's copyright file.")}});
  }
  json doc = {
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", "SPDXRef-DOCUMENT"},
      {"name", image.name},
      {"creationInfo", {{"created", image.created}, {"creators", json::array({"Tool: stowage"})}}},
      {"documentDescribes", json::array({"SPDXRef-Image"})},
      {"packages", packages},
      {"files", files},
      {"relationships", relationships}};
  if (!extracted.empty()) doc["hasExtractedLicensingInfos"] = extracted;
  ASSIGN_OR_RETURN(std::string unnamed, CanonicalJson(doc, "the SPDX SBOM"));
  doc["documentNamespace"] =
      absl::StrCat("https://spdx.org/spdxdocs/stowage-",
                   UuidFromDigest(std::string(DigestHex(Sha256Digest(unnamed)))));
  return CanonicalJson(doc, "the SPDX SBOM");
}

}  // namespace sbom
}  // namespace stowage
