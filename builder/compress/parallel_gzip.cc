#include "builder/compress/parallel_gzip.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "builder/common/status_macros.h"
#include "builder/common/threads.h"

namespace stowage {
namespace {

// Enough blocks for every thread to have one in hand and one queued, plus the one being filled;
// capped so memory stays bounded on many-core machines.
constexpr int kMaxThreads = 32;
constexpr size_t kMaxBlocksInFlight = 48;

struct Block {
  std::vector<char> input;
  size_t input_size = 0;
  std::vector<char> output;
  size_t output_size = 0;
  bool done = false;
};

class ParallelGzipSink : public ByteSink {
 public:
  ParallelGzipSink(ByteSink* next, int level, int threads)
      : next_(next),
        level_(level),
        max_in_flight_(std::min<size_t>(2 * threads + 2, kMaxBlocksInFlight)) {
    current_ = NewBlock();
  }

  // Separate from the constructor so that a thread the system refuses is an error value; the
  // destructor joins the workers that did start.
  absl::Status StartWorkers(int threads) {
    for (int i = 0; i < threads; ++i) {
      RETURN_IF_ERROR(workers_.Start([this] { WorkerLoop(); }, "a gzip worker thread"));
    }
    return absl::OkStatus();
  }

  ~ParallelGzipSink() override { StopWorkers(); }

  absl::Status Write(const char* data, size_t size) override {
    while (size > 0) {
      size_t n = std::min(size, kGzipBlockSize - current_->input_size);
      std::memcpy(current_->input.data() + current_->input_size, data, n);
      current_->input_size += n;
      data += n;
      size -= n;
      if (current_->input_size == kGzipBlockSize) RETURN_IF_ERROR(Submit());
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    // An empty stream still becomes one (empty) gzip member, so the output is valid gzip.
    if (current_->input_size > 0 || !submitted_any_) RETURN_IF_ERROR(Submit());
    while (!in_order_.empty()) RETURN_IF_ERROR(WriteOldest());
    StopWorkers();
    return next_->Finish();
  }

 private:
  std::unique_ptr<Block> NewBlock() {
    if (!free_.empty()) {
      std::unique_ptr<Block> b = std::move(free_.back());
      free_.pop_back();
      return b;
    }
    auto b = std::make_unique<Block>();
    b->input.resize(kGzipBlockSize);
    return b;
  }

  absl::Status Submit() {
    submitted_any_ = true;
    Block* block = current_.get();
    {
      absl::MutexLock lock(&mu_);
      block->done = false;
      queue_.push_back(block);
    }
    in_order_.push_back(std::move(current_));
    // Write finished blocks at the front without waiting, then wait only when at the limit.
    while (!in_order_.empty() && IsDone(in_order_.front().get())) RETURN_IF_ERROR(WriteOldest());
    while (in_order_.size() >= max_in_flight_) RETURN_IF_ERROR(WriteOldest());
    current_ = NewBlock();
    current_->input_size = 0;
    return absl::OkStatus();
  }

  bool IsDone(Block* block) {
    absl::MutexLock lock(&mu_);
    return block->done;
  }

  absl::Status WriteOldest() {
    std::unique_ptr<Block> block = std::move(in_order_.front());
    in_order_.pop_front();
    {
      absl::MutexLock lock(&mu_);
      Block* b = block.get();
      mu_.Await(absl::Condition(
          +[](Block* blk) { return blk->done; }, b));
    }
    if (block->output_size == 0) return absl::InternalError("gzip compression failed");
    absl::Status status = next_->Write(block->output.data(), block->output_size);
    free_.push_back(std::move(block));
    return status;
  }

  void WorkerLoop() {
    libdeflate_compressor* compressor = libdeflate_alloc_compressor(level_);
    while (true) {
      Block* block;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &ParallelGzipSink::HasWorkOrStopping));
        if (queue_.empty()) break;  // stopping
        block = queue_.front();
        queue_.pop_front();
      }
      size_t bound =
          compressor == nullptr ? 0 : libdeflate_gzip_compress_bound(compressor, block->input_size);
      if (block->output.size() < bound) block->output.resize(bound);
      block->output_size =
          compressor == nullptr
              ? 0
              : libdeflate_gzip_compress(compressor, block->input.data(), block->input_size,
                                         block->output.data(), block->output.size());
      absl::MutexLock lock(&mu_);
      block->done = true;
    }
    libdeflate_free_compressor(compressor);
  }

  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || stopping_;
  }

  void StopWorkers() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      queue_.clear();
    }
    workers_.Join();
  }

  ByteSink* next_;
  const int level_;
  const size_t max_in_flight_;
  std::unique_ptr<Block> current_;
  std::deque<std::unique_ptr<Block>> in_order_;  // submitted, not yet written; producer only
  std::vector<std::unique_ptr<Block>> free_;     // producer only
  bool submitted_any_ = false;
  ThreadGroup workers_;

  absl::Mutex mu_;
  std::deque<Block*> queue_ ABSL_GUARDED_BY(mu_);  // waiting for a worker
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSink>> NewParallelGzipSink(ByteSink* next, int level,
                                                              int threads) {
  if (level < 0 || level > 12) {
    return absl::InvalidArgumentError(absl::StrCat("gzip level ", level, " is out of range 0-12"));
  }
  threads = std::max(1, std::min(threads, kMaxThreads));
  auto sink = std::make_unique<ParallelGzipSink>(next, level, threads);
  RETURN_IF_ERROR(sink->StartWorkers(threads));
  return std::unique_ptr<ByteSink>(std::move(sink));
}

}  // namespace stowage
