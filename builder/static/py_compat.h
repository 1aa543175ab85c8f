// The few Python string, path and URL functions Django's ManifestStaticFilesStorage builds on
// (urllib.parse, posixpath, fnmatch, str.strip, json.dumps), reimplemented with the same results
// on UTF-8 strings. Django's hashed names and rewritten URLs are defined by what these functions
// return, edge cases included, so they follow CPython 3.11 exactly where it matters.
#ifndef STOWAGE_BUILDER_STATIC_PY_COMPAT_H_
#define STOWAGE_BUILDER_STATIC_PY_COMPAT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace stowage {
namespace py {

// bytes.decode("utf-8") in strict mode accepts exactly these strings.
bool IsValidUtf8(absl::string_view s);

// Decodes one code point at `pos` (assumes valid UTF-8); stores its length in `*len`.
char32_t DecodeAt(absl::string_view s, size_t pos, size_t* len);

// str.isspace() / the regex class \s for str patterns.
bool IsSpace(char32_t c);

// Bytes taken by the run of \s characters starting at `pos`.
size_t SpaceRun(absl::string_view s, size_t pos);

// str.strip() with no argument (Unicode whitespace).
std::string Strip(absl::string_view s);

// urllib.parse.urlsplit / urlunsplit / urldefrag / unquote.
struct SplitResult {
  std::string scheme, netloc, path, query, fragment;
};
SplitResult UrlSplit(absl::string_view url);
std::string UrlUnsplit(const SplitResult& parts);
// Returns {url without fragment, fragment}.
std::pair<std::string, std::string> UrlDefrag(absl::string_view url);
std::string Unquote(absl::string_view s);
// urllib.parse.quote(s, safe="/~!*()'"), as django.utils.encoding.filepath_to_uri uses it
// (after turning backslashes into slashes).
std::string FilepathToUri(absl::string_view path);
// urllib.parse.urljoin(base, url) for a `url` without scheme, query or fragment (what
// FileSystemStorage.url passes: a quoted path).
std::string UrlJoinPath(absl::string_view base, absl::string_view quoted_path);

// posixpath functions.
std::string Normpath(absl::string_view path);
std::string Join(absl::string_view a, absl::string_view b);
std::string Dirname(absl::string_view path);
std::pair<std::string, std::string> PathSplit(absl::string_view path);
std::pair<std::string, std::string> Splitext(absl::string_view path);

// str.split(sep) with a one-character separator.
std::vector<std::string> Split(absl::string_view s, char sep);

// fnmatch.fnmatchcase: `*`, `?`, `[seq]`, `[!seq]`; `*` also matches '/'.
bool FnmatchCase(absl::string_view name, absl::string_view pattern);

// json.dumps(str) with ensure_ascii=True: quoted, non-ASCII as \uXXXX (surrogate pairs).
std::string JsonString(absl::string_view s);

}  // namespace py
}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_PY_COMPAT_H_
