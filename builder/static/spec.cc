#include "builder/static/spec.h"

#include <sys/stat.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace {

using nlohmann::json;

absl::Status CheckKeys(const json& object, const std::set<std::string>& known,
                       const std::string& where) {
  if (!object.is_object()) return absl::InvalidArgumentError(where + " must be a JSON object");
  for (const auto& item : object.items()) {
    if (!known.count(item.key())) {
      return absl::InvalidArgumentError(absl::StrCat("unknown key '", item.key(), "' in ", where));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GetString(const json& object, const char* key,
                                      const std::string& fallback) {
  if (!object.contains(key) || object[key].is_null()) return fallback;
  if (!object[key].is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' must be a string"));
  }
  return object[key].get<std::string>();
}

absl::StatusOr<bool> GetBool(const json& object, const char* key, bool fallback) {
  if (!object.contains(key) || object[key].is_null()) return fallback;
  if (!object[key].is_boolean()) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' must be true or false"));
  }
  return object[key].get<bool>();
}

absl::StatusOr<std::vector<std::string>> GetStrings(const json& object, const char* key,
                                                    const std::vector<std::string>& fallback) {
  if (!object.contains(key) || object[key].is_null()) return fallback;
  std::vector<std::string> out;
  if (!object[key].is_array()) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' must be a list of strings"));
  }
  for (const json& item : object[key]) {
    if (!item.is_string()) {
      return absl::InvalidArgumentError(absl::StrCat("'", key, "' must be a list of strings"));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> GetPairs(const json& object,
                                                                          const char* key) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!object.contains(key)) return out;
  for (const json& item : object[key]) {
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat("each '", key, "' entry must be [relative path, file path]"));
    }
    out.emplace_back(item[0].get<std::string>(), item[1].get<std::string>());
  }
  return out;
}

}  // namespace

absl::StatusOr<PrecompressSpec> ParsePrecompressSpec(const json& spec) {
  RETURN_IF_ERROR(CheckKeys(spec, {"brotli", "gzip", "files"}, "the precompress spec"));
  PrecompressSpec out;
  ASSIGN_OR_RETURN(out.brotli, GetBool(spec, "brotli", true));
  ASSIGN_OR_RETURN(out.gzip, GetBool(spec, "gzip", true));
  ASSIGN_OR_RETURN(out.files, GetStrings(spec, "files", {}));
  return out;
}

absl::StatusOr<StaticSpec> ParseStaticSpec(const json& spec) {
  RETURN_IF_ERROR(CheckKeys(
      spec,
      {"sources", "django_version", "static_url", "strict", "gzip", "brotli",
       "keep_only_hashed_files", "skip_compress_extensions", "ignore_patterns", "precompressed"},
      "the static spec"));
  StaticSpec out;
  out.options = DefaultStaticAssetsOptions();
  StaticAssetsOptions& o = out.options;
  ASSIGN_OR_RETURN(std::string version, GetString(spec, "django_version", "3.2"));
  if (version == "3.2") {
    o.post_process.version = DjangoVersion::k3_2;
  } else if (version == "4.2") {
    o.post_process.version = DjangoVersion::k4_2;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("django_version must be \"3.2\" or \"4.2\", not \"", version, "\""));
  }
  ASSIGN_OR_RETURN(o.post_process.static_url, GetString(spec, "static_url", "/static/"));
  const std::string& url = o.post_process.static_url;
  if (url.empty() || url.back() != '/' || url.find_first_of("?#;") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "static_url must end with '/' and have no query or fragment (Django requires it): '", url,
        "'"));
  }
  ASSIGN_OR_RETURN(o.post_process.strict, GetBool(spec, "strict", true));
  ASSIGN_OR_RETURN(o.gzip, GetBool(spec, "gzip", true));
  ASSIGN_OR_RETURN(o.brotli, GetBool(spec, "brotli", true));
  ASSIGN_OR_RETURN(o.keep_only_hashed_files, GetBool(spec, "keep_only_hashed_files", false));
  ASSIGN_OR_RETURN(o.skip_compress_extensions,
                   GetStrings(spec, "skip_compress_extensions", o.skip_compress_extensions));
  ASSIGN_OR_RETURN(o.ignore_patterns, GetStrings(spec, "ignore_patterns", o.ignore_patterns));
  if (spec.contains("precompressed")) {
    for (const json& shard : spec["precompressed"]) {
      RETURN_IF_ERROR(CheckKeys(shard, {"dir", "files"}, "a precompressed shard"));
      ASSIGN_OR_RETURN(std::string dir, GetString(shard, "dir", ""));
      ASSIGN_OR_RETURN(std::vector<std::string> files, GetStrings(shard, "files", {}));
      if (dir.empty()) return absl::InvalidArgumentError("a precompressed shard needs a \"dir\"");
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
  }
  if (!spec.contains("sources") || !spec["sources"].is_array()) {
    return absl::InvalidArgumentError("the static spec needs a \"sources\" list");
  }
  for (const json& item : spec["sources"]) {
    RETURN_IF_ERROR(
        CheckKeys(item, {"prefix", "strip_prefix", "files", "dirs", "label"}, "a static source"));
    StaticSource source;
    ASSIGN_OR_RETURN(source.prefix, GetString(item, "prefix", ""));
    ASSIGN_OR_RETURN(source.strip_prefix, GetString(item, "strip_prefix", ""));
    ASSIGN_OR_RETURN(source.files, GetPairs(item, "files"));
    ASSIGN_OR_RETURN(source.dirs, GetPairs(item, "dirs"));
    ASSIGN_OR_RETURN(source.label, GetString(item, "label", ""));
    out.sources.push_back(std::move(source));
  }
  return out;
}

}  // namespace stowage
