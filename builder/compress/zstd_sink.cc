#include "builder/compress/zstd_sink.h"

#include <zstd.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace {

absl::Status ZstdError(size_t code, const char* what) {
  return absl::InternalError(absl::StrCat("zstd: ", what, ": ", ZSTD_getErrorName(code)));
}

class ZstdSink : public ByteSink {
 public:
  ZstdSink(ByteSink* next, ZSTD_CCtx* cctx)
      : next_(next), cctx_(cctx), out_(ZSTD_CStreamOutSize()) {}
  ~ZstdSink() override { ZSTD_freeCCtx(cctx_); }

  absl::Status Write(const char* data, size_t size) override {
    ZSTD_inBuffer in{data, size, 0};
    while (in.pos < in.size) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t rc = ZSTD_compressStream2(cctx_, &out, &in, ZSTD_e_continue);
      if (ZSTD_isError(rc)) return ZstdError(rc, "compress");
      RETURN_IF_ERROR(next_->Write(out_.data(), out.pos));
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    size_t remaining;
    do {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      remaining = ZSTD_compressStream2(cctx_, &out, &in, ZSTD_e_end);
      if (ZSTD_isError(remaining)) return ZstdError(remaining, "finish");
      RETURN_IF_ERROR(next_->Write(out_.data(), out.pos));
    } while (remaining != 0);
    return next_->Finish();
  }

 private:
  ByteSink* next_;
  ZSTD_CCtx* cctx_;
  std::vector<char> out_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSink>> NewZstdSink(ByteSink* next, int level, int threads) {
  if (level < 1 || level > ZSTD_maxCLevel()) {
    return absl::InvalidArgumentError(
        absl::StrCat("zstd level ", level, " is out of range 1-", ZSTD_maxCLevel()));
  }
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  if (cctx == nullptr) return absl::ResourceExhaustedError("zstd: cannot allocate a context");
  auto sink = std::make_unique<ZstdSink>(next, cctx);
  int workers = std::max(1, std::min(threads, kMaxZstdWorkers));
  size_t rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  if (ZSTD_isError(rc)) return ZstdError(rc, "level");
  rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  if (ZSTD_isError(rc)) return ZstdError(rc, "checksum");
  rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, workers);
  if (ZSTD_isError(rc))
    return ZstdError(rc, "this libzstd has no multi-threading, which stowage needs");
  rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_jobSize, kZstdJobSize);
  if (ZSTD_isError(rc)) return ZstdError(rc, "job size");
  return std::unique_ptr<ByteSink>(std::move(sink));
}

}  // namespace stowage
