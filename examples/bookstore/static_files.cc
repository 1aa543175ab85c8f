#include "examples/bookstore/static_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "examples/bookstore/media_types.h"

namespace bookstore {
namespace {

// Ten years, as WhiteNoise (after nginx's "expires max").
constexpr int64_t kForever = 10 * 365 * 24 * 60 * 60;

struct FoundFile {
  std::string path;
  uint64_t size;
  int64_t mtime;
};

// Collects regular files under `dir` (following symlinks, as WhiteNoise's scandir walk does);
// `ancestors` holds (device, inode) of the directories being walked, so a symlink loop is
// skipped instead of recursing forever.
absl::Status Walk(const std::string& dir, const std::string& relative,
                  std::set<std::pair<dev_t, ino_t>>* ancestors,
                  std::map<std::string, FoundFile>* found) {
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return stowage::ErrnoStatus("cannot list static directory", dir);
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* entry = readdir(handle)) {
    absl::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  int read_errno = errno;
  closedir(handle);
  if (read_errno != 0) {
    errno = read_errno;
    return stowage::ErrnoStatus("cannot list static directory", dir);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string path = absl::StrCat(dir, "/", name);
    std::string rel = relative.empty() ? name : absl::StrCat(relative, "/", name);
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // a dangling symlink serves nothing
      return stowage::ErrnoStatus("cannot stat static file", path);
    }
    if (S_ISDIR(st.st_mode)) {
      auto key = std::make_pair(st.st_dev, st.st_ino);
      if (!ancestors->insert(key).second) continue;
      absl::Status status = Walk(path, rel, ancestors, found);
      ancestors->erase(key);
      RETURN_IF_ERROR(status);
    } else if (S_ISREG(st.st_mode)) {
      (*found)[rel] =
          FoundFile{path, static_cast<uint64_t>(st.st_size), static_cast<int64_t>(st.st_mtime)};
    }
  }
  return absl::OkStatus();
}

std::string QuotedEtag(const std::string& sha256_hex) {
  // 128 bits of the content hash are plenty to tell versions of one URL apart.
  return absl::StrCat("\"", sha256_hex.substr(0, 32), "\"");
}

// Reads or hashes one variant; keeps its bytes in memory when the budget allows.
absl::Status LoadVariant(const FoundFile& found, Coding coding, const StaticOptions& options,
                         uint64_t* memory_used, StaticVariant* variant) {
  variant->coding = coding;
  variant->fs_path = found.path;
  variant->size = found.size;
  bool keep = found.size <= options.max_memory_file_size &&
              *memory_used + found.size <= options.max_memory_total;
  if (keep) {
    ASSIGN_OR_RETURN(variant->data, stowage::ReadFile(found.path));
    // The size that counts is what was read (the file may have changed since the walk).
    variant->size = variant->data.size();
    variant->in_memory = true;
    *memory_used += variant->size;
    stowage::Sha256 hash;
    hash.Update(variant->data);
    variant->etag = QuotedEtag(hash.FinalHex());
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::string digest, stowage::Sha256OfFile(found.path));
  variant->etag = QuotedEtag(std::string(stowage::DigestHex(digest)));
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, std::string>> ReadManifest(const std::string& path) {
  std::map<std::string, std::string> manifest;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return manifest;  // no manifest: nothing is hashed
  ASSIGN_OR_RETURN(nlohmann::json json, stowage::ReadJsonFile(path));
  if (!json.is_object() || !json.contains("paths") || !json["paths"].is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("static manifest ", path, " has no \"paths\" object"));
  }
  for (const auto& [name, hashed] : json["paths"].items()) {
    if (!hashed.is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat("static manifest ", path, ": entry \"", name, "\" is not a string"));
    }
    manifest[name] = hashed.get<std::string>();
  }
  return manifest;
}

