#include "builder/static/post_process.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "builder/common/status_macros.h"
#include "builder/static/py_compat.h"

namespace stowage {
namespace {

// HashedFilesMixin.clean_name.
std::string CleanName(absl::string_view name) { return absl::StrReplaceAll(name, {{"\\", "/"}}); }

// re.match(r'^[a-z]+:', url): an absolute URL with a lower-case scheme (data:, http:, ...).
bool HasLowerScheme(absl::string_view url) {
  size_t i = 0;
  while (i < url.size() && url[i] >= 'a' && url[i] <= 'z') ++i;
  return i > 0 && i < url.size() && url[i] == ':';
}

std::string LastSegment(absl::string_view s) {
  size_t slash = s.rfind('/');
  return std::string(slash == absl::string_view::npos ? s : s.substr(slash + 1));
}

class Processor {
 public:
  Processor(const PostProcessOptions& options, VirtualStorage* storage)
      : options_(options), storage_(storage) {}

  absl::StatusOr<PostProcessResult> Run(const std::vector<FoundFile>& found);

 private:
  // One pass of HashedFilesMixin._post_process over `paths` (indexes into found).
  absl::Status Pass(const std::vector<FoundFile>& found, const std::vector<size_t>& paths,
                    std::vector<std::string>* changed);
  absl::StatusOr<std::string> Adjust(const std::string& name, const std::string& content);
  absl::StatusOr<std::string> Convert(const std::string& name, PatternKind kind,
                                      absl::string_view matched, absl::string_view url);
  absl::StatusOr<std::string> Url(const std::string& name);
  absl::StatusOr<std::string> StoredName(const std::string& name);
  absl::StatusOr<std::string> HashedName(const std::string& name, const BlobPtr& content);

  void SetHashed(const std::string& key, const std::string& value) {
    auto [it, inserted] = hashed_index_.emplace(key, result_.hashed_files.size());
    if (inserted) {
      result_.hashed_files.emplace_back(key, value);
    } else {
      result_.hashed_files[it->second].second = value;
    }
  }
  const std::string* GetHashed(const std::string& key) const {
    auto it = hashed_index_.find(key);
    return it == hashed_index_.end() ? nullptr : &result_.hashed_files[it->second].second;
  }

