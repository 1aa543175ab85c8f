// WhiteNoise's compression rules and byte formats.
#include "builder/static/compress.h"

#include <brotli/decode.h>
#include <zlib.h>

#include <random>

#include "gtest/gtest.h"

namespace stowage {
namespace {

std::string Gunzip(const std::string& gz) {
  z_stream z{};
  inflateInit2(&z, 16 + MAX_WBITS);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = gz.size();
  z.next_out = reinterpret_cast<Bytef*>(&out[0]);
  z.avail_out = out.size();
  int rc = inflate(&z, Z_FINISH);
  out.resize(z.total_out);
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "<corrupt>";
}

std::string Unbrotli(const std::string& br) {
  std::string out(1 << 20, '\0');
  size_t size = out.size();
  if (BrotliDecoderDecompress(br.size(), reinterpret_cast<const uint8_t*>(br.data()), &size,
                              reinterpret_cast<uint8_t*>(&out[0])) !=
      BROTLI_DECODER_RESULT_SUCCESS) {
    return "<corrupt>";
  }
  out.resize(size);
  return out;
}

std::string Text() {
  std::string s;
  for (int i = 0; i < 200; ++i) s += "body { color: #" + std::to_string(i % 7) + "; }\n";
  return s;
}

std::string Noise(size_t n) {
  std::mt19937 rng(7);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(Compress, SkipRules) {
  const auto& skip = DefaultSkipCompressExtensions();
  EXPECT_FALSE(ShouldCompress("img/a.PNG", skip));
  EXPECT_FALSE(ShouldCompress("fonts/a.woff2", skip));
  EXPECT_FALSE(ShouldCompress("a.css.gz", skip));
  EXPECT_TRUE(ShouldCompress("a.css", skip));
  EXPECT_TRUE(ShouldCompress("a.svg", skip));
  EXPECT_TRUE(ShouldCompress("apng", skip));  // an extension needs its dot
  EXPECT_FALSE(ShouldCompress("a.css", {"css"}));
  EXPECT_TRUE(ShouldCompress("a.png", {}));  // an empty list compresses everything
}

TEST(Compress, NinetyFivePercentRule) {
  EXPECT_TRUE(IsCompressedEffectively(100, 95));
  EXPECT_FALSE(IsCompressedEffectively(100, 96));
  EXPECT_TRUE(IsCompressedEffectively(20, 19));
  EXPECT_FALSE(IsCompressedEffectively(0, 0));
}

TEST(Compress, GzipMatchesPythonHeaderAndRoundTrips) {
  std::string text = Text();
  auto gz = GzipLikePython(text);
  ASSERT_TRUE(gz.ok());
  // 1f 8b, deflate, no flags (no name), mtime 0, XFL 2 (level 9), OS 255 as Python writes.
  EXPECT_EQ(gz->substr(0, 10), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff", 10));
  EXPECT_EQ(Gunzip(*gz), text);
  EXPECT_EQ(*GzipLikePython(text), *gz);
}

// Files whose zlib-9 ratio sweeps across WhiteNoise's 95% line (text then noise, in shifting
// proportions and sizes): the faster gzip must keep or drop exactly the same variants.
TEST(Compress, FastGzipMakesWhiteNoisesDecisions) {
  std::string text = Text();
  int kept = 0, dropped = 0;
  for (size_t size : {3000u, 5000u, 20000u, 150000u}) {
    for (int percent = 0; percent <= 30; ++percent) {
      size_t text_bytes = size * percent / 100;
      std::string data;
      while (data.size() < text_bytes) data += text;
      data.resize(text_bytes);
      data += Noise(size - text_bytes);
      auto python = GzipLikePython(data);
      auto fast = GzipForWhiteNoise(data);
      ASSERT_TRUE(python.ok() && fast.ok());
      bool keep = IsCompressedEffectively(data.size(), python->size());
      EXPECT_EQ(keep, IsCompressedEffectively(data.size(), fast->size()))
          << size << " bytes, " << percent << "% text";
      EXPECT_EQ(Gunzip(*fast), data);
      (keep ? kept : dropped)++;
    }
  }
  EXPECT_GT(kept, 10);  // the sweep really crosses the line
  EXPECT_GT(dropped, 10);
  // Far from the line a large file goes through libdeflate: other bytes, same contents.
  std::string big;
  while (big.size() < 100000) big += text;
  auto fast = GzipForWhiteNoise(big);
  ASSERT_TRUE(fast.ok());
  EXPECT_NE(*fast, *GzipLikePython(big));
  EXPECT_EQ(Gunzip(*fast), big);
  EXPECT_EQ(fast->substr(0, 4), std::string("\x1f\x8b\x08\x00", 4));  // no name, no flags
  EXPECT_EQ(fast->substr(4, 4), std::string(4, '\0'));                // MTIME 0
}

TEST(Compress, BrotliRoundTrips) {
  std::string text = Text();
  auto br = BrotliLikePython(text);
  ASSERT_TRUE(br.ok());
  EXPECT_EQ(Unbrotli(*br), text);
  EXPECT_LT(br->size(), GzipLikePython(text)->size());
}

TEST(Compress, WhiteNoiseKeepsOnlyEffectiveVariants) {
  auto text = CompressLikeWhiteNoise(Text(), true, true);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->br && text->gz);
  // Incompressible data: brotli is not effective, so gzip is not even tried.
  auto noise = CompressLikeWhiteNoise(Noise(4000), true, true);
  ASSERT_TRUE(noise.ok());
  EXPECT_FALSE(noise->br || noise->gz);
  // Tiny files grow when compressed.
  auto tiny = CompressLikeWhiteNoise("ok\n", true, true);
  EXPECT_FALSE(tiny->br || tiny->gz);
  auto empty = CompressLikeWhiteNoise("", true, true);
  EXPECT_FALSE(empty->br || empty->gz);
  // Without brotli (not installed), gzip alone decides.
  auto gzip_only = CompressLikeWhiteNoise(Text(), false, true);
  EXPECT_TRUE(!gzip_only->br && gzip_only->gz);
}

}  // namespace
}  // namespace stowage
