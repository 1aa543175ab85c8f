// Named caps for every size that input from outside can drive (registries, image JSON, specs,
// credential helpers). A value over its cap is an error naming the cap, never a crash, a
// runaway allocation or a silently truncated read. Layer and blob bytes are not capped here:
// they are streamed, never held in memory.
#ifndef STOWAGE_BUILDER_COMMON_LIMITS_H_
#define STOWAGE_BUILDER_COMMON_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace stowage {
namespace limits {

// Image manifests and indexes. distribution (docker-registry) refuses manifests over 4 MiB,
// and so do containerd and the Docker engine; none that a registry serves is larger.
inline constexpr int64_t kMaxManifestBytes = 4 << 20;
inline constexpr int64_t kMaxIndexBytes = 4 << 20;
// An image config is held in memory and parsed; real ones are a few KiB (history included).
inline constexpr int64_t kMaxConfigBytes = 8 << 20;
// Layers per image: overlayfs stacks at most 128 lower directories and the Docker engine
// refuses more than 125 layers; 1000 leaves room for tools that squash later.
inline constexpr size_t kMaxLayers = 1000;
// Images per index (multi-platform images have a handful; attestations double that).
inline constexpr size_t kMaxIndexEntries = 1000;
// Descriptor files (a layer's or a manifest's) that stowage pull or the rules wrote.
inline constexpr int64_t kMaxDescriptorBytes = 1 << 20;
// Specs the Bazel rules write (layer, image, static, push, deploy). A layer of 46,000 files
// has a spec of about 6 MiB.
inline constexpr int64_t kMaxSpecBytes = 64 << 20;
// docker config.json (and $DOCKER_AUTH_CONFIG) and a credential helper's answer.
inline constexpr int64_t kMaxDockerConfigBytes = 1 << 20;
inline constexpr int64_t kMaxCredentialHelperOutput = 1 << 20;
// Nesting of any JSON document we parse: nlohmann's copy, comparison and dump recurse, so a
// document nested a million deep would overflow the stack. Real documents nest < 10 deep.
inline constexpr int kMaxJsonDepth = 64;
// A JSON document of any other kind, when the caller names no cap of its own.
inline constexpr int64_t kMaxJsonBytes = 64 << 20;
// The longest path inside an image or a tree stowage writes (image paths, static file names),
// in bytes: Linux's PATH_MAX, the most a container runtime can open in one call. It also bounds
// what one path costs: every parent of a path is an entry (a tar header, a directory) of its
// own, so the parents of a path of n bytes add up to O(n^2) bytes.
inline constexpr size_t kMaxImagePathBytes = 4096;
// The most bytes the names of one layer's entries, or one static tree's files and directories,
// may add up to (parents included: each is written in full in its tar header). A layer of a
// million files with 200-byte paths stays far below; a spec of deeply nested paths reaches it
// long before it costs gigabytes.
inline constexpr uint64_t kMaxTreeNameBytes = uint64_t{256} << 20;
// Environment entries, labels, annotations, exposed ports, volumes per image config.
inline constexpr size_t kMaxConfigEntries = 10000;

}  // namespace limits
}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_LIMITS_H_
