// Django's post-processing: hashed names, rewritten references, the pass loop and errors.
// Expected texts are what Django 3.2's ManifestStaticFilesStorage produced for the same input.
#include "builder/static/post_process.h"

#include <map>

#include "absl/strings/match.h"
#include "builder/static/manifest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

using ::testing::HasSubstr;

struct Processed {
  absl::StatusOr<PostProcessResult> result;
  VirtualStorage storage;
  std::map<std::string, std::string> paths;

  std::string Content(const std::string& name) {
    auto blob = storage.Open(paths.at(name));
    return blob.ok() && *blob ? (*blob)->data : "<missing>";
  }
};

Processed Process(const std::vector<std::pair<std::string, std::string>>& files,
                  PostProcessOptions options = {}) {
  Processed run;
  std::vector<FoundFile> found;
  for (const auto& [name, text] : files) {
    BlobPtr blob = MakeBlob(text);
    EXPECT_TRUE(run.storage.Save(name, blob).ok());
    found.push_back({name, blob});
  }
  run.result = PostProcess(found, options, &run.storage);
  if (run.result.ok()) {
    for (const auto& [k, v] : run.result->hashed_files) run.paths[k] = v;
  }
  return run;
}

TEST(PostProcess, HashedNames) {
  Processed run =
      Process({{"img/p.png", "p"}, {"noext", "n"}, {"dir/..dots", "d"}, {"x.tar.gz", "t"}});
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.paths["img/p.png"], "img/p.83878c911713.png");  // md5("p")[:12]
  EXPECT_EQ(run.paths["noext"], "noext.7b8b965ad4bc");
  EXPECT_EQ(run.paths["dir/..dots"], "dir/..dots.8277e0910d75");
  EXPECT_EQ(run.paths["x.tar.gz"], "x.tar.e358efa489f5.gz");
  EXPECT_EQ(run.Content("img/p.png"), "p");
  // Originals stay beside the hashed copies.
  EXPECT_TRUE(*run.storage.Exists("img/p.png"));
}

TEST(PostProcess, RewritesLikeDjango) {
  Processed run = Process({
      {"css/a.css",
       "x{a:url(../img/p.png?v=1#f)} y{b:url(#blur)} z{c:url()} w{d:url(\"\")}\n"
       "@import 'b.css';\n@IMPORT \"sub/c.css\";\n"
       ".f{src:url(../img/p.png?#iefix) url('../img/p.png#frag') url(../img/a%20b.png) "
       "url(/static/img/p.png) url(//x.invalid/p.png) url(http://x.invalid/p.png) url(../img/)}\n"
       "/*# sourceMappingURL=a.css.map */\n"},
      {"css/b.css", "b{x:url(sub/c.css)}"},
      {"css/sub/c.css", "c{y:url(../../img/p.png)}"},
      {"css/a.css.map", "{}"},
      {"img/p.png", "p"},
      {"img/a b.png", "ab"},
  });
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.paths["css/a.css"], "css/a.68ed1b944950.css");
  EXPECT_EQ(run.paths["css/b.css"], "css/b.3da4a5a590c9.css");
  EXPECT_EQ(run.paths["css/sub/c.css"], "css/sub/c.8dc0be9d0c56.css");
  EXPECT_EQ(run.Content("css/a.css"),
            "x{a:url(\"../img/p.83878c911713.png?v=1#f\")} y{b:url(\"#blur\")} z{c:url(\"\")} "
            "w{d:url(\"\")}\n@import url(\"b.3da4a5a590c9.css\");\n"
            "@import url(\"sub/c.8dc0be9d0c56.css\");\n"
            ".f{src:url(\"../img/p.83878c911713.png?#iefix\") "
            "url(\"../img/p.83878c911713.png#frag\") url(\"../img/a b.187ef4436122.png\") "
            "url(\"/static/img/p.83878c911713.png\") url(//x.invalid/p.png) "
            "url(http://x.invalid/p.png) url(\"../img/\")}\n"
            "/*# sourceMappingURL=a.css.map */\n");
  EXPECT_EQ(run.Content("css/b.css"), "b{x:url(\"sub/c.8dc0be9d0c56.css\")}");
  // Adjustable files keep no intermediate hashed copies: three originals, three final copies.
  size_t css_files = 0;
  for (const auto& entry : run.storage.files()) {
    if (absl::EndsWith(entry.first, ".css")) ++css_files;
  }
  EXPECT_EQ(css_files, 6u);
}

