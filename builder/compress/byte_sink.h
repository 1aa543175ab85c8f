// A push-style byte stream: the stages of the layer pipeline (tar -> hash -> compress -> hash ->
// file) are ByteSinks chained together, so the layer is produced in one streaming pass.
#ifndef STOWAGE_BUILDER_COMPRESS_BYTE_SINK_H_
#define STOWAGE_BUILDER_COMPRESS_BYTE_SINK_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "builder/digest/sha256.h"

namespace stowage {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual absl::Status Write(const char* data, size_t size) = 0;
  // Flushes everything buffered downstream and finishes the stream; no writes after.
  virtual absl::Status Finish() = 0;
};

// Hashes and counts the bytes that pass through, then forwards them (to nothing when `next`
// is null).
class HashingSink : public ByteSink {
 public:
  explicit HashingSink(ByteSink* next) : next_(next) {}
  absl::Status Write(const char* data, size_t size) override {
    hash_.Update(data, size);
    bytes_ += size;
    return next_ == nullptr ? absl::OkStatus() : next_->Write(data, size);
  }
  absl::Status Finish() override { return next_ == nullptr ? absl::OkStatus() : next_->Finish(); }
  // "sha256:<hex>"; call once, after Finish().
  std::string Digest() { return hash_.Final(); }
  uint64_t bytes() const { return bytes_; }

 private:
  ByteSink* next_;
  Sha256 hash_;
  uint64_t bytes_ = 0;
};

// Collects everything in memory (tests, small outputs).
class StringSink : public ByteSink {
 public:
  absl::Status Write(const char* data, size_t size) override {
    data_.append(data, size);
    return absl::OkStatus();
  }
  absl::Status Finish() override { return absl::OkStatus(); }
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMPRESS_BYTE_SINK_H_
