// Mustache templates (kainjow/mustache), read from a directory at startup so that changing a
// template changes only files, not the binary (and, in the image, only the app layer).
//
// Every page is rendered inside `base.html`, which receives the page's data plus `content`
// (the rendered page, inserted unescaped with {{{content}}}).
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_TEMPLATES_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_TEMPLATES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kainjow/mustache.hpp"

namespace bookstore {

using TemplateData = kainjow::mustache::data;

class Templates {
 public:
  // The templates every server needs.
  static const std::vector<std::string>& RequiredNames();

  // Reads and parses `<dir>/<name>` for every required name; a missing file or a syntax error
  // is an error naming the file.
  static absl::StatusOr<Templates> Load(const std::string& dir);
  // Parses templates given as text (for tests).
  static absl::StatusOr<Templates> FromSources(std::map<std::string, std::string> sources);

  // Renders `name` inside base.html.
  absl::StatusOr<std::string> RenderPage(absl::string_view name, const TemplateData& data) const;
  // Renders one template alone.
  absl::StatusOr<std::string> Render(absl::string_view name, const TemplateData& data) const;

 private:
  // Template sources by name; each render parses its own copy, since kainjow's renderer keeps
  // state in the template object and workers render concurrently.
  std::map<std::string, std::string, std::less<>> sources_;
};

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_TEMPLATES_H_
