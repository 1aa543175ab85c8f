#include "examples/bookstore/static_files.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/bookstore/test_util.h"

namespace bookstore {
namespace {

using testing::MakeTempDir;
using testing::WriteFile;

std::string HeaderValue(const Headers& headers, absl::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTempDir();
    // A collectstatic-like tree: originals, hashed copies, compressed variants, a manifest.
    WriteFile(root_ + "/css/site.css", "body{color:red}");
    WriteFile(root_ + "/css/site.0123456789ab.css", "body{color:red}");
    WriteFile(root_ + "/css/site.0123456789ab.css.gz", "GZIPPED-CSS");
    WriteFile(root_ + "/css/site.0123456789ab.css.br", "BR-CSS");
    WriteFile(root_ + "/js/app.js", "console.log(1)", /*mtime=*/0);
    WriteFile(root_ + "/js/app.js.gz", "GZIPPED-JS", /*mtime=*/0);
    WriteFile(root_ + "/img/logo.png", std::string("\x89PNG\r\n", 6));
    WriteFile(root_ + "/notes.gz", "a lone archive");
    WriteFile(root_ + "/staticfiles.json",
              R"({"version": "1.0", "paths": {"css/site.css": "css/site.0123456789ab.css"}})");
    StaticOptions options;
    options.root = root_;
    auto loaded = StaticFiles::Load(options);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    files_ = std::move(loaded).value();
  }

  StaticDecision Decide(const char* url, StaticRequest request) {
    const StaticFile* file = files_->Find(url);
    EXPECT_NE(file, nullptr) << url;
    if (request.method.empty()) request.method = "GET";
    return DecideStatic(*file, request);
  }

  std::string root_;
  std::unique_ptr<StaticFiles> files_;
};

TEST_F(StaticFilesTest, CompressedVariantsAreNotUrlsOfTheirOwn) {
  EXPECT_NE(files_->Find("/static/css/site.0123456789ab.css"), nullptr);
  EXPECT_EQ(files_->Find("/static/css/site.0123456789ab.css.gz"), nullptr);
  EXPECT_EQ(files_->Find("/static/js/app.js.gz"), nullptr);
  // A .gz without an uncompressed sibling is an ordinary file.
  EXPECT_NE(files_->Find("/static/notes.gz"), nullptr);
  EXPECT_NE(files_->Find("/static/staticfiles.json"), nullptr);
  EXPECT_EQ(files_->files().size(), 6u);
}

TEST_F(StaticFilesTest, TraversalAndNonCanonicalPathsFindNothing) {
  for (const char* url :
       {"/static/../staticfiles.json", "/static/css/../css/site.css", "/static//css/site.css",
        "/static/css\\site.css", "/static/./css/site.css", "/static/", "/static", "/css/site.css",
        "/static/css/site.css/"}) {
    EXPECT_EQ(files_->Find(url), nullptr) << url;
  }
}

TEST_F(StaticFilesTest, HashedNamesAreImmutableOthersShortLived) {
  EXPECT_EQ(files_->Find("/static/css/site.0123456789ab.css")->cache_control,
            "max-age=315360000, public, immutable");
  EXPECT_EQ(files_->Find("/static/css/site.css")->cache_control, "max-age=60, public");
  EXPECT_EQ(files_->Find("/static/js/app.js")->cache_control, "max-age=60, public");

  StaticOptions debug;
  debug.root = root_;
  debug.max_age = 0;
  auto loaded = StaticFiles::Load(debug);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->Find("/static/css/site.css")->cache_control, "max-age=0, public");
}

