#include "builder/compress/async_sink.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "builder/common/status_macros.h"
#include "builder/common/threads.h"

namespace stowage {
namespace {

struct Chunk {
  std::vector<char> data;
  size_t size = 0;
};

class AsyncSink : public ByteSink {
 public:
  explicit AsyncSink(ByteSink* next) : next_(next) {
    for (size_t i = 0; i < kAsyncChunks; ++i) {
      auto c = std::make_unique<Chunk>();
      c->data.resize(kAsyncChunkSize);
      free_.push_back(std::move(c));
    }
    current_ = TakeFree();
  }

  absl::Status StartThread() {
    ASSIGN_OR_RETURN(thread_,
                     ::stowage::StartThread([this] { Drain(); }, "the layer writer thread"));
    return absl::OkStatus();
  }

  ~AsyncSink() override { Stop(); }

  absl::Status Write(const char* data, size_t size) override {
    while (size > 0) {
      if (current_ == nullptr) return FailedStatus();
      size_t n = std::min(size, kAsyncChunkSize - current_->size);
      std::memcpy(current_->data.data() + current_->size, data, n);
      current_->size += n;
      data += n;
      size -= n;
      if (current_->size == kAsyncChunkSize) {
        Push(std::move(current_));
        current_ = TakeFree();
      }
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    if (current_ != nullptr && current_->size > 0) Push(std::move(current_));
    Stop();
    {
      absl::MutexLock lock(&mu_);
      if (!status_.ok()) return status_;
    }
    return next_->Finish();
  }

 private:
  // Waits for a free chunk; returns null when the downstream thread failed.
  std::unique_ptr<Chunk> TakeFree() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &AsyncSink::FreeOrFailed));
    if (!status_.ok()) return nullptr;
    std::unique_ptr<Chunk> c = std::move(free_.back());
    free_.pop_back();
    c->size = 0;
    return c;
  }

  void Push(std::unique_ptr<Chunk> chunk) {
    absl::MutexLock lock(&mu_);
    full_.push_back(std::move(chunk));
  }

  absl::Status FailedStatus() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

  void Drain() {
    while (true) {
      std::unique_ptr<Chunk> chunk;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &AsyncSink::HasWorkOrStopping));
        if (full_.empty()) return;  // stopping and drained
        chunk = std::move(full_.front());
        full_.pop_front();
      }
      absl::Status s = next_->Write(chunk->data.data(), chunk->size);
      absl::MutexLock lock(&mu_);
      free_.push_back(std::move(chunk));
      if (!s.ok()) {
        status_ = s;
        full_.clear();
        return;
      }
    }
  }

  void Stop() {
    if (!thread_.joinable()) return;
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    thread_.join();
  }

  bool FreeOrFailed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !free_.empty() || !status_.ok();
  }
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !full_.empty() || stopping_;
  }

  ByteSink* next_;
  std::unique_ptr<Chunk> current_;  // producer only
  std::thread thread_;

  absl::Mutex mu_;
  std::vector<std::unique_ptr<Chunk>> free_ ABSL_GUARDED_BY(mu_);
  std::deque<std::unique_ptr<Chunk>> full_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSink>> NewAsyncSink(ByteSink* next) {
  auto sink = std::make_unique<AsyncSink>(next);
  RETURN_IF_ERROR(sink->StartThread());
  return std::unique_ptr<ByteSink>(std::move(sink));
}

}  // namespace stowage
