// A .deb as bytes (ar, control.tar.*, data.tar.*, read by libarchive) and the package layer
// spec. Input: the .deb, "@@@", a package layer spec (JSON). Invariant: extracted entries have
// normalized paths that stay inside the root.
#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "builder/common/json_file.h"
#include "builder/deb/deb_archive.h"
#include "builder/deb/package_layer.h"
#include "builder/deb/status_record.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = stowage::fuzz::SplitInput(data, size, 2);
  const std::string& dir = stowage::fuzz::ScratchDir();
  stowage::fuzz::EmptyDir(dir);
  std::string deb = dir + "/input.deb";
  stowage::fuzz::WriteFileOrDie(deb, in[0]);
  auto control = stowage::ReadDebControl(deb);
  stowage::fuzz::Trace("control", control.status());
  if (control.ok()) {
    (void)stowage::ReadIdentity(*control, "fuzz");
    (void)stowage::DpkgStatusRecord(*control, "fuzz");
  }
  std::string out = dir + "/data";
  stowage::fuzz::WriteFileOrDie(dir + "/.keep", "");
  if (mkdir(out.c_str(), 0700) == 0) {
    auto entries = stowage::ExtractDebData(deb, out);
    stowage::fuzz::Trace("data", entries.status());
    if (entries.ok()) {
      for (const stowage::DebEntry& e : *entries) {
        if (e.path.rfind("../", 0) == 0 || e.path == ".." ||
            (!e.path.empty() && e.path[0] == '/')) {
          stowage::fuzz::InvariantFailed("an entry escapes the root", e.path);
        }
      }
    }
  }
  auto json = stowage::ParseJson(in[1], "spec");
  if (json.ok()) (void)stowage::ParsePackageLayerSpec(*json, nullptr);
  return 0;
}
