#include "builder/registry/pull.h"

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "builder/common/capped_read.h"
#include "builder/common/files.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/common/threads.h"
#include "builder/digest/sha256.h"
#include "builder/net/server_text.h"
#include "builder/registry/challenge.h"
#include "builder/registry/manifest_types.h"
#include "builder/registry/registry_error.h"

namespace stowage {
namespace registry {
namespace {

// Field caps: a media type is at most 127 characters (RFC 6838), a digest "sha512:" and 128
// hex digits; a platform field is a GOOS/GOARCH-like word.
constexpr size_t kMaxMediaTypeLength = 255;
constexpr size_t kMaxDigestLength = 256;
constexpr size_t kMaxUrls = 100;
constexpr size_t kMaxPlatformField = 255;

// Where pulled bytes come from.
class Source {
 public:
  virtual ~Source() = default;
  // The manifest (or index) bytes for a digest or tag, and its media type.
  virtual absl::StatusOr<std::pair<std::string, std::string>> Manifest(const std::string& ref) = 0;
  // Writes the blob to `path` atomically; fails unless its size and sha256 match.
  virtual absl::Status Blob(const std::string& digest, int64_t size, const std::string& path) = 0;
  virtual std::string Where() const = 0;
};

// Streams into a temp file beside `path`, hashing on the way; renames only when it verifies.
class VerifyingWriter {
 public:
  VerifyingWriter(std::string digest, int64_t size) : digest_(std::move(digest)), size_(size) {}
  absl::Status Open(const std::string& path) {
    ASSIGN_OR_RETURN(AtomicFile f, AtomicFile::Create(path));
    file_ = std::make_unique<AtomicFile>(std::move(f));
    return absl::OkStatus();
  }
  bool Write(const char* data, size_t n) {
    written_ += static_cast<int64_t>(n);
    if (written_ > size_) return false;  // longer than its descriptor: stop reading
    hash_.Update(data, n);
    return file_->Write(data, n).ok();
  }
  absl::Status Commit(const std::string& where) {
    if (written_ != size_) {
      return absl::DataLossError(absl::StrCat("blob ", digest_, " from ", where, " has ",
                                              written_ > size_ ? "more than " : "", written_,
                                              " bytes, its descriptor says ", size_));
    }
    std::string got = hash_.Final();
    if (got != digest_) {
      return absl::DataLossError(absl::StrCat("blob ", digest_, " from ", where,
                                              " does not match its digest (got ", got, ")"));
    }
    return file_->Commit();
  }

 private:
  std::string digest_;
  int64_t size_;
  int64_t written_ = 0;
  Sha256 hash_;
  std::unique_ptr<AtomicFile> file_;
};

class RegistrySource : public Source {
 public:
  RegistrySource(RegistryClient& client, RepositoryRef repo)
      : client_(client), repo_(std::move(repo)), scopes_{RepositoryScope(repo_.name, {"pull"})} {}

  std::string Where() const override { return repo_.ToString(); }

  absl::StatusOr<std::pair<std::string, std::string>> Manifest(const std::string& ref) override {
    HttpRequest req;
    req.url = absl::StrCat("/v2/", repo_.name, "/manifests/", ref);
    req.headers.emplace_back("Accept", kAcceptManifests);
    req.max_body_bytes = kMaxManifestResponseBytes;
    ASSIGN_OR_RETURN(HttpResponse r, client_.Send(req, scopes_));
    if (r.status != 200) {
      return RegistryError(r.status, r.body, absl::StrCat("GET manifest ", Where(), ":", ref));
    }
    std::string type = r.Header("content-type");
    type = std::string(absl::StripAsciiWhitespace(type.substr(0, type.find(';'))));
    return std::make_pair(r.body, type);
  }