// "bytes=a-b" with one range; nullopt when absent, malformed or multi-range (serve it all).
struct ByteRange {
  bool satisfiable;
  uint64_t first;
  uint64_t length;
};
absl::optional<ByteRange> ParseRange(absl::string_view header, uint64_t size) {
  header = absl::StripAsciiWhitespace(header);
  if (!absl::ConsumePrefix(&header, "bytes=")) return absl::nullopt;
  if (header.find(',') != absl::string_view::npos) return absl::nullopt;
  size_t dash = header.find('-');
  if (dash == absl::string_view::npos) return absl::nullopt;
  absl::string_view first_text = absl::StripAsciiWhitespace(header.substr(0, dash));
  absl::string_view last_text = absl::StripAsciiWhitespace(header.substr(dash + 1));
  uint64_t first = 0;
  uint64_t last = 0;
  if (first_text.empty()) {
    // Suffix range: the last N bytes.
    uint64_t suffix;
    if (!absl::SimpleAtoi(last_text, &suffix)) return absl::nullopt;
    if (suffix == 0 || size == 0) return ByteRange{false, 0, 0};
    suffix = std::min(suffix, size);
    return ByteRange{true, size - suffix, suffix};
  }
  if (!absl::SimpleAtoi(first_text, &first)) return absl::nullopt;
  if (last_text.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else {
    if (!absl::SimpleAtoi(last_text, &last)) return absl::nullopt;
    if (last < first) return absl::nullopt;  // syntactically invalid: ignore the header
    last = std::min(last, size == 0 ? 0 : size - 1);
  }
  if (first >= size) return ByteRange{false, 0, 0};
  return ByteRange{true, first, last - first + 1};
}

// Percent-encodes a URL path the way Python's urllib.parse.quote does ("/" kept).
std::string QuotePath(absl::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (absl::ascii_isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

const StaticVariant* StaticFile::Variant(Coding coding) const {
  for (const StaticVariant& v : variants) {
    if (v.coding == coding) return &v;
  }
  return nullptr;
}

std::unique_ptr<StaticFiles> StaticFiles::Empty(const StaticOptions& options) {
  return std::unique_ptr<StaticFiles>(new StaticFiles(options));
}

absl::StatusOr<std::unique_ptr<StaticFiles>> StaticFiles::Load(const StaticOptions& options) {
  std::string root = options.root;
  while (root.size() > 1 && absl::EndsWith(root, "/")) root.pop_back();
  struct stat st;
  if (stat(root.c_str(), &st) != 0) return stowage::ErrnoStatus("no static root at", root);
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("static root ", root, " is not a directory"));
  }
  std::map<std::string, FoundFile> found;
  std::set<std::pair<dev_t, ino_t>> ancestors = {{st.st_dev, st.st_ino}};
  RETURN_IF_ERROR(Walk(root, "", &ancestors, &found));

  auto table = std::unique_ptr<StaticFiles>(new StaticFiles(options));
  ASSIGN_OR_RETURN(table->manifest_, ReadManifest(root + "/staticfiles.json"));
  std::set<std::string> hashed_names;
  for (const auto& [name, hashed] : table->manifest_) {
    if (hashed != name) hashed_names.insert(hashed);
  }

  uint64_t memory_used = 0;
  for (const auto& [rel, file] : found) {
    // A compressed variant of an existing file is not a URL of its own (WhiteNoise).
    if ((absl::EndsWith(rel, ".gz") || absl::EndsWith(rel, ".br")) &&
        found.count(rel.substr(0, rel.size() - 3)) > 0) {
      continue;
    }
    auto entry = std::make_unique<StaticFile>();
    entry->relative_path = rel;
    entry->url = absl::StrCat(options.url_prefix, rel);
    entry->content_type = ContentTypeFor(rel);
    entry->immutable = hashed_names.count(rel) > 0;
    entry->cache_control = entry->immutable
                               ? absl::StrCat("max-age=", kForever, ", public, immutable")
                               : absl::StrCat("max-age=", options.max_age, ", public");
    entry->mtime = file.mtime;
    if (file.mtime > 0) entry->last_modified = HttpDate(file.mtime);
    entry->variants.emplace_back();
    RETURN_IF_ERROR(
        LoadVariant(file, Coding::kIdentity, options, &memory_used, &entry->variants.back()));
    for (auto [suffix, coding] :
         {std::make_pair(".br", Coding::kBrotli), std::make_pair(".gz", Coding::kGzip)}) {
      auto compressed = found.find(rel + suffix);
      if (compressed == found.end()) continue;
      entry->variants.emplace_back();
      RETURN_IF_ERROR(
          LoadVariant(compressed->second, coding, options, &memory_used, &entry->variants.back()));
    }
    table->sorted_.push_back(entry.get());
    table->by_url_[entry->url] = std::move(entry);
  }
  return table;
}

const StaticFile* StaticFiles::Find(absl::string_view url_path) const {
  auto it = by_url_.find(url_path);
  return it == by_url_.end() ? nullptr : it->second.get();
}

std::string StaticFiles::Url(absl::string_view name, bool use_manifest) const {
  absl::ConsumePrefix(&name, "/");
  if (use_manifest) {
    auto it = manifest_.find(std::string(name));
    if (it != manifest_.end()) return QuotePath(absl::StrCat(options_.url_prefix, it->second));
  }
  return QuotePath(absl::StrCat(options_.url_prefix, name));
}

bool EtagMatches(absl::string_view if_none_match, absl::string_view etag) {
  absl::string_view wanted = etag;
  absl::ConsumePrefix(&wanted, "W/");
  for (absl::string_view candidate : absl::StrSplit(if_none_match, ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    if (candidate == "*") return true;
    absl::ConsumePrefix(&candidate, "W/");
    if (!candidate.empty() && candidate == wanted) return true;
  }
  return false;
}

StaticDecision DecideStatic(const StaticFile& file, const StaticRequest& request) {
  StaticDecision decision;
  if (request.method != "GET" && request.method != "HEAD") {
    decision.status = 405;
    return decision;
  }
  AvailableCodings available;
  available.brotli = file.Variant(Coding::kBrotli) != nullptr;
  available.gzip = file.Variant(Coding::kGzip) != nullptr;
  const StaticVariant* variant = file.Variant(ChooseCoding(request.accept_encoding, available));
  if (variant == nullptr) variant = &file.variants[0];
  decision.variant = variant;

  bool not_modified = false;
  if (request.if_none_match.has_value()) {
    not_modified = EtagMatches(*request.if_none_match, variant->etag);
  } else if (request.if_modified_since.has_value() && file.mtime > 0) {
    absl::optional<int64_t> since = ParseHttpDate(*request.if_modified_since);
    not_modified = since.has_value() && *since >= file.mtime;
  }
  if (not_modified) {
    decision.status = 304;
    return decision;
  }

  decision.status = 200;
  decision.length = variant->size;
  if (request.range.has_value()) {
    // If-Range: serve the range only for the representation the client already has.
    bool range_applies = !request.if_range.has_value() ||
                         absl::StripAsciiWhitespace(*request.if_range) == variant->etag;
    absl::optional<ByteRange> range =
        range_applies ? ParseRange(*request.range, variant->size) : absl::nullopt;
    if (range.has_value()) {
      if (!range->satisfiable) {
        decision.status = 416;
        decision.length = 0;
      } else {
        decision.status = 206;
        decision.offset = range->first;
        decision.length = range->length;
      }
    }
  }
  return decision;
}

Headers StaticOkHeaders(const StaticFile& file, const StaticVariant& variant,
                        bool allow_all_origins) {
  Headers headers;
  headers.emplace_back("Content-Type", file.content_type);
  headers.emplace_back("Cache-Control", file.cache_control);
  if (allow_all_origins) headers.emplace_back("Access-Control-Allow-Origin", "*");
  if (file.has_compressed_variants()) headers.emplace_back("Vary", "Accept-Encoding");
  if (!file.last_modified.empty()) headers.emplace_back("Last-Modified", file.last_modified);
  headers.emplace_back("ETag", variant.etag);
  if (variant.coding != Coding::kIdentity) {
    headers.emplace_back("Content-Encoding", std::string(CodingToken(variant.coding)));
  }
  return headers;
}

Headers StaticDecisionHeaders(const StaticFile& file, const StaticDecision& decision,
                              bool allow_all_origins) {
  Headers headers;
  switch (decision.status) {
    case 405:
      headers.emplace_back("Allow", "GET, HEAD");
      break;
    case 304:
      // RFC 9110 §15.4.5: the validators and the headers a 200 would have for caching.
      headers.emplace_back("Cache-Control", file.cache_control);
      headers.emplace_back("ETag", decision.variant->etag);
      if (file.has_compressed_variants()) headers.emplace_back("Vary", "Accept-Encoding");
      break;
    case 416:
      headers.emplace_back("Content-Range", absl::StrCat("bytes */", decision.variant->size));
      if (file.has_compressed_variants()) headers.emplace_back("Vary", "Accept-Encoding");
      break;
    case 206:
      headers = StaticOkHeaders(file, *decision.variant, allow_all_origins);
      headers.emplace_back("Content-Range", absl::StrCat("bytes ", decision.offset, "-",
                                                         decision.offset + decision.length - 1, "/",
                                                         decision.variant->size));
      break;
    default:
      headers = StaticOkHeaders(file, *decision.variant, allow_all_origins);
      break;
  }
  return headers;
}

namespace {
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

std::string HttpDate(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  // Written by hand: strftime's %a and %b follow the process locale.
  snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
           kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

absl::optional<int64_t> ParseHttpDate(absl::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::StripAsciiWhitespace(text), ' ', absl::SkipEmpty());
  if (parts.size() != 6 || parts[5] != "GMT") return absl::nullopt;
  int day, year;
  if (!absl::SimpleAtoi(parts[1], &day) || !absl::SimpleAtoi(parts[3], &year)) {
    return absl::nullopt;
  }
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (parts[2] == kMonths[i]) month = i;
  }
  std::vector<absl::string_view> hms = absl::StrSplit(parts[4], ':');
  int h, m, s;
  if (month < 0 || hms.size() != 3 || !absl::SimpleAtoi(hms[0], &h) ||
      !absl::SimpleAtoi(hms[1], &m) || !absl::SimpleAtoi(hms[2], &s)) {
    return absl::nullopt;
  }
  if (day < 1 || day > 31 || h > 23 || m > 59 || s > 60 || year < 1970) return absl::nullopt;
  struct tm tm = {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace bookstore
