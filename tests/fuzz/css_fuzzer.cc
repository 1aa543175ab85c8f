// The reference scanner Django's ManifestStaticFilesStorage applies to CSS and JS (url(),
// @import, source maps), and post-processing over a small tree that uses it. Input: a CSS
// file, "@@@", a JS file, "@@@", a second CSS file, "@@@", options ("4.2" and/or "lax").
// Properties: every match lies inside the text, in order; substituting each match by itself
// gives the text back.
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "builder/static/post_process.h"
#include "builder/static/storage.h"
#include "builder/static/url_patterns.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace stowage;

void CheckScanner(PatternKind kind, const std::string& text) {
  size_t from = 0;
  while (std::optional<PatternMatch> m = FindNextMatch(kind, text, from)) {
    if (!(from <= m->begin && m->begin <= m->url_begin && m->url_begin <= m->url_end &&
          m->url_end <= m->end && m->end <= text.size())) {
      fuzz::InvariantFailed("a match outside its bounds", text);
    }
    from = m->end > m->begin ? m->end : m->begin + 1;
    if (from > text.size()) break;
  }
  absl::StatusOr<std::string> same =
      Substitute(kind, text, [&](const PatternMatch& m) -> absl::StatusOr<std::string> {
        return text.substr(m.begin, m.end - m.begin);
      });
  if (!same.ok() || *same != text) fuzz::InvariantFailed("identity substitution changed", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = fuzz::SplitInput(data, size, 4);
  for (PatternKind kind : {PatternKind::kCssUrl, PatternKind::kCssImport,
                           PatternKind::kCssSourceMap, PatternKind::kJsSourceMap}) {
    CheckScanner(kind, in[0]);
    (void)ApplyTemplate(kind, in[1]);
  }
  PostProcessOptions options;
  options.version = absl::StrContains(in[3], "4.2") ? DjangoVersion::k4_2 : DjangoVersion::k3_2;
  options.strict = !absl::StrContains(in[3], "lax");
  std::vector<FoundFile> found = {
      {"css/site.css", MakeBlob(in[0])},
      {"js/app.js", MakeBlob(in[1])},
      {"css/components/other.css", MakeBlob(in[2])},
      {"img/logo.png", MakeBlob("\x89PNG\r\n\x1a\n")},
      {"fonts/icons.woff2", MakeBlob("wOF2")},
      {"js/app.js.map", MakeBlob("{\"version\":3}")},
  };
  VirtualStorage storage;
  for (const FoundFile& f : found) {
    if (!storage.Save(f.name, f.blob).ok()) fuzz::InvariantFailed("cannot seed storage", f.name);
  }
  fuzz::Trace("post_process", PostProcess(found, options, &storage).status());
  return 0;
}
