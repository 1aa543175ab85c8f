"""Debian packages from a lockfile as external repositories (docs/deb.md).

    deb_packages(name = "debian12", lock = "//:debian12.lock.json")   # the hub
    load("@debian12//:repositories.bzl", debian12_packages = "repositories")
    debian12_packages()                     # one repository per locked package, fetched lazily

The hub reads the lockfile (written by `stowage deb lock`) and generates
  * `@debian12//:repositories.bzl`: a macro declaring one `deb_package` repository per locked
    package and architecture, `@debian12__<arch>__<name>` ("+" in names becomes "_"), and one
    `deb_rootfs` per architecture, `@debian12__<arch>_rootfs`;
  * `@debian12//<arch>:<name>`: the package and everything it depends on (DebPackagesInfo),
    for deb_layer; `:<name>_only` the package alone; `:<name>_files` its extracted files;
    `:all` every locked package; `:rootfs` every package extracted into one tree;
  * `@debian12//:<name>` and `:<name>_only`: the same for the target platform's architecture
    (amd64 on x86_64, arm64 on aarch64, ...), so one deb_layer serves every platform an
    oci_image_index builds.

A `deb_package` repository downloads its .deb with repository_ctx.download, pinned by the
lock's sha256, so it lands in Bazel's repository cache (a second clone, or a clean output base
with the same --repository_cache, downloads nothing), from the mirrors the machine's apt
configuration names, read at fetch time and never written into any file (or the hub's
`mirrors`, or STOWAGE_DEB_MIRRORS, which wins). It is extracted with Debian's bsdtar
(libarchive reads the ar archive and data.tar.{gz,xz,zst,bz2}; the tool is not built yet when
repositories are fetched). Maintainer scripts are never run.
"""

load("//rules/private:labels.bzl", "absolute_label")

# Generated files load stowage's rules by labels that hold however the user named stowage
# (and under Bzlmod's canonical names).
_PACKAGE_SET_BZL = absolute_label(Label("//rules/private:deb_package_set.bzl"))
_REPOSITORIES_BZL = absolute_label(Label("//rules/private:deb_repositories.bzl"))

_SAFE_LABEL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-=,@~%"
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789+-."
_HEX = "0123456789abcdef"
_DATA_SUFFIXES = ["", ".gz", ".xz", ".zst", ".bz2", ".lzma"]

def _only_chars(text, allowed):
    for c in text.elems():
        if c not in allowed:
            return False
    return True

def _repo_name(hub, arch, name):
    # Debian names never hold "_", so "+" -> "_" cannot make two packages collide.
    return "%s__%s__%s" % (hub, arch, name.replace("+", "_"))

def _rootfs_name(hub, arch):
    return "%s__%s_rootfs" % (hub, arch)

# ---------------------------------------------------------------------------------------------
# Mirrors: STOWAGE_DEB_MIRRORS, else the hub's `mirrors`, else apt's configuration.
# ---------------------------------------------------------------------------------------------

def _words(text):
    return [w for w in text.replace("\t", " ").replace(",", " ").split(" ") if w]

def _strip_slash(uri):
    for _ in range(len(uri)):
        if len(uri) > 1 and uri.endswith("/"):
            uri = uri[:-1]
        else:
            break
    return uri

def _supported(uri):
    return uri.startswith("http://") or uri.startswith("https://") or uri.startswith("file:/")

def _one_line_sources(text):
    out = []
    for line in text.split("\n"):
        line = line.split("#")[0].strip()
        if not line.startswith("deb ") and not line.startswith("deb\t"):
            continue
        rest = line[3:].strip()
        if rest.startswith("["):
            close = rest.find("]")
            if close < 0:
                continue
            rest = rest[close + 1:].strip()
        words = _words(rest)
        if len(words) >= 2:
            out.append(struct(uris = [_strip_slash(words[0])], suites = [words[1]]))
    return out

