"""Images for a target platform: the transitions of oci_image(platform) and oci_image_index(platforms).

An image built for a platform has its layers (and base) built for it: a cc_binary in a layer is
compiled by the C++ toolchain that platform selects (stowage_cc_toolchain's cross compiler for
arm64), and `@hub//:NAME` packages of a deb_packages hub resolve to that architecture's section
of the lock. The config's os and architecture come from the platform's constraints.

`fixed_platform` (a build setting no user sets) records the platform an enclosing
oci_image_index or oci_image fixed: an image inside an index is built for the index's platform
even when it names its own, and an image that names a platform sets the same two values an
index does, so the index's amd64 image and the image itself are one configuration (one build,
one digest).
"""

_PLATFORMS = "//command_line_option:platforms"
_FIXED = str(Label("//rules/private:fixed_platform"))

_FixedPlatformInfo = provider(fields = ["value"])

PlatformProbeInfo = provider(
    doc = "The target platform of a configuration as OCI names it (empty when unknown).",
    fields = {
        "fixed": "the platform an enclosing index or image fixed (a label), or empty",
        "os": "linux, or empty",
        "architecture": "amd64, arm64, ...",
        "variant": "v7, or empty",
    },
)

def _fixed_platform_impl(ctx):
    return [_FixedPlatformInfo(value = ctx.build_setting_value)]

fixed_platform = rule(
    implementation = _fixed_platform_impl,
    build_setting = config.string(flag = False),
    doc = "The platform an enclosing oci_image_index or oci_image fixed (empty: none).",
)

def _image_platform_transition_impl(settings, attr):
    if settings[_FIXED] or not attr.platform:
        return {_PLATFORMS: settings[_PLATFORMS], _FIXED: settings[_FIXED]}
    return {_PLATFORMS: str(attr.platform), _FIXED: str(attr.platform)}

# oci_image(platform = P): the layers and base are built for P, unless an index fixed another.
image_platform_transition = transition(
    implementation = _image_platform_transition_impl,
    inputs = [_PLATFORMS, _FIXED],
    outputs = [_PLATFORMS, _FIXED],
)

def _index_platforms_transition_impl(settings, attr):
    if not attr.platforms:
        return {"": {_PLATFORMS: settings[_PLATFORMS], _FIXED: settings[_FIXED]}}
    return {
        str(p): {_PLATFORMS: str(p), _FIXED: str(p)}
        for p in attr.platforms
    }

# oci_image_index(platforms = [...]): each image once per platform.
index_platforms_transition = transition(
    implementation = _index_platforms_transition_impl,
    inputs = [_PLATFORMS, _FIXED],
    outputs = [_PLATFORMS, _FIXED],
)

_TOOL_CONFIGURATION = str(Label("//rules/private:tool_configuration"))

def _tool_configuration_transition_impl(settings, attr):
    return {_PLATFORMS: _TOOL_CONFIGURATION, _FIXED: ""}

# The stowage toolchain's incoming transition, so the tool is compiled once. An image or index
# transition sets --platforms and fixed_platform; Bazel carries both (and a hash of them that
# names the output directory) into the execution configuration its tools are built in, so the
# tool would be compiled again under every platform an index lists (measured: three times for
# the bookstore's image and index). This transition gives every path the same two values; the
# platform is one no build names otherwise, so the default path changes --platforms too and
# all paths end in one configuration. The toolchain target has no actions of its own: its
# binary is built from there in the execution configuration (cfg = "exec"), as before.
tool_configuration_transition = transition(
    implementation = _tool_configuration_transition_impl,
    inputs = [],
    outputs = [_PLATFORMS, _FIXED],
)

# @platforms//cpu constraint -> (OCI architecture, variant).
_CPUS = [
    ("x86_64", "amd64", ""),
    ("aarch64", "arm64", ""),
    ("arm64", "arm64", ""),
    ("armv7", "arm", "v7"),
    ("x86_32", "386", ""),
    ("i386", "386", ""),
    ("ppc", "ppc64le", ""),
    ("s390x", "s390x", ""),
    ("riscv64", "riscv64", ""),
]

def _platform_probe_impl(ctx):
    os = ""
    if ctx.target_platform_has_constraint(ctx.attr._linux[platform_common.ConstraintValueInfo]):
        os = "linux"
    architecture = ""
    variant = ""
    for i, target in enumerate(ctx.attr._cpus):
        if ctx.target_platform_has_constraint(target[platform_common.ConstraintValueInfo]):
            _, architecture, variant = _CPUS[i]
            break
    return [PlatformProbeInfo(
        fixed = ctx.attr._fixed[_FixedPlatformInfo].value,
        os = os,
        architecture = architecture,
        variant = variant,
    )]

# What the target platform of the configuration it is built in is, as OCI names it.
platform_probe = rule(
    implementation = _platform_probe_impl,
    attrs = {
        "_linux": attr.label(default = "@platforms//os:linux"),
        "_cpus": attr.label_list(default = ["@platforms//cpu:" + cpu for cpu, _, _ in _CPUS]),
        "_fixed": attr.label(default = "//rules/private:fixed_platform"),
    },
)
