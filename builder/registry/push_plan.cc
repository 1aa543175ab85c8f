#include "builder/registry/push_plan.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
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

absl::StatusOr<Descriptor> ParseDescriptor(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("digest") || !j["digest"].is_string() || !j.contains("size") ||
      !j["size"].is_number_integer()) {
    return absl::InvalidArgumentError(where + ": a descriptor needs \"digest\" and \"size\"");
  }
  Descriptor d{j["digest"].get<std::string>(), j["size"].get<int64_t>()};
  RETURN_IF_ERROR(ValidateDigest(d.digest));
  if (d.size < 0) return absl::InvalidArgumentError(where + ": negative size");
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
  ASSIGN_OR_RETURN(nlohmann::json m, ParseJson(manifest.bytes, image.manifest));
  if (!m.contains("config")) return absl::InvalidArgumentError(image.manifest + ": no config");
  ASSIGN_OR_RETURN(Descriptor config, ParseDescriptor(m["config"], image.manifest + " config"));
  if (image.config.empty())
    return absl::InvalidArgumentError("missing --config for " + image.manifest);
  AddBlob(plan, seen, LocalBlob{config.digest, config.size, image.config, "config", ""});

  // Every layer the manifest lists must come with a file; nothing extra may be given.
  std::map<std::string, LocalBlob> given;
  for (const auto& [descriptor_path, blob_path] : image.layers) {
    ASSIGN_OR_RETURN(nlohmann::json dj, ReadJsonFile(descriptor_path));
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(dj, descriptor_path));
    LocalBlob blob{d.digest, d.size, blob_path, "layer", ""};
    if (dj.contains("source") && dj["source"].is_string()) {
      absl::StatusOr<RepositoryRef> source = ParseRepository(dj["source"].get<std::string>());
      if (source.ok() && source->host == target.host && source->name != target.name) {
        blob.mount_from = source->name;
        plan.mount_sources.push_back(source->name);
      }
    }
    given[d.digest] = blob;
  }
  if (!m.contains("layers") || !m["layers"].is_array()) {
    return absl::InvalidArgumentError(image.manifest + ": no layers array");
  }
  std::set<std::string> listed;
  for (const auto& layer : m["layers"]) {
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(layer, image.manifest + " layer"));
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

absl::StatusOr<ImageFiles> ImageFromSpec(const nlohmann::json& j, const std::string& base,
                                         const std::string& where) {
  if (!j.is_object() || !j.contains("manifest") || !j.contains("config")) {
    return absl::InvalidArgumentError(where + ": an image needs \"manifest\" and \"config\"");
  }
  ImageFiles image;
  image.manifest = Join(base, j["manifest"].get<std::string>());
  image.config = Join(base, j["config"].get<std::string>());
  if (j.contains("layers")) {
    for (const auto& l : j["layers"]) {
      if (!l.is_object() || !l.contains("descriptor") || !l.contains("blob")) {
        return absl::InvalidArgumentError(where + ": a layer needs \"descriptor\" and \"blob\"");
      }
      image.layers.emplace_back(Join(base, l["descriptor"].get<std::string>()),
                                Join(base, l["blob"].get<std::string>()));
    }
  }
  return image;
}

}  // namespace

absl::StatusOr<ManifestBlob> ReadManifest(const std::string& path) {
  ManifestBlob m;
  m.path = path;
  ASSIGN_OR_RETURN(m.bytes, ReadFile(path));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(m.bytes, path));
  if (!j.is_object()) return absl::InvalidArgumentError(path + ": a manifest is a JSON object");
  if (j.contains("mediaType") && j["mediaType"].is_string()) {
    m.media_type = j["mediaType"].get<std::string>();
  } else {
    m.media_type = j.contains("manifests") ? kOciIndex : kOciManifest;
  }
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
  ASSIGN_OR_RETURN(nlohmann::json index, ParseJson(plan.top.bytes, index_path));
  std::set<std::string> images_given;
  for (const ImageFiles& image : images) {
    ManifestBlob manifest;
    RETURN_IF_ERROR(AddImage(image, target, plan, seen, &manifest));
    images_given.insert(manifest.digest);
    plan.manifests.push_back(std::move(manifest));
  }
  if (!index.contains("manifests") || !index["manifests"].is_array()) {
    return absl::InvalidArgumentError(index_path + ": no manifests array");
  }
  for (const auto& entry : index["manifests"]) {
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(entry, index_path + " manifests"));
    if (images_given.count(d.digest) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(index_path, " lists ", d.digest, " but no image gives that manifest"));
    }
  }
  return plan;
}

absl::StatusOr<PushPlan> PlanFromSpec(const std::string& spec_path, const std::string& base_dir,
                                      const RepositoryRef& target) {
  ASSIGN_OR_RETURN(nlohmann::json spec, ReadJsonFile(spec_path));
  try {
    if (spec.contains("index")) {
      std::vector<ImageFiles> images;
      for (const auto& i : spec.value("images", nlohmann::json::array())) {
        ASSIGN_OR_RETURN(ImageFiles image, ImageFromSpec(i, base_dir, spec_path));
        images.push_back(std::move(image));
      }
      return PlanIndex(Join(base_dir, spec["index"].get<std::string>()), images, target);
    }
    ASSIGN_OR_RETURN(ImageFiles image, ImageFromSpec(spec, base_dir, spec_path));
    return PlanImage(image, target);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(spec_path, ": ", e.what()));
  }
}

}  // namespace registry
}  // namespace stowage