TEST(PostProcess, QueryReferenceToCssUsesItsUnprocessedHash) {
  // Django looks up "other.css?v=2" under that literal key, misses, and hashes the original.
  Processed run = Process({{"css/q.css", "a{b:url(other.css?v=2)} e{f:url(p.png?#)}"},
                           {"css/other.css", "o{p:url(p.png)}"},
                           {"css/p.png", "p"}});
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.Content("css/q.css"),
            "a{b:url(\"other.b6543799f7cb.css?v=2\")} e{f:url(\"p.83878c911713.png\")}");
  EXPECT_EQ(run.paths["css/other.css"], "css/other.530bf50f4f19.css");
}

TEST(PostProcess, Django42SkipsEmptyPathsAndRewritesSourceMaps) {
  PostProcessOptions options;
  options.version = DjangoVersion::k4_2;
  Processed run =
      Process({{"css/a.css", "y{b:url(#blur)} z{c:url()}\n/*# sourceMappingURL=a.css.map */"},
               {"css/a.css.map", "{}"},
               {"js/app.js", "f();\n//# sourceMappingURL=app.js.map\n"},
               {"js/app.js.map", "{}"}},
              options);
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.Content("css/a.css"),
            "y{b:url(#blur)} z{c:url()}\n/*# sourceMappingURL=a.css.99914b932bd3.map */");
  EXPECT_EQ(run.Content("js/app.js"), "f();\n//# sourceMappingURL=app.js.99914b932bd3.map\n");
}

TEST(PostProcess, Django42MatchesItsAlgorithm) {
  // Expected values: Django 4.2's patterns, url_converter and save_manifest run on this input.
  PostProcessOptions options;
  options.version = DjangoVersion::k4_2;
  Processed run = Process(
      {{"css/a.css",
        "x{a:url(../img/p.png?v=1#f)} y{b:url(#blur)} z{c:url()} w{d:url(\"\")}\n"
        "@import 'b.css';\n.f{src:url(../img/p.png?#iefix) url(/static/img/p.png) url(data:x) "
        "url(../img/)}\n/*# sourceMappingURL=a.css.map */\n"
        "/*#\tsourceMappingURL=https://x.invalid/a.map */\n"},
       {"css/b.css", "b{x:url(sub/c.css)}\n/*# sourceMappingURL=b.css.map */"},
       {"css/sub/c.css", "c{y:url(../../img/p.png)}"},
       {"css/a.css.map", "{}"},
       {"css/b.css.map", "{\"b\":1}"},
       {"js/app.js", "f();\n//# sourceMappingURL=app.js.map\n"},
       {"js/lib.js", "g();\n//# sourceMappingURL=/static/js/app.js.map"},
       {"js/cdn.js", "//# sourceMappingURL=https://x.invalid/cdn.js.map\n"},
       {"js/app.js.map", "{}"},
       {"img/p.png", "p"}},
      options);
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.paths["css/a.css"], "css/a.9a2f7efc4242.css");
  EXPECT_EQ(run.Content("css/a.css"),
            "x{a:url(\"../img/p.83878c911713.png?v=1#f\")} y{b:url(#blur)} z{c:url()} "
            "w{d:url(\"\")}\n@import url(\"b.02970c10df8b.css\");\n"
            ".f{src:url(\"../img/p.83878c911713.png?#iefix\") "
            "url(\"/static/img/p.83878c911713.png\") url(data:x) url(\"../img/\")}\n"
            "/*# sourceMappingURL=a.css.99914b932bd3.map */\n"
            "/*#\tsourceMappingURL=https://x.invalid/a.map */\n");
  EXPECT_EQ(run.Content("js/lib.js"),
            "g();\n//# sourceMappingURL=/static/js/app.js.99914b932bd3.map");
  EXPECT_EQ(run.paths["js/cdn.js"], "js/cdn.9d66c83e6870.js");
  EXPECT_EQ(ManifestHash(run.result->hashed_files), "cf429b4d91c5");
}

TEST(PostProcess, Django32LeavesSourceMapsAlone) {
  Processed run = Process({{"js/app.js", "//# sourceMappingURL=missing.map\n"}});
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.Content("js/app.js"), "//# sourceMappingURL=missing.map\n");
}

