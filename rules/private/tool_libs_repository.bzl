"""The libraries the stowage tool links statically, from pinned Debian packages (docs/hermetic.md).

    @stowage_tool_libs//:zstd, :libdeflate, :zlib, :brotli, :libarchive, :yaml_cpp, :re2,
                         :abseil, :nlohmann_json, ...

`@stowage_tool_libs` holds only aliases that select, by the target platform's @platforms//cpu,
`@stowage_tool_libs_amd64` or `@stowage_tool_libs_arm64`. Each of those extracts the -dev
packages of a lockfile written by `stowage deb lock` (third_party/tool_libs/debian12.lock.json:
fetched by sha256 through Bazel's repository cache from the mirror apt is configured with,
exactly as deb_packages does; only the archives' data, no maintainer script) and declares one
cc_library per library: its static archive(s) (usr/lib/<triple>/lib*.a) as srcs and the package's
headers as hdrs, on an include path that comes before the host's /usr/include. Both are Bazel
inputs, so a new lock (another version of a library) changes every action key that links it.

Abseil has one cc_library per absl_*.pc of libabsl-dev (its libabsl_*.a, deps from its
`Requires:` line, so Bazel's link order is pkg-config's) and `:abseil`, all of them.
"""

load(
    "//rules/private:deb_repositories.bzl",
    "extract_deb",
    "fetch_deb",
    "file_list",
    "mirror_roots",
    "read_lock",
    "run",
)

_TRIPLES = {
    "amd64": struct(triple = "x86_64-linux-gnu", cpu = "x86_64"),
    "arm64": struct(triple = "aarch64-linux-gnu", cpu = "aarch64"),
}

# name -> the -dev package, its static archives (in link order), the libraries it needs.
_LIBRARIES = {
    "zlib": struct(package = "zlib1g-dev", archives = ["libz.a"], deps = [], linkopts = []),
    "libdeflate": struct(package = "libdeflate-dev", archives = ["libdeflate.a"], deps = [], linkopts = []),
    "brotli": struct(
        package = "libbrotli-dev",
        archives = ["libbrotlienc.a", "libbrotlidec.a", "libbrotlicommon.a"],
        deps = [],
        linkopts = ["-lm"],
    ),
    "lzma": struct(package = "liblzma-dev", archives = ["liblzma.a"], deps = [], linkopts = ["-pthread"]),
    "bz2": struct(package = "libbz2-dev", archives = ["libbz2.a"], deps = [], linkopts = []),
    "lz4": struct(package = "liblz4-dev", archives = ["liblz4.a"], deps = [], linkopts = []),
    # libarchive.a's digest code calls nettle. Debian 12's ld drops that code with
    # --gc-sections and never looks for nettle; Debian 13's ld 2.44 resolves the reference first
    # (and finds libnettle.so only through libcurl: "DSO missing from command line").
    "nettle": struct(package = "nettle-dev", archives = ["libnettle.a"], deps = [], linkopts = []),
    "libarchive": struct(
        package = "libarchive-dev",
        archives = ["libarchive.a"],
        deps = [":zstd", ":lzma", ":lz4", ":bz2", ":nettle", ":zlib"],
        linkopts = [],
    ),
    "yaml_cpp": struct(package = "libyaml-cpp-dev", archives = ["libyaml-cpp.a"], deps = [], linkopts = []),
    "re2": struct(package = "libre2-dev", archives = ["libre2.a"], deps = [], linkopts = ["-pthread"]),
    "nlohmann_json": struct(package = "nlohmann-json3-dev", archives = [], deps = [], linkopts = []),
}

_ABSEIL_PACKAGE = "libabsl-dev"

# What the hub exposes. libarchive's compressors (lzma, bz2, lz4) and nettle stay internal to the
# per-architecture repositories: nothing links them directly, and @stowage_system_libs, the
# fallback for pinned sysroots, need not name them.
_INTERNAL_TARGETS = ["lzma", "bz2", "lz4", "nettle"]
_PUBLIC_TARGETS = sorted([t for t in _LIBRARIES.keys() if t not in _INTERNAL_TARGETS] + ["abseil", "zstd"])

