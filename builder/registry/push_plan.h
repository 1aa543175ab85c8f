// What a push sends: every blob (configs and layers, once each), the manifests of an index's
// images, and the top manifest or index. Built from flags or from a JSON spec, and checked
// against the manifests before anything goes over the network.
#ifndef STOWAGE_BUILDER_REGISTRY_PUSH_PLAN_H_
#define STOWAGE_BUILDER_REGISTRY_PUSH_PLAN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/registry/blob_upload.h"
#include "builder/registry/url.h"

namespace stowage {
namespace registry {

struct ManifestBlob {
  std::string bytes;
  std::string media_type;
  std::string digest;
  std::string path;
};

// One image's files: the manifest, its config blob, and layer descriptor/blob pairs.
struct ImageFiles {
  std::string manifest;
  std::string config;
  std::vector<std::pair<std::string, std::string>> layers;  // descriptor JSON, blob
};

struct PushPlan {
  std::vector<LocalBlob> blobs;         // unique by digest
  std::vector<ManifestBlob> manifests;  // an index's images, pushed by digest first
  ManifestBlob top;                     // the manifest or index the tags point at
  // Repositories (on the target registry) that blobs may be mounted from.
  std::vector<std::string> mount_sources;
};

// Reads a manifest file: its bytes, digest and media type (the "mediaType" field; without
// one, an object with "manifests" is an OCI index, otherwise an OCI manifest).
absl::StatusOr<ManifestBlob> ReadManifest(const std::string& path);

// A single image. `target` decides which `source` repositories can be mounted from.
absl::StatusOr<PushPlan> PlanImage(const ImageFiles& image, const RepositoryRef& target);

// An index and its images (each image's manifest must be listed in the index).
absl::StatusOr<PushPlan> PlanIndex(const std::string& index_path,
                                   const std::vector<ImageFiles>& images,
                                   const RepositoryRef& target);

// A JSON spec (written by the oci_push rule):
//   {"manifest": F, "config": F, "layers": [{"descriptor": F, "blob": F}, ...]}
// or {"index": F, "images": [<image spec>, ...]}. Relative paths resolve against `base_dir`.
absl::StatusOr<PushPlan> PlanFromSpec(const std::string& spec_path, const std::string& base_dir,
                                      const RepositoryRef& target);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_PUSH_PLAN_H_
