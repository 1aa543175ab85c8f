#include "builder/static/static_assets.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/static/compress.h"
#include "builder/static/manifest.h"
#include "builder/static/parallel.h"

namespace stowage {
namespace {

absl::StatusOr<std::vector<BlobPtr>> ReadAll(const std::vector<CollectedFile>& files, int threads) {
  std::vector<BlobPtr> blobs(files.size());
  RETURN_IF_ERROR(ParallelFor(files.size(), threads, [&](size_t i) -> absl::Status {
    // Regular files only, bounded: a FIFO or /dev/zero given as a file is refused at once.
    absl::StatusOr<std::string> data = ReadFile(files[i].path, kMaxStaticFileBytes);
    if (!data.ok()) {
      return absl::Status(data.status().code(), absl::StrCat("static file '", files[i].name,
                                                             "': ", data.status().message()));
    }
    blobs[i] = MakeBlob(*std::move(data));
    return absl::OkStatus();
  }));
  return blobs;
}

// WhiteNoise's CompressedManifestStaticFilesStorage.post_process_with_compression, after
// Django's post-processing: delete non-hashed files if asked, then compress.
absl::StatusOr<CompressedVariants> ReadPrecompressed(const Precompressed& done) {
  CompressedVariants out;
  if (!done.br_path.empty()) {
    ASSIGN_OR_RETURN(out.br, ReadFile(done.br_path, kMaxStaticFileBytes));
  }
  if (!done.gz_path.empty()) {
    ASSIGN_OR_RETURN(out.gz, ReadFile(done.gz_path, kMaxStaticFileBytes));
  }
  return out;
}

absl::Status CompressLikeWhiteNoiseStorage(
    const PostProcessResult& processed, const StaticAssetsOptions& options,
    const std::map<const Blob*, const Precompressed*>& precompressed, VirtualStorage* storage) {
  std::set<std::string> originals, hashed;
  for (const auto& [name, hashed_name] : processed.hashed_files) {
    originals.insert(name);
    hashed.insert(hashed_name);
  }
  std::set<std::string> to_compress = hashed;
  if (options.keep_only_hashed_files) {
    std::set<std::string> to_delete = originals;
    to_delete.insert(processed.new_files.begin(), processed.new_files.end());
    for (const std::string& name : to_delete) {
      // Unlike os.unlink, a directory name (a CSS url() of a folder) is left alone.
      if (!hashed.count(name)) storage->Delete(name).IgnoreError();
    }
  } else {
    to_compress.insert(originals.begin(), originals.end());
  }
  if (!options.gzip && !options.brotli) return absl::OkStatus();

  // Compress each distinct content once: a non-CSS file and its hashed copy share bytes.
  std::vector<std::string> names;
  std::vector<BlobPtr> unique;
  std::vector<size_t> job_of;
  std::map<std::string, std::vector<size_t>> by_md5;
  for (const std::string& name : to_compress) {
    if (!ShouldCompress(name, options.skip_compress_extensions)) continue;
    ASSIGN_OR_RETURN(BlobPtr blob, storage->Open(name));
    if (blob == nullptr) {
      return absl::InternalError(absl::StrCat("cannot compress '", name, "': not a file"));
    }
    size_t job = unique.size();
    for (size_t candidate : by_md5[blob->md5_hex]) {
      if (unique[candidate] == blob || unique[candidate]->data == blob->data) job = candidate;
    }
    if (job == unique.size()) {
      by_md5[blob->md5_hex].push_back(job);
      unique.push_back(blob);
    }
    names.push_back(name);
    job_of.push_back(job);
  }
  // Largest first, so one big file started last does not leave the other cores idle.
  std::vector<size_t> schedule(unique.size());
  for (size_t i = 0; i < schedule.size(); ++i) schedule[i] = i;
  std::stable_sort(schedule.begin(), schedule.end(), [&](size_t a, size_t b) {
    return unique[a]->data.size() > unique[b]->data.size();
  });
  std::vector<CompressedVariants> variants(unique.size());
  RETURN_IF_ERROR(ParallelFor(schedule.size(), options.threads, [&](size_t k) -> absl::Status {
    size_t i = schedule[k];
    auto done = precompressed.find(unique[i].get());
    if (done != precompressed.end()) {
      ASSIGN_OR_RETURN(variants[i], ReadPrecompressed(*done->second));
    } else {
      ASSIGN_OR_RETURN(variants[i],
                       CompressLikeWhiteNoise(unique[i]->data, options.brotli, options.gzip));
    }
    return absl::OkStatus();
  }));
  std::vector<BlobPtr> br(unique.size()), gz(unique.size());
  for (size_t i = 0; i < unique.size(); ++i) {
    if (variants[i].br) br[i] = MakeBlob(std::move(*variants[i].br));
    if (variants[i].gz) gz[i] = MakeBlob(std::move(*variants[i].gz));
  }
  for (size_t k = 0; k < names.size(); ++k) {
    if (br[job_of[k]]) RETURN_IF_ERROR(storage->Save(names[k] + ".br", br[job_of[k]]));
    if (gz[job_of[k]]) RETURN_IF_ERROR(storage->Save(names[k] + ".gz", gz[job_of[k]]));
  }
  return absl::OkStatus();
}

absl::Status WriteWhole(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FillTree(const std::map<std::string, BlobPtr>& files, const std::string& root,
                      int threads) {
  std::set<std::string> dirs;
  for (const auto& [name, blob] : files) {
    // Up to the nearest directory already listed: each is made once, and deep names cost
    // linear work.
    for (size_t slash = name.rfind('/'); slash != std::string::npos && slash > 0;
         slash = name.rfind('/', slash - 1)) {
      if (!dirs.insert(name.substr(0, slash)).second) break;
    }
  }
  for (const std::string& dir : dirs) {  // parents sort before their children
    std::string path = absl::StrCat(root, "/", dir);
    if (mkdir(path.c_str(), 0755) != 0 || chmod(path.c_str(), 0755) != 0) {
      return ErrnoStatus("cannot create directory", path);
    }
  }
  // One thread per directory at a time: creating files in one directory serialises on that
  // directory's lock (ext4 spins on it), so threads that shared a directory mostly waited for
  // each other. Biggest directories first, so one does not finish last alone.
  std::map<absl::string_view, std::vector<const std::pair<const std::string, BlobPtr>*>> by_dir;
  for (const auto& entry : files) {
    absl::string_view name = entry.first;
    size_t slash = name.rfind('/');
    by_dir[slash == absl::string_view::npos ? absl::string_view() : name.substr(0, slash)]
        .push_back(&entry);
  }
  std::vector<const std::vector<const std::pair<const std::string, BlobPtr>*>*> groups;
  for (const auto& [dir, entries] : by_dir) groups.push_back(&entries);
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto* a, const auto* b) { return a->size() > b->size(); });
  return ParallelFor(groups.size(), threads, [&](size_t g) -> absl::Status {
    for (const auto* entry : *groups[g]) {
      std::string path = absl::StrCat(root, "/", entry->first);
      int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd < 0) return ErrnoStatus("cannot create", path);
      absl::Status status = WriteWhole(fd, entry->second->data, path);
      if (status.ok() && fchmod(fd, 0644) != 0) status = ErrnoStatus("cannot chmod", path);
      if (close(fd) != 0 && status.ok()) status = ErrnoStatus("cannot close", path);
      RETURN_IF_ERROR(status);
    }
    return absl::OkStatus();
  });
}

