#include "examples/bookstore/accept_encoding.h"

#include "gtest/gtest.h"

namespace bookstore {
namespace {

constexpr AvailableCodings kBoth{true, true};
constexpr AvailableCodings kGzipOnly{false, true};
constexpr AvailableCodings kNone{false, false};

Coding Choose(const char* header, AvailableCodings available = kBoth) {
  return ChooseCoding(absl::string_view(header), available);
}

TEST(AcceptEncodingTest, NoHeaderMeansIdentity) {
  EXPECT_EQ(ChooseCoding(absl::nullopt, kBoth), Coding::kIdentity);
  EXPECT_EQ(Choose(""), Coding::kIdentity);
}

TEST(AcceptEncodingTest, PrefersBrotliThenGzip) {
  EXPECT_EQ(Choose("gzip, deflate, br"), Coding::kBrotli);
  EXPECT_EQ(Choose("br"), Coding::kBrotli);
  EXPECT_EQ(Choose("gzip"), Coding::kGzip);
  EXPECT_EQ(Choose("gzip, deflate, br", kGzipOnly), Coding::kGzip);
  EXPECT_EQ(Choose("gzip, br", kNone), Coding::kIdentity);
  EXPECT_EQ(Choose("deflate"), Coding::kIdentity);
}

TEST(AcceptEncodingTest, ZeroQualityRefuses) {
  EXPECT_EQ(Choose("br;q=0, gzip"), Coding::kGzip);
  EXPECT_EQ(Choose("br; q=0.0, gzip;q=0"), Coding::kIdentity);
  EXPECT_EQ(Choose("*;q=0"), Coding::kIdentity);
  EXPECT_EQ(Choose("gzip;q=0, *"), Coding::kBrotli);
}

TEST(AcceptEncodingTest, HigherQualityWins) {
  EXPECT_EQ(Choose("br;q=0.5, gzip;q=0.8"), Coding::kGzip);
  EXPECT_EQ(Choose("br;q=0.8, gzip;q=0.8"), Coding::kBrotli);
  EXPECT_EQ(Choose("gzip;q=0.1, identity;q=1"), Coding::kIdentity);
}

TEST(AcceptEncodingTest, WildcardAliasesAndCase) {
  EXPECT_EQ(Choose("*"), Coding::kBrotli);
  EXPECT_EQ(Choose("x-gzip", kGzipOnly), Coding::kGzip);
  EXPECT_EQ(Choose("GZIP, BR"), Coding::kBrotli);
  EXPECT_EQ(Choose("  gzip ;  Q=0.9 "), Coding::kGzip);
}

TEST(AcceptEncodingTest, MalformedWeightsAreIgnored) {
  EXPECT_EQ(Choose("br;q=2, gzip"), Coding::kGzip);
  EXPECT_EQ(Choose("br;q=abc"), Coding::kIdentity);
  EXPECT_EQ(Choose(",,;, br"), Coding::kBrotli);
}

TEST(AcceptEncodingTest, Tokens) {
  EXPECT_EQ(CodingToken(Coding::kBrotli), "br");
  EXPECT_EQ(CodingToken(Coding::kGzip), "gzip");
  EXPECT_EQ(CodingToken(Coding::kIdentity), "");
}

}  // namespace
}  // namespace bookstore
