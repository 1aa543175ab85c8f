"""runtime_closure: a host program's shared-library closure as declared Bazel inputs.

HOST-DEPENDENT: it copies whatever the build host has installed, so another machine or another
point release gives another layer (another digest). Images that must be reproducible take their
runtime from pinned Debian packages instead (deb_packages + deb_layer, docs/deb.md), as the
bookstore example does; this rule stays for quick experiments and the first-image benchmark.

A native server in an image needs its shared libraries, the dynamic loader and CA
certificates. Reading them from the host inside a build action would be reading files behind
Bazel's back. Instead this repository rule snapshots them once (copies, not links, so their
contents are tracked like any other input) into an external repository laid out as an image
root: `rootfs/usr/lib/x86_64-linux-gnu/<soname>`, `rootfs/usr/lib64/ld-linux-x86-64.so.2`,
`rootfs/etc/ssl/certs/ca-certificates.crt`.

`@<name>//:layer` is that root as a layer, with the `/lib64 -> usr/lib64` symlink without which
the kernel cannot find the dynamic loader a binary names (its entrypoint fails to exec with
"no such file or directory"). To build your own layer from `@<name>//:rootfs` in any package,
use `strip_prefix = "/rootfs"` (the leading "/" makes it relative to the repository root, not
to your package) and `symlinks = {"/lib64": "usr/lib64"}`.

Host-dependent by design: the snapshot is whatever this machine's Debian has installed, so two
machines at different point releases get different layers. For images that must be the same
everywhere, build the runtime from pinned Debian packages (deb_lock) instead.

The closure is computed from the sonames you name, with `ldconfig -p` to find each and `ldd` to
follow their dependencies; libc, libm, libstdc++, libgcc_s and the loader are always included
because every C++ binary needs them.
"""

load("//rules/private:labels.bzl", "absolute_label")

_ALWAYS = ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"]
_LOADER = "ld-linux-x86-64.so.2"
_LIBDIR = "usr/lib/x86_64-linux-gnu"

def _ldconfig(rctx):
    """soname -> path of every x86-64 library the dynamic linker's cache knows."""
    result = rctx.execute(["ldconfig", "-p"])
    if result.return_code != 0:
        fail("runtime_closure: ldconfig -p failed: " + result.stderr)
    libs = {}
    for line in result.stdout.splitlines():
        line = line.strip()
        if "x86-64" in line and "=>" in line:
            name = line.split(" ")[0]
            if name not in libs:
                libs[name] = line.split("=>")[1].strip()
    return libs

def _matches(name, pattern):
    """Shell-style match with at most one "*"."""
    if "*" not in pattern:
        return name == pattern
    head, tail = pattern.split("*", 1)
    return len(name) >= len(head) + len(tail) and name.startswith(head) and name.endswith(tail)

def _find_sonames(libs, pattern):
    found = {n: p for n, p in libs.items() if _matches(n, pattern)}
    if not found:
        fail("runtime_closure: no installed shared library matches %s (is its Debian package missing?)" % pattern)
    return found

def _ldd_deps(rctx, path):
    result = rctx.execute(["ldd", path])
    if result.return_code != 0:
        fail("runtime_closure: ldd %s failed: %s" % (path, result.stderr))
    deps = {}
    for line in result.stdout.splitlines():
        line = line.strip()
        if "=>" in line:
            name, rest = line.split("=>", 1)
            target = rest.strip().split(" ")[0]
            if target.startswith("/"):
                deps[name.strip()] = target
            elif "not found" in rest:
                fail("runtime_closure: %s needs %s, which is not installed" % (path, name.strip()))
    return deps

def _runtime_closure_impl(rctx):
    libs = _ldconfig(rctx)
    wanted = {}
    for pattern in _ALWAYS + rctx.attr.libraries:
        wanted.update(_find_sonames(libs, pattern))

    # Breadth-first over ldd output; bounded by the number of libraries on the host.
    queue = list(wanted.keys())
    for _ in range(1000):
        if not queue:
            break
        soname = queue.pop(0)
        for dep, path in _ldd_deps(rctx, wanted[soname]).items():
            if dep not in wanted:
                wanted[dep] = path
                queue.append(dep)

    manifest = []
    for soname in sorted(wanted.keys()):
        dest = "rootfs/%s/%s" % (_LIBDIR, soname)
        rctx.execute(["mkdir", "-p", "rootfs/" + _LIBDIR])
        r = rctx.execute(["cp", "-L", wanted[soname], dest])
        if r.return_code != 0:
            fail("runtime_closure: cannot copy %s: %s" % (wanted[soname], r.stderr))
        manifest.append("/%s/%s <- %s" % (_LIBDIR, soname, wanted[soname]))

    # The ELF interpreter path of x86-64 binaries is /lib64/ld-linux-x86-64.so.2.
    rctx.execute(["mkdir", "-p", "rootfs/usr/lib64"])
    r = rctx.execute(["cp", "-L", "/lib64/" + _LOADER, "rootfs/usr/lib64/" + _LOADER])
    if r.return_code != 0:
        fail("runtime_closure: cannot copy the dynamic loader: " + r.stderr)
    manifest.append("/usr/lib64/%s <- /lib64/%s" % (_LOADER, _LOADER))

    for src, dest in sorted(rctx.attr.files.items()):
        parent = ("rootfs/" + dest).rpartition("/")[0]
        rctx.execute(["mkdir", "-p", parent])
        r = rctx.execute(["cp", "-L", src, "rootfs/" + dest])
        if r.return_code != 0:
            fail("runtime_closure: cannot copy %s: %s" % (src, r.stderr))
        manifest.append("/%s <- %s" % (dest, src))

    rctx.file("closure.txt", "\n".join(manifest) + "\n")
    rctx.file("BUILD.bazel", """load("{defs}", "oci_layer")

package(default_visibility = ["//visibility:public"])

# Every file of the closure, laid out as an image root under rootfs/.
filegroup(name = "rootfs", srcs = glob(["rootfs/**"]))

# The same root as a layer, with the /lib64 symlink the ELF interpreter path needs.
oci_layer(
    name = "layer",
    srcs = [":rootfs"],
    strip_prefix = "/rootfs",
    symlinks = {{"/lib64": "usr/lib64"}},
)

# What was copied from where (for humans and for the closure test).
exports_files(["closure.txt"])
""".format(defs = absolute_label(Label("//rules:defs.bzl"))))

runtime_closure = repository_rule(
    implementation = _runtime_closure_impl,
    doc = "Snapshots a program's shared-library closure and other host files as an image root.",
    attrs = {
        "libraries": attr.string_list(doc = "Sonames the program links, e.g. libmicrohttpd.so.12; one \"*\" allowed (libabsl_*.so.20220623)."),
        "files": attr.string_dict(doc = "Other host files: absolute source path -> image path (no leading /)."),
    },
    # Re-snapshotted when Bazel's server restarts, so a Debian update is picked up.
    local = True,
)