TEST(PostProcess, NestedImportsSettleInLaterPasses) {
  // a -> b -> c: each level's hash depends on the one below; Django's passes converge.
  Processed run = Process({{"a.css", "@import \"d1/b.css\";"},
                           {"d1/b.css", "@import \"d2/c.css\";"},
                           {"d1/d2/c.css", "c{x:url(../../i.png)}"},
                           {"i.png", "i"}});
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  std::string b = run.paths["d1/b.css"], c = run.paths["d1/d2/c.css"];
  EXPECT_EQ(run.Content("a.css"), "@import url(\"" + b + "\");");
  EXPECT_EQ(run.Content("d1/b.css"), "@import url(\"" + c.substr(3) + "\");");
  EXPECT_EQ(b, "d1/b." + Md5Hex(run.Content("d1/b.css")).substr(0, 12) + ".css");
}

TEST(PostProcess, CycleExceedsMaxPasses) {
  Processed run = Process({{"a.css", "@import \"b.css\";"}, {"b.css", "@import \"a.css\";"}});
  ASSERT_FALSE(run.result.ok());
  EXPECT_THAT(std::string(run.result.status().message()),
              HasSubstr("Max post-process passes exceeded"));
}

TEST(PostProcess, MissingFileNamesFileAndLine) {
  Processed run = Process({{"css/app.css", "a{}\nb{}\n.x{background:url(img/missing.png)}\n"}});
  ASSERT_FALSE(run.result.ok());
  std::string message(run.result.status().message());
  EXPECT_THAT(message, HasSubstr("'css/app.css' line 3"));
  EXPECT_THAT(message, HasSubstr("'img/missing.png'"));
  EXPECT_THAT(message, HasSubstr("The file 'css/img/missing.png' could not be found"));
}

TEST(PostProcess, NonStrictLeavesMissingReferencesUnchanged) {
  PostProcessOptions options;
  options.strict = false;
  Processed run = Process(
      {{"app.css", ".x{background:url(missing.png)} .y{background:url(p.png)}"}, {"p.png", "p"}},
      options);
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.Content("app.css"),
            ".x{background:url(missing.png)} .y{background:url(\"p.83878c911713.png\")}");
  ASSERT_EQ(run.result->warnings.size(), 1u);
  EXPECT_THAT(run.result->warnings[0], HasSubstr("'app.css' line 1"));
}

TEST(PostProcess, PathEscapeFailsEvenWhenNotStrict) {
  PostProcessOptions options;
  options.strict = false;
  Processed run = Process({{"a.css", "x{y:url(../../etc/passwd)}"}}, options);
  ASSERT_FALSE(run.result.ok());
  EXPECT_THAT(std::string(run.result.status().message()), HasSubstr("outside of the static root"));
}

TEST(PostProcess, UppercaseSchemeIsNotAbsoluteForDjango) {
  // re.match(r'^[a-z]+:') is case-sensitive: Django resolves HTTP://... as a relative path.
  Processed run = Process({{"css/a.css", "x{y:url(HTTP://x.invalid/p.png)}"}});
  ASSERT_FALSE(run.result.ok());
  EXPECT_THAT(std::string(run.result.status().message()),
              HasSubstr("The file 'css/HTTP:/x.invalid/p.png' could not be found"));
}

TEST(PostProcess, InvalidUtf8CssFails) {
  Processed run = Process({{"a.css", "x{content:\"\xff\"}"}});
  ASSERT_FALSE(run.result.ok());
  EXPECT_THAT(std::string(run.result.status().message()), HasSubstr("not valid UTF-8"));
}

TEST(PostProcess, CustomStaticUrl) {
  PostProcessOptions options;
  options.static_url = "/assets/";
  Processed run = Process(
      {{"a.css", "x{y:url(/assets/p.png)} z{w:url(/static/p.png)}"}, {"p.png", "p"}}, options);
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.Content("a.css"),
            "x{y:url(\"/assets/p.83878c911713.png\")} z{w:url(/static/p.png)}");
}

TEST(PostProcess, ManifestOrderIsDeepestFirstThenCollectionOrder) {
  Processed run = Process({{"z.txt", "z"}, {"a/b/c.txt", "c"}, {"a.txt", "a"}, {"a/d.txt", "d"}});
  ASSERT_TRUE(run.result.ok());
  std::vector<std::string> keys;
  for (const auto& [k, v] : run.result->hashed_files) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/b/c.txt", "a/d.txt", "z.txt", "a.txt"}));
}

}  // namespace
}  // namespace stowage