def _deb822_sources(text):
    out = []
    for paragraph in text.split("\n\n"):
        fields = {}
        last = None
        for line in paragraph.split("\n"):
            if not line or line.startswith("#"):
                continue
            if line[0] in " \t":
                if last:
                    fields[last] = fields[last] + " " + line.strip()
                continue
            colon = line.find(":")
            if colon > 0:
                last = line[:colon].strip().lower()
                fields[last] = line[colon + 1:].strip()
        if "deb" not in _words(fields.get("types", "")):
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        out.append(struct(
            uris = [_strip_slash(u) for u in _words(fields.get("uris", ""))],
            suites = _words(fields.get("suites", "")),
        ))
    return out

def apt_config_dir(rctx):
    """apt's configuration directory: STOWAGE_APT_CONFIG_DIR, else /etc/apt."""
    return rctx.os.environ.get("STOWAGE_APT_CONFIG_DIR", "").strip() or "/etc/apt"

def _apt_sources(rctx):
    sources = []
    etc_apt = apt_config_dir(rctx)
    etc = rctx.path(etc_apt)
    if not etc.exists:
        return sources
    listed = rctx.path(etc_apt + "/sources.list")
    if listed.exists:
        sources += _one_line_sources(rctx.read(listed))
    d = rctx.path(etc_apt + "/sources.list.d")
    if d.exists:
        by_name = {f.basename: f for f in d.readdir()}
        for n in sorted(by_name.keys()):
            f = by_name[n]
            if f.basename.endswith(".list"):
                sources += _one_line_sources(rctx.read(f))
            elif f.basename.endswith(".sources"):
                sources += _deb822_sources(rctx.read(f))
    return sources

def _overrides(tokens):
    any_suite = []
    by_suite = {}
    for t in tokens:
        suite = ""
        uri = t
        eq = t.find("=")
        scheme = t.find("://")
        if eq > 0 and (scheme < 0 or eq < scheme):
            suite = t[:eq]
            uri = t[eq + 1:]
        if not _supported(uri):
            fail("deb mirror \"%s\" is not an http://, https:// or file:/ URL (or SUITE=URL)" % t)
        uri = _strip_slash(uri)
        if suite:
            by_suite.setdefault(suite, []).append(uri)
        else:
            any_suite.append(uri)
    return any_suite, by_suite

def mirror_roots(rctx, suite, attr_mirrors):
    """The archive roots to fetch `suite`'s packages from, best first."""
    env = rctx.os.environ.get("STOWAGE_DEB_MIRRORS", "")
    tokens = _words(env) if env.strip() else attr_mirrors
    any_suite, by_suite = _overrides(tokens)
    if suite in by_suite:
        return by_suite[suite]
    if any_suite:
        return any_suite
    sources = _apt_sources(rctx)
    roots = []
    for s in sources:
        if suite in s.suites:
            for u in s.uris:
                if _supported(u) and u not in roots:
                    roots.append(u)
    if roots:
        return roots

    # A lock of another release than the machine's (a Debian 13 machine building with Debian
    # 12's packages): one archive carries every release's suites, so the roots apt names for
    # suites of the same kind serve it; security suites live in an archive of their own. A root
    # that lacks the file only costs a 404 before the next one (the sha256 decides).
    security = suite.endswith("-security")
    for s in sources:
        if [x for x in s.suites if x.endswith("-security") == security]:
            for u in s.uris:
                if _supported(u) and u not in roots:
                    roots.append(u)
    return roots

# ---------------------------------------------------------------------------------------------
# Extraction with bsdtar.
# ---------------------------------------------------------------------------------------------

# Absolute symlink targets become relative ones inside the tree, so a link never reaches the
# host's files; links are otherwise kept as the package has them.
_RELINK = """
set -eu
cd "$1"
find . -type l | while IFS= read -r link; do
  target=$(readlink "$link")
  case "$target" in
    /*) ln -sfn "$(realpath -m -s --relative-to="$(dirname "$link")" ".$target")" "$link" ;;
  esac
done
"""

