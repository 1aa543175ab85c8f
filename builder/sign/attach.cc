#include "builder/sign/attach.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/registry/manifest_types.h"
#include "builder/sign/dsse.h"
#include "builder/sign/ecdsa.h"
#include "builder/sign/registry_io.h"
#include "builder/sign/simple_signing.h"

namespace stowage {
namespace sign {
namespace {

// Pushes a referrer manifest for `layer` and, without a referrers API, adds it to the tag
// schema index.
absl::Status PushReferrer(registry::RegistryClient& client, const registry::RepositoryRef& repo,
                          const Descriptor& subject, const std::string& artifact_type,
                          const Blob& layer, AttachResult& result) {
  ASSIGN_OR_RETURN(BuiltManifest referrer,
                   ReferrerManifest(artifact_type, {RefOf(layer)}, subject));
  RETURN_IF_ERROR(
      Upload(client, repo, {referrer.config, layer}, referrer.bytes, oci::kOciManifest, {}));
  result.referrer_digest = referrer.digest;
  ASSIGN_OR_RETURN(std::optional<std::string> api, FetchReferrersApi(client, repo, subject.digest));
  if (api.has_value()) {
    result.referrers_api = true;
    return absl::OkStatus();
  }
  std::string tag = ReferrersTag(subject.digest);
  ASSIGN_OR_RETURN(std::optional<FetchedManifest> existing, FetchManifest(client, repo, tag));
  Descriptor entry;
  entry.media_type = oci::kOciManifest;
  entry.digest = referrer.digest;
  entry.size = static_cast<int64_t>(referrer.bytes.size());
  entry.artifact_type = artifact_type;
  entry.annotations = layer.annotations;
  entry.annotations.erase(kSignatureAnnotation);  // the index needs no copy of the signature
  ASSIGN_OR_RETURN(std::string index, AddReferrer(existing.has_value() ? existing->bytes : "",
                                                  absl::StrCat(repo.ToString(), ":", tag), entry));
  return Upload(client, repo, {}, index, oci::kOciIndex, {tag});
}

// Layers of the manifest at a cosign tag; empty when there is none.
absl::StatusOr<std::vector<LayerRef>> ExistingLayers(registry::RegistryClient& client,
                                                     const registry::RepositoryRef& repo,
                                                     const std::string& tag) {
  ASSIGN_OR_RETURN(std::optional<FetchedManifest> m, FetchManifest(client, repo, tag));
  if (!m.has_value()) return std::vector<LayerRef>{};
  return ParseManifestLayers(m->bytes, absl::StrCat(repo.ToString(), ":", tag));
}

absl::StatusOr<AttachResult> Attach(registry::RegistryClient& client,
                                    const registry::RepositoryRef& repo, const Descriptor& subject,
                                    const std::string& tag, std::vector<LayerRef> keep,
                                    const Blob& layer, const std::string& artifact_type) {
  AttachResult result;
  result.cosign_tag = tag;
  keep.push_back(RefOf(layer));
  if (keep.size() > kMaxAttachedLayers) {
    return absl::ResourceExhaustedError(
        absl::StrCat(repo.ToString(), ":", tag, " already holds ", keep.size() - 1, " entries"));
  }
  ASSIGN_OR_RETURN(BuiltManifest manifest, CosignManifest(keep));
  // Only the new layer and the config may be missing; the kept ones are in the registry.
  RETURN_IF_ERROR(
      Upload(client, repo, {manifest.config, layer}, manifest.bytes, oci::kOciManifest, {tag}));
  RETURN_IF_ERROR(PushReferrer(client, repo, subject, artifact_type, layer, result));
  return result;
}

}  // namespace

absl::StatusOr<Descriptor> ResolveSubject(registry::RegistryClient& client,
                                          const registry::RepositoryRef& repo,
                                          const std::string& reference) {
  ASSIGN_OR_RETURN(std::optional<FetchedManifest> m, FetchManifest(client, repo, reference));
  if (!m.has_value()) {
    return absl::NotFoundError(absl::StrCat("no manifest ", repo.ToString(), ":", reference));
  }
  if (!registry::IsManifestType(m->media_type) && !registry::IsIndexType(m->media_type)) {
    return absl::InvalidArgumentError(
        absl::StrCat(repo.ToString(), ":", reference, " is not an image manifest or index"));
  }
  Descriptor d;
  d.media_type = m->media_type;
  d.digest = m->digest;
  d.size = static_cast<int64_t>(m->bytes.size());
  return d;
}

absl::StatusOr<AttachResult> AttachSignature(registry::RegistryClient& client,
                                             const registry::RepositoryRef& repo,
                                             const Descriptor& subject, const SigningKey& key) {
  ASSIGN_OR_RETURN(std::string payload, SimpleSigningPayload({repo.ToString(), subject.digest}));
  std::string payload_digest = Sha256Digest(payload);
  std::string tag = SignatureTag(subject.digest);
  ASSIGN_OR_RETURN(std::vector<LayerRef> existing, ExistingLayers(client, repo, tag));
  ASSIGN_OR_RETURN(std::string public_pem, key.PublicKeyPem());
  ASSIGN_OR_RETURN(PublicKey public_key, ParsePublicKey(public_pem, "the signing key"));
  for (const LayerRef& l : existing) {
    // The same payload (so the same bytes: it is canonical) with a signature by this key.
    if (l.digest != payload_digest) continue;
    auto sig = l.annotations.find(kSignatureAnnotation);
    std::string der;
    if (sig != l.annotations.end() && absl::Base64Unescape(sig->second, &der) &&
        VerifyBytes(public_key, payload, der).ok()) {
      AttachResult result;
      result.already = true;
      result.cosign_tag = tag;
      return result;
    }
  }
  ASSIGN_OR_RETURN(std::string der, SignBytes(key, payload));
  Blob layer =
      MakeBlob(payload, kSimpleSigningMediaType, {{kSignatureAnnotation, absl::Base64Escape(der)}});
  return Attach(client, repo, subject, tag, existing, layer, kSignatureArtifactType);
}

absl::StatusOr<AttachResult> AttachAttestation(registry::RegistryClient& client,
                                               const registry::RepositoryRef& repo,
                                               const Descriptor& subject, const SigningKey& key,
                                               const std::string& predicate_type,
                                               const nlohmann::json& predicate) {
  ASSIGN_OR_RETURN(std::string statement,
                   MakeStatement(repo.ToString(), subject.digest, predicate_type, predicate));
  std::string tag = AttestationTag(subject.digest);
  ASSIGN_OR_RETURN(std::vector<LayerRef> existing, ExistingLayers(client, repo, tag));
  ASSIGN_OR_RETURN(std::string public_pem, key.PublicKeyPem());
  ASSIGN_OR_RETURN(PublicKey public_key, ParsePublicKey(public_pem, "the signing key"));
  std::vector<LayerRef> keep;
  for (const LayerRef& l : existing) {
    auto type = l.annotations.find(kPredicateTypeAnnotation);
    if (type == l.annotations.end() || type->second != predicate_type) {
      keep.push_back(l);
      continue;
    }
    // Same predicate type: unchanged when it is this very statement signed by this key.
    if (l.media_type != kDsseMediaType || l.size > kMaxEnvelopeBytes) continue;
    ASSIGN_OR_RETURN(std::string envelope, FetchBlob(client, repo, l.digest, kMaxEnvelopeBytes));
    absl::StatusOr<Statement> opened = OpenEnvelope(envelope, public_key, l.digest);
    if (!opened.ok()) continue;
    ASSIGN_OR_RETURN(std::string again, MakeStatement(repo.ToString(), subject.digest,
                                                      opened->predicate_type, opened->predicate));
    if (again == statement && opened->subject_digests.size() == 1 &&
        opened->subject_digests[0] == subject.digest) {
      AttachResult result;
      result.already = true;
      result.cosign_tag = tag;
      return result;
    }
  }
  ASSIGN_OR_RETURN(std::string envelope, SignEnvelope(key, kInTotoPayloadType, statement));
  Blob layer = MakeBlob(envelope, kDsseMediaType,
                        {{kSignatureAnnotation, ""}, {kPredicateTypeAnnotation, predicate_type}});
  return Attach(client, repo, subject, tag, keep, layer, kDsseMediaType);
}

}  // namespace sign
}  // namespace stowage
