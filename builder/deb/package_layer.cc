#include "builder/deb/package_layer.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builder/common/files.h"
#include "builder/common/json_access.h"
#include "builder/common/status_macros.h"
#include "builder/deb/deb_archive.h"
#include "builder/deb/status_record.h"
#include "builder/tar/image_path.h"

namespace stowage {
namespace {

using nlohmann::json;

// Top-level directories that merged /usr turns into symlinks (usrmerge's list).
const char* const kMergedDirs[] = {"bin", "sbin", "lib", "lib32", "lib64", "libx32", "libo32"};

bool IsMergedDir(absl::string_view top) {
  for (const char* d : kMergedDirs) {
    if (top == d) return true;
  }
  return false;
}

std::string TopComponent(const std::string& path) { return path.substr(0, path.find('/')); }

std::string MapMergedUsr(const std::string& path) {
  return IsMergedDir(TopComponent(path)) ? "usr/" + path : path;
}

bool Excluded(const std::string& path, const std::vector<std::string>& prefixes) {
  for (const std::string& p : prefixes) {
    if (path == p || absl::StartsWith(path, p + "/")) return true;
  }
  return false;
}

const char* TypeName(DebEntryType t) {
  switch (t) {
    case DebEntryType::kFile:
    case DebEntryType::kHardlink:
      return "a file";
    case DebEntryType::kDirectory:
      return "a directory";
    case DebEntryType::kSymlink:
      return "a symlink";
  }
  return "an entry";
}

absl::StatusOr<std::vector<LayerPackage>> ParsePackages(const JsonView& spec, const char* key) {
  std::vector<LayerPackage> out;
  ASSIGN_OR_RETURN(std::vector<JsonView> list, spec.OptionalArray(key, 100000));
  for (const JsonView& p : list) {
    RETURN_IF_ERROR(p.ExpectObject());
    RETURN_IF_ERROR(p.OnlyKeys({"architecture", "deb", "name", "version"}));
    LayerPackage lp;
    ASSIGN_OR_RETURN(lp.deb, p.RequiredString("deb", 4096));
    ASSIGN_OR_RETURN(lp.name, p.RequiredString("name", 256));
    ASSIGN_OR_RETURN(lp.version, p.RequiredString("version", 256));
    ASSIGN_OR_RETURN(lp.architecture, p.RequiredString("architecture", 64));
    out.push_back(std::move(lp));
  }
  return out;
}

// One path of the merged tree and who put it there.
struct Placed {
  DebEntry entry;
  std::string package;
};

class Planner {
 public:
  Planner(const PackageLayerSpec& spec, const std::string& scratch)
      : spec_(spec), scratch_(scratch) {}

  absl::StatusOr<LayerSpec> Run() {
    std::vector<const LayerPackage*> order;
    for (const LayerPackage& p : spec_.packages) order.push_back(&p);
    // Name order, whatever order the rule listed them in: the result must not depend on it.
    std::sort(order.begin(), order.end(), [](const LayerPackage* a, const LayerPackage* b) {
      return std::tie(a->name, a->architecture) < std::tie(b->name, b->architecture);
    });
    std::set<std::string> here;
    for (size_t i = 0; i < order.size(); ++i) {
      if (!here.insert(order[i]->name + ":" + order[i]->architecture).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("package ", order[i]->name, " is listed twice"));
      }
      RETURN_IF_ERROR(AddPackage(*order[i], i));
    }
    for (const LayerPackage& p : spec_.below) {
      if (here.count(p.name + ":" + p.architecture) != 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("package ", p.name, " is both in this layer and in a layer below it"));
      }
      ASSIGN_OR_RETURN(DebControl control, ReadControl(p));
      ASSIGN_OR_RETURN(std::string record, DpkgStatusRecord(control, Where(p)));
      status_[p.name + ":" + p.architecture] = record;
    }
    RETURN_IF_ERROR(AddMaintainerScriptResults());
    RETURN_IF_ERROR(AddDpkgDatabase());
    if (spec_.merged_usr) AddMergedUsrLinks();
    return ToLayerSpec();
  }

