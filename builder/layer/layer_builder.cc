#include "builder/layer/layer_builder.h"

#include <unistd.h>

#include <optional>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/common/threads.h"
#include "builder/compress/async_sink.h"
#include "builder/compress/byte_sink.h"
#include "builder/tar/entry_plan.h"
#include "builder/tar/tar_writer.h"

namespace stowage {
namespace {

// The last stage: bytes into the temporary output file.
class AtomicFileSink : public ByteSink {
 public:
  explicit AtomicFileSink(AtomicFile* file) : file_(file) {}
  absl::Status Write(const char* data, size_t size) override { return file_->Write(data, size); }
  absl::Status Finish() override { return absl::OkStatus(); }

 private:
  AtomicFile* file_;
};

absl::StatusOr<int> ParseIntFlag(const std::string& name, const std::string& value) {
  int v;
  if (!absl::SimpleAtoi(value, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " wants an integer, got \"", value, "\""));
  }
  return v;
}

}  // namespace

nlohmann::json LayerDescriptor::ToJson() const {
  return nlohmann::json{
      {"compression", CompressionName(compression)},
      {"diffId", diff_id},
      {"digest", digest},
      {"entries", entries},
      {"mediaType", LayerMediaType(compression)},
      {"size", size},
      {"uncompressedSize", uncompressed_size},
  };
}

absl::StatusOr<LayerOptions> ResolveLayerOptions(const LayerSpec& spec,
                                                 const std::string& flag_compression,
                                                 const std::string& flag_level,
                                                 const std::string& flag_threads) {
  LayerOptions options;
  std::string compression =
      !flag_compression.empty() ? flag_compression : spec.compression.value_or("gzip");
  ASSIGN_OR_RETURN(options.compression, ParseCompression(compression));
  options.level = DefaultLevel(options.compression);
  if (!flag_level.empty()) {
    ASSIGN_OR_RETURN(options.level, ParseIntFlag("level", flag_level));
  } else if (spec.level.has_value()) {
    options.level = *spec.level;
  }
  RETURN_IF_ERROR(ValidateLevel(options.compression, options.level));
  int threads = 0;
  if (!flag_threads.empty()) {
    ASSIGN_OR_RETURN(threads, ParseIntFlag("threads", flag_threads));
    if (threads < 0) return absl::InvalidArgumentError("--threads must not be negative");
  } else if (spec.threads.has_value()) {
    threads = *spec.threads;
  }
  // 0 means every core.
  options.threads = threads > 0 ? threads : DefaultThreadCount();
  return options;
}

absl::StatusOr<LayerDescriptor> BuildLayer(const LayerSpec& spec, const LayerOptions& options,
                                           const std::string& blob_path,
                                           const std::string& descriptor_path) {
  if (!descriptor_path.empty()) {
    RETURN_IF_ERROR(CheckOutputPaths(
        {{"the blob", blob_path, OutputKind::kFile}, {"the descriptor", descriptor_path}}));
  }
  ASSIGN_OR_RETURN(std::vector<TarEntry> entries, PlanEntries(spec));
  // Both outputs are opened before the long work, so a path that may not be replaced is
  // refused at once.
  ASSIGN_OR_RETURN(AtomicFile blob, AtomicFile::Create(blob_path));
  std::optional<AtomicFile> descriptor;
  if (!descriptor_path.empty()) {
    ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(descriptor_path));
    descriptor.emplace(std::move(file));
  }
  AtomicFileSink file_sink(&blob);
  HashingSink compressed(&file_sink);
  ASSIGN_OR_RETURN(
      std::unique_ptr<ByteSink> compressor,
      NewCompressingSink(options.compression, options.level, options.threads, &compressed));
  HashingSink uncompressed(compressor.get());
  // Reading files and writing tar headers stay on this thread; hashing and compressing run on
  // another, so the two overlap.
  ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> async, NewAsyncSink(&uncompressed));
  RETURN_IF_ERROR(WriteTar(entries, async.get()));
  RETURN_IF_ERROR(async->Finish());
  async.reset();
  compressor.reset();  // joins compression threads

  LayerDescriptor d;
  d.compression = options.compression;
  d.diff_id = uncompressed.Digest();
  d.digest = compressed.Digest();
  d.entries = static_cast<int64_t>(entries.size());
  d.size = static_cast<int64_t>(compressed.bytes());
  d.uncompressed_size = static_cast<int64_t>(uncompressed.bytes());

  if (descriptor_path.empty()) {
    RETURN_IF_ERROR(blob.Commit());
    return d;
  }
  // Both outputs or neither (and what they replace stays until both are in place).
  ASSIGN_OR_RETURN(std::string descriptor_text, CanonicalJson(d.ToJson(), descriptor_path));
  RETURN_IF_ERROR(descriptor->Write(descriptor_text));
  RETURN_IF_ERROR(CommitOutputs({&blob, &*descriptor}));
  return d;
}

}  // namespace stowage
