#include "builder/registry/push_plan.h"

#include <limits>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/capped_read.h"
#include "builder/common/files.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/registry/manifest_types.h"

namespace stowage {
namespace registry {
namespace {

struct Descriptor {
  std::string digest;
  int64_t size = 0;
};

absl::StatusOr<Descriptor> ParseDescriptor(const JsonView& j) {
  RETURN_IF_ERROR(j.ExpectObject());
  Descriptor d;
  ASSIGN_OR_RETURN(d.digest, j.RequiredString("digest"));
  if (absl::Status valid = ValidateDigest(d.digest); !valid.ok()) {
    return j.Error(absl::StrCat("digest: ", valid.message()));
  }
  ASSIGN_OR_RETURN(d.size, j.RequiredInt("size", 0, std::numeric_limits<int64_t>::max()));
  return d;
}

std::string Join(const std::string& base, const std::string& path) {
  if (base.empty() || absl::StartsWith(path, "/")) return path;
  return base + "/" + path;
}

void AddBlob(PushPlan& plan, std::set<std::string>& seen, LocalBlob blob) {
  if (!seen.insert(blob.digest).second) return;
  plan.blobs.push_back(std::move(blob));
}

absl::Status AddImage(const ImageFiles& image, const RepositoryRef& target, PushPlan& plan,
                      std::set<std::string>& seen, ManifestBlob* manifest_out) {
  ASSIGN_OR_RETURN(ManifestBlob manifest, ReadManifest(image.manifest));
  if (!IsManifestType(manifest.media_type)) {
    return absl::InvalidArgumentError(
        absl::StrCat(image.manifest, " is a ", manifest.media_type, ", not an image manifest"));
  }
  ASSIGN_OR_RETURN(nlohmann::json m_json, ParseJson(manifest.bytes, image.manifest));
  JsonView m(m_json, image.manifest);
  ASSIGN_OR_RETURN(JsonView config_view, m.RequiredObject("config"));
  ASSIGN_OR_RETURN(Descriptor config, ParseDescriptor(config_view));
  if (image.config.empty())
    return absl::InvalidArgumentError("missing --config for " + image.manifest);
  AddBlob(plan, seen, LocalBlob{config.digest, config.size, image.config, "config", ""});

  // Every layer the manifest lists must come with a file; nothing extra may be given.
  std::map<std::string, LocalBlob> given;
  for (const auto& [descriptor_path, blob_path] : image.layers) {
    ASSIGN_OR_RETURN(nlohmann::json dj, ReadJsonFile(descriptor_path, limits::kMaxDescriptorBytes));
    JsonView descriptor(dj, descriptor_path);
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(descriptor));
    LocalBlob blob{d.digest, d.size, blob_path, "layer", ""};
    ASSIGN_OR_RETURN(std::string source_text, descriptor.OptionalString("source"));
    if (!source_text.empty()) {
      absl::StatusOr<RepositoryRef> source = ParseRepository(source_text);
      if (source.ok() && source->host == target.host && source->name != target.name) {
        blob.mount_from = source->name;
        plan.mount_sources.push_back(source->name);
      }
    }
    auto [it, inserted] = given.emplace(d.digest, blob);
    if (!inserted && it->second.size != d.size) {
      return absl::InvalidArgumentError(absl::StrCat("layer ", d.digest, " is given with sizes ",
                                                     it->second.size, " and ", d.size));
    }
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> layers, m.RequiredArray("layers", limits::kMaxLayers));
  std::set<std::string> listed;
  for (const JsonView& layer : layers) {
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(layer));
    listed.insert(d.digest);
    auto it = given.find(d.digest);
    if (it == given.end()) {
      return absl::InvalidArgumentError(absl::StrCat(image.manifest, " lists layer ", d.digest,
                                                     " but no --layer descriptor gives it"));
    }
    if (it->second.size != d.size) {
      return absl::InvalidArgumentError(absl::StrCat("layer ", d.digest, ": size ", d.size,
                                                     " in the manifest, ", it->second.size,
                                                     " in its descriptor"));
    }
    AddBlob(plan, seen, it->second);
  }
  for (const auto& [digest, blob] : given) {
    if (listed.count(digest) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("layer ", digest, " (", blob.path, ") is not in ", image.manifest));
    }
  }
  *manifest_out = std::move(manifest);
  return absl::OkStatus();
}

absl::StatusOr<std::string> SpecPath(const JsonView& j, const char* key, const std::string& base) {
  ASSIGN_OR_RETURN(std::string path, j.RequiredString(key));
  if (path.empty()) return j.Error(absl::StrCat("\"", key, "\" is empty"));
  return Join(base, path);
}

