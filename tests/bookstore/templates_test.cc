#include "examples/bookstore/templates.h"

#include "gtest/gtest.h"
#include "tests/bookstore/test_util.h"

namespace bookstore {
namespace {

TEST(TemplatesTest, RendersPagesInsideBaseAndEscapes) {
  auto templates = Templates::FromSources({
      {"base.html", "<title>{{page_title}}</title><main>{{{content}}}</main>"},
      {"list.html", "{{#books}}<li>{{title}}</li>{{/books}}"},
  });
  ASSERT_TRUE(templates.ok()) << templates.status();
  TemplateData data{TemplateData::type::object};
  data.set("page_title", "A & B");
  TemplateData books{TemplateData::type::list};
  TemplateData book{TemplateData::type::object};
  book.set("title", "<script>alert('x')</script>");
  books.push_back(book);
  data.set("books", books);
  absl::StatusOr<std::string> page = templates->RenderPage("list.html", data);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(*page,
            "<title>A &amp; B</title><main><li>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"
            "</li></main>");
}

TEST(TemplatesTest, LambdasResolveStaticNames) {
  auto templates =
      Templates::FromSources({{"t.html", "<link href=\"{{#static}}css/a.css{{/static}}\">"}});
  ASSERT_TRUE(templates.ok());
  TemplateData data{TemplateData::type::object};
  data.set("static", kainjow::mustache::lambda{
                         [](const std::string& name) { return "/static/" + name + "?v=1"; }});
  EXPECT_EQ(*templates->Render("t.html", data), "<link href=\"/static/css/a.css?v=1\">");
}

TEST(TemplatesTest, SyntaxErrorsAndMissingFilesAreErrors) {
  auto bad = Templates::FromSources({{"x.html", "{{#open}} never closed"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("x.html"), std::string::npos);
  std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/base.html", "{{{content}}}");
  auto missing = Templates::Load(dir);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("list.html"), std::string::npos);
  for (const std::string& name : Templates::RequiredNames()) {
    testing::WriteFile(dir + "/" + name, "[" + name + "]{{{content}}}");
  }
  auto loaded = Templates::Load(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded->RenderPage("404.html", TemplateData{TemplateData::type::object}),
            "[base.html][404.html]");
  EXPECT_FALSE(loaded->Render("nope.html", TemplateData{}).ok());
}

}  // namespace
}  // namespace bookstore