  absl::Status Blob(const std::string& digest, int64_t size, const std::string& path) override {
    Backoff backoff(client_.options().retry);
    while (true) {
      VerifyingWriter writer(digest, size);
      RETURN_IF_ERROR(writer.Open(path));
      HttpRequest req;
      req.url = absl::StrCat("/v2/", repo_.name, "/blobs/", digest);
      // Blob stores often redirect to object storage: followed without credentials.
      req.max_redirects = net::kMaxRedirects;
      req.sink = [&writer](const char* d, size_t n) { return writer.Write(d, n); };
      absl::StatusOr<HttpResponse> r = client_.Send(req, scopes_, /*retry=*/false);
      bool transient = r.ok() ? IsRetryableHttpStatus(r->status) : IsRetryableStatus(r.status());
      if (transient) {
        std::optional<absl::Duration> delay = backoff.NextDelay();
        if (delay.has_value() && SleepUnlessCancelled(*delay, client_.options().cancelled))
          continue;
      }
      if (!r.ok()) {
        if (absl::IsInternal(r.status())) {
          // The sink refused: more bytes than the descriptor says.
          return absl::DataLossError(absl::StrCat("blob ", digest, " from ", Where(),
                                                  " is longer than its descriptor says (", size,
                                                  ")"));
        }
        return r.status();
      }
      if (r->status != 200) return RegistryError(r->status, r->body, "GET blob " + digest);
      return writer.Commit(Where());
    }
  }

 private:
  RegistryClient& client_;
  RepositoryRef repo_;
  std::vector<std::string> scopes_;
};

class LayoutSource : public Source {
 public:
  explicit LayoutSource(std::string dir) : dir_(std::move(dir)) {}
  std::string Where() const override { return "layout " + dir_; }

  absl::StatusOr<std::pair<std::string, std::string>> Manifest(const std::string& ref) override {
    std::string digest = ref;
    std::string type;
    if (!absl::StartsWith(ref, "sha256:")) {
      std::string index_path = dir_ + "/index.json";
      ASSIGN_OR_RETURN(nlohmann::json index_json, ReadJsonFile(index_path, limits::kMaxIndexBytes));
      JsonView index(index_json, index_path);
      ASSIGN_OR_RETURN(std::vector<JsonView> manifests,
                       index.OptionalArray("manifests", limits::kMaxIndexEntries));
      for (const JsonView& m : manifests) {
        ASSIGN_OR_RETURN(JsonView annotations, m.OptionalObject("annotations"));
        ASSIGN_OR_RETURN(std::string name,
                         annotations.OptionalString("org.opencontainers.image.ref.name"));
        if (name != ref) continue;
        ASSIGN_OR_RETURN(digest, m.RequiredString("digest"));
        ASSIGN_OR_RETURN(type, m.OptionalString("mediaType"));
      }
      if (digest == ref)
        return absl::NotFoundError(absl::StrCat("no tag \"", ref, "\" in ", Where()));
    }
    RETURN_IF_ERROR(ValidateDigest(digest));
    ASSIGN_OR_RETURN(std::string bytes,
                     ReadFileCapped(BlobPath(digest), limits::kMaxManifestBytes));
    ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(bytes, BlobPath(digest)));
    if (j.is_object()) {
      ASSIGN_OR_RETURN(std::string inner,
                       JsonView(j, BlobPath(digest)).OptionalString("mediaType"));
      if (!inner.empty()) type = inner;
    }
    return std::make_pair(bytes, type);
  }