# Files that can be Bazel inputs: regular files, and symlinks that resolve to regular files.
_LIST = """
set -eu
cd "$1"
find . \\( -type f -o \\( -type l -xtype f \\) \\) -print | LC_ALL=C sort
"""

def _run(rctx, cmd, what):
    r = rctx.execute(cmd, timeout = 600, quiet = True)
    if r.return_code != 0:
        fail("%s: %s failed: %s" % (what, cmd[0], (r.stderr or r.stdout).strip()))
    return r.stdout

def extract_deb(rctx, deb, dest, scratch, what, finish = True):
    """Unpacks the data of .deb `deb` into `dest` (relative to the repository); `finish` makes
    every file readable and absolute symlinks relative (once, after the last package)."""
    _run(rctx, ["mkdir", "-p", scratch, dest], what)
    _run(rctx, ["bsdtar", "-x", "-f", str(deb), "-C", scratch], what)
    data = None
    for f in rctx.path(scratch).readdir():
        if f.basename.startswith("data.tar"):
            data = f
    if data == None:
        fail("%s: the .deb has no data.tar member: it is not a Debian binary package" % what)
    if data.basename[len("data.tar"):] not in _DATA_SUFFIXES:
        fail(("%s: its data member is %s, a compression this rule does not read " +
              "(data.tar, .gz, .xz, .zst, .bz2, .lzma); use a package built by Debian's dpkg-deb") %
             (what, data.basename))
    _run(rctx, ["bsdtar", "-x", "--no-same-owner", "-f", str(data), "-C", dest], what)

    _run(rctx, ["rm", "-rf", scratch], what)
    if finish:
        finish_tree(rctx, dest, what)

def finish_tree(rctx, dest, what):
    # Every file readable (a package may ship 0400 files) without touching other bits.
    _run(rctx, ["chmod", "-R", "u+rwX", dest], what)
    _run(rctx, ["sh", "-c", _RELINK, "relink", dest], what)

# /bin, /sbin, /lib* move under /usr and become symlinks, as on a merged-/usr Debian system.
_MERGE_USR = """
set -eu
cd "$1"
for d in bin sbin lib lib32 lib64 libx32 libo32; do
  if [ -d "$d" ] && [ ! -L "$d" ]; then
    mkdir -p "usr/$d"
    cp -a "$d/." "usr/$d/"
    rm -rf "$d"
  fi
  if [ -d "usr/$d" ] && [ ! -e "$d" ]; then ln -s "usr/$d" "$d"; fi
done
"""

def _file_list(rctx, dest, what):
    """(labels, skipped): the files under dest that can be inputs, and those whose names a
    Bazel label cannot hold (kept on disk, listed in skipped.txt)."""
    labels = []
    skipped = []
    for line in _run(rctx, ["sh", "-c", _LIST, "list", dest], what).split("\n"):
        if not line:
            continue
        path = dest + "/" + line[2:]
        if _only_chars(path, _SAFE_LABEL_CHARS) and "//" not in path:
            labels.append(path)
        else:
            skipped.append(path)
    return labels, skipped

# ---------------------------------------------------------------------------------------------
# deb_package: one locked package.
# ---------------------------------------------------------------------------------------------

_PACKAGE_BUILD = """# Generated by deb_package from {lock}: {name} {version} ({architecture}).
load("{package_set_bzl}", "deb_package_info")

package(default_visibility = ["//visibility:public"])

exports_files(["package.deb", "control"])

# The .deb itself and its identity, for deb_layer and deb_package_set.
deb_package_info(
    name = "package",
    architecture = "{architecture}",
    deb = "package.deb",
    depends = {depends},
    package = "{name}",
    sha256 = "{sha256}",
    source = "{source}",
    version = "{version}",
)

# Its files, extracted under root/ (absolute symlinks made relative; {skipped} file(s) whose
# names a label cannot hold are listed in skipped.txt).
filegroup(
    name = "files",
    srcs = {files},
)
"""

