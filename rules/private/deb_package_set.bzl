"""deb_package_info and deb_package_set: locked Debian packages as DebPackagesInfo.

The deb_packages hub generates these (docs/deb.md): every package repository has a
deb_package_info named `package`, and the hub's `<arch>:<name>` targets are deb_package_sets of
a package's closure (computed from the lock's dependency edges, so dependency cycles, common in
Debian, are no problem: a set lists its members, it does not depend on other sets)."""

load("//rules:providers.bzl", "DebPackagesInfo")

def _package_struct(ctx):
    return struct(
        name = ctx.attr.package,
        version = ctx.attr.version,
        architecture = ctx.attr.architecture,
        deb = ctx.file.deb,
        depends = ctx.attr.depends,
        sha256 = ctx.attr.sha256,
        source = ctx.attr.source,
    )

def _deb_package_info_impl(ctx):
    return [
        DebPackagesInfo(packages = depset([_package_struct(ctx)]), roots = [ctx.attr.package]),
        DefaultInfo(files = depset([ctx.file.deb])),
    ]

deb_package_info = rule(
    implementation = _deb_package_info_impl,
    doc = "One .deb and the identity the lock gives it.",
    attrs = {
        "deb": attr.label(allow_single_file = [".deb"], mandatory = True),
        "package": attr.string(mandatory = True),
        "version": attr.string(mandatory = True),
        "architecture": attr.string(mandatory = True),
        "depends": attr.string_list(doc = "Names of the locked packages it depends on."),
        "sha256": attr.string(doc = "The .deb's SHA-256, as the lock pins it."),
        "source": attr.string(doc = "The source package it was built from."),
    },
)

def _deb_package_set_impl(ctx):
    packages = depset(transitive = [t[DebPackagesInfo].packages for t in ctx.attr.packages])
    return [
        DebPackagesInfo(packages = packages, roots = ctx.attr.roots),
        DefaultInfo(files = depset([p.deb for p in packages.to_list()])),
    ]

deb_package_set = rule(
    implementation = _deb_package_set_impl,
    doc = "A set of locked packages (DebPackagesInfo), e.g. a package and its dependencies.",
    attrs = {
        "packages": attr.label_list(providers = [DebPackagesInfo]),
        "roots": attr.string_list(doc = "The packages this set stands for (deb_layer walks their dependencies within the set)."),
    },
)
