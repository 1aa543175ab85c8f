#include "builder/oci/image_set.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "builder/common/capped_read.h"
#include "builder/common/files.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/oci/media_types.h"

namespace stowage {
namespace oci {
namespace {

absl::StatusOr<std::string> SpecPath(const JsonView& spec, const char* key) {
  ASSIGN_OR_RETURN(std::string path, spec.RequiredString(key));
  if (path.empty()) return spec.Error(absl::StrCat("\"", key, "\" is empty"));
  return path;
}

// Reads a small blob (manifest, index) and checks it against its descriptor file.
absl::StatusOr<std::pair<Descriptor, std::string>> ReadDescribed(const std::string& descriptor_path,
                                                                 const std::string& blob_path,
                                                                 int64_t max_bytes) {
  ASSIGN_OR_RETURN(nlohmann::json desc_json,
                   ReadJsonFile(descriptor_path, limits::kMaxDescriptorBytes));
  ASSIGN_OR_RETURN(Descriptor desc, ParseDescriptor(desc_json, descriptor_path));
  ASSIGN_OR_RETURN(std::string bytes, ReadFileCapped(blob_path, max_bytes));
  std::string digest = Sha256Digest(bytes);
  if (digest != desc.digest || static_cast<int64_t>(bytes.size()) != desc.size) {
    return absl::InvalidArgumentError(absl::StrCat(blob_path, " has digest ", digest, " and size ",
                                                   bytes.size(), " but its descriptor says ",
                                                   desc.digest, " and ", desc.size));
  }
  return std::make_pair(desc, bytes);
}

class BlobCollector {
 public:
  absl::Status Add(Blob blob) {
    auto it = blobs_.find(blob.digest);
    if (it == blobs_.end()) {
      blobs_.emplace(blob.digest, std::move(blob));
    } else if (it->second.size != blob.size) {
      return absl::InvalidArgumentError(
          absl::StrCat("two blobs claim digest ", blob.digest, " with different sizes"));
    }
    return absl::OkStatus();
  }
  std::vector<Blob> Take() {
    std::vector<Blob> out;
    for (auto& [digest, blob] : blobs_) out.push_back(std::move(blob));
    return out;  // std::map keeps them sorted by digest
  }

