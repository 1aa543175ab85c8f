#include "builder/deb/archive_reader.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builder/common/status_macros.h"
#include "builder/deb/decompress.h"
#include "builder/deb/scratch_dir.h"
#include "builder/deb/signature.h"
#include "builder/digest/sha256.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace {

std::string Hex(absl::string_view data) { return std::string(DigestHex(Sha256Digest(data))); }

}  // namespace

absl::StatusOr<ReleaseFile> ArchiveReader::FetchRelease(const std::string& suite,
                                                        const ArchiveRoot& root) {
  std::string base = absl::StrCat(root.uri, "/dists/", suite);
  ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create("", "stowage-deb-gpg."));
  std::vector<std::string> keyrings = config_.keyrings;
  if (keyrings.empty() && !config_.allow_unsigned) {
    ASSIGN_OR_RETURN(keyrings, KeyringsFor(root.signed_by, config_.etc_apt, scratch.path()));
  }
  std::string where = absl::StrCat(base, "/InRelease");
  std::string text;
  auto inrelease = fetcher_.Fetch(where, kMaxReleaseBytes);
  if (inrelease.ok()) {
    downloaded_ += inrelease->size();
    if (config_.allow_unsigned) {
      ASSIGN_OR_RETURN(text, ClearsignedText(*inrelease));
    } else {
      ASSIGN_OR_RETURN(text, VerifyClearsigned(*inrelease, keyrings, scratch.path(), where));
    }
  } else if (absl::IsNotFound(inrelease.status())) {
    // Older archives: Release with a detached Release.gpg.
    where = absl::StrCat(base, "/Release");
    ASSIGN_OR_RETURN(text, fetcher_.Fetch(where, kMaxReleaseBytes));
    downloaded_ += text.size();
    if (!config_.allow_unsigned) {
      ASSIGN_OR_RETURN(std::string signature, fetcher_.Fetch(where + ".gpg", kMaxReleaseBytes));
      RETURN_IF_ERROR(VerifyDetached(text, signature, keyrings, scratch.path(), where));
    }
  } else {
    return inrelease.status();
  }
  ASSIGN_OR_RETURN(ReleaseFile release, ParseRelease(text, where));
  if (!release.Names(suite)) {
    return absl::PermissionDeniedError(absl::StrCat(
        where, " is the Release file of \"", net::ServerText(release.codename, 64), "\" (suite \"",
        net::ServerText(release.suite, 64), "\"), not of \"", suite, "\""));
  }
  if (config_.log != nullptr) {
    std::fprintf(config_.log, "verified %s%s\n", net::SafeForTerminal(where).c_str(),
                 config_.allow_unsigned ? " (signature NOT checked: --allow-unsigned)" : "");
  }
  return release;
}

absl::StatusOr<const ArchiveReader::Suite*> ArchiveReader::LoadSuite(const std::string& suite) {
  auto it = suites_.find(suite);
  if (it != suites_.end()) return &it->second;
  std::vector<ArchiveRoot> roots = ArchiveRootsFor(suite, config_.overrides, config_.apt_sources);
  if (roots.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no mirror serves suite \"", suite, "\": no apt source under ", config_.etc_apt,
        " lists it; give --mirror URL (or SUITE=URL), or set STOWAGE_DEB_MIRRORS"));
  }
  std::vector<std::string> errors;
  for (const ArchiveRoot& root : roots) {
    auto release = FetchRelease(suite, root);
    if (release.ok()) {
      Suite s{root.uri, *std::move(release)};
      return &suites_.emplace(suite, std::move(s)).first->second;
    }
    // A bad signature is not a reason to try the next mirror quietly: it is reported.
    if (absl::IsPermissionDenied(release.status())) return release.status();
    errors.push_back(std::string(release.status().message()));
  }
  return absl::UnavailableError(absl::StrJoin(errors, "; "));
}