TEST_F(StaticFilesTest, ContentTypesWithCharsetForText) {
  EXPECT_EQ(files_->Find("/static/css/site.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(files_->Find("/static/js/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(files_->Find("/static/img/logo.png")->content_type, "image/png");
  EXPECT_EQ(files_->Find("/static/staticfiles.json")->content_type, "application/json");
}

TEST_F(StaticFilesTest, NegotiatesVariantsAndVaries) {
  StaticRequest request;
  request.accept_encoding = "gzip, deflate, br";
  StaticDecision br = Decide("/static/css/site.0123456789ab.css", request);
  EXPECT_EQ(br.status, 200);
  EXPECT_EQ(br.variant->coding, Coding::kBrotli);
  EXPECT_EQ(br.variant->data, "BR-CSS");
  request.accept_encoding = "gzip";
  StaticDecision gz = Decide("/static/css/site.0123456789ab.css", request);
  EXPECT_EQ(gz.variant->coding, Coding::kGzip);
  EXPECT_EQ(gz.length, 11u);
  request.accept_encoding = absl::nullopt;
  StaticDecision plain = Decide("/static/css/site.0123456789ab.css", request);
  EXPECT_EQ(plain.variant->coding, Coding::kIdentity);

  const StaticFile& css = *files_->Find("/static/css/site.0123456789ab.css");
  Headers headers = StaticOkHeaders(css, *gz.variant, true);
  EXPECT_EQ(HeaderValue(headers, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderValue(headers, "Vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderValue(headers, "Access-Control-Allow-Origin"), "*");
  Headers identity = StaticOkHeaders(css, *plain.variant, true);
  EXPECT_EQ(HeaderValue(identity, "Content-Encoding"), "<absent>");
  EXPECT_EQ(HeaderValue(identity, "Vary"), "Accept-Encoding");
  // No variants: no Vary.
  const StaticFile& png = *files_->Find("/static/img/logo.png");
  EXPECT_EQ(HeaderValue(StaticOkHeaders(png, png.variants[0], true), "Vary"), "<absent>");
}

TEST_F(StaticFilesTest, EtagsComeFromContentAndDifferPerVariant) {
  const StaticFile& hashed = *files_->Find("/static/css/site.0123456789ab.css");
  const StaticFile& original = *files_->Find("/static/css/site.css");
  // Same bytes, same ETag, whatever the name or mtime.
  EXPECT_EQ(hashed.variants[0].etag, original.variants[0].etag);
  EXPECT_EQ(hashed.variants[0].etag.size(), 34u);
  EXPECT_TRUE(absl::StartsWith(hashed.variants[0].etag, "\""));
  EXPECT_NE(hashed.Variant(Coding::kGzip)->etag, hashed.variants[0].etag);
  EXPECT_NE(hashed.Variant(Coding::kBrotli)->etag, hashed.Variant(Coding::kGzip)->etag);
}

TEST_F(StaticFilesTest, ZeroMtimeHasNoLastModifiedButStillAnEtag) {
  const StaticFile& js = *files_->Find("/static/js/app.js");
  EXPECT_EQ(js.last_modified, "");
  Headers headers = StaticOkHeaders(js, js.variants[0], true);
  EXPECT_EQ(HeaderValue(headers, "Last-Modified"), "<absent>");
  EXPECT_NE(HeaderValue(headers, "ETag"), "<absent>");
  const StaticFile& css = *files_->Find("/static/css/site.css");
  EXPECT_EQ(css.last_modified, "Sun, 09 Sep 2001 01:46:40 GMT");
}

TEST_F(StaticFilesTest, IfNoneMatchGivesNotModifiedForTheChosenVariant) {
  const StaticFile& css = *files_->Find("/static/css/site.0123456789ab.css");
  StaticRequest request;
  request.accept_encoding = "gzip";
  std::string gz_etag = css.Variant(Coding::kGzip)->etag;
  request.if_none_match = gz_etag;
  StaticDecision decision = Decide("/static/css/site.0123456789ab.css", request);
  EXPECT_EQ(decision.status, 304);
  Headers headers = StaticDecisionHeaders(css, decision, true);
  EXPECT_EQ(HeaderValue(headers, "ETag"), gz_etag);
  EXPECT_EQ(HeaderValue(headers, "Cache-Control"), "max-age=315360000, public, immutable");
  EXPECT_EQ(HeaderValue(headers, "Vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderValue(headers, "Content-Type"), "<absent>");
  // The gzip ETag does not validate the identity bytes.
  request.accept_encoding = absl::nullopt;
  EXPECT_EQ(Decide("/static/css/site.0123456789ab.css", request).status, 200);
  // Lists, weak forms and "*".
  std::string list = "\"nope\", W/" + css.variants[0].etag;  // outlives the string_view
  request.if_none_match = list;
  EXPECT_EQ(Decide("/static/css/site.0123456789ab.css", request).status, 304);
  request.if_none_match = "*";
  EXPECT_EQ(Decide("/static/css/site.0123456789ab.css", request).status, 304);
  request.if_none_match = "\"other\"";
  EXPECT_EQ(Decide("/static/css/site.0123456789ab.css", request).status, 200);
}

TEST_F(StaticFilesTest, IfModifiedSinceOnlyWithoutIfNoneMatch) {
  StaticRequest request;
  request.if_modified_since = "Sun, 09 Sep 2001 01:46:40 GMT";
  EXPECT_EQ(Decide("/static/css/site.css", request).status, 304);
  request.if_modified_since = "Sun, 09 Sep 2001 01:46:39 GMT";
  EXPECT_EQ(Decide("/static/css/site.css", request).status, 200);
  request.if_modified_since = "garbage";
  EXPECT_EQ(Decide("/static/css/site.css", request).status, 200);
  request.if_modified_since = "Sun, 09 Sep 2001 01:46:40 GMT";
  request.if_none_match = "\"other\"";
  EXPECT_EQ(Decide("/static/css/site.css", request).status, 200);
  // mtime 0: there is no Last-Modified to compare with.
  StaticRequest js;
  js.if_modified_since = "Sun, 09 Sep 2001 01:46:40 GMT";
  EXPECT_EQ(Decide("/static/js/app.js", js).status, 200);
}

TEST_F(StaticFilesTest, MethodsOtherThanGetAndHeadAreRefused) {
  StaticRequest request;
  request.method = "POST";
  StaticDecision decision = Decide("/static/css/site.css", request);
  EXPECT_EQ(decision.status, 405);
  const StaticFile& css = *files_->Find("/static/css/site.css");
  EXPECT_EQ(HeaderValue(StaticDecisionHeaders(css, decision, true), "Allow"), "GET, HEAD");
  request.method = "HEAD";
  EXPECT_EQ(Decide("/static/css/site.css", request).status, 200);
}

TEST_F(StaticFilesTest, SingleByteRanges) {
  StaticRequest request;
  request.range = "bytes=0-3";
  StaticDecision first = Decide("/static/css/site.css", request);  // "body{color:red}"
  EXPECT_EQ(first.status, 206);
  EXPECT_EQ(first.offset, 0u);
  EXPECT_EQ(first.length, 4u);
  const StaticFile& css = *files_->Find("/static/css/site.css");
  EXPECT_EQ(HeaderValue(StaticDecisionHeaders(css, first, true), "Content-Range"), "bytes 0-3/15");
  request.range = "bytes=0-0";
  EXPECT_EQ(Decide("/static/css/site.css", request).length, 1u);
  request.range = "bytes=-3";
  StaticDecision suffix = Decide("/static/css/site.css", request);
  EXPECT_EQ(suffix.offset, 12u);
  EXPECT_EQ(suffix.length, 3u);
  request.range = "bytes=10-";
  EXPECT_EQ(Decide("/static/css/site.css", request).length, 5u);
  request.range = "bytes=10-999";
  EXPECT_EQ(Decide("/static/css/site.css", request).length, 5u);
  request.range = "bytes=15-";
  StaticDecision past = Decide("/static/css/site.css", request);
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(HeaderValue(StaticDecisionHeaders(css, past, true), "Content-Range"), "bytes */15");
  for (const char* ignored : {"bytes=0-1,3-4", "items=0-1", "bytes=5-2", "bytes=x-"}) {
    request.range = ignored;
    EXPECT_EQ(Decide("/static/css/site.css", request).status, 200) << ignored;
  }
  request.range = "bytes=0-3";
  request.if_range = "\"stale\"";
  EXPECT_EQ(Decide("/static/css/site.css", request).status, 200);
  request.if_range = css.variants[0].etag;
  EXPECT_EQ(Decide("/static/css/site.css", request).status, 206);
}

TEST_F(StaticFilesTest, ManifestUrlsLikeDjangoStatic) {
  EXPECT_EQ(files_->Url("css/site.css"), "/static/css/site.0123456789ab.css");
  EXPECT_EQ(files_->Url("css/site.css", /*use_manifest=*/false), "/static/css/site.css");
  EXPECT_EQ(files_->Url("js/app.js"), "/static/js/app.js");
  EXPECT_EQ(files_->Url("a b.txt"), "/static/a%20b.txt");
}

TEST_F(StaticFilesTest, LargeFilesStayOnDisk) {
  std::string big(3000, 'x');
  WriteFile(root_ + "/big.txt", big);
  StaticOptions options;
  options.root = root_;
  options.max_memory_file_size = 1000;
  auto loaded = StaticFiles::Load(options);
  ASSERT_TRUE(loaded.ok());
  const StaticFile* file = (*loaded)->Find("/static/big.txt");
  ASSERT_NE(file, nullptr);
  EXPECT_FALSE(file->variants[0].in_memory);
  EXPECT_EQ(file->variants[0].size, 3000u);
  EXPECT_TRUE((*loaded)->Find("/static/css/site.css")->variants[0].in_memory);
  // Hashing from disk and from memory give the same ETag.
  options.max_memory_file_size = 1 << 20;
  auto in_memory = StaticFiles::Load(options);
  ASSERT_TRUE(in_memory.ok());
  const StaticFile* same = (*in_memory)->Find("/static/big.txt");
  EXPECT_TRUE(same->variants[0].in_memory);
  EXPECT_EQ(same->variants[0].etag, file->variants[0].etag);
}

TEST_F(StaticFilesTest, SymlinkLoopsAreSkipped) {
  ASSERT_EQ(symlink(root_.c_str(), (root_ + "/css/loop").c_str()), 0);
  StaticOptions options;
  options.root = root_;
  auto loaded = StaticFiles::Load(options);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->files().size(), files_->files().size());
}

TEST(StaticFilesErrorsTest, MissingRootAndBadManifest) {
  StaticOptions options;
  options.root = MakeTempDir() + "/absent";
  EXPECT_TRUE(absl::IsNotFound(StaticFiles::Load(options).status()));
  std::string root = MakeTempDir();
  WriteFile(root + "/staticfiles.json", "{not json");
  options.root = root;
  EXPECT_FALSE(StaticFiles::Load(options).ok());
  WriteFile(root + "/staticfiles.json", R"({"paths": {"a.css": 3}})");
  EXPECT_FALSE(StaticFiles::Load(options).ok());
}

TEST(HttpDateTest, FormatsAndParses) {
  EXPECT_EQ(HttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), absl::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 25:49:37 GMT"), absl::nullopt);
}

}  // namespace
}  // namespace bookstore
