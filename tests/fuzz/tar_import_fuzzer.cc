// oci_image `tars`: a tar file from anywhere (a download, another tool), in any compression,
// described as a layer in one pass (builder/layer/tar_import.h). Input: the file's bytes.
// Properties: kept as the blob, the descriptor's digest and size are the file's own; written
// again as gzip, the new blob re-imports with the same diffId and entry count; on failure no
// new blob is left behind.
#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "builder/digest/sha256.h"
#include "builder/layer/tar_import.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  const std::string& dir = fuzz::ScratchDir();
  fuzz::EmptyDir(dir);
  std::string bytes(reinterpret_cast<const char*>(data), size);
  TarImportOptions kept;
  kept.tar_path = dir + "/input.tar";
  fuzz::WriteFileOrDie(kept.tar_path, bytes);
  absl::StatusOr<LayerDescriptor> d = ImportTar(kept);
  fuzz::Trace("kept", d.status());
  if (d.ok() && (d->digest != Sha256Digest(bytes) || d->size != static_cast<int64_t>(size))) {
    fuzz::InvariantFailed("a kept tar's descriptor does not describe the file itself", d->digest);
  }

  TarImportOptions again = kept;
  LayerOptions gzip;
  gzip.compression = Compression::kGzip;
  gzip.level = 1;
  gzip.threads = 1;
  again.recompress = gzip;
  again.output = dir + "/output.tar.gz";
  absl::StatusOr<LayerDescriptor> written = ImportTar(again);
  fuzz::Trace("recompressed", written.status());
  struct stat st;
  bool exists = stat(again.output.c_str(), &st) == 0;
  if (!written.ok()) {
    if (exists)
      fuzz::InvariantFailed("a failed import left its output", written.status().ToString());
    return 0;
  }
  TarImportOptions reread;
  reread.tar_path = again.output;
  reread.expect = Compression::kGzip;
  absl::StatusOr<LayerDescriptor> back = ImportTar(reread);
  if (!back.ok() || back->diff_id != written->diff_id || back->entries != written->entries) {
    fuzz::InvariantFailed("the recompressed blob does not describe the same tar",
                          back.ok() ? back->diff_id : back.status().ToString());
  }
  return 0;
}