# zstd is compiled from Debian's source package instead: libzstd-dev's libzstd.a is built without
# ZSTD_MULTITHREAD, and the tool's zstd framing (2 MiB jobs, the same bytes at any thread count)
# needs the multi-threaded compressor. The upstream tarball and Debian's patches of
# libzstd 1.5.4+dfsg2-5 (0020 fixes the block splitter, which moves output bytes), pinned by
# sha256, from the same mirror. 1.5.4+dfsg2-5+deb12u1 adds only a decompression-memory patch;
# its source is not on every mirror (see docs/hermetic.md).
_ZSTD_SOURCE = struct(
    version = "1.5.4+dfsg2-5",
    suite = "bookworm",
    orig = ("pool/main/libz/libzstd/libzstd_1.5.4+dfsg2.orig.tar.xz", "8cf4bbb65e77ec348d052c8d6230eba66d435bddf64c8b5be2fcb16880c19953"),
    debian = ("pool/main/libz/libzstd/libzstd_1.5.4+dfsg2-5.debian.tar.xz", "82ce911445772861d0838bd4545f93bc50658bc7f3cefdb17a307dfb8ffca5d8"),
    strip = "zstd-1.5.4",
)

_ZSTD_PATCH = """
set -eu
cd "$1"
while IFS= read -r p; do
  case "$p" in ''|'#'*) continue ;; esac
  patch -p1 -s -N <"debian/patches/$p" || { echo "patch $p does not apply" >&2; exit 1; }
done <debian/patches/series
rm -rf debian
shift
for p in "$@"; do
  patch -p1 -s -N <"$p" || { echo "patch $p does not apply" >&2; exit 1; }
done
"""

# stowage's own patches, after Debian's: decompression fixes that change no byte the tool writes.
_ZSTD_OWN_PATCHES = [
    # Pointer arithmetic that UBSan reports on hostile input (docs/fuzzing.md, "Campaigns").
    Label("//third_party/tool_libs:zstd-prefetch-address.patch"),
]

_ZSTD_BUILD = """
# zstd {version} (Debian's source, patched), multi-threaded: compiled here, not a prebuilt archive.
cc_library(
    name = "zstd",
    srcs = {srcs},
    hdrs = ["zstd/lib/zstd.h", "zstd/lib/zdict.h", "zstd/lib/zstd_errors.h"],
    copts = ["-w"],
    includes = ["zstd/lib"],
    linkopts = ["-pthread"],
    local_defines = ["ZSTD_MULTITHREAD", "XXH_NAMESPACE=ZSTD_", "ZSTD_LEGACY_SUPPORT=0"],
)
"""

def _zstd(rctx, mirrors):
    roots = mirror_roots(rctx, _ZSTD_SOURCE.suite, mirrors)
    if not roots:
        fail("stowage_tool_libs: no mirror serves suite %s for zstd's source: set STOWAGE_DEB_MIRRORS" % _ZSTD_SOURCE.suite)
    rctx.report_progress("fetching zstd %s source" % _ZSTD_SOURCE.version)
    run(rctx, ["mkdir", "-p", "zstd"], rctx.name)

    # Downloaded, then unpacked by bsdtar: Bazel's own extraction (download_and_extract) crashes
    # the Bazel of Debian 13 (its commons-compress needs a commons-io class the launcher lacks).
    for (path, sha256), strip in [(_ZSTD_SOURCE.orig, _ZSTD_SOURCE.strip), (_ZSTD_SOURCE.debian, None)]:
        archive = "zstd-source.tar.xz"
        rctx.download(url = [r + "/" + path for r in roots], sha256 = sha256, output = archive)
        extract = ["bsdtar", "-x", "-f", archive, "-C", "zstd"]
        if strip:
            # Only the expected top directory is stripped; anything else stays visible below zstd/.
            extract += ["-s", "|^%s/||" % strip, "-s", "|^%s$||" % strip]
        run(rctx, extract, "stowage_tool_libs: zstd source " + path.rpartition("/")[2])
        rctx.delete(archive)
    own = [str(rctx.path(p)) for p in _ZSTD_OWN_PATCHES]
    run(rctx, ["sh", "-c", _ZSTD_PATCH, "patch", "zstd"] + own, "stowage_tool_libs: zstd " + _ZSTD_SOURCE.version)
    files = file_list(rctx, "zstd/lib", rctx.name)[0]
    srcs = []
    for f in files:
        for d in ["common", "compress", "decompress"]:
            if f.startswith("zstd/lib/%s/" % d) and (f.endswith(".c") or f.endswith(".h") or f.endswith(".S")):
                srcs.append(f)
    return _ZSTD_BUILD.format(version = _ZSTD_SOURCE.version, srcs = repr(sorted(srcs)))

