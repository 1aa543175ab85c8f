#include "builder/registry/pull.h"

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/net/server_text.h"
#include "builder/registry/challenge.h"
#include "builder/registry/manifest_types.h"
#include "builder/registry/registry_error.h"

namespace stowage {
namespace registry {
namespace {

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
      ASSIGN_OR_RETURN(nlohmann::json index, ReadJsonFile(dir_ + "/index.json"));
      for (const auto& m : index.value("manifests", nlohmann::json::array())) {
        auto ann = m.value("annotations", nlohmann::json::object());
        if (ann.value("org.opencontainers.image.ref.name", std::string()) == ref) {
          digest = m.value("digest", std::string());
          type = m.value("mediaType", std::string());
        }
      }
      if (digest == ref)
        return absl::NotFoundError(absl::StrCat("no tag \"", ref, "\" in ", Where()));
    }
    RETURN_IF_ERROR(ValidateDigest(digest));
    ASSIGN_OR_RETURN(std::string bytes, ReadFile(BlobPath(digest)));
    ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(bytes, BlobPath(digest)));
    if (j.is_object() && j.contains("mediaType") && j["mediaType"].is_string()) {
      type = j["mediaType"].get<std::string>();
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

struct Desc {
  std::string digest, media_type;
  int64_t size = 0;
  nlohmann::json raw;
};

absl::StatusOr<Desc> ReadDesc(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("digest") || !j["digest"].is_string() || !j.contains("size") ||
      !j["size"].is_number_integer()) {
    return absl::InvalidArgumentError(where + ": malformed descriptor");
  }
  Desc d{j["digest"].get<std::string>(), j.value("mediaType", std::string()),
         j["size"].get<int64_t>(), j};
  RETURN_IF_ERROR(ValidateDigest(d.digest));
  if (d.size < 0) return absl::InvalidArgumentError(where + ": negative size");
  return d;
}

}  // namespace

absl::StatusOr<Platform> ParsePlatform(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty()) {
    return absl::InvalidArgumentError("platform \"" + text + "\": want os/arch[/variant]");
  }
  return Platform{parts[0], parts[1], parts.size() == 3 ? parts[2] : ""};
}