def _fix_hint(attr):
    if getattr(attr, "fix_hint", None):
        return attr.fix_hint
    return ("re-lock (bazel run the deb_lock target that writes %s) to pin what the mirror " +
            "has now") % attr.lock

def _diagnose(rctx, attr, urls, what):
    """Fails with why a pinned download failed. Bazel's downloader does not say (and refuses
    unpinned plain-HTTP downloads), so each mirror is asked once more with curl."""
    answers = []
    for url in urls:
        r = rctx.execute([
            "curl",
            "-sS",
            "--max-filesize",
            str(max(attr.size, 1) * 2 + 65536),
            "--max-time",
            "600",
            "-o",
            "probe.deb",
            "-w",
            "%{http_code}",
            url,
        ], timeout = 660, quiet = True)
        code = r.stdout.strip()
        if code == "200":
            got = rctx.execute(["sha256sum", "probe.deb"], quiet = True).stdout.split(" ")[0]
            rctx.execute(["rm", "-f", "probe.deb"])
            if got == attr.sha256:
                continue  # this one is fine now: a transient failure before
            fail(("deb package %s: the mirror serves other bytes than the lock pins at %s " +
                  "(sha256 %s, the lock says %s). A mirror never changes a published package: " +
                  "this one is corrupt, or not a Debian mirror, or the lock was edited. Use " +
                  "another mirror (STOWAGE_DEB_MIRRORS), or %s if you trust this one.") %
                 (what, url, got, attr.sha256, _fix_hint(attr)))
        answers.append("%s for %s" % ("HTTP " + code if code and code != "000" else "no answer", url))
        rctx.execute(["rm", "-f", "probe.deb"])
    if answers and all([a.startswith("HTTP 404") or a.startswith("HTTP 410") for a in answers]):
        fail(("deb package %s is not on the mirror(s) any more (%s). Debian drops superseded " +
              "versions from its pool at point releases and security updates: %s, or point " +
              "STOWAGE_DEB_MIRRORS at a mirror that keeps old versions (a snapshot archive).") %
             (what, "; ".join(answers), _fix_hint(attr)))
    fail(("deb package %s could not be downloaded (%s): check the network and the mirrors apt " +
          "is configured with, or set STOWAGE_DEB_MIRRORS.") %
         (what, "; ".join(answers) if answers else "the download failed, then succeeded when retried"))

def download_deb(rctx, attr, output):
    """Downloads one locked package to `output`, pinned by its sha256 (so through Bazel's
    repository cache), and returns "name version (arch)". `attr` is a deb_package's attributes
    or a struct with the same package, version, architecture, suite, filename, sha256, size,
    mirrors and lock fields."""
    what = "%s %s (%s)" % (attr.package, attr.version, attr.architecture)
    roots = mirror_roots(rctx, attr.suite, attr.mirrors)
    if not roots:
        fail(("deb package %s: no mirror serves suite %s: no apt source in %s lists it. " +
              "Set STOWAGE_DEB_MIRRORS=URL (or SUITE=URL ...), or the hub's mirrors.") %
             (what, attr.suite, apt_config_dir(rctx)))
    urls = [r + "/" + attr.filename for r in roots]
    rctx.report_progress("fetching " + what)
    result = rctx.download(url = urls, output = output, sha256 = attr.sha256, allow_fail = True)
    if not result.success:
        _diagnose(rctx, attr, urls, what)
    return what