_BUILD_HEAD = """# Generated by stowage_tool_libs_arch from {lock} ({architecture}): the static archives and
# headers of {count} -dev packages, each extracted under its own directory:
{packages}
load("@rules_cc//cc:defs.bzl", "cc_library")

package(default_visibility = ["//visibility:public"])
"""

_LIBRARY = """
cc_library(
    name = "{name}",
    srcs = {srcs},
    hdrs = {hdrs},
    includes = {includes},
    linkopts = {linkopts},
    deps = {deps},
)
"""

def _dir(package):
    return package.replace("+", "_")

def _pc_fields(text):
    fields = {}
    for line in text.split("\n"):
        colon = line.find(":")
        eq = line.find("=")
        if colon > 0 and (eq < 0 or colon < eq):
            fields[line[:colon].strip()] = line[colon + 1:].strip()
    return fields

def _abseil(rctx, lib_dir, headers_target):
    """cc_library text for every absl_*.pc under lib_dir/pkgconfig, and their names."""
    pc_dir = rctx.path(lib_dir + "/pkgconfig")
    if not pc_dir.exists:
        fail("stowage_tool_libs: %s has no pkgconfig directory: is this Debian's libabsl-dev?" % lib_dir)
    names = []
    by_name = {}
    for f in pc_dir.readdir():
        if f.basename.startswith("absl_") and f.basename.endswith(".pc"):
            by_name[f.basename[:-len(".pc")]] = f
    text = ""
    for name in sorted(by_name.keys()):
        fields = _pc_fields(rctx.read(by_name[name]))
        deps = [headers_target]
        for req in fields.get("Requires", "").split(","):
            req = req.strip().split(" ")[0]
            if req:
                if req not in by_name:
                    fail("stowage_tool_libs: %s.pc requires %s, which libabsl-dev does not ship" % (name, req))
                deps.append(":" + req)
        srcs = []
        linkopts = []
        for token in fields.get("Libs", "").split(" "):
            if not token or token.startswith("-L"):
                continue
            if token.startswith("-labsl_"):
                archive = "%s/lib%s.a" % (lib_dir, token[2:])
                if not rctx.path(archive).exists:
                    fail("stowage_tool_libs: %s.pc links %s, but libabsl-dev has no %s" % (name, token, archive))
                srcs.append(archive)
            else:
                linkopts.append(token)
        names.append(name)
        text += _LIBRARY.format(
            name = name,
            srcs = repr(srcs),
            hdrs = "[]",
            includes = "[]",
            linkopts = repr(linkopts),
            deps = repr(deps),
        )
    if not names:
        fail("stowage_tool_libs: %s/pkgconfig has no absl_*.pc" % lib_dir)
    return text, names

