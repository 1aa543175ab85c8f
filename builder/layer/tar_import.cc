#include "builder/layer/tar_import.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/compress/byte_sink.h"

namespace stowage {
namespace {

constexpr size_t kChunk = 1 << 20;
// Bytes libarchive may read before it has detected the compression (it needs a few KiB); they
// are held so they can still be copied to a new blob. A bound, not an expectation.
constexpr size_t kMaxPrefix = 64 << 20;

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveDeleter>;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

// The last stage of a new blob: bytes into its temporary file.
class AtomicFileSink : public ByteSink {
 public:
  explicit AtomicFileSink(AtomicFile* file) : file_(file) {}
  absl::Status Write(const char* data, size_t size) override { return file_->Write(data, size); }
  absl::Status Finish() override { return absl::OkStatus(); }

 private:
  AtomicFile* file_;
};

// The file's own bytes, as libarchive's decoder pulls them: every byte is hashed (the blob's
// digest when the file is the blob) and, once CopyTo() was called, copied to a new blob.
class RawSource {
 public:
  RawSource(FILE* file, std::string path) : file_(file), path_(std::move(path)), buf_(kChunk) {}

  static la_ssize_t Read(struct archive* a, void* client, const void** buffer) {
    auto* self = static_cast<RawSource*>(client);
    size_t n = std::fread(self->buf_.data(), 1, self->buf_.size(), self->file_);
    if (n == 0 && std::ferror(self->file_)) {
      self->status_ = ErrnoStatus("cannot read", self->path_);
      archive_set_error(a, EIO, "read error");
      return -1;
    }
    absl::Status s = self->Consume(self->buf_.data(), n);
    if (!s.ok()) {
      self->status_ = s;
      archive_set_error(a, EIO, "write error");
      return -1;
    }
    *buffer = self->buf_.data();
    return static_cast<la_ssize_t>(n);
  }

  // From now on every byte read goes to `sink` too, starting with those read so far.
  absl::Status CopyTo(ByteSink* sink) {
    copy_ = sink;
    absl::Status s = copy_->Write(prefix_.data(), prefix_.size());
    prefix_.clear();
    prefix_.shrink_to_fit();
    holding_ = false;
    return s;
  }
  void StopHolding() {
    holding_ = false;
    prefix_.clear();
    prefix_.shrink_to_fit();
  }

  // Reads what the decoder left (trailing bytes after a compressed stream are still blob bytes).
  absl::Status Drain() {
    for (;;) {
      size_t n = std::fread(buf_.data(), 1, buf_.size(), file_);
      if (n == 0) {
        return std::ferror(file_) ? ErrnoStatus("cannot read", path_) : absl::OkStatus();
      }
      RETURN_IF_ERROR(Consume(buf_.data(), n));
    }
  }

  HashingSink& hash() { return hash_; }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status Consume(const char* data, size_t n) {
    RETURN_IF_ERROR(hash_.Write(data, n));
    if (copy_ != nullptr) return copy_->Write(data, n);
    if (holding_) {
      if (prefix_.size() + n > kMaxPrefix) {
        return absl::InternalError("compression detection read too far into " + path_);
      }
      prefix_.append(data, n);
    }
    return absl::OkStatus();
  }

  FILE* file_;
  std::string path_;
  std::vector<char> buf_;
  HashingSink hash_{nullptr};
  ByteSink* copy_ = nullptr;
  bool holding_ = true;
  std::string prefix_;
  absl::Status status_;
};

// The decompressed tar, as the tar reader pulls it from the decoder: hashed (the diffId) and
// passed on to the recompressor when there is one.
class TarStream {
 public:
  TarStream(struct archive* decoder, HashingSink* hash, std::string where)
      : decoder_(decoder), hash_(hash), where_(std::move(where)), buf_(kChunk) {}

  static la_ssize_t Read(struct archive* a, void* client, const void** buffer) {
    auto* self = static_cast<TarStream*>(client);
    la_ssize_t n = self->Next();
    if (n < 0) {
      archive_set_error(a, EIO, "decompression failed");
      return -1;
    }
    *buffer = self->buf_.data();
    return n;
  }

