#include "builder/sign/cosign_layout.h"

#include "absl/strings/str_cat.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"

namespace stowage {
namespace sign {
namespace {

constexpr char kEmptyJson[] = "{}";
constexpr size_t kMaxAnnotations = 100;
constexpr size_t kMaxAnnotationBytes = 1 << 20;

nlohmann::json DescriptorJson(const std::string& media_type, const std::string& digest,
                              int64_t size, const std::map<std::string, std::string>& annotations,
                              const std::string& artifact_type = "") {
  nlohmann::json d = {{"mediaType", media_type}, {"digest", digest}, {"size", size}};
  if (!artifact_type.empty()) d["artifactType"] = artifact_type;
  if (!annotations.empty()) d["annotations"] = annotations;
  return d;
}

absl::StatusOr<BuiltManifest> Finish(nlohmann::json manifest, Blob config) {
  BuiltManifest out;
  ASSIGN_OR_RETURN(out.bytes, CanonicalJson(manifest, "a signature manifest"));
  out.digest = Sha256Digest(out.bytes);
  out.config = std::move(config);
  return out;
}

absl::StatusOr<Descriptor> ReadDescriptor(const JsonView& v) {
  Descriptor d;
  ASSIGN_OR_RETURN(d.media_type, v.RequiredString("mediaType", 256));
  ASSIGN_OR_RETURN(d.digest, v.RequiredString("digest", 200));
  absl::Status valid = ValidateDigest(d.digest);
  if (!valid.ok()) return v.Error(absl::StrCat("digest: ", valid.message()));
  ASSIGN_OR_RETURN(d.size, v.RequiredInt("size", 0, int64_t{1} << 50));
  ASSIGN_OR_RETURN(d.artifact_type, v.OptionalString("artifactType", "", 256));
  ASSIGN_OR_RETURN(d.annotations, v.OptionalStringMap("annotations", kMaxAnnotations));
  for (const auto& [key, value] : d.annotations) {
    if (key.size() + value.size() > kMaxAnnotationBytes) {
      return v.Error(absl::StrCat("annotation ", key.substr(0, 100), " is over ",
                                  kMaxAnnotationBytes, " bytes"));
    }
  }
  return d;
}

}  // namespace

std::string SignatureTag(absl::string_view digest) {
  return absl::StrCat("sha256-", DigestHex(digest), ".sig");
}
std::string AttestationTag(absl::string_view digest) {
  return absl::StrCat("sha256-", DigestHex(digest), ".att");
}
std::string ReferrersTag(absl::string_view digest) {
  return absl::StrCat("sha256-", DigestHex(digest));
}

Blob MakeBlob(std::string bytes, std::string media_type,
              std::map<std::string, std::string> annotations) {
  Blob b;
  b.digest = Sha256Digest(bytes);
  b.bytes = std::move(bytes);
  b.media_type = std::move(media_type);
  b.annotations = std::move(annotations);
  return b;
}

LayerRef RefOf(const Blob& blob) {
  return LayerRef{blob.media_type, blob.digest, static_cast<int64_t>(blob.bytes.size()),
                  blob.annotations};
}

absl::StatusOr<BuiltManifest> CosignManifest(const std::vector<LayerRef>& layers) {
  // What cosign writes: an image config that is all zero values but for the diff_ids.
  nlohmann::json config = {
      {"architecture", ""},
      {"created", "0001-01-01T00:00:00Z"},
      {"history", nlohmann::json::array({{{"created", "0001-01-01T00:00:00Z"}}})},
      {"os", ""},
      {"rootfs", {{"type", "layers"}, {"diff_ids", nlohmann::json::array()}}},
      {"config", nlohmann::json::object()},
  };
  nlohmann::json manifest_layers = nlohmann::json::array();
  for (const LayerRef& l : layers) {
    config["rootfs"]["diff_ids"].push_back(l.digest);
    manifest_layers.push_back(DescriptorJson(l.media_type, l.digest, l.size, l.annotations));
  }
  ASSIGN_OR_RETURN(std::string config_bytes, CanonicalJson(config, "a signature config"));
  Blob config_blob = MakeBlob(std::move(config_bytes), oci::kOciConfig);
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", oci::kOciManifest},
      {"config", DescriptorJson(oci::kOciConfig, config_blob.digest,
                                static_cast<int64_t>(config_blob.bytes.size()), {})},
      {"layers", manifest_layers},
  };
  return Finish(std::move(manifest), std::move(config_blob));
}

absl::StatusOr<BuiltManifest> ReferrerManifest(absl::string_view artifact_type,
                                               const std::vector<LayerRef>& layers,
                                               const Descriptor& subject) {
  Blob empty = MakeBlob(kEmptyJson, kOciEmptyType);
  nlohmann::json manifest_layers = nlohmann::json::array();
  for (const LayerRef& l : layers) {
    manifest_layers.push_back(DescriptorJson(l.media_type, l.digest, l.size, l.annotations));
  }
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", oci::kOciManifest},
      {"artifactType", std::string(artifact_type)},
      {"config", DescriptorJson(kOciEmptyType, empty.digest, 2, {})},
      {"layers", manifest_layers},
      {"subject", DescriptorJson(subject.media_type, subject.digest, subject.size, {})},
  };
  return Finish(std::move(manifest), std::move(empty));
}