def _tool_libs_arch_impl(rctx):
    attr = rctx.attr
    arch = attr.architecture
    if arch not in _TRIPLES:
        fail("stowage_tool_libs: architecture %s is not supported (%s are)" % (arch, ", ".join(_TRIPLES.keys())))
    triple = _TRIPLES[arch].triple
    where = str(attr.lock)
    lock = read_lock(rctx, attr.lock)
    packages = lock["architectures"].get(arch)
    if not packages:
        fail("stowage_tool_libs: %s locks no %s packages" % (where, arch))
    wanted = sorted({lib.package: True for lib in _LIBRARIES.values()}.keys() + [_ABSEIL_PACKAGE])
    fix = "re-lock with `bazel run @stowage//third_party/tool_libs:lock`"
    for name in wanted:
        if name not in packages:
            fail("stowage_tool_libs: %s does not lock %s (%s): add it to the deb_lock's packages and %s" % (where, name, arch, fix))

    files = {}
    for i, name in enumerate(wanted):
        out = "debs/%s.deb" % _dir(name)
        what = fetch_deb(rctx, name, packages[name], out, where, attr.mirrors, fix_hint = fix)
        rctx.report_progress("extracting %d of %d: %s" % (i + 1, len(wanted), what))
        extract_deb(rctx, out, _dir(name), "tmp", "stowage_tool_libs: " + what)
        rctx.delete(out)
        files[name] = file_list(rctx, _dir(name), rctx.name)[0]
    run(rctx, ["rm", "-rf", "debs"], rctx.name)

    build = _BUILD_HEAD.format(
        lock = where,
        architecture = arch,
        count = len(wanted),
        packages = "".join(["#   %s/  %s %s\n" % (_dir(n), n, packages[n]["version"]) for n in wanted]),
    )
    for name in sorted(_LIBRARIES.keys()):
        lib = _LIBRARIES[name]
        d = _dir(lib.package)
        lib_dir = "%s/usr/lib/%s" % (d, triple)
        srcs = []
        for a in lib.archives:
            path = "%s/%s" % (lib_dir, a)
            if path not in files[lib.package]:
                fail("stowage_tool_libs: %s %s (%s) ships no %s: a static archive is what the tool links" % (lib.package, packages[lib.package]["version"], arch, path))
            srcs.append(path)
        include = d + "/usr/include/"
        hdrs = [f for f in files[lib.package] if f.startswith(include)]
        if not hdrs:
            fail("stowage_tool_libs: %s (%s) ships no headers under /usr/include" % (lib.package, arch))
        includes = [d + "/usr/include"]
        if [f for f in hdrs if f.startswith(include + triple + "/")]:
            includes.append("%s/usr/include/%s" % (d, triple))
        build += _LIBRARY.format(
            name = name,
            srcs = repr(srcs),
            hdrs = repr(hdrs),
            includes = repr(includes),
            linkopts = repr(lib.linkopts),
            deps = repr(lib.deps),
        )

    build += _zstd(rctx, attr.mirrors)

    d = _dir(_ABSEIL_PACKAGE)
    include = d + "/usr/include/"
    absl_hdrs = [f for f in files[_ABSEIL_PACKAGE] if f.startswith(include)]
    build += _LIBRARY.format(
        name = "absl_headers",
        srcs = "[]",
        hdrs = repr(absl_hdrs),
        includes = repr([d + "/usr/include"]),
        linkopts = "[]",
        deps = "[]",
    )
    absl_text, absl_names = _abseil(rctx, "%s/usr/lib/%s" % (d, triple), ":absl_headers")
    build += absl_text
    build += _LIBRARY.format(
        name = "abseil",
        srcs = "[]",
        hdrs = "[]",
        includes = "[]",
        linkopts = repr(["-pthread"]),
        deps = repr([":" + n for n in absl_names]),
    )
    rctx.file("BUILD.bazel", build)
    rctx.file("versions.txt", "".join(["%s %s\n" % (n, packages[n]["version"]) for n in wanted]))

stowage_tool_libs_arch = repository_rule(
    implementation = _tool_libs_arch_impl,
    doc = "The static archives and headers of the tool's libraries for one architecture, from a lockfile's -dev packages. Declared by stowage_tool_libs.",
    attrs = {
        "lock": attr.label(mandatory = True, allow_single_file = [".json"], doc = "A lockfile written by stowage deb lock."),
        "architecture": attr.string(mandatory = True, doc = "amd64 or arm64."),
        "mirrors": attr.string_list(doc = "Archive roots (\"URL\" or \"SUITE=URL\") used instead of apt's configuration; STOWAGE_DEB_MIRRORS wins."),
    },
)