def fetch_deb(rctx, package, record, output, lock, mirrors, fix_hint = None):
    """download_deb for a lock entry: one locked package's .deb to `output`, sha256-checked.

    Args:
      rctx: the repository context.
      package: the package's name.
      record: its lock entry (version, architecture, suite, filename, sha256, size).
      output: where to write the .deb, relative to the repository.
      lock: the lockfile's label, for messages.
      mirrors: archive roots ("URL" or "SUITE=URL") used when apt names none.
      fix_hint: what to do when the mirror no longer has it; default: re-lock `lock`.
    Returns:
      "name version (arch)".
    """
    return download_deb(rctx, struct(
        package = package,
        version = record["version"],
        architecture = record["architecture"],
        suite = record["suite"],
        filename = record["filename"],
        sha256 = record["sha256"],
        size = record["size"],
        mirrors = mirrors,
        lock = lock,
        fix_hint = fix_hint,
    ), output)

def _deb_package_impl(rctx):
    attr = rctx.attr
    what = download_deb(rctx, attr, "package.deb")
    extract_deb(rctx, "package.deb", "root", "tmp", "deb package " + what)
    _run(rctx, ["mkdir", "-p", "ctl"], what)
    members = rctx.path("members")
    _run(rctx, ["mkdir", "-p", "members"], what)
    _run(rctx, ["bsdtar", "-x", "-f", "package.deb", "-C", "members"], what)
    for f in members.readdir():
        if f.basename.startswith("control.tar"):
            _run(rctx, ["bsdtar", "-x", "-f", str(f), "-C", "ctl", "./control"], what)
    _run(rctx, ["mv", "ctl/control", "control"], what)
    _run(rctx, ["rm", "-rf", "members", "ctl"], what)
    files, skipped = _file_list(rctx, "root", what)
    rctx.file("skipped.txt", "".join([s + "\n" for s in skipped]))
    rctx.file("BUILD.bazel", _PACKAGE_BUILD.format(
        package_set_bzl = _PACKAGE_SET_BZL,
        lock = attr.lock,
        name = attr.package,
        version = attr.version,
        architecture = attr.architecture,
        depends = repr(attr.depends),
        sha256 = attr.sha256,
        source = attr.source or attr.package,
        skipped = len(skipped),
        files = repr(files),
    ))

deb_package = repository_rule(
    implementation = _deb_package_impl,
    doc = "One locked Debian package: its .deb (sha256-pinned, from the repository cache or a mirror) and its files. Declared by a deb_packages hub.",
    attrs = {
        "package": attr.string(mandatory = True),
        "version": attr.string(mandatory = True),
        "architecture": attr.string(mandatory = True),
        "suite": attr.string(mandatory = True),
        "filename": attr.string(mandatory = True),
        "sha256": attr.string(mandatory = True),
        "size": attr.int(),
        "depends": attr.string_list(doc = "Names of the locked packages it depends on."),
        "source": attr.string(doc = "The source package (default: the package's own name)."),
        "mirrors": attr.string_list(),
        "lock": attr.string(doc = "The lockfile's label, for messages."),
    },
)

# ---------------------------------------------------------------------------------------------
# deb_rootfs: every package of one architecture in one tree (a sysroot).
# ---------------------------------------------------------------------------------------------

_ROOTFS_BUILD = """# Generated by deb_rootfs: {count} packages of {lock} ({architecture}) in one tree under root/,
# merged /usr (bin, sbin, lib* are symlinks into usr/), absolute symlinks made relative. Where
# two packages ship one path, the later in name order is kept.
package(default_visibility = ["//visibility:public"])

filegroup(
    name = "files",
    srcs = {files},
)
"""

def _deb_rootfs_impl(rctx):
    attr = rctx.attr
    for i, deb in enumerate(attr.debs):
        rctx.report_progress("extracting %d of %d" % (i + 1, len(attr.debs)))
        extract_deb(rctx, rctx.path(deb), "root", "tmp", "deb_rootfs %s: %s" % (rctx.name, deb), finish = False)
    _run(rctx, ["chmod", "-R", "u+rwX", "root"], rctx.name)
    _run(rctx, ["sh", "-c", _MERGE_USR, "merge", "root"], rctx.name)
    finish_tree(rctx, "root", rctx.name)
    files, skipped = _file_list(rctx, "root", rctx.name)
    rctx.file("skipped.txt", "".join([s + "\n" for s in skipped]))
    rctx.file("BUILD.bazel", _ROOTFS_BUILD.format(
        count = len(attr.debs),
        lock = attr.lock,
        architecture = attr.architecture,
        files = repr(files),
    ))

