#include "builder/oci/tarball.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/oci/layout.h"
#include "builder/oci/reference.h"

namespace stowage {
namespace oci {
namespace {

constexpr char kRefName[] = "org.opencontainers.image.ref.name";
constexpr char kContainerdName[] = "io.containerd.image.name";

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t WriteCallback(archive*, void* client, const void* buffer, size_t length) {
  auto* file = static_cast<AtomicFile*>(client);
  if (!file->Write(buffer, length).ok()) return -1;
  return static_cast<la_ssize_t>(length);
}

class TarWriter {
 public:
  static absl::StatusOr<std::unique_ptr<TarWriter>> Open(AtomicFile* file) {
    std::unique_ptr<TarWriter> w(new TarWriter(file));
    if (archive_write_set_format_pax_restricted(w->a_.get()) != ARCHIVE_OK ||
        archive_write_open(w->a_.get(), file, nullptr, WriteCallback, nullptr) != ARCHIVE_OK) {
      return w->Error("cannot start the tar");
    }
    return w;
  }

  absl::Status AddDirectory(const std::string& name) {
    std::unique_ptr<archive_entry, EntryDeleter> e(NewEntry(name, AE_IFDIR, 0755, 0));
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) return Error(name);
    return absl::OkStatus();
  }

  absl::Status AddBytes(const std::string& name, const std::string& bytes) {
    std::unique_ptr<archive_entry, EntryDeleter> e(NewEntry(name, AE_IFREG, 0644, bytes.size()));
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) return Error(name);
    if (!bytes.empty() && archive_write_data(a_.get(), bytes.data(), bytes.size()) !=
                              static_cast<la_ssize_t>(bytes.size())) {
      return Error(name);
    }
    return absl::OkStatus();
  }

  // Streams a blob file into the tar, checking its size and digest as it goes.
  absl::Status AddBlobFile(const std::string& name, const Blob& blob) {
    ASSIGN_OR_RETURN(FILE * in, OpenRegularFileStream(blob.path));
    std::unique_ptr<FILE, int (*)(FILE*)> closer(in, std::fclose);
    std::unique_ptr<archive_entry, EntryDeleter> e(NewEntry(name, AE_IFREG, 0644, blob.size));
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) return Error(name);
    Sha256 hash;
    int64_t size = 0;
    std::vector<char> buf(1 << 20);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), in)) > 0) {
      hash.Update(buf.data(), n);
      size += static_cast<int64_t>(n);
      if (size > blob.size) break;  // longer than declared: the digest check below reports it
      if (archive_write_data(a_.get(), buf.data(), n) != static_cast<la_ssize_t>(n)) {
        return Error(name);
      }
    }
    if (std::ferror(in)) return ErrnoStatus("cannot read", blob.path);
    std::string digest = hash.Final();
    if (digest != blob.digest || size != blob.size) {
      return absl::DataLossError(absl::StrCat("blob ", blob.path, " has digest ", digest,
                                              " and size ", size, " but its descriptor says ",
                                              blob.digest, " and ", blob.size));
    }
    return absl::OkStatus();
  }

  absl::Status Close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) return Error("closing");
    return absl::OkStatus();
  }

 private:
  explicit TarWriter(AtomicFile* file) : a_(archive_write_new()), file_(file) {}

  static archive_entry* NewEntry(const std::string& name, unsigned type, int mode, int64_t size) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, mode);
    archive_entry_set_size(e, type == AE_IFREG ? size : 0);
    archive_entry_set_mtime(e, 0, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    return e;
  }

  absl::Status Error(const std::string& what) {
    const char* msg = archive_error_string(a_.get());
    return absl::InternalError(absl::StrCat("cannot write tar ", file_->path(), " (", what,
                                            "): ", msg ? msg : "unknown error"));
  }

  std::unique_ptr<archive, ArchiveDeleter> a_;
  AtomicFile* file_;
};

}  // namespace

absl::StatusOr<nlohmann::json> DockerArchiveManifest(const ImageSet& set,
                                                     const std::vector<std::string>& repo_tags) {
  if (set.images.size() != 1 || set.root.digest != set.images[0].descriptor.digest) {
    return absl::InvalidArgumentError(
        "a docker-archive tarball holds one image, not an image index: pick one platform");
  }
  const ImageEntry& image = set.images[0];
  nlohmann::json tags = nlohmann::json::array();
  for (const std::string& t : repo_tags) {
    ASSIGN_OR_RETURN(RepoTag tag, ParseRepoTag(t));
    tags.push_back(tag.ToString());
  }
  nlohmann::json layers = nlohmann::json::array();
  for (const std::string& digest : image.layer_digests) layers.push_back(BlobPath(digest));
  return nlohmann::json::array(
      {{{"Config", image.config_path}, {"RepoTags", tags}, {"Layers", layers}}});
}

absl::Status WriteTarball(const ImageSet& set, const std::vector<std::string>& repo_tags,
                          const std::string& out_path) {
  ASSIGN_OR_RETURN(nlohmann::json docker_manifest, DockerArchiveManifest(set, repo_tags));
  const ImageEntry& image = set.images[0];

  // index.json: one entry per tag, annotated as `docker save` does; untagged: one plain entry.
  nlohmann::json manifests = nlohmann::json::array();
  nlohmann::json repositories = nlohmann::json::object();
  for (const std::string& t : repo_tags) {
    ASSIGN_OR_RETURN(RepoTag tag, ParseRepoTag(t));
    Descriptor entry = set.root;
    entry.annotations[kContainerdName] = tag.ToString();
    entry.annotations[kRefName] = tag.tag;
    manifests.push_back(entry.ToJson());
    if (!image.layer_digests.empty()) {
      repositories[tag.repository][tag.tag] = std::string(DigestHex(image.layer_digests.back()));
    }
  }
  if (manifests.empty()) manifests.push_back(set.root.ToJson());
  nlohmann::json index = LayoutIndex(set.root, "");
  index["manifests"] = manifests;

  // Every entry, in path order: the tar's bytes never depend on how inputs were listed.
  std::map<std::string, const Blob*> blobs;
  for (const Blob& blob : set.blobs) blobs[BlobPath(blob.digest)] = &blob;
  std::map<std::string, std::string> small = {{"oci-layout", kOciLayoutFile}};
  ASSIGN_OR_RETURN(small["index.json"], CanonicalJson(index, "index.json"));
  ASSIGN_OR_RETURN(small["manifest.json"], CanonicalJson(docker_manifest, "manifest.json"));
  if (!repositories.empty()) {
    ASSIGN_OR_RETURN(small["repositories"], CanonicalJson(repositories, "repositories"));
  }

  ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(out_path));
  ASSIGN_OR_RETURN(std::unique_ptr<TarWriter> tar, TarWriter::Open(&file));
  RETURN_IF_ERROR(tar->AddDirectory("blobs/"));
  RETURN_IF_ERROR(tar->AddDirectory("blobs/sha256/"));
  for (const auto& [name, blob] : blobs) {
    if (blob->path.empty()) {
      RETURN_IF_ERROR(tar->AddBytes(name, blob->bytes));
    } else {
      RETURN_IF_ERROR(tar->AddBlobFile(name, *blob));
    }
  }
  for (const auto& [name, bytes] : small) RETURN_IF_ERROR(tar->AddBytes(name, bytes));
  RETURN_IF_ERROR(tar->Close());
  tar.reset();
  return file.Commit();
}

}  // namespace oci
}  // namespace stowage