absl::StatusOr<ImageFiles> ImageFromSpec(const JsonView& j, const std::string& base) {
  RETURN_IF_ERROR(j.ExpectObject());
  ImageFiles image;
  ASSIGN_OR_RETURN(image.manifest, SpecPath(j, "manifest", base));
  ASSIGN_OR_RETURN(image.config, SpecPath(j, "config", base));
  ASSIGN_OR_RETURN(std::vector<JsonView> layers, j.OptionalArray("layers", limits::kMaxLayers));
  for (const JsonView& l : layers) {
    RETURN_IF_ERROR(l.ExpectObject());
    ASSIGN_OR_RETURN(std::string descriptor, SpecPath(l, "descriptor", base));
    ASSIGN_OR_RETURN(std::string blob, SpecPath(l, "blob", base));
    image.layers.emplace_back(std::move(descriptor), std::move(blob));
  }
  return image;
}

}  // namespace

absl::StatusOr<ManifestBlob> ReadManifest(const std::string& path) {
  ManifestBlob m;
  m.path = path;
  ASSIGN_OR_RETURN(m.bytes, ReadFileCapped(path, limits::kMaxManifestBytes));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(m.bytes, path));
  JsonView view(j, path);
  RETURN_IF_ERROR(view.ExpectObject());
  ASSIGN_OR_RETURN(m.media_type, view.OptionalString("mediaType"));
  if (m.media_type.empty()) m.media_type = view.Has("manifests") ? kOciIndex : kOciManifest;
  if (!IsManifestType(m.media_type) && !IsIndexType(m.media_type)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": unsupported manifest mediaType \"", m.media_type, "\""));
  }
  m.digest = Sha256Digest(m.bytes);
  return m;
}

absl::StatusOr<PushPlan> PlanImage(const ImageFiles& image, const RepositoryRef& target) {
  PushPlan plan;
  std::set<std::string> seen;
  RETURN_IF_ERROR(AddImage(image, target, plan, seen, &plan.top));
  return plan;
}

absl::StatusOr<PushPlan> PlanIndex(const std::string& index_path,
                                   const std::vector<ImageFiles>& images,
                                   const RepositoryRef& target) {
  PushPlan plan;
  std::set<std::string> seen;
  ASSIGN_OR_RETURN(plan.top, ReadManifest(index_path));
  if (!IsIndexType(plan.top.media_type)) {
    return absl::InvalidArgumentError(index_path + " is not an image index");
  }
  ASSIGN_OR_RETURN(nlohmann::json index_json, ParseJson(plan.top.bytes, index_path));
  JsonView index(index_json, index_path);
  std::set<std::string> images_given;
  for (const ImageFiles& image : images) {
    ManifestBlob manifest;
    RETURN_IF_ERROR(AddImage(image, target, plan, seen, &manifest));
    images_given.insert(manifest.digest);
    plan.manifests.push_back(std::move(manifest));
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> entries,
                   index.RequiredArray("manifests", limits::kMaxIndexEntries));
  for (const JsonView& entry : entries) {
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(entry));
    if (images_given.count(d.digest) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(index_path, " lists ", d.digest, " but no image gives that manifest"));
    }
  }
  return plan;
}

absl::StatusOr<PushPlan> PlanFromSpec(const std::string& spec_path, const std::string& base_dir,
                                      const RepositoryRef& target) {
  ASSIGN_OR_RETURN(nlohmann::json spec_json, ReadJsonFile(spec_path, limits::kMaxSpecBytes));
  JsonView spec(spec_json, spec_path);
  RETURN_IF_ERROR(spec.ExpectObject());
  if (spec.Has("index")) {
    ASSIGN_OR_RETURN(std::string index, SpecPath(spec, "index", base_dir));
    ASSIGN_OR_RETURN(std::vector<JsonView> image_specs,
                     spec.OptionalArray("images", limits::kMaxIndexEntries));
    std::vector<ImageFiles> images;
    for (const JsonView& i : image_specs) {
      ASSIGN_OR_RETURN(ImageFiles image, ImageFromSpec(i, base_dir));
      images.push_back(std::move(image));
    }
    return PlanIndex(index, images, target);
  }
  ASSIGN_OR_RETURN(ImageFiles image, ImageFromSpec(spec, base_dir));
  return PlanImage(image, target);
}

}  // namespace registry
}  // namespace stowage
