"""oci_tarball: one tar for `docker load` that is also an OCI image layout."""

load("//rules:providers.bzl", "ImageInfo")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")
load(":layout.bzl", "image_set_spec")

def _oci_tarball_impl(ctx):
    out = ctx.actions.declare_file(ctx.label.name + ".tar")
    spec_file = ctx.actions.declare_file(ctx.label.name + ".tarball_spec.json")
    spec, inputs = image_set_spec(ctx.attr.image)
    ctx.actions.write(spec_file, json.encode(spec))
    args = ctx.actions.args()
    args.add("tarball")
    args.add("--spec", spec_file)
    args.add("--out", out)
    args.add_all(ctx.attr.repo_tags, before_each = "--repo-tag")
    run_stowage(
        ctx,
        arguments = [args],
        inputs = depset([spec_file] + inputs),
        outputs = [out],
        mnemonic = "StowageTarball",
        progress_message = "Writing image tarball %s" % ctx.label,
    )
    return [DefaultInfo(files = depset([out]))]

oci_tarball = rule(
    implementation = _oci_tarball_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = "A docker-archive (`docker load`) that is also an OCI layout, as `docker save` writes.",
    attrs = {
        "image": attr.label(mandatory = True, providers = [ImageInfo], doc = "An oci_image or oci_import."),
        "repo_tags": attr.string_list(doc = "[host[:port]/]name[:tag]; a missing tag means latest."),
    },
)
