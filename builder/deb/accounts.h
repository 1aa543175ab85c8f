// The accounts a package layer declares (deb_layer's `users`): added to the /etc/passwd and
// /etc/group that base-passwd's masters give, as `adduser --system` in a maintainer script
// would, but reproducibly: in the order declared, after the masters' entries, with nothing
// random (no shadow file, no password: an image's accounts never log in with one).
#ifndef STOWAGE_BUILDER_DEB_ACCOUNTS_H_
#define STOWAGE_BUILDER_DEB_ACCOUNTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/common/json_access.h"

namespace stowage {

struct Account {
  std::string name;
  int64_t uid = 0;
  int64_t gid = 0;    // the primary group: joined when a group has this gid, else created
  std::string group;  // the name of that group when it is created (default: name)
  std::string home;   // normalized image path ("home/django"); "nonexistent" makes no directory
  std::string shell;  // default /usr/sbin/nologin
  std::string gecos;  // the comment field (default: empty)
};

// The "users" array of a package layer spec (docs/formats.md): each {"name", "uid"} with
// optional "gid" (default: uid), "group", "home" (default: /nonexistent), "shell", "gecos".
// Names, ids and fields are checked here; clashes with the masters in MergeAccounts.
absl::StatusOr<std::vector<Account>> ParseAccounts(const std::vector<JsonView>& users);

struct AccountFiles {
  std::string passwd;
  std::string group;
};

// The masters' contents followed by one passwd line per account and one group line per group an
// account creates. A name or uid that the masters (or an earlier account) already have is an
// error, as is a group name taken by another gid; `where` names the masters in errors.
absl::StatusOr<AccountFiles> MergeAccounts(const std::string& passwd_master,
                                           const std::string& group_master,
                                           const std::vector<Account>& accounts,
                                           const std::string& where);

// Whether an account's home is a directory the layer holds ("/nonexistent" is not, by
// convention).
bool HasHomeDirectory(const Account& account);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_ACCOUNTS_H_