absl::StatusOr<std::string> ArchiveReader::FetchIndex(const Suite& s, const std::string& suite,
                                                      const std::string& path) {
  const ReleaseFile& release = s.release;
  auto plain = release.sha256.find(path);
  std::vector<std::string> errors;
  // Every compressed form the Release file lists, smallest first; a mirror that serves a stale
  // copy of one (seen on caching proxies) is answered by trying the next, as apt does.
  for (const char* suffix : {".xz", ".gz", ""}) {
    auto listed = release.sha256.find(path + suffix);
    if (listed == release.sha256.end()) continue;
    const std::string& chosen = listed->first;
    const ReleaseEntry& entry = listed->second;
    if (entry.size > kMaxIndexBytes) {
      errors.push_back(
          absl::StrCat(chosen, " is ", entry.size, " bytes, above the limit of ", kMaxIndexBytes));
      continue;
    }
    std::string dir = absl::StrCat(s.root, "/dists/", suite, "/");
    std::string url = dir + chosen;
    absl::StatusOr<std::string> data = absl::NotFoundError("");
    if (release.acquire_by_hash) {
      // The by-hash name cannot change under us while the mirror updates (apt does the same).
      std::string parent = chosen.substr(0, chosen.rfind('/') + 1);
      data = fetcher_.Fetch(absl::StrCat(dir, parent, "by-hash/SHA256/", entry.sha256), entry.size);
    }
    if (absl::IsNotFound(data.status())) data = fetcher_.Fetch(url, entry.size);
    if (!data.ok()) {
      errors.push_back(std::string(data.status().message()));
      continue;
    }
    downloaded_ += data->size();
    if (static_cast<int64_t>(data->size()) != entry.size || Hex(*data) != entry.sha256) {
      errors.push_back(absl::StrCat(url,
                                    " does not match the size and SHA-256 that the signed "
                                    "Release file lists (",
                                    data->size(), " bytes, want ", entry.size, ")"));
      continue;
    }
    std::string text;
    if (chosen == path) {
      text = *std::move(data);
    } else {
      int64_t limit = kMaxUncompressedIndexBytes;
      if (plain != release.sha256.end()) limit = std::min(limit, plain->second.size);
      auto decompressed = Decompress(*data, limit, url);
      if (!decompressed.ok()) {
        errors.push_back(std::string(decompressed.status().message()));
        continue;
      }
      text = *std::move(decompressed);
      if (plain != release.sha256.end() && Hex(text) != plain->second.sha256) {
        errors.push_back(
            absl::StrCat(url, " decompresses to other bytes than the Release file lists"));
        continue;
      }
    }
    if (config_.log != nullptr) {
      std::fprintf(config_.log, "fetched %s (%zu bytes, SHA-256 checked)\n",
                   net::SafeForTerminal(url).c_str(), static_cast<size_t>(entry.size));
    }
    return text;
  }
  if (errors.empty()) {
    return absl::NotFoundError(
        absl::StrCat("the Release file of ", suite, " lists no ", path, "{.xz,.gz,}"));
  }
  return absl::DataLossError(
      absl::StrCat("no copy of ", path, " of ", suite,
                   " on the mirror matches its signed Release file: ", absl::StrJoin(errors, "; "),
                   " (the mirror is inconsistent or tampered with; try again "
                   "later or another mirror)"));
}

absl::Status ArchiveReader::AddSuite(const std::string& suite,
                                     const std::vector<std::string>& components,
                                     const std::string& architecture, PackageUniverse* universe) {
  ASSIGN_OR_RETURN(const Suite* s, LoadSuite(suite));
  const ReleaseFile& release = s->release;
  if (!release.architectures.empty() &&
      std::find(release.architectures.begin(), release.architectures.end(), architecture) ==
          release.architectures.end()) {
    return absl::NotFoundError(
        absl::StrCat("suite ", suite, " has no architecture ", architecture, " (it has ",
                     net::ServerText(absl::StrJoin(release.architectures, " ")), ")"));
  }
  for (const std::string& component : components) {
    // The security archive lists "updates/main" under Components but its indexes as
    // "main/binary-*", as apt expects; so the index list decides, not the Components line.
    bool listed = false;
    for (const char* suffix : {"", ".xz", ".gz"}) {
      listed = listed || release.sha256.count(absl::StrCat(component, "/binary-", architecture,
                                                           "/Packages", suffix)) != 0;
    }
    if (!listed) {
      return absl::NotFoundError(absl::StrCat(
          "suite ", suite, " has no component ", component, " for ", architecture,
          " (its components: ", net::ServerText(absl::StrJoin(release.components, " ")), ")"));
    }
    // binary-all/Packages is read only where apt reads it: when the Release file names "all"
    // among its architectures and does not say those packages are in every binary-<arch> too.
    std::vector<std::string> arches = {architecture};
    if (!release.all_in_arch_indexes &&
        std::find(release.architectures.begin(), release.architectures.end(), "all") !=
            release.architectures.end()) {
      arches.push_back("all");
    }
    for (const std::string& arch : arches) {
      std::string path = absl::StrCat(component, "/binary-", arch, "/Packages");
      ASSIGN_OR_RETURN(std::string text, FetchIndex(*s, suite, path));
      RETURN_IF_ERROR(
          universe->AddIndex(text, architecture, suite, component, absl::StrCat(suite, "/", path)));
    }
  }
  return absl::OkStatus();
}

}  // namespace stowage
