#include "builder/static/spec.h"

#include <sys/stat.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/json_access.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace {

using nlohmann::json;

// A list of [relative path, file path] pairs.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> GetPairs(const JsonView& object,
                                                                          const char* key) {
  std::vector<std::pair<std::string, std::string>> out;
  ASSIGN_OR_RETURN(std::vector<JsonView> items, object.OptionalArray(key));
  for (const JsonView& item : items) {
    ASSIGN_OR_RETURN(std::vector<std::string> pair, item.AsStringArray());
    if (pair.size() != 2) return item.Error("want [relative path, file path]");
    out.emplace_back(std::move(pair[0]), std::move(pair[1]));
  }
  return out;
}

}  // namespace

absl::StatusOr<PrecompressSpec> ParsePrecompressSpec(const json& spec_json) {
  JsonView spec(spec_json, "the precompress spec");
  RETURN_IF_ERROR(spec.OnlyKeys({"brotli", "gzip", "files"}));
  PrecompressSpec out;
  ASSIGN_OR_RETURN(out.brotli, spec.OptionalBool("brotli", true));
  ASSIGN_OR_RETURN(out.gzip, spec.OptionalBool("gzip", true));
  ASSIGN_OR_RETURN(out.files, spec.OptionalStringArray("files"));
  return out;
}

absl::StatusOr<StaticSpec> ParseStaticSpec(const json& spec_json) {
  JsonView spec(spec_json, "the static spec");
  RETURN_IF_ERROR(spec.OnlyKeys({"sources", "django_version", "static_url", "strict", "gzip",
                                 "brotli", "keep_only_hashed_files", "skip_compress_extensions",
                                 "ignore_patterns", "precompressed"}));
  StaticSpec out;
  out.options = DefaultStaticAssetsOptions();
  StaticAssetsOptions& o = out.options;
  ASSIGN_OR_RETURN(std::string version, spec.OptionalString("django_version", "3.2"));
  if (version == "3.2") {
    o.post_process.version = DjangoVersion::k3_2;
  } else if (version == "4.2") {
    o.post_process.version = DjangoVersion::k4_2;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("django_version must be \"3.2\" or \"4.2\", not \"", version, "\""));
  }
  ASSIGN_OR_RETURN(o.post_process.static_url, spec.OptionalString("static_url", "/static/"));
  const std::string& url = o.post_process.static_url;
  if (url.empty() || url.back() != '/' || url.find_first_of("?#;") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "static_url must end with '/' and have no query or fragment (Django requires it): '", url,
        "'"));
  }
  ASSIGN_OR_RETURN(o.post_process.strict, spec.OptionalBool("strict", true));
  ASSIGN_OR_RETURN(o.gzip, spec.OptionalBool("gzip", true));
  ASSIGN_OR_RETURN(o.brotli, spec.OptionalBool("brotli", true));
  ASSIGN_OR_RETURN(o.keep_only_hashed_files, spec.OptionalBool("keep_only_hashed_files", false));
  if (spec.Has("skip_compress_extensions")) {
    ASSIGN_OR_RETURN(o.skip_compress_extensions,
                     spec.OptionalStringArray("skip_compress_extensions"));
  }
  if (spec.Has("ignore_patterns")) {
    ASSIGN_OR_RETURN(o.ignore_patterns, spec.OptionalStringArray("ignore_patterns"));
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> shards, spec.OptionalArray("precompressed"));
  for (const JsonView& shard : shards) {
    RETURN_IF_ERROR(shard.OnlyKeys({"dir", "files"}));
    ASSIGN_OR_RETURN(std::string dir, shard.OptionalString("dir"));
    ASSIGN_OR_RETURN(std::vector<std::string> files, shard.OptionalStringArray("files"));
    if (dir.empty()) return shard.Error("a precompressed shard needs a \"dir\"");
    for (size_t i = 0; i < files.size(); ++i) {
      // A variant WhiteNoise would not keep was not written.
      Precompressed done;
      std::string br = absl::StrCat(dir, "/", i, ".br"), gz = absl::StrCat(dir, "/", i, ".gz");
      struct stat st;
      if (stat(br.c_str(), &st) == 0) done.br_path = br;
      if (stat(gz.c_str(), &st) == 0) done.gz_path = gz;
      o.precompressed[files[i]] = done;
    }
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> sources, spec.RequiredArray("sources"));
  for (const JsonView& item : sources) {
    RETURN_IF_ERROR(item.OnlyKeys(
        {"prefix", "strip_prefix", "files", "dirs", "label", "only_under_strip_prefix"}));
    StaticSource source;
    ASSIGN_OR_RETURN(source.prefix, item.OptionalString("prefix"));
    ASSIGN_OR_RETURN(source.strip_prefix, item.OptionalString("strip_prefix"));
    ASSIGN_OR_RETURN(source.files, GetPairs(item, "files"));
    ASSIGN_OR_RETURN(source.dirs, GetPairs(item, "dirs"));
    ASSIGN_OR_RETURN(source.label, item.OptionalString("label"));
    ASSIGN_OR_RETURN(source.only_under_strip_prefix,
                     item.OptionalBool("only_under_strip_prefix", false));
    out.sources.push_back(std::move(source));
  }
  return out;
}

}  // namespace stowage
