// Finder semantics: order, first wins, prefixes, ignore patterns, bad input.
#include "builder/static/collect.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Names(const CollectResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.files) out.push_back(f.name);
  return out;
}

TEST(Collect, GetFilesOrderListsFilesBeforeSubdirectories) {
  std::vector<std::string> names = {"b/x", "a.css", "b.css", "a/z", "a/b/c", "c"};
  std::sort(names.begin(), names.end(), GetFilesOrder);
  EXPECT_EQ(names, (std::vector<std::string>{"a.css", "b.css", "c", "a/z", "a/b/c", "b/x"}));
}

TEST(Collect, FirstSourceWinsWithAWarning) {
  StaticSource app{"", "", {{"css/base.css", "/app/base.css"}, {"a.js", "/app/a.js"}}, {}};
  StaticSource extra{"", "", {{"css/base.css", "/extra/base.css"}}, {}};
  StaticSource vendor{"vendor/", "", {{"css/base.css", "/vendor/base.css"}}, {}};
  auto r = CollectSources({app, extra, vendor}, DefaultIgnorePatterns());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"a.js", "css/base.css", "vendor/css/base.css"}));
  EXPECT_EQ(r->files[1].path, "/app/base.css");
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0],
              HasSubstr("Found another file with the destination path 'css/base.css'"));
}

TEST(Collect, IgnorePatternsAndStripPrefix) {
  StaticSource s{"",
                 "static",
                 {{"static/.hidden", "/h"},
                  {"static/a.txt~", "/t"},
                  {"static/CVS/x", "/c"},
                  {"static/.git/config", "/g"},
                  {"static/ok.css", "/ok"}},
                 {}};
  auto r = CollectSources({s}, DefaultIgnorePatterns());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Names(*r), std::vector<std::string>{"ok.css"});
  auto none = CollectSources({s}, {});
  EXPECT_EQ(none->files.size(), 5u);
}

TEST(Collect, BadInputIsAnError) {
  auto outside = CollectSources({StaticSource{"", "static", {{"other/a.css", "/a"}}, {}}}, {});
  EXPECT_THAT(std::string(outside.status().message()), HasSubstr("not under strip_prefix"));
  auto dotdot = CollectSources({StaticSource{"", "", {{"../a.css", "/a"}}, {}}}, {});
  EXPECT_FALSE(dotdot.ok());
  auto bad_prefix = CollectSources({StaticSource{"../up", "", {{"a.css", "/a"}}, {}}}, {});
  EXPECT_FALSE(bad_prefix.ok());
  auto clash = CollectSources({StaticSource{"", "", {{"a", "/a"}, {"a/b", "/b"}}, {}}}, {});
  EXPECT_THAT(std::string(clash.status().message()), HasSubstr("both a file"));
  auto missing_dir = CollectSources({StaticSource{"", "", {}, {{"", "/nonexistent/dir"}}}}, {});
  EXPECT_FALSE(missing_dir.ok());
}

TEST(Collect, AnAppSourceCollectsOnlyItsStaticDirectory) {
  // A whole package (python3-django's files): only django/contrib/admin/static is collected,
  // as AppDirectoriesFinder does for the installed admin app.
  StaticSource django{"",
                      "dist-packages/django/contrib/admin/static",
                      {{"dist-packages/django/__init__.py", "/d/init"},
                       {"dist-packages/django/contrib/admin/static/admin/css/base.css", "/d/css"},
                       {"dist-packages/django/contrib/admin/static/admin/js/core.js", "/d/js"},
                       {"dist-packages/django/contrib/gis/static/gis/js/OLMapWidget.js", "/d/gis"}},
                      {},
                      "@debian12//amd64:python3-django_files",
                      true};
  auto r = CollectSources({django}, DefaultIgnorePatterns());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"admin/css/base.css", "admin/js/core.js"}));
  EXPECT_EQ(r->files[0].path, "/d/css");

  // Without the flag the same source is an error naming the first stray file.
  django.only_under_strip_prefix = false;
  EXPECT_THAT(std::string(CollectSources({django}, {}).status().message()),
              HasSubstr("'dist-packages/django/__init__.py' (/d/init) is not under strip_prefix"));
}

TEST(Collect, AnAppDirectoryWithNoFileIsAnError) {
  StaticSource typo{"",
                    "dist-packages/django/contrib/admn/static",
                    {{"dist-packages/django/contrib/admin/static/admin/css/base.css", "/d/css"}},
                    {},
                    "@debian12//amd64:python3-django_files",
                    true};
  auto r = CollectSources({typo}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(
      std::string(r.status().message()),
      HasSubstr(
          "no file under the app's static directory 'dist-packages/django/contrib/admn/static' of "
          "@debian12//amd64:python3-django_files (1 files in the source"));
  StaticSource no_dir{"", "", {{"a.css", "/a"}}, {}, "//x:y", true};
  EXPECT_THAT(std::string(CollectSources({no_dir}, {}).status().message()),
              HasSubstr("an app source needs its static directory (//x:y)"));
}

TEST(Collect, WalksDirectoriesInSortedOrder) {
  char templ[] = "/tmp/collect_test.XXXXXX";
  std::string root = mkdtemp(templ);
  mkdir((root + "/sub").c_str(), 0755);
  for (const char* name : {"b.txt", "a.txt", "sub/c.txt"}) std::ofstream(root + "/" + name) << name;
  auto r = CollectSources({StaticSource{"p", "", {}, {{"", root}}}}, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"p/a.txt", "p/b.txt", "p/sub/c.txt"}));
  std::system(("rm -rf " + root).c_str());
}

}  // namespace
}  // namespace stowage
