#include "builder/compress/compression.h"

#include <zstd.h>

#include "absl/strings/str_cat.h"
#include "builder/compress/parallel_gzip.h"
#include "builder/compress/zstd_sink.h"

namespace stowage {
namespace {

class PassThroughSink : public ByteSink {
 public:
  explicit PassThroughSink(ByteSink* next) : next_(next) {}
  absl::Status Write(const char* data, size_t size) override { return next_->Write(data, size); }
  absl::Status Finish() override { return next_->Finish(); }

 private:
  ByteSink* next_;
};

}  // namespace

absl::StatusOr<Compression> ParseCompression(const std::string& name) {
  if (name == "gzip") return Compression::kGzip;
  if (name == "zstd") return Compression::kZstd;
  if (name == "none") return Compression::kNone;
  return absl::InvalidArgumentError(
      absl::StrCat("compression \"", name, "\" is not one of gzip, zstd, none"));
}

std::string CompressionName(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
    case Compression::kNone:
      break;
  }
  return "none";
}

std::string LayerMediaType(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return "application/vnd.oci.image.layer.v1.tar+gzip";
    case Compression::kZstd:
      return "application/vnd.oci.image.layer.v1.tar+zstd";
    case Compression::kNone:
      break;
  }
  return "application/vnd.oci.image.layer.v1.tar";
}

int DefaultLevel(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return 2;
    case Compression::kZstd:
      return 3;
    case Compression::kNone:
      break;
  }
  return 0;
}

absl::Status ValidateLevel(Compression c, int level) {
  int min = 0, max = 0;
  switch (c) {
    case Compression::kGzip:
      max = 12;
      break;
    case Compression::kZstd:
      min = 1;
      max = ZSTD_maxCLevel();
      break;
    case Compression::kNone:
      if (level != 0) {
        return absl::InvalidArgumentError(
            "a compression level makes no sense with compression \"none\"");
      }
      return absl::OkStatus();
  }
  if (level < min || level > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(CompressionName(c), " level ", level, " is out of range ", min, "-", max));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ByteSink>> NewCompressingSink(Compression c, int level, int threads,
                                                             ByteSink* next) {
  switch (c) {
    case Compression::kGzip:
      return NewParallelGzipSink(next, level, threads);
    case Compression::kZstd:
      return NewZstdSink(next, level, threads);
    case Compression::kNone:
      break;
  }
  return std::unique_ptr<ByteSink>(new PassThroughSink(next));
}

}  // namespace stowage
