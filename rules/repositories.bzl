"""Offline workspace set-up for stowage on Debian's Bazel 4.2.3 (WORKSPACE).

Everything here maps files that Debian packages install; nothing is downloaded. docs/bazel.md
says why each piece exists, and what MODULE.bazel (Bazel 7 to 9) declares instead.
"""

load("//rules/private:cc_toolchain_repository.bzl", _stowage_cc_toolchain = "stowage_cc_toolchain")
load("//rules/private:deb_repositories.bzl", _deb_packages = "deb_packages")
load("//rules/private:tool_libs_repository.bzl", "TOOL_LIBS_LOCK", "stowage_tool_libs_arch", "stowage_tool_libs_hub")

# Debian packages from a lockfile (docs/deb.md): `deb_packages(name, lock)` in WORKSPACE.
deb_packages = _deb_packages

# The hermetic C++ toolchain from pinned Debian 12 packages (docs/toolchain.md).
stowage_cc_toolchain = _stowage_cc_toolchain

_DEBIAN_RULES_CC = "/usr/share/bazel/rules/cc"

def _debian_rules_cc_impl(rctx):
    # Debian ships rules_cc 0.0.4, which loads `use_cpp_toolchain`, a symbol Bazel 4.2.3 lacks.
    # Copy the tree and replace that one call with the toolchain type it would have returned.
    src = rctx.attr.path
    rctx.execute(["cp", "-r", src + "/.", "."], quiet = True)
    for rel in [
        "cc/private/rules_impl/compiler_flag.bzl",
        "cc/private/rules_impl/cc_flags_supplier.bzl",
    ]:
        text = rctx.read(rel)
        text = text.replace(', "use_cpp_toolchain")', ")")
        text = text.replace("use_cpp_toolchain()", '["@bazel_tools//tools/cpp:toolchain_type"]')
        rctx.file(rel, text)

debian_rules_cc = repository_rule(
    implementation = _debian_rules_cc_impl,
    attrs = {"path": attr.string(default = _DEBIAN_RULES_CC)},
    local = True,
)

def _coverage_tools_stub_impl(rctx):
    # Every *_test depends on @remote_coverage_tools; offline it cannot be fetched.
    # These empty filegroups let `bazel test` run (coverage through Bazel is then unavailable).
    rctx.file("BUILD", """
package(default_visibility = ["//visibility:public"])
filegroup(name = "coverage_report_generator", srcs = [])
filegroup(name = "lcov_merger", srcs = [])
filegroup(name = "coverage_output_generator", srcs = [])
""")

coverage_tools_stub = repository_rule(implementation = _coverage_tools_stub_impl)

def _rules_shell_shim_impl(rctx):
    # Bazel 9 has no built-in sh_test/sh_binary: BUILD files load them from @rules_shell, which
    # MODULE.bazel takes from the Bazel Central Registry. Bazel 4.2.3 has them built in and no
    # rules_shell package: this repository gives the same load() path over the built-ins.
    rctx.file("BUILD.bazel", "")
    rctx.file("shell/BUILD.bazel", "")
    for kind in ["sh_binary", "sh_library", "sh_test"]:
        rctx.file("shell/%s.bzl" % kind, "%s = native.%s\n" % (kind, kind))

rules_shell_shim = repository_rule(implementation = _rules_shell_shim_impl)

def _system_libraries_impl(rctx):
    # Link flags for Debian's shared libraries; headers come from /usr/include, a built-in
    # include directory of the auto-configured toolchain.
    rctx.template("BUILD.bazel", rctx.attr.build_file)

system_libraries = repository_rule(
    implementation = _system_libraries_impl,
    attrs = {"build_file": attr.label(default = Label("//third_party:system_libs.BUILD"))},
)

def _maybe(rule, name, **kwargs):
    if name not in native.existing_rules():
        rule(name = name, **kwargs)

def stowage_dependencies(register_toolchain = True):
    """Declares every external repository stowage needs, from Debian packages only.

    Args:
      register_toolchain: register the stowage tool built from source
        (@stowage//builder:toolchain). A toolchain registered before this call wins anyway
        (e.g. stowage_prebuilt_toolchain); False registers none.
    """
    _maybe(debian_rules_cc, name = "rules_cc")
    _maybe(native.local_repository, name = "rules_java", path = "/usr/share/bazel/rules/java")
    _maybe(native.local_repository, name = "platforms", path = "/usr/share/bazel/platforms")
    _maybe(coverage_tools_stub, name = "remote_coverage_tools")
    _maybe(rules_shell_shim, name = "rules_shell")
    _maybe(system_libraries, name = "stowage_system_libs")

    # The libraries the tool links statically (zstd, libdeflate, zlib, brotli, libarchive, ...),
    # from the pinned Debian packages of third_party/tool_libs/debian12.lock.json
    # (docs/hermetic.md); fetched when the tool is built.
    # (The Bzlmod extension declares the same with tool_libs_repositories().)
    _maybe(stowage_tool_libs_arch, name = "stowage_tool_libs_amd64", architecture = "amd64", lock = TOOL_LIBS_LOCK)
    _maybe(stowage_tool_libs_arch, name = "stowage_tool_libs_arm64", architecture = "arm64", lock = TOOL_LIBS_LOCK)
    _maybe(stowage_tool_libs_hub, name = "stowage_tool_libs", architectures = ["amd64", "arm64"], repository = "stowage_tool_libs")
    if register_toolchain:
        # Label(): the repository may be named anything, not only "stowage".
        native.register_toolchains(str(Label("//builder:toolchain")))
