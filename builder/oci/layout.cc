#include "builder/oci/layout.h"

#include <stdlib.h>

#include <filesystem>
#include <system_error>
#include <vector>

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
  std::string templ = out_dir;
  while (templ.size() > 1 && templ.back() == '/') templ.pop_back();
  templ += ".tmp.XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr)
    return ErrnoStatus("cannot create a directory beside", out_dir);
  std::string temp(buf.data());
  std::error_code ec;
  fs::permissions(temp,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  absl::Status status = FillLayout(set, tag, temp);
  if (status.ok()) {
    fs::remove_all(out_dir, ec);  // Bazel creates the (empty) tree artifact directory
    if (std::rename(temp.c_str(), out_dir.c_str()) != 0) {
      status = ErrnoStatus("cannot rename into", out_dir);
    }
  }
  if (!status.ok()) fs::remove_all(temp, ec);
  return status;
}

}  // namespace oci
}  // namespace stowage
