"""A test helper: writes what a static_assets target's StaticAssetsInfo says, one field a line."""

load("//rules:providers.bzl", "StaticAssetsInfo")

def _static_info_impl(ctx):
    info = ctx.attr.assets[StaticAssetsInfo]
    out = ctx.actions.declare_file(ctx.label.name + ".txt")
    ctx.actions.write(out, "root_path=%s\ntree=%s\nmanifest=%s\n" % (
        info.root_path,
        info.tree.short_path,
        info.manifest.short_path,
    ))
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

static_info = rule(
    implementation = _static_info_impl,
    attrs = {"assets": attr.label(providers = [StaticAssetsInfo])},
)