absl::StatusOr<std::vector<LayerRef>> ParseManifestLayers(absl::string_view bytes,
                                                          absl::string_view where) {
  ASSIGN_OR_RETURN(nlohmann::json j,
                   ParseJson(std::string(bytes), std::string(where), limits::kMaxManifestBytes));
  JsonView root(j, std::string(where));
  RETURN_IF_ERROR(root.ExpectObject());
  ASSIGN_OR_RETURN(std::vector<JsonView> layers, root.RequiredArray("layers", kMaxAttachedLayers));
  std::vector<LayerRef> out;
  for (const JsonView& l : layers) {
    ASSIGN_OR_RETURN(Descriptor d, ReadDescriptor(l));
    out.push_back(LayerRef{d.media_type, d.digest, d.size, d.annotations});
  }
  return out;
}

absl::StatusOr<std::vector<Descriptor>> ParseReferrers(absl::string_view bytes,
                                                       absl::string_view where) {
  ASSIGN_OR_RETURN(nlohmann::json j,
                   ParseJson(std::string(bytes), std::string(where), limits::kMaxIndexBytes));
  JsonView root(j, std::string(where));
  RETURN_IF_ERROR(root.ExpectObject());
  ASSIGN_OR_RETURN(std::vector<JsonView> manifests,
                   root.OptionalArray("manifests", limits::kMaxIndexEntries));
  std::vector<Descriptor> out;
  for (const JsonView& m : manifests) {
    ASSIGN_OR_RETURN(Descriptor d, ReadDescriptor(m));
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<std::string> AddReferrer(absl::string_view existing, absl::string_view where,
                                        const Descriptor& entry) {
  std::vector<Descriptor> entries;
  if (!existing.empty()) {
    ASSIGN_OR_RETURN(entries, ParseReferrers(existing, where));
  }
  bool present = false;
  for (const Descriptor& d : entries) present = present || d.digest == entry.digest;
  if (!present) {
    if (entries.size() >= limits::kMaxIndexEntries) {
      return absl::ResourceExhaustedError(absl::StrCat(where, " already lists ", entries.size(),
                                                       " referrers; no room for another"));
    }
    entries.push_back(entry);
  }
  nlohmann::json manifests = nlohmann::json::array();
  for (const Descriptor& d : entries) {
    manifests.push_back(
        DescriptorJson(d.media_type, d.digest, d.size, d.annotations, d.artifact_type));
  }
  nlohmann::json index = {
      {"schemaVersion", 2}, {"mediaType", oci::kOciIndex}, {"manifests", manifests}};
  return CanonicalJson(index, "a referrers index");
}

}  // namespace sign
}  // namespace stowage