absl::StatusOr<nlohmann::json> SelectPlatform(const nlohmann::json& index, const Platform& want) {
  std::vector<std::string> seen;
  for (const auto& m : index.value("manifests", nlohmann::json::array())) {
    if (!m.is_object()) continue;
    auto p = m.value("platform", nlohmann::json::object());
    std::string os = p.value("os", ""), arch = p.value("architecture", ""),
                variant = p.value("variant", "");
    seen.push_back(os + "/" + arch + (variant.empty() ? "" : "/" + variant));
    if (os == want.os && arch == want.architecture &&
        (want.variant.empty() || variant == want.variant)) {
      return m;
    }
  }
  return absl::NotFoundError(absl::StrCat(
      "no ", want.os, "/", want.architecture, want.variant.empty() ? "" : "/" + want.variant,
      " image in the index (it has: ", seen.empty() ? "nothing" : absl::StrJoin(seen, ", "), ")"));
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
  std::string top_digest = Sha256Digest(top.first);
  if (!request.digest.empty() && top_digest != request.digest) {
    return absl::DataLossError(absl::StrCat(source->Where(), " sent a manifest with digest ",
                                            top_digest, " for ", request.digest));
  }
  ASSIGN_OR_RETURN(nlohmann::json top_json, ParseJson(top.first, "manifest " + ref));
  std::string manifest_bytes = top.first, media_type = top.second;
  nlohmann::json platform_json;
  if (IsIndexType(media_type) || (media_type.empty() && top_json.contains("manifests"))) {
    ASSIGN_OR_RETURN(nlohmann::json entry, SelectPlatform(top_json, request.platform));
    ASSIGN_OR_RETURN(Desc d, ReadDesc(entry, "index entry"));
    ASSIGN_OR_RETURN(auto child, source->Manifest(d.digest));
    if (Sha256Digest(child.first) != d.digest) {
      return absl::DataLossError(
          absl::StrCat(source->Where(), " sent a manifest that does not match ", d.digest));
    }
    manifest_bytes = child.first;
    media_type = child.second.empty() ? d.media_type : child.second;
    platform_json = entry.value("platform", nlohmann::json());
  }
  ASSIGN_OR_RETURN(nlohmann::json manifest, ParseJson(manifest_bytes, "manifest"));
  if (media_type.empty()) media_type = manifest.value("mediaType", std::string(kOciManifest));
  if (!IsManifestType(media_type)) {
    return absl::InvalidArgumentError("unsupported manifest media type \"" +
                                      net::ServerText(media_type, 200) + "\"");
  }
  std::string manifest_digest = Sha256Digest(manifest_bytes);
  if (!manifest.contains("config") || !manifest.contains("layers") ||
      !manifest["layers"].is_array()) {
    return absl::InvalidArgumentError("manifest " + manifest_digest + " has no config or layers");
  }
  ASSIGN_OR_RETURN(Desc config, ReadDesc(manifest["config"], "manifest config"));
  std::vector<Desc> layers;
  for (const auto& l : manifest["layers"]) {
    ASSIGN_OR_RETURN(Desc d, ReadDesc(l, "manifest layer"));
    layers.push_back(std::move(d));
  }
  if (client != nullptr && client->options().deadline) {
    // The default deadline grows with what there is to fetch (a --timeout never does).
    int64_t bytes = std::min<int64_t>(config.size, kMaxTransferAllowanceBytes);
    for (const Desc& d : layers) {
      bytes = std::min(kMaxTransferAllowanceBytes,
                       bytes + std::min<int64_t>(d.size, kMaxTransferAllowanceBytes));
    }
    client->options().deadline->ExtendBy(TransferAllowance(bytes));
  }

  const std::string& out = request.output;
  RETURN_IF_ERROR(MakeDirs(out + "/blobs/sha256"));
  auto blob_path = [](const std::string& digest) {
    return absl::StrCat("blobs/sha256/", DigestHex(digest));
  };
  RETURN_IF_ERROR(source->Blob(config.digest, config.size, out + "/" + blob_path(config.digest)));
  std::fprintf(stderr, "pulled config %s\n", config.digest.c_str());

  // Layers in parallel; each distinct digest once.
  std::vector<const Desc*> unique;
  std::set<std::string> seen;
  for (const Desc& d : layers) {
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
      const Desc& d = *unique[i];
      absl::Status s = source->Blob(d.digest, d.size, out + "/" + blob_path(d.digest));
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok() && first_error.ok()) first_error = s;
      if (s.ok())
        std::fprintf(stderr, "pulled layer %s (%lld bytes)\n", d.digest.c_str(),
                     static_cast<long long>(d.size));
    }
  };
  std::vector<std::thread> threads;
  int jobs = std::max(1, std::min<int>(request.jobs, static_cast<int>(unique.size())));
  for (int i = 0; i < jobs && !unique.empty(); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  RETURN_IF_ERROR(first_error);

  ASSIGN_OR_RETURN(std::string config_text, ReadFile(out + "/" + blob_path(config.digest)));
  ASSIGN_OR_RETURN(nlohmann::json config_json, ParseJson(config_text, "config " + config.digest));
  nlohmann::json diff_ids = nlohmann::json::array();
  if (config_json.contains("rootfs") && config_json["rootfs"].contains("diff_ids")) {
    diff_ids = config_json["rootfs"]["diff_ids"];
  }
  if (platform_json.is_null()) {
    platform_json = {{"architecture", config_json.value("architecture", "")},
                     {"os", config_json.value("os", "")}};
    if (config_json.contains("variant")) platform_json["variant"] = config_json["variant"];
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
    const Desc& d = layers[i];
    nlohmann::json desc = {{"compression", CompressionOf(d.media_type)},
                           {"digest", d.digest},
                           {"mediaType", OciLayerMediaType(d.media_type)},
                           {"size", d.size}};
    if (i < diff_ids.size() && diff_ids[i].is_string()) desc["diffId"] = diff_ids[i];
    if (request.repository.has_value()) desc["source"] = request.repository->ToString();
    for (const char* k : {"urls", "annotations"}) {
      if (d.raw.contains(k)) desc[k] = d.raw[k];
    }
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