deb_rootfs = repository_rule(
    implementation = _deb_rootfs_impl,
    doc = "Every locked package of one architecture extracted into one tree. Declared by a deb_packages hub.",
    attrs = {
        "debs": attr.label_list(allow_files = True),
        "architecture": attr.string(),
        "lock": attr.string(),
    },
)

# ---------------------------------------------------------------------------------------------
# deb_packages: the hub.
# ---------------------------------------------------------------------------------------------

def _check_lock(lock, where):
    """Fails unless the lock is what `stowage deb lock` writes: every value that becomes a URL,
    a repository name or a label is checked."""
    if type(lock) != "dict" or lock.get("lockVersion") != 1:
        fail("%s is not a version 1 lockfile written by stowage deb lock" % where)
    arches = lock.get("architectures")
    if type(arches) != "dict":
        fail("%s: architectures must be an object" % where)
    for arch, packages in arches.items():
        if not arch or not _only_chars(arch, "abcdefghijklmnopqrstuvwxyz0123456789-") or arch == "all":
            fail("%s: \"%s\" is not an architecture" % (where, arch))
        if type(packages) != "dict":
            fail("%s: architectures.%s must be an object" % (where, arch))
        for name, p in packages.items():
            at = "%s: architectures.%s.%s" % (where, arch, name)
            if len(name) < 2 or not _only_chars(name, _NAME_CHARS) or not _only_chars(name[0], _NAME_CHARS[:36]):
                fail("%s: not a Debian package name" % at)
            if type(p) != "dict":
                fail("%s must be an object" % at)
            for key in ["version", "architecture", "suite", "filename", "sha256"]:
                if type(p.get(key)) != "string" or not p[key]:
                    fail("%s: %s must be a non-empty string" % (at, key))
            if not _only_chars(p["version"], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+~-:"):
                fail("%s: version is not a Debian version" % at)
            if p["architecture"] not in [arch, "all"]:
                fail("%s: architecture must be %s or all" % (at, arch))
            if not _only_chars(p["suite"], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_"):
                fail("%s: suite is not a plain name" % at)
            f = p["filename"]
            if (not f.endswith(".deb") or f.startswith("/") or ".." in f.split("/") or "//" in f or
                not _only_chars(f, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-~%:")):
                fail("%s: filename is not a plain pool path" % at)
            source = p.get("source", "")
            if type(source) != "string" or (source and not _only_chars(source, _NAME_CHARS)):
                fail("%s: source is not a Debian package name" % at)
            if len(p["sha256"]) != 64 or not _only_chars(p["sha256"], _HEX):
                fail("%s: sha256 is not 64 lower-case hex digits" % at)
            if type(p.get("size")) != "int" or p["size"] <= 0:
                fail("%s: size must be a positive integer" % at)
            deps = p.get("depends", [])
            if type(deps) != "list":
                fail("%s: depends must be a list" % at)
            for d in deps:
                if d not in packages:
                    fail("%s depends on \"%s\", which is not locked" % (at, d))

def _package_label(hub, arch, name):
    return "@%s//:package" % _repo_name(hub, arch, name)

def _closure(packages, root):
    seen = {root: True}
    queue = [root]
    for _ in range(len(packages) + 1):
        if not queue:
            break
        next_queue = []
        for name in queue:
            for dep in packages[name].get("depends", []):
                if dep not in seen:
                    seen[dep] = True
                    next_queue.append(dep)
        queue = next_queue
    return sorted(seen.keys())

_ARCH_BUILD_HEAD = """# Generated by deb_packages from {lock} ({architecture}).
#   :<name>        the package and everything it depends on (DebPackagesInfo), for deb_layer
#   :<name>_only   the package alone
#   :<name>_files  its files, extracted
#   :all           every locked package;  :rootfs  all of them extracted into one tree
load("{package_set_bzl}", "deb_package_set")

package(default_visibility = ["//visibility:public"])

deb_package_set(
    name = "all",
    packages = {all},
    roots = {all_names},
)

alias(
    name = "rootfs",
    actual = "@{rootfs}//:files",
)
"""

_ARCH_BUILD_PACKAGE = """
deb_package_set(
    name = "{name}",
    packages = {closure},
    roots = ["{name}"],
)

deb_package_set(
    name = "{name}_only",
    packages = ["@{repo}//:package"],
    roots = ["{name}"],
)

alias(
    name = "{name}_files",
    actual = "@{repo}//:files",
)
"""

def lock_repositories(hub, lock, where, mirrors):
    """The repositories a checked lock needs, as (rule name, attributes) pairs: one deb_package
    per locked package and architecture, one deb_rootfs per architecture. WORKSPACE's hub
    writes them into repositories.bzl; the Bzlmod extension (rules/extensions.bzl) declares
    them itself."""
    out = []
    for arch in sorted(lock["architectures"].keys()):
        packages = lock["architectures"][arch]
        for name in sorted(packages.keys()):
            p = packages[name]
            out.append(("deb_package", dict(
                name = _repo_name(hub, arch, name),
                package = name,
                version = p["version"],
                architecture = p["architecture"],
                suite = p["suite"],
                filename = p["filename"],
                sha256 = p["sha256"],
                size = p["size"],
                depends = sorted(p.get("depends", [])),
                source = p.get("source", ""),
                mirrors = mirrors,
                lock = where,
            )))
        out.append(("deb_rootfs", dict(
            name = _rootfs_name(hub, arch),
            architecture = arch,
            lock = where,
            debs = ["@%s//:package.deb" % _repo_name(hub, arch, n) for n in sorted(packages.keys())],
        )))
    return out

def _hub_build_files(hub, lock, where):
    """<arch>/BUILD.bazel of the hub, by path."""
    files = {}
    for arch in sorted(lock["architectures"].keys()):
        packages = lock["architectures"][arch]
        build = _ARCH_BUILD_HEAD.format(
            package_set_bzl = _PACKAGE_SET_BZL,
            lock = where,
            architecture = arch,
            all = repr([_package_label(hub, arch, n) for n in sorted(packages.keys())]),
            all_names = repr(sorted(packages.keys())),
            rootfs = _rootfs_name(hub, arch),
        )
        for name in sorted(packages.keys()):
            build += _ARCH_BUILD_PACKAGE.format(
                name = name,
                repo = _repo_name(hub, arch, name),
                closure = repr([_package_label(hub, arch, n) for n in _closure(packages, name)]),
            )
        files[arch + "/BUILD.bazel"] = build
    return files

# Debian architecture -> the @platforms//cpu constraint of a Bazel platform for it.
_DEBIAN_CPUS = {
    "amd64": "x86_64",
    "arm64": "aarch64",
    "armhf": "armv7",
    "i386": "x86_32",
    "ppc64el": "ppc",
    "riscv64": "riscv64",
    "s390x": "s390x",
}

_ROOT_BUILD_HEAD = """# Generated by deb_packages from {lock}; see <arch>/BUILD.bazel.
#   :<name>, :<name>_only  the same as //<arch>:<name>, for the architecture of the target
#                          platform (an oci_image's `platform`, an oci_image_index's platforms)
package(default_visibility = ["//visibility:public"])

exports_files(["repositories.bzl"])
"""

_ROOT_BUILD_CPU = """
config_setting(
    name = "_{arch}",
    constraint_values = ["@platforms//cpu:{cpu}"],
)
"""

_ROOT_BUILD_PACKAGE = """
alias(
    name = "{name}{suffix}",
    actual = select(
        {{{cases}}},
        no_match_error = "{name}: the target platform's cpu is none of the architectures {lock} locks it for ({arches})",
    ),
)
"""

def _hub_root_build(lock, where):
    arches = [a for a in sorted(lock["architectures"].keys()) if a in _DEBIAN_CPUS]
    build = _ROOT_BUILD_HEAD.format(lock = where)
    for arch in arches:
        build += _ROOT_BUILD_CPU.format(arch = arch, cpu = _DEBIAN_CPUS[arch])
    names = {}
    for arch in arches:
        for name in lock["architectures"][arch].keys():
            names.setdefault(name, []).append(arch)
    for name in sorted(names.keys()):
        for suffix in ["", "_only"]:
            build += _ROOT_BUILD_PACKAGE.format(
                name = name,
                suffix = suffix,
                lock = where,
                arches = ", ".join(names[name]),
                cases = ", ".join(['":_%s": "//%s:%s%s"' % (a, a, name, suffix) for a in names[name]]),
            )
    return build

def read_lock(ctx, lock):
    """The lockfile at label `lock`, checked (ctx: a repository or module context)."""
    where = str(lock)
    decoded = json.decode(ctx.read(ctx.path(lock)))
    _check_lock(decoded, where)
    return decoded

def _call(rule_name, kwargs):
    return "    _maybe(%s, %s)" % (rule_name, ", ".join(["%s = %r" % (k, kwargs[k]) for k in sorted(kwargs.keys())]))

def _deb_packages_impl(rctx):
    attr = rctx.attr
    where = str(attr.lock)
    lock = read_lock(rctx, attr.lock)

    # Under Bzlmod the extension declares the package repositories and gives the hub the name
    # they start with (rctx.name is a canonical name there, not the one the user wrote).
    hub = getattr(attr, "hub_name", "") or rctx.name
    for path, content in _hub_build_files(hub, lock, where).items():
        rctx.file(path, content)
    calls = [_call(r, kw) for r, kw in lock_repositories(hub, lock, where, attr.mirrors)]
    rctx.file("repositories.bzl", """# Generated by deb_packages from {lock}.
load("{repositories_bzl}", "deb_package", "deb_rootfs")

def _maybe(rule, name, **kwargs):
    if name not in native.existing_rules():
        rule(name = name, **kwargs)

def repositories():
    \"\"\"One repository per locked package (fetched only when a target needs it).\"\"\"
{calls}
""".format(lock = where, repositories_bzl = _REPOSITORIES_BZL, calls = "\n".join(calls) if calls else "    pass"))
    rctx.file("BUILD.bazel", _hub_root_build(lock, where))

deb_packages = repository_rule(
    implementation = _deb_packages_impl,
    doc = "The packages of a lockfile (stowage deb lock) as repositories and targets. See docs/deb.md.",
    attrs = {
        "lock": attr.label(mandatory = True, allow_single_file = [".json"], doc = "The lockfile."),
        "mirrors": attr.string_list(doc = "Archive roots (\"URL\" or \"SUITE=URL\") used instead of apt's configuration on machines without it; STOWAGE_DEB_MIRRORS wins over these."),
    },
)

# The hub as rules/extensions.bzl's `deb.packages` declares it, beside the package repositories.
deb_packages_hub = repository_rule(
    implementation = _deb_packages_impl,
    attrs = {
        "lock": attr.label(mandatory = True, allow_single_file = [".json"]),
        "mirrors": attr.string_list(),
        "hub_name": attr.string(mandatory = True),
    },
)

# For the C++ toolchain's repository (cc_toolchain_repository.bzl), which extracts a lock's
# packages into one sysroot the same way.
check_lock = _check_lock
file_list = _file_list
run = _run
MERGE_USR = _MERGE_USR
