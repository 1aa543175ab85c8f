#include "examples/bookstore/media_types.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace bookstore {
namespace {

using TypeMap = absl::flat_hash_map<absl::string_view, absl::string_view>;

const TypeMap& Types() {
  static const auto* types = new TypeMap{
      {".3gp", "video/3gpp"},
      {".3gpp", "video/3gpp"},
      {".7z", "application/x-7z-compressed"},
      {".atom", "application/atom+xml"},
      {".avi", "video/x-msvideo"},
      {".avif", "image/avif"},
      {".bmp", "image/x-ms-bmp"},
      {".css", "text/css"},
      {".csv", "text/csv"},
      {".eot", "application/vnd.ms-fontobject"},
      {".gif", "image/gif"},
      {".gz", "application/gzip"},
      {".htm", "text/html"},
      {".html", "text/html"},
      {".ico", "image/x-icon"},
      {".jpeg", "image/jpeg"},
      {".jpg", "image/jpeg"},
      {".js", "text/javascript"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".md", "text/markdown"},
      {".mjs", "text/javascript"},
      {".mov", "video/quicktime"},
      {".mp3", "audio/mpeg"},
      {".mp4", "video/mp4"},
      {".mpeg", "video/mpeg"},
      {".mpg", "video/mpeg"},
      {".ogg", "audio/ogg"},
      {".otf", "font/otf"},
      {".pdf", "application/pdf"},
      {".png", "image/png"},
      {".rss", "application/rss+xml"},
      {".svg", "image/svg+xml"},
      {".svgz", "image/svg+xml"},
      {".tif", "image/tiff"},
      {".tiff", "image/tiff"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain"},
      {".wasm", "application/wasm"},
      {".webm", "video/webm"},
      {".webmanifest", "application/manifest+json"},
      {".webp", "image/webp"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".xhtml", "application/xhtml+xml"},
      {".xml", "text/xml"},
      {".zip", "application/zip"},
      {"apple-app-site-association", "application/pkc7-mime"},
      {"crossdomain.xml", "text/x-cross-domain-policy"},
  };
  return *types;
}

}  // namespace

absl::string_view MediaTypeFor(absl::string_view path) {
  size_t slash = path.rfind('/');
  std::string name =
      absl::AsciiStrToLower(slash == absl::string_view::npos ? path : path.substr(slash + 1));
  const TypeMap& types = Types();
  auto by_name = types.find(name);
  if (by_name != types.end()) return by_name->second;
  size_t dot = name.rfind('.');
  // Like os.path.splitext: a leading dot (".bashrc") is not an extension.
  if (dot != std::string::npos && dot != 0) {
    auto by_ext = types.find(absl::string_view(name).substr(dot));
    if (by_ext != types.end()) return by_ext->second;
  }
  return "application/octet-stream";
}

std::string ContentTypeFor(absl::string_view path) {
  absl::string_view type = MediaTypeFor(path);
  if (absl::StartsWith(type, "text/")) return absl::StrCat(type, "; charset=utf-8");
  return std::string(type);
}

}  // namespace bookstore