  absl::Status Blob(const std::string& digest, int64_t size, const std::string& path) override {
    RETURN_IF_ERROR(ValidateDigest(digest));
    std::string from = BlobPath(digest);
    FILE* f = std::fopen(from.c_str(), "rb");
    if (f == nullptr) return ErrnoStatus("cannot open", from);
    VerifyingWriter writer(digest, size);
    absl::Status s = writer.Open(path);
    std::vector<char> buf(1 << 20);
    size_t n;
    bool ok = s.ok();
    while (ok && (n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
      ok = writer.Write(buf.data(), n);
    std::fclose(f);
    RETURN_IF_ERROR(s);
    if (!ok) return absl::DataLossError(absl::StrCat(from, " is longer than its descriptor says"));
    return writer.Commit(Where());
  }

 private:
  std::string BlobPath(const std::string& digest) const {
    return absl::StrCat(dir_, "/blobs/sha256/", DigestHex(digest));
  }
  std::string dir_;
};

absl::Status MakeDirs(const std::string& path) {
  std::string partial;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    partial += std::string(part) + "/";
    if (part.empty()) continue;
    if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
      return ErrnoStatus("cannot create", partial);
  }
  return absl::OkStatus();
}

// A descriptor as pull needs it: digest, size and media type checked, urls and annotations
// kept (checked as lists and maps of strings) for the layer descriptor files.
struct PulledDescriptor {
  std::string digest, media_type;
  int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
};

absl::StatusOr<PulledDescriptor> ReadPulledDescriptor(const JsonView& j) {
  RETURN_IF_ERROR(j.ExpectObject());
  PulledDescriptor d;
  ASSIGN_OR_RETURN(d.digest, j.RequiredString("digest", kMaxDigestLength));
  if (absl::Status valid = ValidateDigest(d.digest); !valid.ok()) {
    return j.Error(absl::StrCat("digest: ", valid.message()));
  }
  ASSIGN_OR_RETURN(d.size, j.RequiredInt("size", 0, std::numeric_limits<int64_t>::max()));
  ASSIGN_OR_RETURN(d.media_type, j.OptionalString("mediaType", "", kMaxMediaTypeLength));
  ASSIGN_OR_RETURN(d.urls, j.OptionalStringArray("urls", kMaxUrls));
  ASSIGN_OR_RETURN(d.annotations, j.OptionalStringMap("annotations", limits::kMaxConfigEntries));
  return d;
}

bool IsPullableLayerType(absl::string_view t) {
  return t == "application/vnd.oci.image.layer.v1.tar" ||
         t == "application/vnd.oci.image.layer.v1.tar+gzip" ||
         t == "application/vnd.oci.image.layer.v1.tar+zstd" ||
         t == "application/vnd.docker.image.rootfs.diff.tar" ||
         t == "application/vnd.docker.image.rootfs.diff.tar.gzip";
}

// Bytes a server sent for a manifest or index: capped before anything parses them.
absl::Status CheckManifestSize(const std::string& bytes, const std::string& what) {
  if (static_cast<int64_t>(bytes.size()) > limits::kMaxManifestBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        what, " has ", bytes.size(), " bytes, more than the limit of ", limits::kMaxManifestBytes));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Platform> ParsePlatform(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty()) {
    return absl::InvalidArgumentError("platform \"" + text + "\": want os/arch[/variant]");
  }
  return Platform{parts[0], parts[1], parts.size() == 3 ? parts[2] : ""};
}

namespace {

absl::StatusOr<JsonView> SelectPlatformEntry(const JsonView& index, const Platform& want) {
  RETURN_IF_ERROR(index.ExpectObject());
  ASSIGN_OR_RETURN(std::vector<JsonView> manifests,
                   index.RequiredArray("manifests", limits::kMaxIndexEntries));
  std::vector<std::string> seen;
  for (const JsonView& m : manifests) {
    RETURN_IF_ERROR(m.ExpectObject());
    // Entries without a platform (attestations, for one) are for no platform.
    if (!m.Has("platform")) continue;
    ASSIGN_OR_RETURN(JsonView p, m.RequiredObject("platform"));
    ASSIGN_OR_RETURN(std::string os, p.RequiredString("os", kMaxPlatformField));
    ASSIGN_OR_RETURN(std::string arch, p.RequiredString("architecture", kMaxPlatformField));
    ASSIGN_OR_RETURN(std::string variant, p.OptionalString("variant", "", kMaxPlatformField));
    if (seen.size() < 20) seen.push_back(os + "/" + arch + (variant.empty() ? "" : "/" + variant));
    if (os == want.os && arch == want.architecture &&
        (want.variant.empty() || variant == want.variant)) {
      return m;
    }
  }
  return absl::NotFoundError(absl::StrCat(
      "no ", want.os, "/", want.architecture, want.variant.empty() ? "" : "/" + want.variant,
      " image in the index (it has: ", seen.empty() ? "nothing" : absl::StrJoin(seen, ", "), ")"));
}

}  // namespace

absl::StatusOr<nlohmann::json> SelectPlatform(const JsonView& index, const Platform& platform) {
  ASSIGN_OR_RETURN(JsonView entry, SelectPlatformEntry(index, platform));
  return entry.json();
}

absl::StatusOr<nlohmann::json> SelectPlatform(const nlohmann::json& index,
                                              const Platform& platform) {
  return SelectPlatform(JsonView(index, "the index"), platform);
}

std::string OciLayerMediaType(const std::string& t) {
  if (t == "application/vnd.docker.image.rootfs.diff.tar.gzip") {
    return "application/vnd.oci.image.layer.v1.tar+gzip";
  }
  if (t == "application/vnd.docker.image.rootfs.diff.tar")
    return "application/vnd.oci.image.layer.v1.tar";
  return t;
}

std::string CompressionOf(const std::string& t) {
  if (absl::EndsWith(t, "gzip")) return "gzip";
  if (absl::EndsWith(t, "zstd")) return "zstd";
  return "none";
}

absl::StatusOr<std::string> Pull(const PullRequest& request, RegistryClient* client) {
  std::unique_ptr<Source> source;
  if (request.repository.has_value()) {
    if (client == nullptr) return absl::InternalError("pull from a registry needs a client");
    RETURN_IF_ERROR(client->Ping());
    source = std::make_unique<RegistrySource>(*client, *request.repository);
  } else {
    source = std::make_unique<LayoutSource>(request.layout);
  }
  std::string ref = !request.digest.empty() ? request.digest : request.tag;
  if (ref.empty()) return absl::InvalidArgumentError("give --digest (or --tag)");
  if (!request.digest.empty()) RETURN_IF_ERROR(ValidateDigest(request.digest));

  ASSIGN_OR_RETURN(auto top, source->Manifest(ref));
  RETURN_IF_ERROR(
      CheckManifestSize(top.first, absl::StrCat("the manifest ", ref, " from ", source->Where())));
  std::string top_digest = Sha256Digest(top.first);
  if (!request.digest.empty() && top_digest != request.digest) {
    return absl::DataLossError(absl::StrCat(source->Where(), " sent a manifest with digest ",
                                            top_digest, " for ", request.digest));
  }
  std::string top_where = absl::StrCat("manifest ", ref, " from ", source->Where());
  ASSIGN_OR_RETURN(nlohmann::json top_json, ParseJson(top.first, top_where));
  std::string manifest_bytes = top.first, media_type = top.second;
  std::string manifest_where = top_where;
  nlohmann::json platform_json;
  if (IsIndexType(media_type) ||
      (media_type.empty() && top_json.is_object() && top_json.contains("manifests"))) {
    JsonView index(top_json, absl::StrCat("index ", ref, " from ", source->Where()));
    ASSIGN_OR_RETURN(JsonView entry, SelectPlatformEntry(index, request.platform));
    ASSIGN_OR_RETURN(PulledDescriptor d, ReadPulledDescriptor(entry));
    if (d.size > limits::kMaxManifestBytes) {
      return entry.Error(absl::StrCat("a manifest of ", d.size, " bytes is over the limit of ",
                                      limits::kMaxManifestBytes));
    }
    ASSIGN_OR_RETURN(auto child, source->Manifest(d.digest));
    RETURN_IF_ERROR(CheckManifestSize(
        child.first, absl::StrCat("the manifest ", d.digest, " from ", source->Where())));
    if (Sha256Digest(child.first) != d.digest) {
      return absl::DataLossError(
          absl::StrCat(source->Where(), " sent a manifest that does not match ", d.digest));
    }
    if (static_cast<int64_t>(child.first.size()) != d.size) {
      return entry.Error(absl::StrCat("size is ", d.size, " but the manifest ", d.digest, " has ",
                                      child.first.size(), " bytes"));
    }
    manifest_bytes = child.first;
    media_type = child.second.empty() ? d.media_type : child.second;
    ASSIGN_OR_RETURN(JsonView platform, entry.RequiredObject("platform"));
    platform_json = platform.json();
    manifest_where = absl::StrCat("manifest ", d.digest, " from ", source->Where());
  }
  ASSIGN_OR_RETURN(nlohmann::json manifest_json, ParseJson(manifest_bytes, manifest_where));
  JsonView manifest(manifest_json, manifest_where);
  RETURN_IF_ERROR(manifest.ExpectObject());
  ASSIGN_OR_RETURN(std::string inner_type, manifest.OptionalString("mediaType"));
  if (media_type.empty()) media_type = inner_type.empty() ? kOciManifest : inner_type;
  if (!IsManifestType(media_type)) {
    return absl::InvalidArgumentError(absl::StrCat("unsupported manifest media type \"",
                                                   net::ServerText(media_type, 200), "\" (",
                                                   manifest_where, ")"));
  }
  ASSIGN_OR_RETURN(int64_t schema_version, manifest.RequiredInt("schemaVersion", 2, 2));
  (void)schema_version;
  std::string manifest_digest = Sha256Digest(manifest_bytes);
  ASSIGN_OR_RETURN(JsonView config_view, manifest.RequiredObject("config"));
  ASSIGN_OR_RETURN(PulledDescriptor config, ReadPulledDescriptor(config_view));
  if (config.size > limits::kMaxConfigBytes) {
    return config_view.Error(absl::StrCat("a config of ", config.size,
                                          " bytes is over the limit of ", limits::kMaxConfigBytes));
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> layer_views,
                   manifest.RequiredArray("layers", limits::kMaxLayers));
  std::vector<PulledDescriptor> layers;
  std::map<std::string, int64_t> sizes;
  for (const JsonView& l : layer_views) {
    ASSIGN_OR_RETURN(PulledDescriptor d, ReadPulledDescriptor(l));
    if (!IsPullableLayerType(d.media_type)) {
      return l.Error(absl::StrCat("mediaType \"", d.media_type,
                                  "\" is not a tar layer (plain, gzip or zstd)"));
    }
    // One digest is one blob: a second size for it would make one layer descriptor lie.
    auto [it, inserted] = sizes.emplace(d.digest, d.size);
    if (!inserted && it->second != d.size) {
      return l.Error(
          absl::StrCat("layer ", d.digest, " is listed with sizes ", it->second, " and ", d.size));
    }
    layers.push_back(std::move(d));
  }
  if (client != nullptr && client->options().deadline) {
    // The default deadline grows with what there is to fetch (a --timeout never does).
    int64_t bytes = std::min<int64_t>(config.size, kMaxTransferAllowanceBytes);
    for (const PulledDescriptor& d : layers) {
      bytes = std::min(kMaxTransferAllowanceBytes,
                       bytes + std::min<int64_t>(d.size, kMaxTransferAllowanceBytes));
    }
    client->options().deadline->ExtendBy(TransferAllowance(bytes));
  }

  const std::string& out = request.output;
  RETURN_IF_ERROR(MakeDirs(out + "/blobs/sha256"));
  // A later pull into the same directory may write into it again (builder/common/output_path.h).
  MarkAsStowageOutput(out);
  auto blob_path = [](const std::string& digest) {
    return absl::StrCat("blobs/sha256/", DigestHex(digest));
  };
  RETURN_IF_ERROR(source->Blob(config.digest, config.size, out + "/" + blob_path(config.digest)));
  std::fprintf(stderr, "pulled config %s\n", config.digest.c_str());

  // The config is checked before any layer is fetched: a config that does not describe these
  // layers fails the pull without downloading them.
  std::string config_where = absl::StrCat("config ", config.digest, " from ", source->Where());
  ASSIGN_OR_RETURN(std::string config_text,
                   ReadFileCapped(out + "/" + blob_path(config.digest), limits::kMaxConfigBytes));
  ASSIGN_OR_RETURN(nlohmann::json config_json, ParseJson(config_text, config_where));
  JsonView config_root(config_json, config_where);
  ASSIGN_OR_RETURN(JsonView rootfs, config_root.RequiredObject("rootfs"));
  ASSIGN_OR_RETURN(std::vector<JsonView> diff_id_views,
                   rootfs.RequiredArray("diff_ids", limits::kMaxLayers));
  if (diff_id_views.size() != layers.size()) {
    return rootfs.Error(absl::StrCat("diff_ids lists ", diff_id_views.size(),
                                     " layers but the manifest ", layers.size()));
  }
  std::vector<std::string> diff_ids;
  for (const JsonView& id : diff_id_views) {
    ASSIGN_OR_RETURN(std::string diff_id, id.AsString(kMaxDigestLength));
    if (absl::Status valid = ValidateDigest(diff_id); !valid.ok()) return id.Error(valid.message());
    diff_ids.push_back(std::move(diff_id));
  }

  // Layers in parallel; each distinct digest once.
  std::vector<const PulledDescriptor*> unique;
  std::set<std::string> seen;
  for (const PulledDescriptor& d : layers) {
    if (seen.insert(d.digest).second) unique.push_back(&d);
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  absl::Status first_error;
  auto worker = [&] {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= unique.size()) return;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error.ok()) return;
      }
      const PulledDescriptor& d = *unique[i];
      absl::Status s = source->Blob(d.digest, d.size, out + "/" + blob_path(d.digest));
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok() && first_error.ok()) first_error = s;
      if (s.ok())
        std::fprintf(stderr, "pulled layer %s (%lld bytes)\n", d.digest.c_str(),
                     static_cast<long long>(d.size));
    }
  };
  {
    ThreadGroup threads;
    int jobs = std::max(1, std::min<int>(request.jobs, static_cast<int>(unique.size())));
    for (int i = 0; i < jobs && !unique.empty(); ++i) {
      absl::Status started = threads.Start(worker, "a download thread");
      if (!started.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = started;
        break;
      }
    }
  }  // joins every download that started
  RETURN_IF_ERROR(first_error);

  if (platform_json.is_null()) {
    ASSIGN_OR_RETURN(std::string arch,
                     config_root.OptionalString("architecture", "", kMaxPlatformField));
    ASSIGN_OR_RETURN(std::string os, config_root.OptionalString("os", "", kMaxPlatformField));
    ASSIGN_OR_RETURN(std::string variant,
                     config_root.OptionalString("variant", "", kMaxPlatformField));
    platform_json = {{"architecture", arch}, {"os", os}};
    if (!variant.empty()) platform_json["variant"] = variant;
  }

  nlohmann::json summary = {{"digest", manifest_digest},
                            {"format", media_type == kDockerManifest ? "docker" : "oci"},
                            {"config", blob_path(config.digest)},
                            {"manifest", "manifest.json"},
                            {"descriptor", "descriptor.json"},
                            {"layers", nlohmann::json::array()}};
  if (request.digest.empty()) summary["resolved_tag"] = request.tag;
  if (!request.digest.empty() && request.digest != manifest_digest)
    summary["index_digest"] = request.digest;
  for (size_t i = 0; i < layers.size(); ++i) {
    const PulledDescriptor& d = layers[i];
    nlohmann::json desc = {{"compression", CompressionOf(d.media_type)},
                           {"diffId", diff_ids[i]},
                           {"digest", d.digest},
                           {"mediaType", OciLayerMediaType(d.media_type)},
                           {"size", d.size}};
    if (request.repository.has_value()) desc["source"] = request.repository->ToString();
    if (!d.urls.empty()) desc["urls"] = d.urls;
    if (!d.annotations.empty()) desc["annotations"] = d.annotations;
    std::string name = absl::StrCat("layer", i, ".json");
    RETURN_IF_ERROR(WriteJsonFileAtomically(out + "/" + name, desc));
    summary["layers"].push_back({{"blob", blob_path(d.digest)},
                                 {"descriptor", name},
                                 {"compression", CompressionOf(d.media_type)}});
  }
  RETURN_IF_ERROR(WriteFileAtomically(out + "/manifest.json", manifest_bytes));
  nlohmann::json descriptor = {{"digest", manifest_digest},
                               {"mediaType", media_type},
                               {"size", static_cast<int64_t>(manifest_bytes.size())},
                               {"platform", platform_json}};
  RETURN_IF_ERROR(WriteJsonFileAtomically(out + "/descriptor.json", descriptor));
  // Last: its presence means everything above is complete.
  RETURN_IF_ERROR(WriteJsonFileAtomically(out + "/pull.json", summary));
  return manifest_digest;
}

}  // namespace registry
}  // namespace stowage
