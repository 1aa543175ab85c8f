#include "builder/static/compress.h"

#include <brotli/encode.h>
#include <libdeflate.h>
#include <zlib.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"

namespace stowage {

const std::vector<std::string>& DefaultSkipCompressExtensions() {
  static const auto* list =
      new std::vector<std::string>{"jpg", "jpeg", "png", "gif", "webp", "zip", "gz",   "tgz",
                                   "bz2", "tbz",  "xz",  "br",  "swf",  "flv", "woff", "woff2"};
  return *list;
}

bool ShouldCompress(absl::string_view name, const std::vector<std::string>& skip_extensions) {
  if (skip_extensions.empty()) return !name.empty();  // re.compile("^$")
  for (const std::string& ext : skip_extensions) {
    if (absl::EndsWithIgnoreCase(name, absl::StrCat(".", ext))) return false;
  }
  return true;
}

bool IsCompressedEffectively(size_t original_size, size_t compressed_size) {
  if (original_size == 0) return false;
  return static_cast<double>(compressed_size) / static_cast<double>(original_size) <= 0.95;
}

namespace {

// One deflate state per thread, reset between files: a level-9 state is ~270 KB, and
// allocating one per file costs more than compressing a small file.
class Deflater {
 public:
  Deflater() { ok_ = deflateInit2(&z_, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK; }
  ~Deflater() {
    if (ok_) deflateEnd(&z_);
  }
  z_stream* get() { return ok_ && deflateReset(&z_) == Z_OK ? &z_ : nullptr; }

 private:
  z_stream z_{};
  bool ok_ = false;
};

}  // namespace

absl::StatusOr<std::string> GzipLikePython(absl::string_view data) {
  if (data.size() > 0xFFFFFFFFu) return absl::InvalidArgumentError("file too large for gzip");
  thread_local Deflater deflater;
  z_stream* z = deflater.get();
  if (z == nullptr) return absl::InternalError("zlib: cannot initialise deflate");
  // RFC 1952 header: magic, deflate, no flags, mtime 0, XFL 2 (level 9), OS 255.
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff", 10);
  size_t header = out.size();
  out.resize(header + deflateBound(z, data.size()) + 16);
  z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z->avail_in = static_cast<uInt>(data.size());
  z->next_out = reinterpret_cast<Bytef*>(&out[header]);
  z->avail_out = static_cast<uInt>(out.size() - header);
  int rc = deflate(z, Z_FINISH);
  if (rc != Z_STREAM_END) return absl::InternalError(absl::StrCat("zlib: deflate failed: ", rc));
  out.resize(header + z->total_out);
  uLong crc =
      crc32_z(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()), data.size());
  uint32_t size = static_cast<uint32_t>(data.size());
  for (uint32_t v : {static_cast<uint32_t>(crc), size}) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  return out;
}

namespace {

// libdeflate at level 5 is about 7x faster than zlib at level 9 on JS/CSS/SVG and a little
// smaller. One compressor per thread: allocating one costs more than a small file.
struct LibdeflateCompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

absl::StatusOr<std::string> GzipWithLibdeflate(absl::string_view data) {
  thread_local std::unique_ptr<libdeflate_compressor, LibdeflateCompressorDeleter> compressor(
      libdeflate_alloc_compressor(kFastGzipLevel));
  if (compressor == nullptr) return absl::InternalError("libdeflate: cannot allocate a compressor");
  std::string out(libdeflate_gzip_compress_bound(compressor.get(), data.size()), '\0');
  size_t n =
      libdeflate_gzip_compress(compressor.get(), data.data(), data.size(), out.data(), out.size());
  if (n == 0) return absl::InternalError("libdeflate: gzip compression failed");
  out.resize(n);
  return out;
}

}  // namespace

absl::StatusOr<std::string> GzipForWhiteNoise(absl::string_view data) {
  if (data.size() >= kFastGzipMinSize) {
    ASSIGN_OR_RETURN(std::string fast, GzipWithLibdeflate(data));
    double ratio = static_cast<double>(fast.size()) / static_cast<double>(data.size());
    if (ratio < 0.95 - kFastGzipMargin || ratio > 0.95 + kFastGzipMargin) return fast;
  }
  // Small files, and files whose keep-or-drop decision is close: zlib level 9 itself, so the
  // decision (and here the bytes) are WhiteNoise's.
  return GzipLikePython(data);
}

absl::StatusOr<std::string> BrotliLikePython(absl::string_view data) {
  BrotliEncoderState* enc = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
  if (enc == nullptr) return absl::InternalError("brotli: cannot create an encoder");
  BrotliEncoderSetParameter(enc, BROTLI_PARAM_MODE, BROTLI_MODE_GENERIC);
  BrotliEncoderSetParameter(enc, BROTLI_PARAM_QUALITY, 11);
  BrotliEncoderSetParameter(enc, BROTLI_PARAM_LGWIN, 22);
  BrotliEncoderSetParameter(enc, BROTLI_PARAM_LGBLOCK, 0);
  std::string out;
  size_t available_in = data.size();
  const uint8_t* next_in = reinterpret_cast<const uint8_t*>(data.data());
  auto run = [&](BrotliEncoderOperation op) -> bool {
    while (true) {
      uint8_t buffer[65536];
      size_t available_out = sizeof(buffer);
      uint8_t* next_out = buffer;
      if (!BrotliEncoderCompressStream(enc, op, &available_in, &next_in, &available_out, &next_out,
                                       nullptr)) {
        return false;
      }
      out.append(reinterpret_cast<char*>(buffer), sizeof(buffer) - available_out);
      if (op == BROTLI_OPERATION_FINISH) {
        if (BrotliEncoderIsFinished(enc)) return true;
      } else if (available_in == 0 && !BrotliEncoderHasMoreOutput(enc)) {
        return true;
      }
    }
  };
  bool ok = run(BROTLI_OPERATION_PROCESS) && run(BROTLI_OPERATION_FINISH);
  BrotliEncoderDestroyInstance(enc);
  if (!ok) return absl::InternalError("brotli: compression failed");
  return out;
}

absl::StatusOr<CompressedVariants> CompressLikeWhiteNoise(absl::string_view data, bool use_brotli,
                                                          bool use_gzip) {
  CompressedVariants out;
  if (use_brotli) {
    ASSIGN_OR_RETURN(std::string br, BrotliLikePython(data));
    // "If Brotli compression wasn't effective gzip won't be either."
    if (!IsCompressedEffectively(data.size(), br.size())) return out;
    out.br = std::move(br);
  }
  if (use_gzip) {
    ASSIGN_OR_RETURN(std::string gz, GzipForWhiteNoise(data));
    if (IsCompressedEffectively(data.size(), gz.size())) out.gz = std::move(gz);
  }
  return out;
}

}  // namespace stowage