 private:
  static std::string Where(const LayerPackage& p) {
    return absl::StrCat("package ", p.name, " ", p.version, " (", p.architecture, ")");
  }

  absl::StatusOr<DebControl> ReadControl(const LayerPackage& p) {
    auto control = ReadDebControl(p.deb);
    if (!control.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(Where(p), ": ", control.status().message()));
    }
    ASSIGN_OR_RETURN(PackageIdentity id, ReadIdentity(*control, Where(p)));
    if (id.name != p.name || id.version != p.version || id.architecture != p.architecture) {
      return absl::InvalidArgumentError(
          absl::StrCat(p.deb, " is ", id.name, " ", id.version, " (", id.architecture, "), not ",
                       p.name, " ", p.version, " (", p.architecture, ") as the lock says"));
    }
    return control;
  }

  absl::Status AddPackage(const LayerPackage& p, size_t index) {
    ASSIGN_OR_RETURN(DebControl control, ReadControl(p));
    ASSIGN_OR_RETURN(PackageIdentity id, ReadIdentity(control, Where(p)));
    ASSIGN_OR_RETURN(std::string record, DpkgStatusRecord(control, Where(p)));
    status_[p.name + ":" + p.architecture] = record;
    own_status_[p.name] = record;
    std::string dir = absl::StrCat(scratch_, "/p", index);
    if (mkdir(dir.c_str(), 0700) != 0) return ErrnoStatus("cannot create", dir);
    auto entries = ExtractDebData(p.deb, dir);
    if (!entries.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(Where(p), ": ", entries.status().message()));
    }
    std::string list = "/.\n";
    std::map<std::string, const DebEntry*> by_path;  // hardlink targets, by original path
    for (const DebEntry& raw : *entries) {
      if (raw.path.empty()) continue;
      absl::StrAppend(&list, "/", raw.path, "\n");
      by_path[raw.path] = &raw;
      DebEntry e = raw;
      if (spec_.merged_usr) {
        // A package that itself ships the /bin -> usr/bin link (Debian 13's base-files) says
        // what merged /usr says anyway.
        if (e.type == DebEntryType::kSymlink && IsMergedDir(e.path) &&
            (e.link_target == "usr/" + e.path || e.link_target == "/usr/" + e.path)) {
          continue;
        }
        e.path = MapMergedUsr(e.path);
      }
      if (Excluded(e.path, spec_.exclude_paths)) continue;
      if (e.type == DebEntryType::kHardlink) {
        auto target = by_path.find(raw.link_target);
        if (target == by_path.end() || target->second->type != DebEntryType::kFile) {
          return absl::InvalidArgumentError(
              absl::StrCat(Where(p), ": hard link /", raw.path, " to /", raw.link_target,
                           ", which is not a file before it in the package"));
        }
        // Stored as a copy: a layer's hard links would tie entries together across packages.
        const DebEntry& t = *target->second;
        e.type = DebEntryType::kFile;
        e.extracted = t.extracted;
        e.sha256 = t.sha256;
        e.size = t.size;
        e.mode = t.mode;
        e.uid = t.uid;
        e.gid = t.gid;
        e.link_target.clear();
      }
      RETURN_IF_ERROR(Place(std::move(e), Where(p)));
    }
    lists_[id.InfoName()] = list;
    if (!control.md5sums.empty()) md5sums_[id.InfoName()] = control.md5sums;
    if (!control.conffiles.empty()) conffiles_[id.InfoName()] = control.conffiles;
    packages_here_.insert(p.name);
    return absl::OkStatus();
  }

  absl::Status Place(DebEntry e, const std::string& who) {
    auto it = placed_.find(e.path);
    if (it == placed_.end()) {
      std::string key = e.path;
      placed_.emplace(std::move(key), Placed{std::move(e), who});
      return absl::OkStatus();
    }
    const DebEntry& old = it->second.entry;
    if (old.type == DebEntryType::kDirectory && e.type == DebEntryType::kDirectory) {
      return absl::OkStatus();  // the first package (in name order) keeps its attributes
    }
    bool same = old.type == e.type && old.mode == e.mode && old.uid == e.uid && old.gid == e.gid &&
                old.link_target == e.link_target && old.sha256 == e.sha256;
    if (same) return absl::OkStatus();
    std::string what = old.type != e.type
                           ? absl::StrCat("as ", TypeName(old.type), " and as ", TypeName(e.type))
                       : old.sha256 != e.sha256 || old.link_target != e.link_target
                           ? std::string("with different contents")
                           : std::string("with different modes or owners");
    return absl::InvalidArgumentError(absl::StrCat(
        it->second.package, " and ", who, " both ship /", e.path, " ", what,
        " (one layer cannot hold both: leave one out, or put them in different images)"));
  }

  absl::Status AddGenerated(const std::string& path, const std::string& contents,
                            const std::string& what) {
    std::string file = absl::StrCat(scratch_, "/g", generated_++);
    RETURN_IF_ERROR(WriteFileAtomically(file, contents));
    DebEntry e;
    e.type = DebEntryType::kFile;
    e.path = path;
    e.mode = 0644;
    e.extracted = file;
    e.sha256 = "generated";
    e.size = static_cast<int64_t>(contents.size());
    if (placed_.count(path) != 0) {
      return absl::InvalidArgumentError(absl::StrCat(placed_.at(path).package, " ships /", path,
                                                     ", which this layer generates (", what, ")"));
    }
    return Place(std::move(e), what);
  }

  absl::StatusOr<std::string> Contents(const std::string& path) {
    auto it = placed_.find(path);
    if (it == placed_.end() || it->second.entry.type != DebEntryType::kFile) {
      return absl::NotFoundError(absl::StrCat("/", path, " is not in the layer"));
    }
    return ReadFile(it->second.entry.extracted);
  }

  absl::Status AddMaintainerScriptResults() {
    if (packages_here_.count("ca-certificates") != 0) {
      // update-ca-certificates: every certificate under /usr/share/ca-certificates (all are
      // enabled by default), in name order, each ending in a newline.
      const std::string prefix = "usr/share/ca-certificates/";
      std::string bundle;
      for (const auto& [path, placed] : placed_) {
        if (!absl::StartsWith(path, prefix) || !absl::EndsWith(path, ".crt") ||
            placed.entry.type != DebEntryType::kFile) {
          continue;
        }
        ASSIGN_OR_RETURN(std::string cert, ReadFile(placed.entry.extracted));
        if (!cert.empty() && cert.back() != '\n') cert.push_back('\n');
        bundle += cert;
      }
      if (bundle.empty()) {
        return absl::InvalidArgumentError(
            "ca-certificates is in the layer but no certificate is (were they excluded?)");
      }
      RETURN_IF_ERROR(AddGenerated("etc/ssl/certs/ca-certificates.crt", bundle,
                                   "the CA bundle of ca-certificates"));
    }
    if (packages_here_.count("base-passwd") != 0) {
      // base-passwd's preinst: /etc/passwd and /etc/group from its masters; then what
      // `adduser --system` would add for the declared accounts.
      ASSIGN_OR_RETURN(std::string passwd, Contents("usr/share/base-passwd/passwd.master"));
      ASSIGN_OR_RETURN(std::string group, Contents("usr/share/base-passwd/group.master"));
      ASSIGN_OR_RETURN(AccountFiles files,
                       MergeAccounts(passwd, group, spec_.users, "base-passwd's"));
      RETURN_IF_ERROR(AddGenerated("etc/passwd", files.passwd, "/etc/passwd of base-passwd"));
      RETURN_IF_ERROR(AddGenerated("etc/group", files.group, "/etc/group of base-passwd"));
      RETURN_IF_ERROR(AddHomes());
    } else if (!spec_.users.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "users (", spec_.users.front().name,
          "...) need base-passwd in this layer: its masters give root and the system accounts "
          "they are added to (add the hub's base-passwd target to packages)"));
    }
    return absl::OkStatus();
  }

  // Each account's home: a directory of its own (0755), made with its parents when no package
  // ships it; a directory a package ships changes owner, as adduser would chown it.
  absl::Status AddHomes() {
    for (const Account& a : spec_.users) {
      if (!HasHomeDirectory(a)) continue;
      std::string where = absl::StrCat("the home of user ", a.name);
      if (spec_.merged_usr && IsMergedDir(TopComponent(a.home))) {
        return absl::InvalidArgumentError(
            absl::StrCat("/", a.home, ", ", where, ", is under a merged /usr link (/",
                         TopComponent(a.home), " -> usr/", TopComponent(a.home), ")"));
      }
      for (size_t slash = a.home.find('/'); slash != std::string::npos;
           slash = a.home.find('/', slash + 1)) {
        std::string parent = a.home.substr(0, slash);
        auto it = placed_.find(parent);
        if (it != placed_.end() && it->second.entry.type != DebEntryType::kDirectory) {
          return absl::InvalidArgumentError(absl::StrCat(
              it->second.package, " ships /", parent, " as ", TypeName(it->second.entry.type),
              ", which ", where, " (/", a.home, ") needs as a directory"));
        }
        if (it == placed_.end()) RETURN_IF_ERROR(Place(Directory(parent, 0, 0), where));
      }
      auto it = placed_.find(a.home);
      if (it == placed_.end()) {
        RETURN_IF_ERROR(Place(Directory(a.home, a.uid, a.gid), where));
      } else if (it->second.entry.type == DebEntryType::kDirectory) {
        it->second.entry.uid = a.uid;
        it->second.entry.gid = a.gid;
      } else {
        return absl::InvalidArgumentError(absl::StrCat(it->second.package, " ships /", a.home,
                                                       " as ", TypeName(it->second.entry.type),
                                                       ", which is ", where));
      }
    }
    return absl::OkStatus();
  }

  static DebEntry Directory(const std::string& path, int64_t uid, int64_t gid) {
    DebEntry d;
    d.type = DebEntryType::kDirectory;
    d.path = path;
    d.mode = 0755;
    d.uid = uid;
    d.gid = gid;
    return d;
  }

  absl::Status AddDpkgDatabase() {
    if (status_.empty()) return absl::OkStatus();
    std::string status;
    for (const auto& [key, record] : status_) {
      if (!status.empty()) status += "\n";
      status += record;
    }
    RETURN_IF_ERROR(AddGenerated("var/lib/dpkg/status", status, "dpkg's status database"));
    for (const auto& [name, record] : own_status_) {
      RETURN_IF_ERROR(AddGenerated("var/lib/dpkg/status.d/" + name, record, "a status record"));
    }
    for (const auto& [info, list] : lists_) {
      RETURN_IF_ERROR(AddGenerated("var/lib/dpkg/info/" + info + ".list", list, "a file list"));
    }
    for (const auto& [info, md5] : md5sums_) {
      RETURN_IF_ERROR(AddGenerated("var/lib/dpkg/info/" + info + ".md5sums", md5, "md5sums"));
    }
    for (const auto& [info, conf] : conffiles_) {
      RETURN_IF_ERROR(AddGenerated("var/lib/dpkg/info/" + info + ".conffiles", conf, "conffiles"));
    }
    return absl::OkStatus();
  }

  void AddMergedUsrLinks() {
    for (const char* dir : kMergedDirs) {
      std::string usr = absl::StrCat("usr/", dir);
      bool used = false;
      for (auto it = placed_.lower_bound(usr); it != placed_.end(); ++it) {
        if (it->first == usr || absl::StartsWith(it->first, usr + "/")) used = true;
        break;
      }
      bool always = absl::string_view(dir) == "bin" || absl::string_view(dir) == "sbin" ||
                    absl::string_view(dir) == "lib";
      if (!used && !always) continue;
      links_.emplace_back(dir, usr);
      if (!used) {
        DebEntry d;
        d.type = DebEntryType::kDirectory;
        d.path = usr;
        d.mode = 0755;
        placed_.emplace(usr, Placed{d, "merged /usr"});
      }
    }
  }

  LayerSpec ToLayerSpec() const {
    LayerSpec out;
    out.mtime = spec_.mtime;
    out.compression = spec_.compression;
    out.level = spec_.level;
    auto add = [&](SpecEntryType type, const DebEntry& e) {
      SpecEntry s;
      s.type = type;
      s.path = e.path;
      s.attrs.mode = e.mode;
      s.attrs.uid = e.uid;
      s.attrs.gid = e.gid;
      s.where = "/" + e.path;
      if (type == SpecEntryType::kFile) s.source = e.extracted;
      if (type == SpecEntryType::kSymlink) s.target = e.link_target;
      out.entries.push_back(std::move(s));
    };
    for (const auto& [path, placed] : placed_) {
      const DebEntry& e = placed.entry;
      add(e.type == DebEntryType::kDirectory ? SpecEntryType::kDirectory
          : e.type == DebEntryType::kSymlink ? SpecEntryType::kSymlink
                                             : SpecEntryType::kFile,
          e);
    }
    for (const auto& [dir, target] : links_) {
      DebEntry link;
      link.path = dir;
      link.link_target = target;
      link.mode = 0777;
      add(SpecEntryType::kSymlink, link);
    }
    return out;
  }

  const PackageLayerSpec& spec_;
  const std::string scratch_;
  std::map<std::string, Placed> placed_;
  std::map<std::string, std::string> status_;      // "name:arch" -> record (this + below)
  std::map<std::string, std::string> own_status_;  // name -> record (this layer)
  std::map<std::string, std::string> lists_;       // info name -> .list
  std::map<std::string, std::string> md5sums_;
  std::map<std::string, std::string> conffiles_;
  std::set<std::string> packages_here_;
  std::vector<std::pair<std::string, std::string>> links_;
  int generated_ = 0;
};

}  // namespace

