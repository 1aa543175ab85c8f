#include "builder/sbom/sbom_spec.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "builder/common/capped_read.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/deb/deb_archive.h"
#include "builder/deb/scratch_dir.h"
#include "builder/digest/sha256.h"
#include "builder/sbom/dep5.h"

namespace stowage {
namespace sbom {
namespace {

constexpr size_t kMaxLayerPackages = 100000;

absl::StatusOr<std::string> DigestField(const JsonView& v, absl::string_view key) {
  ASSIGN_OR_RETURN(std::string d, v.RequiredString(key, 200));
  absl::Status valid = ValidateDigest(d);
  if (!valid.ok()) return v.Error(absl::StrCat(key, ": ", valid.message()));
  return d;
}

absl::Status ReadDescriptor(const std::string& path, Layer& layer) {
  ASSIGN_OR_RETURN(nlohmann::json j, ReadJsonFile(path, limits::kMaxDescriptorBytes));
  JsonView d(j, path);
  ASSIGN_OR_RETURN(layer.digest, DigestField(d, "digest"));
  ASSIGN_OR_RETURN(layer.size, d.RequiredInt("size", 0, int64_t{1} << 50));
  ASSIGN_OR_RETURN(layer.media_type, d.RequiredString("mediaType", 256));
  if (d.Has("diffId")) {
    ASSIGN_OR_RETURN(layer.diff_id, DigestField(d, "diffId"));
  }
  return absl::OkStatus();
}

// The copyright file of a package from its .deb, for layers that leave /usr/share/doc out.
absl::StatusOr<std::optional<std::string>> CopyrightFromDeb(const std::string& deb,
                                                            const std::string& name) {
  ASSIGN_OR_RETURN(ScratchDir dir, ScratchDir::Create("", "stowage-sbom-deb."));
  ASSIGN_OR_RETURN(std::vector<DebEntry> entries, ExtractDebData(deb, dir.path()));
  std::string want = absl::StrCat("usr/share/doc/", name, "/copyright");
  for (const DebEntry& e : entries) {
    if (e.type != DebEntryType::kFile || e.path != want) continue;
    ASSIGN_OR_RETURN(std::string text, ReadFileCapped(e.extracted, kMaxCopyrightBytes));
    return std::optional<std::string>(std::move(text));
  }
  return std::optional<std::string>();
}

absl::StatusOr<Package> ReadPackage(const JsonView& p, std::string* deb_path) {
  RETURN_IF_ERROR(p.OnlyKeys({"name", "version", "architecture", "deb"}));
  Package pkg;
  ASSIGN_OR_RETURN(pkg.name, p.RequiredString("name", 256));
  ASSIGN_OR_RETURN(pkg.version, p.RequiredString("version", 256));
  ASSIGN_OR_RETURN(pkg.architecture, p.RequiredString("architecture", 64));
  ASSIGN_OR_RETURN(std::string deb, p.RequiredString("deb", 4096));
  *deb_path = deb;
  ASSIGN_OR_RETURN(std::string digest, Sha256OfFile(deb));
  pkg.deb_sha256 = std::string(DigestHex(digest));
  return pkg;
}

}  // namespace

absl::StatusOr<Image> ReadSbomSpec(const std::string& spec_path) {
  ASSIGN_OR_RETURN(nlohmann::json j, ReadJsonFile(spec_path, limits::kMaxSpecBytes));
  JsonView spec(j, spec_path);
  RETURN_IF_ERROR(spec.OnlyKeys({"name", "manifest", "config", "base", "layers"}));
  Image image;
  ASSIGN_OR_RETURN(image.name, spec.RequiredString("name", 4096));
  ASSIGN_OR_RETURN(std::string manifest_path, spec.RequiredString("manifest", 4096));
  ASSIGN_OR_RETURN(std::string manifest, ReadFileCapped(manifest_path, limits::kMaxManifestBytes));
  image.manifest_digest = Sha256Digest(manifest);
  ASSIGN_OR_RETURN(std::string config_path, spec.RequiredString("config", 4096));
  ASSIGN_OR_RETURN(std::string config_bytes, ReadFileCapped(config_path, limits::kMaxConfigBytes));
  image.config_digest = Sha256Digest(config_bytes);
  ASSIGN_OR_RETURN(nlohmann::json config_json, ParseJson(config_bytes, config_path));
  JsonView config(config_json, config_path);
  ASSIGN_OR_RETURN(image.created, config.OptionalString("created", "1970-01-01T00:00:00Z", 64));
  ASSIGN_OR_RETURN(image.os, config.OptionalString("os", "", 64));
  ASSIGN_OR_RETURN(image.architecture, config.OptionalString("architecture", "", 64));

  ASSIGN_OR_RETURN(JsonView base, spec.OptionalObject("base"));
  if (base.Has("descriptor")) {
    ASSIGN_OR_RETURN(image.base_target, base.RequiredString("target", 4096));
    ASSIGN_OR_RETURN(std::string path, base.RequiredString("descriptor", 4096));
    ASSIGN_OR_RETURN(nlohmann::json d, ReadJsonFile(path, limits::kMaxDescriptorBytes));
    ASSIGN_OR_RETURN(image.base_digest, DigestField(JsonView(d, path), "digest"));
  }

  ASSIGN_OR_RETURN(std::vector<JsonView> layers, spec.RequiredArray("layers", limits::kMaxLayers));
  std::map<std::string, bool> seen_packages;  // name:arch, listed once (in the lowest layer)
  for (const JsonView& l : layers) {
    RETURN_IF_ERROR(
        l.OnlyKeys({"descriptor", "blob", "target", "base", "staticRoots", "packages"}));
    Layer layer;
    ASSIGN_OR_RETURN(std::string descriptor, l.RequiredString("descriptor", 4096));
    RETURN_IF_ERROR(ReadDescriptor(descriptor, layer));
    ASSIGN_OR_RETURN(layer.target, l.OptionalString("target", "", 4096));
    ASSIGN_OR_RETURN(layer.from_base, l.OptionalBool("base", false));
    ASSIGN_OR_RETURN(layer.static_roots, l.OptionalStringArray("staticRoots", 1000));
    ASSIGN_OR_RETURN(std::vector<JsonView> packages,
                     l.OptionalArray("packages", kMaxLayerPackages));
    LayerContents contents;
    if (!layer.from_base) {
      ASSIGN_OR_RETURN(std::string blob, l.RequiredString("blob", 4096));
      ASSIGN_OR_RETURN(contents, ReadLayerContents(blob));
      layer.files = std::move(contents.files);
    }
    for (const JsonView& p : packages) {
      std::string deb;
      ASSIGN_OR_RETURN(Package pkg, ReadPackage(p, &deb));
      if (seen_packages[pkg.name + ":" + pkg.architecture]) continue;
      seen_packages[pkg.name + ":" + pkg.architecture] = true;
      std::optional<std::string> copyright;
      auto in_layer = contents.copyright.find(pkg.name);
      if (in_layer != contents.copyright.end()) {
        copyright = in_layer->second;
      } else {
        ASSIGN_OR_RETURN(copyright, CopyrightFromDeb(deb, pkg.name));
      }
      if (copyright.has_value()) {
        pkg.copyright_found = true;
        CopyrightLicenses licenses = ParseDep5(*copyright);
        pkg.machine_readable = licenses.machine_readable;
        pkg.licenses = std::move(licenses.licenses);
        pkg.license_texts = std::move(licenses.texts);
      }
      layer.packages.push_back(std::move(pkg));
    }
    image.layers.push_back(std::move(layer));
  }
  return image;
}

}  // namespace sbom
}  // namespace stowage
