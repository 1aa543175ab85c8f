// Where cosign-compatible signatures and attestations live in a registry, and the manifests
// that hold them.
//
// - cosign's tag layout, read by cosign and by containers/image (`use-sigstore-attachments`):
//   the tag `sha256-<hex>.sig` (signatures) or `.att` (attestations) of the signed manifest's
//   digest names an OCI manifest whose layers are the signed payloads, each signature in the
//   layer annotation `dev.cosignproject.cosign/signature`.
// - OCI 1.1 referrers: a manifest with `artifactType` and a `subject` descriptor of the signed
//   manifest; registries without the referrers API (Debian's docker-registry) get the
//   referrers tag schema: an index at tag `sha256-<hex>` listing every referrer.
#ifndef STOWAGE_BUILDER_SIGN_COSIGN_LAYOUT_H_
#define STOWAGE_BUILDER_SIGN_COSIGN_LAYOUT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "builder/oci/media_types.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace sign {

inline constexpr char kSimpleSigningMediaType[] =
    "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr char kDsseMediaType[] = "application/vnd.dsse.envelope.v1+json";
inline constexpr char kSignatureAnnotation[] = "dev.cosignproject.cosign/signature";
inline constexpr char kPredicateTypeAnnotation[] = "predicateType";
inline constexpr char kSignatureArtifactType[] = "application/vnd.dev.cosign.artifact.sig.v1+json";
inline constexpr char kOciEmptyType[] = "application/vnd.oci.empty.v1+json";

// Signatures or attestations per image we read back (cosign appends one per signing).
inline constexpr size_t kMaxAttachedLayers = 100;
// An attestation envelope (an SBOM of a big image is a few MiB).
inline constexpr int64_t kMaxEnvelopeBytes = 64 << 20;

// "sha256-<hex>.sig", "sha256-<hex>.att", "sha256-<hex>" (referrers tag schema).
std::string SignatureTag(absl::string_view manifest_digest);
std::string AttestationTag(absl::string_view manifest_digest);
std::string ReferrersTag(absl::string_view manifest_digest);

// A blob with its descriptor fields.
struct Blob {
  std::string bytes;
  std::string media_type;
  std::string digest;  // of bytes
  std::map<std::string, std::string> annotations;
};
Blob MakeBlob(std::string bytes, std::string media_type,
              std::map<std::string, std::string> annotations = {});

// A layer descriptor read from a manifest.
struct LayerRef {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::map<std::string, std::string> annotations;
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::string artifact_type;  // for index entries of the referrers tag schema
  std::map<std::string, std::string> annotations;
};

// cosign's manifest: an OCI image manifest whose config lists the layers' digests as
// diff_ids (zero times, no platform: the same layers give the same bytes). Returns the config
// blob and the manifest bytes.
struct BuiltManifest {
  Blob config;
  std::string bytes;
  std::string digest;
};
absl::StatusOr<BuiltManifest> CosignManifest(const std::vector<LayerRef>& layers);

// An OCI 1.1 artifact manifest (image manifest with artifactType, empty config) referring to
// `subject`.
absl::StatusOr<BuiltManifest> ReferrerManifest(absl::string_view artifact_type,
                                               const std::vector<LayerRef>& layers,
                                               const Descriptor& subject);

LayerRef RefOf(const Blob& blob);

// The layers of a manifest from a registry (a cosign tag): typed access, caps, digests checked.
absl::StatusOr<std::vector<LayerRef>> ParseManifestLayers(absl::string_view bytes,
                                                          absl::string_view where);

// The referrers index at the tag schema tag with `entry` added (or unchanged when an entry
// with its digest is there). `existing` is empty when there is none yet. Entries of the wrong
// shape in `existing` are an error, not silently dropped.
absl::StatusOr<std::string> AddReferrer(absl::string_view existing, absl::string_view where,
                                        const Descriptor& entry);
// The entries of a referrers index (from the API or the tag schema).
absl::StatusOr<std::vector<Descriptor>> ParseReferrers(absl::string_view bytes,
                                                       absl::string_view where);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_COSIGN_LAYOUT_H_
