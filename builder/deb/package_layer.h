// A layer made of Debian packages (`stowage deb layer`): their data trees merged, with
//  - merged /usr: /bin, /sbin, /lib* are symlinks into /usr and what packages ship there goes
//    under /usr, as on Debian 12 and 13 systems;
//  - conflicts refused: two packages that ship one path with different contents, types or
//    attributes are an error naming both (identical copies, as Multi-Arch: same packages ship,
//    are fine; for directories the first package in name order sets the attributes);
//  - what maintainer scripts would have made, done here reproducibly: the CA bundle
//    /etc/ssl/certs/ca-certificates.crt (ca-certificates' update-ca-certificates, every
//    certificate in name order) and /etc/passwd and /etc/group (base-passwd's masters, then
//    the accounts the spec declares, each with its home directory: builder/deb/accounts.h);
//  - dpkg's database: /var/lib/dpkg/status.d/<name> per package (what image scanners read,
//    as in distroless images), /var/lib/dpkg/info/<name>.list and .md5sums, and
//    /var/lib/dpkg/status listing these packages and those of the layers below, so that
//    `dpkg --admindir` and dpkg-query see everything that is installed.
// Maintainer scripts are never run.
#ifndef STOWAGE_BUILDER_DEB_PACKAGE_LAYER_H_
#define STOWAGE_BUILDER_DEB_PACKAGE_LAYER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/deb/accounts.h"
#include "builder/tar/layer_spec.h"
#include "nlohmann/json.hpp"

namespace stowage {

struct LayerPackage {
  std::string deb;  // path of the .deb
  // What the lock says it is; the .deb's control file must agree.
  std::string name;
  std::string version;
  std::string architecture;
};

struct PackageLayerSpec {
  std::vector<LayerPackage> packages;  // installed by this layer
  std::vector<LayerPackage> below;     // installed by layers below (dpkg status only)
  bool merged_usr = true;
  std::vector<std::string> exclude_paths;  // normalized; a path and everything under it
  std::vector<Account> users;              // added to base-passwd's passwd and group
  std::optional<std::string> compression;
  std::optional<int> level;
  int64_t mtime = 0;
};

// The spec the deb_layer rule writes (docs/formats.md, "Package layer spec"). Unknown keys are
// errors. `source_date_epoch` as for ParseLayerSpec.
absl::StatusOr<PackageLayerSpec> ParsePackageLayerSpec(const nlohmann::json& json,
                                                       const char* source_date_epoch);

// Extracts the packages into `scratch_dir` and returns the layer spec of the merged tree
// (entries pointing at files in scratch_dir), ready for BuildLayer.
absl::StatusOr<LayerSpec> PlanPackageLayer(const PackageLayerSpec& spec,
                                           const std::string& scratch_dir);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_PACKAGE_LAYER_H_
