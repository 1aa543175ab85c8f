// The static_assets rule's specs through `stowage static` and `stowage static-compress`: the
// spec, then the whole collectstatic over a small tree (css/site.css from the input, an image,
// js/app.js). Paths in the spec are taken inside that tree (absolute paths and ".." are
// dropped: the harness must not read the host). Input: the spec JSON, "@@@", the CSS file,
// "@@@", the precompress spec JSON.
#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "builder/common/json_file.h"
#include "builder/static/spec.h"
#include "builder/static/static_assets.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace stowage;

// A path inside the scratch tree, or "" when it would leave it.
std::string Inside(const std::string& root, const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find("..") != std::string::npos) return "";
  return root + "/" + path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = fuzz::SplitInput(data, size, 3);
  if (absl::StatusOr<nlohmann::json> pre = ParseJson(in[2], "precompress.json"); pre.ok()) {
    (void)ParsePrecompressSpec(*pre);
  }
  absl::StatusOr<nlohmann::json> json = ParseJson(in[0], "static_spec.json");
  if (!json.ok()) return 0;
  absl::StatusOr<StaticSpec> spec = ParseStaticSpec(*json);
  fuzz::Trace("spec", spec.status());
  if (!spec.ok()) return 0;

  const std::string& root = fuzz::ScratchDir();
  fuzz::EmptyDir(root);
  const std::string tree = root + "/static";
  for (const char* dir : {"/static", "/static/css", "/static/img", "/static/js"}) {
    mkdir((root + dir).c_str(), 0755);
  }
  fuzz::WriteFileOrDie(tree + "/css/site.css", in[1]);
  fuzz::WriteFileOrDie(tree + "/img/logo.png", "\x89PNG\r\n\x1a\n");
  fuzz::WriteFileOrDie(tree + "/js/app.js", "console.log(1);\n//# sourceMappingURL=app.js.map\n");
  for (StaticSource& source : spec->sources) {
    for (auto* list : {&source.files, &source.dirs}) {
      std::vector<std::pair<std::string, std::string>> kept;
      for (auto& [rel, path] : *list) {
        std::string inside = Inside(root, path);
        if (!inside.empty()) kept.emplace_back(rel, inside);
      }
      *list = kept;
    }
  }
  spec->options.threads = 1;
  spec->options.precompressed.clear();
  absl::StatusOr<StaticAssets> assets = BuildStaticAssets(spec->sources, spec->options);
  fuzz::Trace("build", assets.status());
  if (assets.ok()) fuzz::Trace("write", WriteTree(assets->files, root + "/out", 1));
  return 0;
}