_HUB_HEAD = """# Generated by stowage_tool_libs: the tool's static libraries for the target platform's cpu
# ({arches}), from @{name}_<arch> (fetched only for a cpu something is built for), when the
# target uses the host's compiler ({host}). Targets built against another sysroot (a pinned
# toolchain's, with its own -dev packages: rules/cc, examples/bookstore) or for an unpinned cpu
# link {system} instead, whose link flags that sysroot resolves.
package(default_visibility = ["//visibility:public"])
"""

_HUB_CPU = """
config_setting(
    name = "_{arch}",
    constraint_values = ["@platforms//cpu:{cpu}", "{host}"],
)
"""

_HUB_ALIAS = """
alias(
    name = "{target}",
    actual = select({{{cases}, "//conditions:default": "{system}//:{target}"}}),
)
"""

def _absolute(label):
    # The main repository is "@" (WORKSPACE of stowage itself); a user's workspace names it.
    return "@%s//%s:%s" % (label.workspace_name, label.package, label.name)

# Host builds (no pinned sysroot) carry this constraint value by default (rules/cc/BUILD.bazel).
_HOST_SYSROOT = _absolute(Label("//rules/cc:host"))

def _tool_libs_hub_impl(rctx):
    attr = rctx.attr
    for arch in attr.architectures:
        if arch not in _TRIPLES:
            fail("stowage_tool_libs: architecture %s is not supported (%s are)" % (arch, ", ".join(_TRIPLES.keys())))
    arches = ", ".join(attr.architectures)
    build = _HUB_HEAD.format(name = attr.repository, arches = arches, host = _HOST_SYSROOT, system = attr.system_libs)
    for arch in attr.architectures:
        build += _HUB_CPU.format(arch = arch, cpu = _TRIPLES[arch].cpu, host = _HOST_SYSROOT)
    for target in _PUBLIC_TARGETS:
        build += _HUB_ALIAS.format(
            target = target,
            system = attr.system_libs,
            cases = ", ".join(['":_%s": "@%s_%s//:%s"' % (a, attr.repository, a, target) for a in attr.architectures]),
        )
    rctx.file("BUILD.bazel", build)

stowage_tool_libs_hub = repository_rule(
    implementation = _tool_libs_hub_impl,
    doc = "Aliases selecting @<repository>_<arch> by the target platform's cpu for host-compiler builds, the system libraries otherwise. Declared by stowage_tool_libs.",
    attrs = {
        "repository": attr.string(mandatory = True, doc = "The per-architecture repositories' name, without _<arch>."),
        "architectures": attr.string_list(default = ["amd64", "arm64"]),
        "system_libs": attr.string(
            default = "@stowage_system_libs",
            doc = "The repository whose link flags serve targets built against another sysroot (its -lNAME resolve there) or for an unpinned cpu.",
        ),
    },
)

TOOL_LIBS_LOCK = Label("//third_party/tool_libs:debian12.lock.json")

def tool_libs_repositories(name = "stowage_tool_libs", lock = TOOL_LIBS_LOCK, architectures = ["amd64", "arm64"], mirrors = []):
    """The repositories behind @name, as (rule, attributes) pairs.

    WORKSPACE's stowage_dependencies() and the Bzlmod extension both declare these.

    Args:
      name: the hub; NAME_amd64 and NAME_arm64 hold the libraries.
      lock: the lockfile with the -dev packages.
      architectures: Debian architectures (amd64, arm64).
      mirrors: archive roots used when apt names none (STOWAGE_DEB_MIRRORS wins).
    Returns:
      A list of (repository rule, attributes).
    """
    out = [(stowage_tool_libs_arch, dict(
        name = "%s_%s" % (name, arch),
        lock = lock,
        architecture = arch,
        mirrors = mirrors,
    )) for arch in architectures]
    out.append((stowage_tool_libs_hub, dict(name = name, repository = name, architectures = architectures)))
    return out
