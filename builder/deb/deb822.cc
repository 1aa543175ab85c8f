#include "builder/deb/deb822.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool IsBlankLine(absl::string_view line) {
  for (char c : line) {
    if (!IsBlank(c)) return false;
  }
  return true;
}

absl::string_view TrimTrailing(absl::string_view s) {
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// deb822(5): a field name is printable US-ASCII other than space and colon, and does not start
// with "#" or "-".
bool IsValidFieldName(absl::string_view name) {
  if (name.empty() || name[0] == '#' || name[0] == '-') return false;
  for (char c : name) {
    if (c <= 32 || c >= 127 || c == ':') return false;
  }
  return true;
}

}  // namespace

class Deb822Parser {
 public:
  Deb822Parser(absl::string_view text, absl::string_view where, const Deb822Options& options)
      : text_(text), where_(where), options_(options) {}

  absl::Status Run(const std::function<absl::Status(const Deb822Paragraph&)>& fn) {
    size_t pos = 0;
    int line_number = 0;
    Deb822Paragraph paragraph;
    size_t value_start = 0;  // of the field being read
    size_t value_end = 0;
    bool in_field = false;
    size_t paragraphs = 0;

    auto end_field = [&]() {
      if (!in_field) return;
      paragraph.fields_.back().value =
          TrimTrailing(text_.substr(value_start, value_end - value_start));
      in_field = false;
    };
    auto end_paragraph = [&]() -> absl::Status {
      end_field();
      if (paragraph.fields_.empty()) return absl::OkStatus();
      if (++paragraphs > options_.max_paragraphs) {
        return Error(line_number,
                     absl::StrCat("more than ", options_.max_paragraphs, " paragraphs"));
      }
      RETURN_IF_ERROR(fn(paragraph));
      paragraph.fields_.clear();
      return absl::OkStatus();
    };

    while (pos < text_.size()) {
      size_t newline = text_.find('\n', pos);
      size_t line_end = newline == absl::string_view::npos ? text_.size() : newline;
      absl::string_view line = text_.substr(pos, line_end - pos);
      ++line_number;
      size_t line_start = pos;
      pos = newline == absl::string_view::npos ? text_.size() : newline + 1;

      if (IsBlankLine(line)) {
        RETURN_IF_ERROR(end_paragraph());
        continue;
      }
      if (line[0] == '#') {
        if (options_.allow_comments) continue;
        return Error(line_number, "a comment line (\"#\") is not allowed here");
      }
      if (line[0] == ' ' || line[0] == '\t') {
        if (!in_field) return Error(line_number, "continuation line without a field");
        value_end = line_start + line.size();
        RETURN_IF_ERROR(CheckValueSize(line_number, paragraph, value_end - value_start));
        continue;
      }
      end_field();
      size_t colon = line.find(':');
      if (colon == absl::string_view::npos) {
        return Error(line_number, "expected \"Name: value\"");
      }
      absl::string_view name = line.substr(0, colon);
      if (name.size() > options_.max_field_name_bytes) {
        return Error(line_number, absl::StrCat("a field name longer than ",
                                               options_.max_field_name_bytes, " bytes"));
      }
      if (!IsValidFieldName(name)) return Error(line_number, "invalid field name");
      for (const Deb822Field& f : paragraph.fields_) {
        if (absl::EqualsIgnoreCase(f.name, name)) {
          return Error(line_number, absl::StrCat("field \"", name, "\" appears twice"));
        }
      }
      if (paragraph.fields_.size() >= options_.max_fields_per_paragraph) {
        return Error(line_number, absl::StrCat("more than ", options_.max_fields_per_paragraph,
                                               " fields in one paragraph"));
      }
      if (paragraph.fields_.empty()) paragraph.line_ = line_number;
      size_t v = colon + 1;
      while (v < line.size() && IsBlank(line[v])) ++v;
      // An empty first line: the value starts at its newline, so it begins with '\n'.
      value_start = line_start + v;
      value_end = line_start + line.size();
      paragraph.fields_.push_back(Deb822Field{name, absl::string_view()});
      in_field = true;
      RETURN_IF_ERROR(CheckValueSize(line_number, paragraph, value_end - value_start));
    }
    return end_paragraph();
  }

 private:
  absl::Status CheckValueSize(int line, const Deb822Paragraph& paragraph, size_t bytes) const {
    if (bytes <= options_.max_value_bytes) return absl::OkStatus();
    return Error(line, absl::StrCat("field \"", paragraph.fields_.back().name, "\" is longer than ",
                                    options_.max_value_bytes, " bytes"));
  }
  absl::Status Error(int line, absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed deb822 in ", where_, " line ", line, ": ", what));
  }

  absl::string_view text_;
  absl::string_view where_;
  const Deb822Options& options_;
};

const Deb822Field* Deb822Paragraph::Find(absl::string_view name) const {
  for (const Deb822Field& f : fields_) {
    if (absl::EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

absl::string_view Deb822Paragraph::Get(absl::string_view name) const {
  const Deb822Field* f = Find(name);
  return f == nullptr ? absl::string_view() : f->value;
}

absl::Status ForEachDeb822Paragraph(absl::string_view text, absl::string_view where,
                                    const Deb822Options& options,
                                    const std::function<absl::Status(const Deb822Paragraph&)>& fn) {
  return Deb822Parser(text, where, options).Run(fn);
}

absl::StatusOr<std::vector<Deb822Paragraph>> ParseDeb822(absl::string_view text,
                                                         absl::string_view where,
                                                         const Deb822Options& options) {
  std::vector<Deb822Paragraph> out;
  RETURN_IF_ERROR(ForEachDeb822Paragraph(text, where, options, [&](const Deb822Paragraph& p) {
    out.push_back(p);
    return absl::OkStatus();
  }));
  return out;
}

std::string StripDeb822Comments(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line[0] == '#') continue;
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string FoldDeb822Value(absl::string_view value) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(value, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    absl::StrAppend(&out, line);
  }
  return out;
}

std::vector<absl::string_view> Deb822Lines(absl::string_view value) {
  std::vector<absl::string_view> out;
  for (absl::string_view line : absl::StrSplit(value, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

void AppendDeb822Field(absl::string_view name, absl::string_view value, std::string* out) {
  absl::StrAppend(out, name, ":");
  if (!value.empty() && value[0] != '\n') out->push_back(' ');
  absl::StrAppend(out, value, "\n");
}

}  // namespace stowage