  // The next decompressed chunk (0 at the end, -1 on error, see status()).
  la_ssize_t Next() {
    la_ssize_t n = archive_read_data(decoder_, buf_.data(), buf_.size());
    if (n < 0) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat("cannot decompress ", where_, ": ", archive_error_string(decoder_)));
      return -1;
    }
    absl::Status s = hash_->Write(buf_.data(), static_cast<size_t>(n));
    if (!s.ok()) {
      status_ = s;
      return -1;
    }
    return n;
  }

  const absl::Status& status() const { return status_; }

 private:
  struct archive* decoder_;
  HashingSink* hash_;
  std::string where_;
  std::vector<char> buf_;
  absl::Status status_;
};

// gzip, zstd and none are layer compressions; anything else libarchive reads has to be
// recompressed.
std::optional<Compression> LayerCompression(int filter_code) {
  switch (filter_code) {
    case ARCHIVE_FILTER_NONE:
      return Compression::kNone;
    case ARCHIVE_FILTER_GZIP:
      return Compression::kGzip;
    case ARCHIVE_FILTER_ZSTD:
      return Compression::kZstd;
    default:
      return std::nullopt;
  }
}

std::string Where(const TarImportOptions& options) { return options.tar_path; }

}  // namespace

absl::StatusOr<LayerDescriptor> ImportTar(const TarImportOptions& options) {
  // A regular file only: a FIFO or a device named as a tar would block or never end.
  ASSIGN_OR_RETURN(FILE * opened, OpenRegularFileStream(options.tar_path));
  std::unique_ptr<FILE, FileCloser> file(opened);
  RawSource raw(file.get(), options.tar_path);

  // 1. The decoder: libarchive's "raw" format hands out the decompressed stream as one entry.
  ArchivePtr decoder(archive_read_new());
  // Every compression libarchive decodes in process. Not support_filter_all: for lrzip, lzop
  // and grzip it starts an external program, which the bytes of a downloaded tar would choose.
  for (auto support : {archive_read_support_filter_gzip, archive_read_support_filter_zstd,
                       archive_read_support_filter_xz, archive_read_support_filter_lzma,
                       archive_read_support_filter_lzip, archive_read_support_filter_bzip2,
                       archive_read_support_filter_lz4, archive_read_support_filter_compress}) {
    support(decoder.get());
  }
  archive_read_support_format_raw(decoder.get());
  if (archive_read_open(decoder.get(), &raw, nullptr, &RawSource::Read, nullptr) != ARCHIVE_OK) {
    RETURN_IF_ERROR(raw.status());
    if (raw.hash().bytes() == 0) {
      return absl::InvalidArgumentError(Where(options) + " is empty: not a tar archive");
    }
    return absl::InvalidArgumentError(absl::StrCat("cannot decompress ", Where(options), ": ",
                                                   archive_error_string(decoder.get())));
  }
  struct archive_entry* entry;
  int rc = archive_read_next_header(decoder.get(), &entry);
  RETURN_IF_ERROR(raw.status());
  if (rc == ARCHIVE_EOF || raw.hash().bytes() == 0) {
    return absl::InvalidArgumentError(Where(options) + " is empty: not a tar archive");
  }
  if (rc < ARCHIVE_WARN) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(options), ": ", archive_error_string(decoder.get())));
  }
  // Filter 0 is the outermost compression; more than one (e.g. uuencoded gzip) is not a layer.
  int filters = archive_filter_count(decoder.get());
  int code = archive_filter_code(decoder.get(), 0);
  std::optional<Compression> detected;
  if (filters <= 2) detected = LayerCompression(code);
  std::string detected_name =
      detected.has_value() ? CompressionName(*detected) : archive_filter_name(decoder.get(), 0);
  if (options.expect.has_value() && detected != options.expect) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(options), " is ", detected == Compression::kNone ? "not compressed" : detected_name,
        ", not ", CompressionName(*options.expect), " as its name says: rename it (.tar, .tar.gz, ",
        ".tar.zst) or give oci_image tars_compression"));
  }
  if (!options.recompress.has_value() && !detected.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(options), " is ", detected_name,
                     "-compressed; a layer is gzip, zstd or uncompressed: give oci_image "
                     "tars_compression = \"gzip\" to recompress it"));
  }

  // 2. Where the bytes go. Kept: nowhere but the hashes (the file is the blob). Recompressed:
  // decompressed tar -> compressor -> hash -> new blob. Copied: raw bytes -> new blob.
  std::optional<AtomicFile> descriptor;
  if (!options.descriptor.empty()) {
    ASSIGN_OR_RETURN(AtomicFile created, AtomicFile::Create(options.descriptor));
    descriptor.emplace(std::move(created));
  }
  std::optional<AtomicFile> blob;
  std::unique_ptr<AtomicFileSink> file_sink;
  std::unique_ptr<HashingSink> compressed;
  std::unique_ptr<ByteSink> compressor;
  bool copy_raw = false;
  if (options.recompress.has_value()) {
    ASSIGN_OR_RETURN(AtomicFile created, AtomicFile::Create(options.output));
    blob.emplace(std::move(created));
    file_sink = std::make_unique<AtomicFileSink>(&*blob);
    const LayerOptions& to = *options.recompress;
    copy_raw = detected == to.compression;
    if (copy_raw) {
      RETURN_IF_ERROR(raw.CopyTo(file_sink.get()));
    } else {
      raw.StopHolding();
      compressed = std::make_unique<HashingSink>(file_sink.get());
      ASSIGN_OR_RETURN(compressor,
                       NewCompressingSink(to.compression, to.level, to.threads, compressed.get()));
    }
  } else {
    raw.StopHolding();
  }
  HashingSink uncompressed(compressor.get());

  // 3. The tar reader walks the decompressed stream: every header is checked, data is skipped
  // (read through TarStream, so it is hashed all the same).
  TarStream stream(decoder.get(), &uncompressed, Where(options));
  ArchivePtr tar(archive_read_new());
  archive_read_support_format_tar(tar.get());
  archive_read_support_format_gnutar(tar.get());
  if (archive_read_open(tar.get(), &stream, nullptr, &TarStream::Read, nullptr) != ARCHIVE_OK) {
    RETURN_IF_ERROR(raw.status());
    RETURN_IF_ERROR(stream.status());
    return absl::InvalidArgumentError(
        absl::StrCat(Where(options), " is not a tar archive: ", archive_error_string(tar.get())));
  }
  int64_t entries = 0;
  for (;;) {
    rc = archive_read_next_header(tar.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN || archive_read_data_skip(tar.get()) < ARCHIVE_WARN) {
      RETURN_IF_ERROR(raw.status());
      RETURN_IF_ERROR(stream.status());
      return absl::InvalidArgumentError(
          absl::StrCat(Where(options), " is not a tar archive (after ", entries,
                       " entries): ", archive_error_string(tar.get())));
    }
    ++entries;
  }
  // What follows the end-of-archive blocks is part of the layer too.
  for (;;) {
    la_ssize_t n = stream.Next();
    if (n < 0)
      return absl::InvalidArgumentError(Where(options) + ": " + stream.status().ToString());
    if (n == 0) break;
  }
  RETURN_IF_ERROR(raw.Drain());
  RETURN_IF_ERROR(uncompressed.Finish());
  compressor.reset();  // joins compression threads

  LayerDescriptor d;
  d.compression = options.recompress.has_value() ? options.recompress->compression : *detected;
  d.diff_id = uncompressed.Digest();
  d.uncompressed_size = static_cast<int64_t>(uncompressed.bytes());
  d.entries = entries;
  if (compressed != nullptr) {
    d.digest = compressed->Digest();
    d.size = static_cast<int64_t>(compressed->bytes());
  } else {
    d.digest = raw.hash().Digest();
    d.size = static_cast<int64_t>(raw.hash().bytes());
  }
  std::vector<PendingOutput*> pending;
  if (blob.has_value()) pending.push_back(&*blob);
  if (descriptor.has_value()) {
    ASSIGN_OR_RETURN(std::string text, CanonicalJson(d.ToJson(), options.descriptor));
    RETURN_IF_ERROR(descriptor->Write(text));
    pending.push_back(&*descriptor);
  }
  RETURN_IF_ERROR(CommitOutputs(pending));
  return d;
}

}  // namespace stowage