absl::StatusOr<PackageLayerSpec> ParsePackageLayerSpec(const json& j,
                                                       const char* source_date_epoch) {
  JsonView spec_view(j, "package layer spec");
  RETURN_IF_ERROR(spec_view.ExpectObject());
  RETURN_IF_ERROR(spec_view.OnlyKeys({"below", "compression", "excludePaths", "level", "mergedUsr",
                                      "mtime", "packages", "users"}));
  PackageLayerSpec spec;
  ASSIGN_OR_RETURN(spec.packages, ParsePackages(spec_view, "packages"));
  ASSIGN_OR_RETURN(spec.below, ParsePackages(spec_view, "below"));
  ASSIGN_OR_RETURN(spec.merged_usr, spec_view.OptionalBool("mergedUsr", true));
  ASSIGN_OR_RETURN(std::vector<std::string> excludes,
                   spec_view.OptionalStringArray("excludePaths", 10000));
  for (const std::string& raw : excludes) {
    ASSIGN_OR_RETURN(std::string path, NormalizeImagePath(raw, "excludePaths"));
    if (path.empty()) return absl::InvalidArgumentError("excludePaths cannot exclude \"/\"");
    spec.exclude_paths.push_back(path);
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> users, spec_view.OptionalArray("users", 1001));
  ASSIGN_OR_RETURN(spec.users, ParseAccounts(users));
  if (spec_view.Has("compression")) {
    ASSIGN_OR_RETURN(spec.compression, spec_view.RequiredString("compression", 16));
  }
  if (spec_view.Has("level")) {
    ASSIGN_OR_RETURN(int64_t level, spec_view.RequiredInt("level", 0, 22));
    spec.level = static_cast<int>(level);
  }
  if (source_date_epoch != nullptr) {
    ASSIGN_OR_RETURN(spec.mtime, ParseSourceDateEpoch(source_date_epoch));
  }
  ASSIGN_OR_RETURN(spec.mtime, spec_view.OptionalInt("mtime", spec.mtime, 0, int64_t{1} << 40));
  if (spec.packages.empty()) return absl::InvalidArgumentError("the spec lists no packages");
  return spec;
}

absl::StatusOr<LayerSpec> PlanPackageLayer(const PackageLayerSpec& spec,
                                           const std::string& scratch_dir) {
  return Planner(spec, scratch_dir).Run();
}

}  // namespace stowage