  const PostProcessOptions& options_;
  VirtualStorage* storage_;
  PostProcessResult result_;
  std::unordered_map<std::string, size_t> hashed_index_;
  std::unordered_set<std::string> warned_;
};

absl::StatusOr<PostProcessResult> Processor::Run(const std::vector<FoundFile>& found) {
  std::vector<size_t> all(found.size());
  std::vector<size_t> adjustable;
  for (size_t i = 0; i < found.size(); ++i) {
    all[i] = i;
    if (IsAdjustable(options_.version, found[i].name)) adjustable.push_back(i);
  }
  // A single pass over everything first, then repeat for adjustable files until no hash
  // changes.
  std::vector<std::string> changed;
  RETURN_IF_ERROR(Pass(found, all, &changed));
  for (int pass = 0; pass < kMaxPostProcessPasses; ++pass) {
    changed.clear();
    RETURN_IF_ERROR(Pass(found, adjustable, &changed));
    if (changed.empty()) break;
  }
  if (!changed.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("Max post-process passes exceeded: the hashed names of ",
                     absl::StrJoin(changed, ", "), " still changed after ", kMaxPostProcessPasses,
                     " passes (files that reference each other in a cycle?)"));
  }
  return std::move(result_);
}

absl::Status Processor::Pass(const std::vector<FoundFile>& found, const std::vector<size_t>& paths,
                             std::vector<std::string>* changed) {
  // Deepest paths first; equal depths keep collection order (Python's sort is stable).
  std::vector<size_t> order = paths;
  auto level = [&](size_t i) {
    return std::count(found[i].name.begin(), found[i].name.end(), '/');
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return level(a) > level(b); });
  for (size_t index : order) {
    const FoundFile& file = found[index];
    const std::string key = CleanName(file.name);
    std::string hashed_name;
    if (const std::string* known = GetHashed(key)) {
      hashed_name = *known;
    } else {
      ASSIGN_OR_RETURN(hashed_name, HashedName(file.name, file.blob));
    }
    ASSIGN_OR_RETURN(bool hashed_file_exists, storage_->Exists(hashed_name));
    bool processed = false;
    if (IsAdjustable(options_.version, file.name)) {
      const std::string old_hashed_name = hashed_name;
      if (!py::IsValidUtf8(file.blob->data)) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", file.name, "' is not valid UTF-8; Django reads it as text"));
      }
      ASSIGN_OR_RETURN(std::string content, Adjust(file.name, file.blob->data));
      if (hashed_file_exists) RETURN_IF_ERROR(storage_->Delete(hashed_name));
      BlobPtr adjusted = MakeBlob(std::move(content));
      ASSIGN_OR_RETURN(hashed_name, HashedName(file.name, adjusted));
      RETURN_IF_ERROR(storage_->Delete(hashed_name));
      RETURN_IF_ERROR(storage_->Save(hashed_name, adjusted));
      hashed_name = CleanName(hashed_name);
      if (old_hashed_name != hashed_name) changed->push_back(file.name);
      processed = true;
    }
    if (!processed && !hashed_file_exists) {
      RETURN_IF_ERROR(storage_->Save(hashed_name, file.blob));
      hashed_name = CleanName(hashed_name);
    }
    SetHashed(key, hashed_name);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Processor::Adjust(const std::string& name,
                                              const std::string& original) {
  std::string content = original;
  for (PatternKind kind : PatternsFor(options_.version, name)) {
    size_t line = 1, counted = 0;
    auto converter = [&](const PatternMatch& m) -> absl::StatusOr<std::string> {
      line += std::count(content.begin() + counted, content.begin() + m.begin, '\n');
      counted = m.begin;
      absl::string_view matched = absl::string_view(content).substr(m.begin, m.end - m.begin);
      absl::string_view url =
          absl::string_view(content).substr(m.url_begin, m.url_end - m.url_begin);
      absl::StatusOr<std::string> out = Convert(name, kind, matched, url);
      if (out.ok()) return out;
      std::string where = absl::StrCat("'", name, "' line ", line, " references '", url, "'");
      if (absl::IsNotFound(out.status()) && !options_.strict) {
        std::string warning = absl::StrCat(where, ", left unchanged: ", out.status().message());
        // Later passes see the same reference again; report it once (a set: a stylesheet with
        // a million missing references must not cost a million linear searches).
        if (warned_.insert(warning).second) result_.warnings.push_back(warning);
        return std::string(matched);
      }
      return absl::Status(out.status().code(), absl::StrCat(where, ": ", out.status().message()));
    };
    ASSIGN_OR_RETURN(content, Substitute(kind, content, converter));
  }
  return content;
}

// HashedFilesMixin.url_converter's converter.
absl::StatusOr<std::string> Processor::Convert(const std::string& name, PatternKind kind,
                                               absl::string_view matched, absl::string_view url) {
  const std::string& static_url = options_.static_url;
  // Absolute, protocol-relative and data: URLs, and absolute paths outside STATIC_URL, stay.
  if (HasLowerScheme(url)) return std::string(matched);
  if (absl::StartsWith(url, "/") && !absl::StartsWith(url, static_url)) {
    return std::string(matched);
  }
  auto [url_path, fragment] = py::UrlDefrag(url);
  if (options_.version == DjangoVersion::k4_2 && url_path.empty()) return std::string(matched);
  std::string target_name;
  if (absl::StartsWith(url_path, "/")) {
    if (!absl::StartsWith(url_path, static_url)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the URL '", url_path, "' does not start with STATIC_URL"));
    }
    target_name = url_path.substr(static_url.size());
  } else {
    target_name = py::Join(py::Dirname(name), url_path);
  }
  ASSIGN_OR_RETURN(std::string hashed_url, Url(py::Unquote(target_name)));
  std::vector<std::string> parts = py::Split(url_path, '/');
  parts.back() = LastSegment(hashed_url);
  std::string transformed = absl::StrJoin(parts, "/");
  if (!fragment.empty()) {
    absl::StrAppend(&transformed, absl::StrContains(url, "?#") ? "?#" : "#", fragment);
  }
  return ApplyTemplate(kind, py::Unquote(transformed));
}

// HashedFilesMixin._url with force=True.
absl::StatusOr<std::string> Processor::Url(const std::string& name) {
  auto [clean_name, fragment] = py::UrlDefrag(name);
  std::string hashed_name;
  if (absl::EndsWith(py::UrlSplit(clean_name).path, "/")) {
    hashed_name = name;  // a directory path is not hashed
  } else {
    ASSIGN_OR_RETURN(hashed_name, StoredName(clean_name));
  }
  // FileSystemStorage.url
  std::string uri = py::FilepathToUri(hashed_name);
  uri.erase(
      0, uri.find_first_not_of('/') == std::string::npos ? uri.size() : uri.find_first_not_of('/'));
  std::string final_url = py::UrlJoinPath(options_.static_url, uri);
  bool query_fragment = absl::StrContains(name, "?#");
  if (!fragment.empty() || query_fragment) {
    py::SplitResult parts = py::UrlSplit(final_url);
    if (!fragment.empty() && parts.fragment.empty()) parts.fragment = fragment;
    if (query_fragment && parts.query.empty()) parts.path += "?";
    final_url = py::UrlUnsplit(parts);
  }
  return py::Unquote(final_url);
}

// HashedFilesMixin._stored_name
absl::StatusOr<std::string> Processor::StoredName(const std::string& name) {
  std::string key = CleanName(py::Normpath(name));
  if (const std::string* known = GetHashed(key)) return *known;
  ASSIGN_OR_RETURN(std::string hashed, HashedName(py::Normpath(name), nullptr));
  return CleanName(hashed);
}

// HashedFilesMixin.hashed_name; `content` null means "read the file `name` from storage".
absl::StatusOr<std::string> Processor::HashedName(const std::string& name, const BlobPtr& content) {
  py::SplitResult parsed = py::UrlSplit(py::Unquote(name));
  std::string clean_name = py::Strip(parsed.path);
  BlobPtr blob = content;
  if (blob == nullptr) {
    ASSIGN_OR_RETURN(VirtualStorage::Kind kind, storage_->Stat(clean_name));
    if (kind == VirtualStorage::Kind::kMissing) {
      return absl::NotFoundError(
          absl::StrCat("The file '", clean_name, "' could not be found with the collected files."));
    }
    if (kind == VirtualStorage::Kind::kDirectory) {
      result_.new_files.insert(CleanName(name));
      return name;  // Django cannot open a directory and leaves the name alone.
    }
    ASSIGN_OR_RETURN(blob, storage_->Open(clean_name));
  }
  auto [path, filename] = py::PathSplit(clean_name);
  auto [root, ext] = py::Splitext(filename);
  parsed.path = py::Join(path, absl::StrCat(root, ".", blob->md5_hex.substr(0, 12), ext));
  if (absl::StrContains(name, "?#") && parsed.query.empty()) parsed.path += "?";
  std::string hashed = py::UrlUnsplit(parsed);
  result_.new_files.insert(CleanName(hashed));
  return hashed;
}

}  // namespace

absl::StatusOr<PostProcessResult> PostProcess(const std::vector<FoundFile>& found,
                                              const PostProcessOptions& options,
                                              VirtualStorage* storage) {
  return Processor(options, storage).Run(found);
}

}  // namespace stowage
