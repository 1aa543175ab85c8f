// deb822 paragraphs (Packages and Release indexes, control files, .sources) and the package
// records made from them. Invariants: every value is a slice of the input, and writing a
// paragraph back with AppendDeb822Field parses to the same fields.
#include <cstdint>
#include <string>

#include "builder/deb/deb822.h"
#include "builder/deb/package_index.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  absl::Status s = stowage::ForEachDeb822Paragraph(
      text, "fuzz", stowage::Deb822Options(), [&](const stowage::Deb822Paragraph& p) {
        std::string again;
        for (const stowage::Deb822Field& f : p.fields()) {
          if (f.value.data() < text.data() ||
              f.value.data() + f.value.size() > text.data() + size) {
            stowage::fuzz::InvariantFailed("a value is not a slice of the input",
                                           std::string(f.name));
          }
          (void)stowage::FoldDeb822Value(f.value);
          (void)stowage::Deb822Lines(f.value);
          stowage::AppendDeb822Field(f.name, f.value, &again);
        }
        auto reparsed = stowage::ParseDeb822(again, "again");
        if (!reparsed.ok() || reparsed->size() != 1 ||
            (*reparsed)[0].fields().size() != p.fields().size()) {
          stowage::fuzz::InvariantFailed("a written paragraph does not parse back", again);
        }
        for (size_t i = 0; i < p.fields().size(); ++i) {
          if ((*reparsed)[0].fields()[i].value != p.fields()[i].value) {
            stowage::fuzz::InvariantFailed("a written field reads back differently", again);
          }
        }
        (void)stowage::ParsePackageRecord(p, "fuzz");
        return absl::OkStatus();
      });
  stowage::fuzz::Trace("deb822", s);
  std::string cleaned = stowage::StripDeb822Comments(text);
  stowage::Deb822Options comments;
  comments.allow_comments = true;
  (void)stowage::ParseDeb822(cleaned, "fuzz", comments);
  return 0;
}
