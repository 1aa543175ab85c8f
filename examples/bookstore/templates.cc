#include "examples/bookstore/templates.h"

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"

namespace bookstore {

const std::vector<std::string>& Templates::RequiredNames() {
  static const auto* names =
      new std::vector<std::string>{"base.html", "list.html", "detail.html", "404.html"};
  return *names;
}

absl::StatusOr<Templates> Templates::FromSources(std::map<std::string, std::string> sources) {
  Templates templates;
  for (auto& [name, text] : sources) {
    kainjow::mustache::mustache parsed(text);
    if (!parsed.is_valid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("template ", name, ": ", parsed.error_message()));
    }
    templates.sources_.emplace(name, std::move(text));
  }
  return templates;
}

absl::StatusOr<Templates> Templates::Load(const std::string& dir) {
  std::map<std::string, std::string> sources;
  for (const std::string& name : RequiredNames()) {
    std::string path = absl::StrCat(dir, "/", name);
    absl::StatusOr<std::string> text = stowage::ReadFile(path);
    if (!text.ok()) {
      return absl::NotFoundError(absl::StrCat("cannot read template ", path, " (",
                                              text.status().message(),
                                              "); set BOOKSTORE_TEMPLATES to the templates "
                                              "directory"));
    }
    sources[name] = *std::move(text);
  }
  absl::StatusOr<Templates> templates = FromSources(std::move(sources));
  if (!templates.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(templates.status().message(), " (in ", dir, ")"));
  }
  return templates;
}

absl::StatusOr<std::string> Templates::Render(absl::string_view name,
                                              const TemplateData& data) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) return absl::NotFoundError(absl::StrCat("no template ", name));
  kainjow::mustache::mustache view(it->second);
  std::string out = view.render(data);
  if (!view.is_valid()) {
    return absl::InternalError(absl::StrCat("template ", name, ": ", view.error_message()));
  }
  return out;
}

absl::StatusOr<std::string> Templates::RenderPage(absl::string_view name,
                                                  const TemplateData& data) const {
  ASSIGN_OR_RETURN(std::string content, Render(name, data));
  TemplateData page = data;
  page.set("content", content);
  return Render("base.html", page);
}

}  // namespace bookstore
