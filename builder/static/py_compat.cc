#include "builder/static/py_compat.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace stowage {
namespace py {
namespace {

bool InList(absl::string_view s, std::initializer_list<absl::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool UsesNetloc(absl::string_view scheme) {
  return InList(scheme, {"",     "ftp",     "http",  "gopher", "nntp",    "telnet", "imap",
                         "wais", "file",    "mms",   "https",  "shttp",   "snews",  "prospero",
                         "rtsp", "rtspu",   "rsync", "svn",    "svn+ssh", "sftp",   "nfs",
                         "git",  "git+ssh", "ws",    "wss"});
}

bool UsesParams(absl::string_view scheme) {
  return InList(scheme, {"", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp",
                         "rtspu", "sip", "sips", "mms", "sftp", "tel"});
}

bool UsesRelative(absl::string_view scheme) {
  return InList(
      scheme, {"", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp", "mms",
               "prospero", "rtsp", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss"});
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the well-formed UTF-8 sequence at `i`, or 0 when it is ill-formed; in that case
// `*bad` is the length of its maximal valid prefix (at least 1), the part that CPython's
// "replace" error handler turns into one U+FFFD.
size_t SequenceLength(absl::string_view s, size_t i, size_t* bad) {
  unsigned char b = s[i];
  *bad = 1;
  if (b < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return 0;
    unsigned char c = s[i + k];
    unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (c < l || c > h) return 0;
    *bad = k + 1;
  }
  return need + 1;
}

// bytes.decode("utf-8", "replace").
std::string DecodeReplacing(absl::string_view bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size();) {
    size_t bad;
    size_t n = SequenceLength(bytes, i, &bad);
    if (n > 0) {
      out.append(bytes.substr(i, n).data(), n);
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      i += bad;
    }
  }
  return out;
}

// urllib.parse.unquote_to_bytes on an ASCII run: "%" and two hex digits become one byte.
std::string UnquoteToBytes(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool IsSchemeChar(char c) { return absl::ascii_isalnum(c) || c == '+' || c == '-' || c == '.'; }

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t bad;
    size_t n = SequenceLength(s, i, &bad);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

char32_t DecodeAt(absl::string_view s, size_t pos, size_t* len) {
  unsigned char b = s[pos];
  if (b < 0x80 || pos + 1 >= s.size()) {
    *len = 1;
    return b;
  }
  if (b < 0xE0) {
    *len = 2;
    return ((b & 0x1F) << 6) | (s[pos + 1] & 0x3F);
  }
  if (b < 0xF0 && pos + 2 < s.size()) {
    *len = 3;
    return ((b & 0x0F) << 12) | ((s[pos + 1] & 0x3F) << 6) | (s[pos + 2] & 0x3F);
  }
  if (pos + 3 < s.size()) {
    *len = 4;
    return ((b & 0x07) << 18) | ((s[pos + 1] & 0x3F) << 12) | ((s[pos + 2] & 0x3F) << 6) |
           (s[pos + 3] & 0x3F);
  }
  *len = 1;
  return b;
}

bool IsSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

size_t SpaceRun(absl::string_view s, size_t pos) {
  size_t i = pos;
  while (i < s.size()) {
    size_t len;
    char32_t c = DecodeAt(s, i, &len);
    if (!IsSpace(c)) break;
    i += len;
  }
  return i - pos;
}

std::string Strip(absl::string_view s) {
  size_t begin = 0;
  begin += SpaceRun(s, 0);
  size_t end = s.size();
  // Walk back over whole code points.
  while (end > begin) {
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t len;
    if (!IsSpace(DecodeAt(s, start, &len))) break;
    end = start;
  }
  return std::string(s.substr(begin, end - begin));
}

SplitResult UrlSplit(absl::string_view input) {
  size_t lead = 0;
  while (lead < input.size() && static_cast<unsigned char>(input[lead]) <= 0x20) ++lead;
  std::string url;
  for (char c : input.substr(lead)) {
    if (c != '\t' && c != '\r' && c != '\n') url.push_back(c);
  }
  SplitResult r;
  size_t colon = url.find(':');
  if (colon != std::string::npos && colon > 0 && absl::ascii_isalpha(url[0])) {
    bool all = true;
    for (size_t k = 0; k < colon; ++k) all = all && IsSchemeChar(url[k]);
    if (all) {
      r.scheme = absl::AsciiStrToLower(url.substr(0, colon));
      url = url.substr(colon + 1);
    }
  }
  if (url.compare(0, 2, "//") == 0) {
    size_t delim = url.find_first_of("/?#", 2);
    if (delim == std::string::npos) delim = url.size();
    r.netloc = url.substr(2, delim - 2);
    url = url.substr(delim);
  }
  size_t hash = url.find('#');
  if (hash != std::string::npos) {
    r.fragment = url.substr(hash + 1);
    url = url.substr(0, hash);
  }
  size_t question = url.find('?');
  if (question != std::string::npos) {
    r.query = url.substr(question + 1);
    url = url.substr(0, question);
  }
  r.path = url;
  return r;
}

std::string UrlUnsplit(const SplitResult& p) {
  std::string url = p.path;
  if (!p.netloc.empty() || (!p.scheme.empty() && UsesNetloc(p.scheme) && url.compare(0, 2, "//"))) {
    if (!url.empty() && url[0] != '/') url = "/" + url;
    url = "//" + p.netloc + url;
  }
  if (!p.scheme.empty()) url = p.scheme + ":" + url;
  if (!p.query.empty()) url += "?" + p.query;
  if (!p.fragment.empty()) url += "#" + p.fragment;
  return url;
}

std::pair<std::string, std::string> UrlDefrag(absl::string_view url) {
  if (url.find('#') == absl::string_view::npos) return {std::string(url), ""};
  SplitResult r = UrlSplit(url);
  std::string fragment = r.fragment;
  r.fragment.clear();
  // urlparse splits ";params" off the last path segment and urlunparse puts them back,
  // except that an empty parameter list loses its ';'.
  if (UsesParams(r.scheme) && r.path.find(';') != std::string::npos) {
    size_t i;
    size_t slash = r.path.rfind('/');
    if (slash != std::string::npos) {
      i = r.path.find(';', slash);
    } else {
      i = r.path.find(';');
    }
    if (i != std::string::npos && i + 1 == r.path.size()) r.path.erase(i);
  }
  return {UrlUnsplit(r), fragment};
}

std::string Unquote(absl::string_view s) {
  if (s.find('%') == absl::string_view::npos) return std::string(s);
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    bool ascii = static_cast<unsigned char>(s[i]) < 0x80;
    while (j < s.size() && (static_cast<unsigned char>(s[j]) < 0x80) == ascii) ++j;
    if (ascii) {
      out += DecodeReplacing(UnquoteToBytes(s.substr(i, j - i)));
    } else {
      out.append(s.data() + i, j - i);
    }
    i = j;
  }
  return out;
}

std::string FilepathToUri(absl::string_view path) {
  static const char kSafe[] = "/~!*()'_.-";
  std::string out;
  for (char raw : path) {
    char c = raw == '\\' ? '/' : raw;
    unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(c) || (u < 0x80 && std::strchr(kSafe, c) != nullptr && c != '\0')) {
      out.push_back(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", u);
      out += buf;
    }
  }
  return out;
}

std::string UrlJoinPath(absl::string_view base, absl::string_view path) {
  if (base.empty()) return std::string(path);
  if (path.empty()) return std::string(base);
  SplitResult b = UrlSplit(base);
  if (!UsesRelative(b.scheme)) return std::string(path);
  std::vector<std::string> base_parts = Split(b.path, '/');
  if (!base_parts.back().empty()) base_parts.pop_back();
  std::vector<std::string> segments;
  std::vector<std::string> rel = Split(path, '/');
  if (path[0] == '/') {
    segments = rel;
  } else {
    segments = base_parts;
    segments.insert(segments.end(), rel.begin(), rel.end());
    // Drop empty segments between the first and the last.
    std::vector<std::string> filtered;
    for (size_t k = 0; k < segments.size(); ++k) {
      if (k == 0 || k + 1 == segments.size() || !segments[k].empty()) {
        filtered.push_back(segments[k]);
      }
    }
    segments = filtered;
  }
  std::vector<std::string> resolved;
  for (const std::string& seg : segments) {
    if (seg == "..") {
      if (!resolved.empty()) resolved.pop_back();
    } else if (seg != ".") {
      resolved.push_back(seg);
    }
  }
  if (segments.back() == "." || segments.back() == "..") resolved.push_back("");
  SplitResult out;
  out.scheme = b.scheme;
  out.netloc = b.netloc;
  out.path = absl::StrJoin(resolved, "/");
  if (out.path.empty()) out.path = "/";
  return UrlUnsplit(out);
}

std::string Normpath(absl::string_view path) {
  if (path.empty()) return ".";
  int initial_slashes = 0;
  if (path[0] == '/') {
    initial_slashes = 1;
    if (absl::StartsWith(path, "//") && !absl::StartsWith(path, "///")) initial_slashes = 2;
  }
  std::vector<std::string> comps;
  for (const std::string& comp : Split(path, '/')) {
    if (comp.empty() || comp == ".") continue;
    if (comp != ".." || (initial_slashes == 0 && comps.empty()) ||
        (!comps.empty() && comps.back() == "..")) {
      comps.push_back(comp);
    } else if (!comps.empty()) {
      comps.pop_back();
    }
  }
  std::string out = std::string(initial_slashes, '/') + absl::StrJoin(comps, "/");
  return out.empty() ? "." : out;
}

std::string Join(absl::string_view a, absl::string_view b) {
  if (absl::StartsWith(b, "/")) return std::string(b);
  if (a.empty() || absl::EndsWith(a, "/")) return absl::StrCat(a, b);
  return absl::StrCat(a, "/", b);
}

std::pair<std::string, std::string> PathSplit(absl::string_view path) {
  size_t i = path.rfind('/');
  i = i == absl::string_view::npos ? 0 : i + 1;
  std::string head(path.substr(0, i));
  std::string tail(path.substr(i));
  if (!head.empty() && head.find_first_not_of('/') != std::string::npos) {
    while (!head.empty() && head.back() == '/') head.pop_back();
  }
  return {head, tail};
}

std::string Dirname(absl::string_view path) { return PathSplit(path).first; }

std::pair<std::string, std::string> Splitext(absl::string_view p) {
  size_t sep = p.rfind('/');
  size_t dot = p.rfind('.');
  long sep_index = sep == absl::string_view::npos ? -1 : static_cast<long>(sep);
  if (dot != absl::string_view::npos && static_cast<long>(dot) > sep_index) {
    for (size_t k = sep_index + 1; k < dot; ++k) {
      if (p[k] != '.') return {std::string(p.substr(0, dot)), std::string(p.substr(dot))};
    }
  }
  return {std::string(p), ""};
}

std::vector<std::string> Split(absl::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t i = s.find(sep, start);
    if (i == absl::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, i - start));
    start = i + 1;
  }
}

namespace {

// Matches a character class starting after '[' at pattern[*pos]; advances *pos past ']'.
// Returns -1 when the class is not closed (then '[' is literal), else 1 or 0.
int MatchClass(const std::u32string& pat, size_t* pos, char32_t c) {
  size_t j = *pos;
  if (j < pat.size() && pat[j] == '!') ++j;
  if (j < pat.size() && pat[j] == ']') ++j;
  while (j < pat.size() && pat[j] != ']') ++j;
  if (j >= pat.size()) return -1;
  size_t k = *pos;
  bool negate = false;
  if (pat[k] == '!') {
    negate = true;
    ++k;
  }
  bool hit = false;
  bool first = true;
  while (k < j) {
    char32_t lo = pat[k];
    if (!first && lo == ']') break;
    first = false;
    if (k + 2 < j && pat[k + 1] == '-') {
      if (lo <= c && c <= pat[k + 2]) hit = true;
      k += 3;
    } else {
      if (lo == c) hit = true;
      ++k;
    }
  }
  *pos = j + 1;
  return hit != negate ? 1 : 0;
}

std::u32string Decode32(absl::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    size_t len;
    out.push_back(DecodeAt(s, i, &len));
    i += len;
  }
  return out;
}

bool MatchFrom(const std::u32string& name, size_t n, const std::u32string& pat, size_t p) {
  while (p < pat.size()) {
    char32_t pc = pat[p];
    if (pc == '*') {
      while (p < pat.size() && pat[p] == '*') ++p;
      if (p == pat.size()) return true;
      for (size_t k = n; k <= name.size(); ++k) {
        if (MatchFrom(name, k, pat, p)) return true;
      }
      return false;
    }
    if (n >= name.size()) return false;
    if (pc == '?') {
      ++p;
      ++n;
      continue;
    }
    if (pc == '[') {
      size_t q = p + 1;
      int r = MatchClass(pat, &q, name[n]);
      if (r >= 0) {
        if (r == 0) return false;
        p = q;
        ++n;
        continue;
      }
    }
    if (pc != name[n]) return false;
    ++p;
    ++n;
  }
  return n == name.size();
}

}  // namespace

bool FnmatchCase(absl::string_view name, absl::string_view pattern) {
  return MatchFrom(Decode32(name), 0, Decode32(pattern), 0);
}

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t len;
    char32_t c = DecodeAt(s, i, &len);
    i += len;
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    char buf[16];
    if (c >= 0x20 && c <= 0x7E) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x10000) {
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      char32_t v = c - 0x10000;
      std::snprintf(buf, sizeof(buf), "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 | (v >> 10)),
                    static_cast<unsigned>(0xDC00 | (v & 0x3FF)));
      out += buf;
    }
  }
  out += "\"";
  return out;
}

}  // namespace py
}  // namespace stowage