 private:
  std::map<std::string, Blob> blobs_;
};

Blob InMemory(const Descriptor& desc, std::string bytes) {
  Blob blob;
  blob.digest = desc.digest;
  blob.size = desc.size;
  blob.bytes = std::move(bytes);
  return blob;
}

absl::StatusOr<ImageEntry> LoadImage(const JsonView& spec, BlobCollector& blobs) {
  RETURN_IF_ERROR(spec.ExpectObject());
  ASSIGN_OR_RETURN(std::string descriptor_path, SpecPath(spec, "descriptor"));
  ASSIGN_OR_RETURN(std::string manifest_path, SpecPath(spec, "manifest"));
  ASSIGN_OR_RETURN(std::string config_path, SpecPath(spec, "config"));
  ASSIGN_OR_RETURN(auto manifest,
                   ReadDescribed(descriptor_path, manifest_path, limits::kMaxManifestBytes));
  ImageEntry entry;
  entry.descriptor = manifest.first;
  if (!IsManifestMediaType(entry.descriptor.media_type)) {
    return absl::InvalidArgumentError(
        absl::StrCat(descriptor_path, " does not describe an image manifest"));
  }
  ASSIGN_OR_RETURN(nlohmann::json manifest_json, ParseJson(manifest.second, manifest_path));
  JsonView manifest_view(manifest_json, manifest_path);
  ASSIGN_OR_RETURN(JsonView config_view, manifest_view.RequiredObject("config"));
  ASSIGN_OR_RETURN(Descriptor config_desc, ParseDescriptor(config_view));
  ASSIGN_OR_RETURN(std::string config, ReadFileCapped(config_path, limits::kMaxConfigBytes));
  if (Sha256Digest(config) != config_desc.digest) {
    return absl::InvalidArgumentError(absl::StrCat(config_path, " is not the config that ",
                                                   manifest_path, " names (", config_desc.digest,
                                                   ")"));
  }
  ASSIGN_OR_RETURN(nlohmann::json config_json, ParseJson(config, config_path));
  JsonView config_root(config_json, config_path);
  entry.config_digest = config_desc.digest;
  entry.config_path = BlobPath(config_desc.digest);
  ASSIGN_OR_RETURN(JsonView rootfs, config_root.OptionalObject("rootfs"));
  ASSIGN_OR_RETURN(entry.layer_diff_ids,
                   rootfs.OptionalStringArray("diff_ids", limits::kMaxLayers));

  ASSIGN_OR_RETURN(std::vector<JsonView> manifest_layers,
                   manifest_view.OptionalArray("layers", limits::kMaxLayers));
  ASSIGN_OR_RETURN(std::vector<JsonView> given_layers,
                   spec.OptionalArray("layers", limits::kMaxLayers));
  size_t given = given_layers.size();
  if (manifest_layers.size() != given) {
    return absl::InvalidArgumentError(absl::StrCat(manifest_path, " lists ", manifest_layers.size(),
                                                   " layers but the image provides ", given));
  }
  if (entry.layer_diff_ids.size() != given) {
    // `docker load` and every runtime pair layers with diff_ids one to one.
    return absl::InvalidArgumentError(
        absl::StrCat(config_path, " has ", entry.layer_diff_ids.size(), " rootfs.diff_ids but ",
                     manifest_path, " lists ", given, " layers"));
  }
  for (size_t i = 0; i < given; ++i) {
    const JsonView& layer = given_layers[i];
    RETURN_IF_ERROR(layer.ExpectObject());
    ASSIGN_OR_RETURN(std::string layer_desc_path, SpecPath(layer, "descriptor"));
    ASSIGN_OR_RETURN(std::string blob_path, SpecPath(layer, "blob"));
    ASSIGN_OR_RETURN(bool may_link, layer.OptionalBool("link", false));
    ASSIGN_OR_RETURN(LayerDescriptor ld, ReadLayerDescriptor(layer_desc_path));
    ASSIGN_OR_RETURN(Descriptor listed, ParseDescriptor(manifest_layers[i]));
    if (listed.digest != ld.descriptor.digest || listed.size != ld.descriptor.size) {
      return absl::InvalidArgumentError(
          absl::StrCat(manifest_path, " layer ", i, " is ", listed.digest, " (", listed.size,
                       " bytes) but the layer given is ", ld.descriptor.digest, " (",
                       ld.descriptor.size, " bytes, ", layer_desc_path, ")"));
    }
    if (ld.diff_id != entry.layer_diff_ids[i]) {
      return absl::InvalidArgumentError(absl::StrCat(config_path, " diff_id ", i, " is ",
                                                     entry.layer_diff_ids[i], " but ",
                                                     layer_desc_path, " says ", ld.diff_id));
    }
    Blob blob;
    blob.digest = ld.descriptor.digest;
    blob.size = ld.descriptor.size;
    blob.path = blob_path;
    blob.may_link = may_link;
    RETURN_IF_ERROR(blobs.Add(std::move(blob)));
    entry.layer_digests.push_back(ld.descriptor.digest);
  }
  RETURN_IF_ERROR(blobs.Add(InMemory(config_desc, std::move(config))));
  RETURN_IF_ERROR(blobs.Add(InMemory(entry.descriptor, std::move(manifest.second))));
  return entry;
}

}  // namespace

std::string BlobPath(const std::string& digest) {
  return absl::StrCat("blobs/sha256/", DigestHex(digest));
}

absl::StatusOr<ImageSet> LoadImageSet(const nlohmann::json& spec_json) {
  JsonView spec(spec_json, "the image set spec");
  RETURN_IF_ERROR(spec.ExpectObject());
  ImageSet set;
  BlobCollector blobs;
  ASSIGN_OR_RETURN(std::vector<JsonView> images,
                   spec.RequiredArray("images", limits::kMaxIndexEntries));
  if (images.empty()) return spec.Error("no images");
  for (const JsonView& image : images) {
    ASSIGN_OR_RETURN(ImageEntry entry, LoadImage(image, blobs));
    set.images.push_back(std::move(entry));
  }
  if (spec.Has("index")) {
    ASSIGN_OR_RETURN(JsonView index, spec.RequiredObject("index"));
    ASSIGN_OR_RETURN(std::string descriptor_path, SpecPath(index, "descriptor"));
    ASSIGN_OR_RETURN(std::string index_path, SpecPath(index, "index"));
    ASSIGN_OR_RETURN(auto described,
                     ReadDescribed(descriptor_path, index_path, limits::kMaxIndexBytes));
    ASSIGN_OR_RETURN(nlohmann::json index_json, ParseJson(described.second, index_path));
    JsonView index_view(index_json, index_path);
    ASSIGN_OR_RETURN(std::vector<JsonView> manifests,
                     index_view.RequiredArray("manifests", limits::kMaxIndexEntries));
    if (manifests.size() != set.images.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(index_path, " does not list the ", set.images.size(), " images given"));
    }
    for (size_t i = 0; i < set.images.size(); ++i) {
      ASSIGN_OR_RETURN(Descriptor listed, ParseDescriptor(manifests[i]));
      if (listed.digest != set.images[i].descriptor.digest) {
        return absl::InvalidArgumentError(
            absl::StrCat(index_path, " entry ", i, " is ", listed.digest, ", not the image given"));
      }
    }
    set.root = described.first;
    set.root.platform = nullptr;
    RETURN_IF_ERROR(blobs.Add(InMemory(described.first, std::move(described.second))));
  } else {
    if (set.images.size() != 1) {
      return absl::InvalidArgumentError("bad spec: several images need an index");
    }
    set.root = set.images[0].descriptor;
  }
  set.blobs = blobs.Take();
  return set;
}

absl::Status WriteBlobVerified(const Blob& blob, const std::string& dest) {
  if (blob.path.empty()) return WriteFileAtomically(dest, blob.bytes);
  // A hard link costs no space; its content is still checked, since a base blob from a pull
  // or a checked-in layout may not be what its descriptor claims.
  bool linked = blob.may_link &&
                linkat(AT_FDCWD, blob.path.c_str(), AT_FDCWD, dest.c_str(), AT_SYMLINK_FOLLOW) == 0;
  Sha256 hash;
  int64_t size = 0;
  absl::StatusOr<FILE*> opened = OpenRegularFileStream(blob.path);
  if (!opened.ok()) {
    if (linked) unlink(dest.c_str());
    return opened.status();
  }
  FILE* in = *opened;
  std::optional<AtomicFile> out;
  if (!linked) {
    auto created = AtomicFile::Create(dest);
    if (!created.ok()) {
      std::fclose(in);
      return created.status();
    }
    out.emplace(*std::move(created));
  }
  std::vector<char> buf(1 << 20);
  size_t n;
  absl::Status status;
  while ((n = std::fread(buf.data(), 1, buf.size(), in)) > 0) {
    hash.Update(buf.data(), n);
    size += static_cast<int64_t>(n);
    if (out.has_value()) {
      status = out->Write(buf.data(), n);
      if (!status.ok()) break;
    }
  }
  if (status.ok() && std::ferror(in)) status = ErrnoStatus("cannot read", blob.path);
  std::fclose(in);
  if (status.ok()) {
    std::string digest = hash.Final();
    if (digest != blob.digest || size != blob.size) {
      status = absl::DataLossError(absl::StrCat("blob ", blob.path, " has digest ", digest,
                                                " and size ", size, " but its descriptor says ",
                                                blob.digest, " and ", blob.size));
    }
  }
  if (!status.ok()) {
    if (linked) unlink(dest.c_str());
    return status;  // an uncommitted AtomicFile removes its temporary file
  }
  return out.has_value() ? out->Commit() : absl::OkStatus();
}

}  // namespace oci
}  // namespace stowage
