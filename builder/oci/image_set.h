// The blobs of one image or one image index, gathered from the files Bazel rules pass around
// (descriptors, config, manifest, layer blobs) and checked for consistency: the manifest names
// this config and these layers, in this order. Used by the layout and tarball writers.
#ifndef STOWAGE_BUILDER_OCI_IMAGE_SET_H_
#define STOWAGE_BUILDER_OCI_IMAGE_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/oci/descriptor.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace oci {

// One content-addressed blob: small ones are held in memory, layers stay in their files.
struct Blob {
  std::string digest;
  int64_t size = 0;
  std::string path;       // a file to stream from; empty when `bytes` holds the content
  std::string bytes;      // content of small blobs (configs, manifests, indexes)
  bool may_link = false;  // the file may be hard-linked rather than copied
};

struct ImageEntry {
  Descriptor descriptor;    // the manifest's descriptor
  std::string config_path;  // blobs/sha256/<hex> of the config, for docker-archive
  std::string config_digest;
  std::vector<std::string> layer_digests;  // in stack order
  std::vector<std::string> layer_diff_ids;
};

struct ImageSet {
  Descriptor root;                 // what index.json points at: an image or an index
  std::vector<ImageEntry> images;  // every image, in index order
  std::vector<Blob> blobs;         // every blob once, sorted by digest
};

// Reads a spec such as
//   {"images":[{"descriptor":P,"manifest":P,"config":P,
//               "layers":[{"descriptor":P,"blob":P,"link":true}]}],
//    "index":{"descriptor":P,"index":P}}   // "index" only for an image index
// and checks that every manifest and the index match their descriptors and name exactly the
// given config and layers. Layer blob contents are verified later, while they are copied.
absl::StatusOr<ImageSet> LoadImageSet(const nlohmann::json& spec);

// Copies (or hard-links, when allowed and possible) `blob` to `dest`, verifying its size and
// sha256 on the way; a mismatch is an error naming the file.
absl::Status WriteBlobVerified(const Blob& blob, const std::string& dest);

// "blobs/sha256/<hex>"
std::string BlobPath(const std::string& digest);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_IMAGE_SET_H_
