#include "builder/deploy/yaml_writer.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "yaml-cpp/yaml.h"

namespace stowage {
namespace {

// UTF-8 that YAML can carry: well-formed, and without U+FFFE and U+FFFF, which are outside
// YAML's printable set (yaml-cpp would silently write U+FFFD instead).
bool IsYamlText(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t extra;
    unsigned int cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static const unsigned int kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp == 0xFFFE || cp == 0xFFFF) return false;
    i += extra + 1;
  }
  return true;
}

absl::Status CheckScalars(const YamlNode& node) {
  switch (node.kind()) {
    case YamlNode::Kind::kScalar:
      if (!IsYamlText(node.scalar())) {
        return absl::InvalidArgumentError(
            "a YAML value is not valid UTF-8 or holds U+FFFE/U+FFFF, which YAML cannot carry");
      }
      return absl::OkStatus();
    case YamlNode::Kind::kList:
      for (const YamlNode& item : node.items()) {
        absl::Status s = CheckScalars(item);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    case YamlNode::Kind::kMap:
      for (const auto& [key, value] : node.entries()) {
        if (!IsYamlText(key)) {
          return absl::InvalidArgumentError(
              "a YAML key is not valid UTF-8 or holds U+FFFE/U+FFFF, which YAML cannot carry");
        }
        absl::Status s = CheckScalars(value);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

void EmitScalar(YAML::Emitter& out, const std::string& s) {
  if (YamlNeedsQuotes(s)) {
    out << YAML::DoubleQuoted << s;
  } else {
    out << s;
  }
}

void Emit(YAML::Emitter& out, const YamlNode& node) {
  switch (node.kind()) {
    case YamlNode::Kind::kScalar:
      if (node.is_number()) {
        out << node.scalar();
      } else {
        EmitScalar(out, node.scalar());
      }
      return;
    case YamlNode::Kind::kList:
      if (node.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::Block << YAML::BeginSeq;
      for (const YamlNode& item : node.items()) Emit(out, item);
      out << YAML::EndSeq;
      return;
    case YamlNode::Kind::kMap:
      if (node.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::Block << YAML::BeginMap;
      for (const auto& [key, value] : node.entries()) {
        out << YAML::Key;
        EmitScalar(out, key);
        out << YAML::Value;
        Emit(out, value);
      }
      out << YAML::EndMap;
      return;
  }
}

}  // namespace

YamlNode YamlNode::Scalar(std::string value) {
  YamlNode node(Kind::kScalar);
  node.scalar_ = std::move(value);
  return node;
}

YamlNode YamlNode::Number(long long value) {
  YamlNode node(Kind::kScalar);
  node.scalar_ = std::to_string(value);
  node.is_number_ = true;
  return node;
}

YamlNode YamlNode::List() { return YamlNode(Kind::kList); }

YamlNode YamlNode::Map() { return YamlNode(Kind::kMap); }

YamlNode YamlNode::StringList(const std::vector<std::string>& items) {
  YamlNode node = List();
  for (const std::string& item : items) node.Append(Scalar(item));
  return node;
}

YamlNode& YamlNode::Append(YamlNode item) {
  items_.push_back(std::move(item));
  return items_.back();
}

YamlNode& YamlNode::Set(const std::string& key, YamlNode value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return entry.second;
    }
  }
  entries_.emplace_back(key, std::move(value));
  return entries_.back().second;
}

std::string CommentText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out.push_back(' ');
    } else if (c == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out.push_back(' ');  // C1 controls, NEL (U+0085) among them
      ++i;
    } else if (c == 0xe2 && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xa8' || text[i + 2] == '\xa9')) {
      out.push_back(' ');  // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
      i += 2;
    } else if (c == 0xef && i + 2 < text.size() && text[i + 1] == '\xbf' &&
               (text[i + 2] == '\xbe' || text[i + 2] == '\xbf')) {
      out.push_back(' ');  // U+FFFE, U+FFFF: not YAML-printable, PyYAML refuses the file
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

bool YamlNeedsQuotes(absl::string_view s) {
  if (s.empty()) return true;
  // Plain only for identifiers, dotted names and paths: letters, digits, '_', '.', '/', '-',
  // starting with a letter, '_' or '/'. Digits first could read as numbers (and "1:30" as a
  // YAML 1.1 sexagesimal int); ':', '#', '$', spaces, quotes and brackets all need quotes.
  char first = s[0];
  if (!(absl::ascii_isalpha(first) || first == '_' || first == '/')) return true;
  for (char c : s) {
    if (!(absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-')) return true;
  }
  // YAML 1.1 booleans and nulls (PyYAML, Heroku) in any case.
  static const char* const kSpecial[] = {"y",  "n",   "yes",  "no",  "true", "false",
                                         "on", "off", "null", "nan", "inf"};
  std::string lower = absl::AsciiStrToLower(s);
  for (const char* word : kSpecial) {
    if (lower == word) return true;
  }
  return false;
}

absl::StatusOr<std::string> EmitYaml(const YamlNode& root, const std::vector<std::string>& header) {
  absl::Status valid = CheckScalars(root);
  if (!valid.ok()) return valid;
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetMapFormat(YAML::Block);
  out.SetSeqFormat(YAML::Block);
  Emit(out, root);
  if (!out.good()) {
    return absl::InternalError(absl::StrCat("YAML emitter: ", out.GetLastError()));
  }
  std::string text;
  for (const std::string& line : header) absl::StrAppend(&text, "# ", CommentText(line), "\n");
  absl::StrAppend(&text, out.c_str(), "\n");
  return text;
}

}  // namespace stowage
