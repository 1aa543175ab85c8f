#include "builder/oci/layout.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/oci/media_types.h"
#include "builder/oci/reference.h"

namespace stowage {
namespace oci {
namespace {

namespace fs = std::filesystem;

constexpr char kRefName[] = "org.opencontainers.image.ref.name";

absl::Status FillLayout(const ImageSet& set, const std::string& tag, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir + "/blobs/sha256", ec);
  if (ec)
    return absl::InternalError(
        absl::StrCat("cannot create ", dir, "/blobs/sha256: ", ec.message()));
  RETURN_IF_ERROR(WriteFileAtomically(dir + "/oci-layout", kOciLayoutFile));
  ASSIGN_OR_RETURN(std::string index, CanonicalJson(LayoutIndex(set.root, tag), "index.json"));
  RETURN_IF_ERROR(WriteFileAtomically(dir + "/index.json", index));
  for (const Blob& blob : set.blobs) {
    RETURN_IF_ERROR(WriteBlobVerified(blob, dir + "/" + BlobPath(blob.digest)));
  }
  return absl::OkStatus();
}

}  // namespace

nlohmann::json LayoutIndex(const Descriptor& root, const std::string& tag) {
  Descriptor entry = root;
  if (!tag.empty()) entry.annotations[kRefName] = tag;
  return {
      {"schemaVersion", 2},
      {"mediaType", kOciIndex},
      {"manifests", nlohmann::json::array({entry.ToJson()})},
  };
}

absl::Status WriteLayout(const ImageSet& set, const std::string& tag, const std::string& out_dir) {
  if (!tag.empty()) RETURN_IF_ERROR(ValidateRefName(tag));
  // Built beside the destination and moved into place whole; the destination may be an empty
  // directory (Bazel creates one for every tree artifact) or a layout stowage wrote, never
  // anything else (`--out .` once wiped the working directory).
  ASSIGN_OR_RETURN(OutputDirectory out, OutputDirectory::Create(out_dir));
  RETURN_IF_ERROR(FillLayout(set, tag, out.temp_path()));
  return out.Commit();
}

}  // namespace oci
}  // namespace stowage
