"""The cc_toolchain_config of the hermetic Debian toolchain (debian_cc_toolchain's BUILD).

Thin on purpose: tool paths into the repository's wrappers, the sysroot, and the flags that make
every header, object and library come from the extracted packages (no built-in search path is
left to the compiler: -nostdinc and explicit -isystem directories, relative to the execution
root, which is also what Bazel's inclusion check accepts: a header from an absolute path fails
the build) and the output independent of where and when it was built.
"""

load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")
load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
    "with_feature_set",
)

_C_COMPILE = [ACTION_NAMES.c_compile, ACTION_NAMES.assemble, ACTION_NAMES.preprocess_assemble]
_CXX_COMPILE = [
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
    ACTION_NAMES.cpp_module_compile,
    ACTION_NAMES.cpp_module_codegen,
    ACTION_NAMES.linkstamp_compile,
]
_LINK = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

def _flags(actions, flags, features = None):
    return flag_set(
        actions = actions,
        flag_groups = [flag_group(flags = flags)],
        with_features = [with_feature_set(features = features)] if features else [],
    )

def _impl(ctx):
    root = ctx.label.workspace_root + "/root"
    usr = root + "/usr"
    gcc_lib = "%s/lib/gcc/%s/%s" % (usr, ctx.attr.triple, ctx.attr.gcc_version)
    cxx_include = [
        "%s/include/c++/%s" % (usr, ctx.attr.gcc_version),
        "%s/include/%s/c++/%s" % (usr, ctx.attr.triple, ctx.attr.gcc_version),
        "%s/include/c++/%s/backward" % (usr, ctx.attr.gcc_version),
    ]
    c_include = [
        gcc_lib + "/include",
        "%s/include/%s" % (usr, ctx.attr.triple),
        usr + "/include",
    ]
    wrappers = ctx.label.workspace_root + "/bin/"

    reproducible = [
        # Paths stay as Bazel wrote them (relative to the execution root), in .d files too.
        "-no-canonical-prefixes",
        "-fno-canonical-system-headers",
        # No build time in the output, no command line in debug information.
        "-Wno-builtin-macro-redefined",
        "-D__DATE__=\"redacted\"",
        "-D__TIMESTAMP__=\"redacted\"",
        "-D__TIME__=\"redacted\"",
        "-gno-record-gcc-switches",
        "-frandom-seed=stowage",
    ]
    includes = ["-nostdinc"]
    for d in c_include:
        includes += ["-isystem", d]
    cxx_includes = []
    for d in cxx_include:
        cxx_includes += ["-isystem", d]

    compile_flags = feature(
        name = "stowage_compile_flags",
        enabled = True,
        flag_sets = [
            # C++ directories first, then the C ones: the order g++'s built-in list has.
            _flags(_CXX_COMPILE, ["-nostdinc++"] + cxx_includes),
            # -B: gcc runs the packages' assembler (a wrapper in bin/), not the host's.
            _flags(_C_COMPILE + _CXX_COMPILE, reproducible + includes + [
                "-B" + wrappers,
                "-fstack-protector-strong",
                "-Wall",
                "-fno-omit-frame-pointer",
            ]),
            _flags(_C_COMPILE + _CXX_COMPILE, ["-g"], ["dbg"]),
            _flags(_C_COMPILE + _CXX_COMPILE, ["-O2", "-DNDEBUG", "-ffunction-sections", "-fdata-sections"], ["opt"]),
        ],
    )
    link_flags = feature(
        name = "stowage_link_flags",
        enabled = True,
        flag_sets = [
            _flags(_LINK, [
                "-no-canonical-prefixes",
                # crt*.o, libgcc and the linker from the packages, never a host directory.
                "-B" + wrappers,
                "-B" + gcc_lib,
                "-B%s/lib/%s" % (usr, ctx.attr.triple),
                "-L" + gcc_lib,
                "-L%s/lib/%s" % (usr, ctx.attr.triple),
                "-fuse-ld=bfd",
                "-Wl,--build-id=sha1",
                "-Wl,-z,relro,-z,now",
                "-lstdc++",
                "-lm",
            ]),
            _flags(_LINK, ["-Wl,--gc-sections"], ["opt"]),
        ],
    )
    features = [
        feature(name = "dbg"),
        feature(name = "opt"),
        feature(name = "fastbuild"),
        feature(name = "supports_pic", enabled = True),
        feature(name = "supports_dynamic_linker", enabled = True),
        compile_flags,
        link_flags,
    ]
    tools = {
        "gcc": "gcc",
        "cpp": "cpp",
        "ar": "ar",
        "ld": "ld",
        "nm": "nm",
        "objcopy": "objcopy",
        "objdump": "objdump",
        "strip": "strip",
        "gcov": "/bin/false",
        "dwp": "/bin/false",
    }
    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        features = features,
        # Only directories inside the repository: an absolute include path fails the build.
        cxx_builtin_include_directories = cxx_include + c_include,
        toolchain_identifier = "stowage-debian-gcc-%s-%s" % (ctx.attr.gcc_version, ctx.attr.cpu),
        host_system_name = "x86_64-linux-gnu",
        target_system_name = ctx.attr.triple,
        target_cpu = ctx.attr.cpu,
        target_libc = "glibc",
        compiler = "gcc",
        abi_version = "gcc-" + ctx.attr.gcc_version,
        abi_libc_version = "glibc",
        builtin_sysroot = root,
        tool_paths = [
            tool_path(name = n, path = p if p.startswith("/") else "bin/" + p)
            for n, p in tools.items()
        ],
    )

debian_cc_toolchain_config = rule(
    implementation = _impl,
    doc = "cc_toolchain_config for gcc and binutils extracted from Debian packages (debian_cc_toolchain).",
    attrs = {
        "cpu": attr.string(mandatory = True),
        "gcc_version": attr.string(mandatory = True),
        "triple": attr.string(mandatory = True),
    },
    provides = [CcToolchainConfigInfo],
)
