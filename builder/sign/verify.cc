#include "builder/sign/verify.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"
#include "builder/net/server_text.h"
#include "builder/registry/progress.h"
#include "builder/sign/dsse.h"
#include "builder/sign/ecdsa.h"
#include "builder/sign/registry_io.h"
#include "builder/sign/simple_signing.h"

namespace stowage {
namespace sign {
namespace {

// Referrers we look at per image (each is one more manifest to fetch).
constexpr size_t kMaxReferrersChecked = 100;

// One signature layer: OK when its payload is signed by `key` and names this image.
absl::Status CheckSignatureLayer(registry::RegistryClient& client,
                                 const registry::RepositoryRef& repo, const Descriptor& subject,
                                 const PublicKey& key, const LayerRef& layer) {
  if (layer.size > static_cast<int64_t>(kMaxPayloadBytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload ", layer.digest, " is over ", kMaxPayloadBytes, " bytes"));
  }
  auto annotation = layer.annotations.find(kSignatureAnnotation);
  if (annotation == layer.annotations.end()) {
    return absl::InvalidArgumentError(absl::StrCat("payload ", layer.digest, " has no signature"));
  }
  std::string der;
  if (!absl::Base64Unescape(annotation->second, &der)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the signature of payload ", layer.digest, " is not base64"));
  }
  ASSIGN_OR_RETURN(std::string payload,
                   FetchBlob(client, repo, layer.digest, static_cast<int64_t>(kMaxPayloadBytes)));
  absl::Status valid = VerifyBytes(key, payload, der);
  if (!valid.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat("payload ", layer.digest, ": ", valid.message()));
  }
  ASSIGN_OR_RETURN(SimpleSigning claim, ParseSimpleSigningPayload(payload, layer.digest));
  if (claim.manifest_digest != subject.digest) {
    return absl::PermissionDeniedError(absl::StrCat("payload ", layer.digest, " signs ",
                                                    claim.manifest_digest, ", not this image"));
  }
  if (claim.docker_reference != repo.ToString()) {
    return absl::PermissionDeniedError(
        absl::StrCat("payload ", layer.digest, " signs the image as ",
                     net::ServerText(claim.docker_reference, 200), ", not as ", repo.ToString()));
  }
  return absl::OkStatus();
}

// One attestation layer: the statement when the envelope is signed by `key` and its subject
// is this image.
absl::StatusOr<Statement> CheckAttestationLayer(registry::RegistryClient& client,
                                                const registry::RepositoryRef& repo,
                                                const Descriptor& subject, const PublicKey& key,
                                                const LayerRef& layer) {
  if (layer.size > kMaxEnvelopeBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("envelope ", layer.digest, " is over ", kMaxEnvelopeBytes, " bytes"));
  }
  ASSIGN_OR_RETURN(std::string envelope, FetchBlob(client, repo, layer.digest, kMaxEnvelopeBytes));
  ASSIGN_OR_RETURN(Statement st, OpenEnvelope(envelope, key, layer.digest));
  bool names_subject = false;
  for (const std::string& d : st.subject_digests)
    names_subject = names_subject || d == subject.digest;
  if (!names_subject) {
    return absl::PermissionDeniedError(
        absl::StrCat("envelope ", layer.digest, " is about another image"));
  }
  return st;
}

class Checker {
 public:
  Checker(registry::RegistryClient& client, const registry::RepositoryRef& repo,
          const Descriptor& subject, const PublicKey& key, VerifyReport& report)
      : client_(client), repo_(repo), subject_(subject), key_(key), report_(report) {}

  // Checks the layers of one manifest; `in_tag` says where valid signatures are counted.
  void Layers(const std::vector<LayerRef>& layers, const std::string& where, bool in_tag) {
    for (const LayerRef& l : layers) {
      if (l.media_type == kSimpleSigningMediaType) {
        absl::Status s = CheckSignatureLayer(client_, repo_, subject_, key_, l);
        if (s.ok()) {
          ++(in_tag ? report_.signatures_in_tag : report_.signatures_in_referrers);
        } else {
          Problem(where, s);
        }
      } else if (l.media_type == kDsseMediaType) {
        absl::StatusOr<Statement> st = CheckAttestationLayer(client_, repo_, subject_, key_, l);
        if (st.ok()) {
          report_.attestations.push_back({st->predicate_type, where, st->predicate});
        } else {
          Problem(where, st.status());
        }
      }
    }
  }

  void Problem(const std::string& where, const absl::Status& s) {
    ++report_.invalid;
    report_.problems.push_back(absl::StrCat(where, ": ", s.message()));
  }

 private:
  registry::RegistryClient& client_;
  const registry::RepositoryRef& repo_;
  const Descriptor& subject_;
  const PublicKey& key_;
  VerifyReport& report_;
};

}  // namespace

absl::StatusOr<VerifyReport> VerifyImage(registry::RegistryClient& client,
                                         const registry::RepositoryRef& repo,
                                         const Descriptor& subject, const PublicKey& key) {
  VerifyReport report;
  report.subject = subject;
  Checker checker(client, repo, subject, key, report);

  for (const std::string& tag : {SignatureTag(subject.digest), AttestationTag(subject.digest)}) {
    ASSIGN_OR_RETURN(std::optional<FetchedManifest> m, FetchManifest(client, repo, tag));
    if (!m.has_value()) continue;
    std::string where = absl::StrCat("tag ", tag);
    absl::StatusOr<std::vector<LayerRef>> layers = ParseManifestLayers(m->bytes, where);
    if (!layers.ok()) {
      checker.Problem(where, layers.status());
      continue;
    }
    checker.Layers(*layers, where, /*in_tag=*/true);
  }

  // Referrers: the API when the registry has one, else the tag schema index.
  ASSIGN_OR_RETURN(std::optional<std::string> index,
                   FetchReferrersApi(client, repo, subject.digest));
  std::string index_where = "the referrers API";
  if (!index.has_value()) {
    std::string tag = ReferrersTag(subject.digest);
    ASSIGN_OR_RETURN(std::optional<FetchedManifest> m, FetchManifest(client, repo, tag));
    if (m.has_value()) index = m->bytes;
    index_where = absl::StrCat("tag ", tag);
  }
  if (index.has_value()) {
    absl::StatusOr<std::vector<Descriptor>> entries = ParseReferrers(*index, index_where);
    if (!entries.ok()) {
      checker.Problem(index_where, entries.status());
    } else {
      size_t checked = 0;
      for (const Descriptor& e : *entries) {
        if (e.artifact_type != kSignatureArtifactType && e.artifact_type != kDsseMediaType)
          continue;
        if (++checked > kMaxReferrersChecked) {
          checker.Problem(index_where, absl::ResourceExhaustedError(absl::StrCat(
                                           "more than ", kMaxReferrersChecked,
                                           " signature referrers; the rest were not checked")));
          break;
        }
        std::string where = absl::StrCat("referrer ", e.digest);
        absl::StatusOr<std::optional<FetchedManifest>> m = FetchManifest(client, repo, e.digest);
        if (!m.ok() || !m->has_value()) {
          checker.Problem(where, m.ok() ? absl::NotFoundError("listed but missing") : m.status());
          continue;
        }
        absl::StatusOr<std::vector<LayerRef>> layers = ParseManifestLayers((*m)->bytes, where);
        if (!layers.ok()) {
          checker.Problem(where, layers.status());
          continue;
        }
        checker.Layers(*layers, where, /*in_tag=*/false);
      }
    }
  }
  return report;
}

}  // namespace sign
}  // namespace stowage
