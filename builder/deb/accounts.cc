#include "builder/deb/accounts.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/common/status_macros.h"
#include "builder/tar/image_path.h"

namespace stowage {
namespace {

constexpr size_t kMaxAccounts = 1000;
constexpr int64_t kMaxId = 2147483647;  // ids above need 32-bit unsigned handling everywhere
constexpr int64_t kNoId16 = 65535;      // (uid_t)-1 on 16-bit ids: never a real account

// Debian's adduser accepts ^[a-z][-a-z0-9_]*$ by default; '_' first is allowed for system
// accounts. 32 characters is what utmp and most tools keep.
bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  if (!(absl::ascii_islower(name[0]) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '-')) return false;
  }
  return true;
}

// A field of a passwd line: no separator, no line break, nothing unprintable.
bool ValidField(const std::string& value) {
  for (char c : value) {
    if (c == ':' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

absl::StatusOr<int64_t> ReadId(const JsonView& user, const char* key, int64_t fallback) {
  ASSIGN_OR_RETURN(int64_t id, user.OptionalInt(key, fallback, 1, kMaxId));
  if (id == kNoId16) return user.Error(absl::StrCat(key, " 65535 is (uid_t)-1 on 16-bit ids"));
  return id;
}

absl::StatusOr<Account> ParseAccount(const JsonView& user) {
  RETURN_IF_ERROR(user.ExpectObject());
  RETURN_IF_ERROR(user.OnlyKeys({"gecos", "gid", "group", "home", "name", "shell", "uid"}));
  Account a;
  ASSIGN_OR_RETURN(a.name, user.RequiredString("name", 64));
  if (!ValidName(a.name)) {
    return user.Error(absl::StrCat("user name \"", a.name,
                                   "\" is not [a-z_][-a-z0-9_]* of at most 32 characters"));
  }
  if (!user.Has("uid")) return user.Error(absl::StrCat("user ", a.name, " has no uid"));
  ASSIGN_OR_RETURN(a.uid, ReadId(user, "uid", 0));
  ASSIGN_OR_RETURN(a.gid, ReadId(user, "gid", a.uid));
  ASSIGN_OR_RETURN(a.group, user.OptionalString("group", a.name, 64));
  if (!ValidName(a.group)) {
    return user.Error(absl::StrCat("group name \"", a.group,
                                   "\" is not [a-z_][-a-z0-9_]* of at most 32 characters"));
  }
  ASSIGN_OR_RETURN(std::string home, user.OptionalString("home", "/nonexistent", 4096));
  if (home.empty() || home[0] != '/' || !ValidField(home)) {
    return user.Error(absl::StrCat("home of ", a.name, " must be an absolute path"));
  }
  ASSIGN_OR_RETURN(a.home, NormalizeImagePath(home, "home"));
  if (a.home.empty()) return user.Error(absl::StrCat("home of ", a.name, " cannot be /"));
  ASSIGN_OR_RETURN(a.shell, user.OptionalString("shell", "/usr/sbin/nologin", 4096));
  if (a.shell.empty() || a.shell[0] != '/' || !ValidField(a.shell)) {
    return user.Error(absl::StrCat("shell of ", a.name, " must be an absolute path"));
  }
  ASSIGN_OR_RETURN(a.gecos, user.OptionalString("gecos", "", 256));
  if (!ValidField(a.gecos)) {
    return user.Error(absl::StrCat("gecos of ", a.name, " holds ':' or a control character"));
  }
  return a;
}

// The names and ids a passwd or group file already holds. `id_field` is the index of the uid
// (passwd) or gid (group); `fields` how many a line has.
struct Table {
  std::map<std::string, int64_t> id_of;
  std::set<int64_t> ids;
};

absl::StatusOr<Table> ReadTable(const std::string& contents, size_t fields, size_t id_field,
                                const std::string& what) {
  Table t;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<std::string> f = absl::StrSplit(line, ':');
    int64_t id = 0;
    if (f.size() != fields || f[0].empty() || !absl::SimpleAtoi(f[id_field], &id)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " line ", line_no, " is not ", fields, " ':'-separated fields"));
    }
    t.id_of[f[0]] = id;
    t.ids.insert(id);
  }
  return t;
}

std::string WithFinalNewline(std::string s) {
  if (!s.empty() && s.back() != '\n') s.push_back('\n');
  return s;
}

}  // namespace

absl::StatusOr<std::vector<Account>> ParseAccounts(const std::vector<JsonView>& users) {
  if (users.size() > kMaxAccounts) {
    return absl::InvalidArgumentError(
        absl::StrCat("users: ", users.size(), " accounts, at most ", kMaxAccounts));
  }
  std::vector<Account> out;
  for (const JsonView& user : users) {
    ASSIGN_OR_RETURN(Account a, ParseAccount(user));
    out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<AccountFiles> MergeAccounts(const std::string& passwd_master,
                                           const std::string& group_master,
                                           const std::vector<Account>& accounts,
                                           const std::string& where) {
  ASSIGN_OR_RETURN(Table users, ReadTable(passwd_master, 7, 2, where + " passwd.master"));
  ASSIGN_OR_RETURN(Table groups, ReadTable(group_master, 4, 2, where + " group.master"));
  AccountFiles out{WithFinalNewline(passwd_master), WithFinalNewline(group_master)};
  for (const Account& a : accounts) {
    if (users.id_of.count(a.name) != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("user ", a.name, " already exists (uid ", users.id_of[a.name], ")"));
    }
    if (users.ids.count(a.uid) != 0) {
      std::string holder;
      for (const auto& [name, id] : users.id_of) {
        if (id == a.uid) holder = name;
      }
      return absl::InvalidArgumentError(
          absl::StrCat("uid ", a.uid, " of user ", a.name, " is already ", holder, "'s"));
    }
    users.id_of[a.name] = a.uid;
    users.ids.insert(a.uid);
    absl::StrAppend(&out.passwd, a.name, ":*:", a.uid, ":", a.gid, ":", a.gecos, ":/", a.home, ":",
                    a.shell, "\n");
    if (groups.ids.count(a.gid) != 0) continue;  // joins the group that has this gid
    auto taken = groups.id_of.find(a.group);
    if (taken != groups.id_of.end()) {
      return absl::InvalidArgumentError(absl::StrCat("group ", a.group, " of user ", a.name,
                                                     " already exists with gid ", taken->second,
                                                     ", not ", a.gid));
    }
    groups.id_of[a.group] = a.gid;
    groups.ids.insert(a.gid);
    absl::StrAppend(&out.group, a.group, ":*:", a.gid, ":\n");
  }
  return out;
}

bool HasHomeDirectory(const Account& account) { return account.home != "nonexistent"; }

}  // namespace stowage