StaticAssetsOptions DefaultStaticAssetsOptions() {
  StaticAssetsOptions options;
  options.skip_compress_extensions = DefaultSkipCompressExtensions();
  options.ignore_patterns = DefaultIgnorePatterns();
  return options;
}

absl::StatusOr<StaticAssets> BuildStaticAssets(const std::vector<StaticSource>& sources,
                                               const StaticAssetsOptions& options) {
  StaticAssets out;
  ASSIGN_OR_RETURN(CollectResult collected, CollectSources(sources, options.ignore_patterns));
  out.warnings = collected.warnings;
  ASSIGN_OR_RETURN(std::vector<BlobPtr> blobs, ReadAll(collected.files, options.threads));

  // collectstatic copies every found file first, then post-processes.
  VirtualStorage storage;
  std::vector<FoundFile> found;
  for (size_t i = 0; i < blobs.size(); ++i) {
    RETURN_IF_ERROR(storage.Save(collected.files[i].name, blobs[i]));
    found.push_back(FoundFile{collected.files[i].name, blobs[i]});
  }
  ASSIGN_OR_RETURN(PostProcessResult processed, PostProcess(found, options.post_process, &storage));
  out.warnings.insert(out.warnings.end(), processed.warnings.begin(), processed.warnings.end());
  out.manifest = ManifestJson(processed.hashed_files, options.post_process.version);
  RETURN_IF_ERROR(storage.Save(kManifestName, MakeBlob(out.manifest)));
  std::map<const Blob*, const Precompressed*> precompressed;
  for (size_t i = 0; i < blobs.size(); ++i) {
    auto done = options.precompressed.find(collected.files[i].path);
    if (done != options.precompressed.end()) precompressed[blobs[i].get()] = &done->second;
  }
  RETURN_IF_ERROR(CompressLikeWhiteNoiseStorage(processed, options, precompressed, &storage));
  out.files = storage.files();
  return out;
}

absl::StatusOr<std::map<std::string, BlobPtr>> PrecompressFiles(
    const std::vector<std::string>& paths, bool use_brotli, bool use_gzip, int threads) {
  std::vector<CompressedVariants> variants(paths.size());
  RETURN_IF_ERROR(ParallelFor(paths.size(), threads, [&](size_t i) -> absl::Status {
    ASSIGN_OR_RETURN(std::string data, ReadFile(paths[i], kMaxStaticFileBytes));
    ASSIGN_OR_RETURN(variants[i], CompressLikeWhiteNoise(data, use_brotli, use_gzip));
    return absl::OkStatus();
  }));
  std::map<std::string, BlobPtr> tree;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (variants[i].br) tree[absl::StrCat(i, ".br")] = MakeBlob(std::move(*variants[i].br));
    if (variants[i].gz) tree[absl::StrCat(i, ".gz")] = MakeBlob(std::move(*variants[i].gz));
  }
  return tree;
}

absl::Status WriteTree(const std::map<std::string, BlobPtr>& files, const std::string& out_dir,
                       int threads) {
  ASSIGN_OR_RETURN(OutputDirectory out, OutputDirectory::Create(out_dir));
  RETURN_IF_ERROR(FillTree(files, out.temp_path(), threads));
  return out.Commit();
}

}  // namespace stowage
