"""oci_layout: an OCI image layout directory (tree artifact) for an image or an image index."""

load("//rules:providers.bzl", "ImageIndexInfo", "ImageInfo")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

def _may_link(file):
    # Hard links share the inode, and Bazel makes outputs read-only: never link a file of the
    # user's own source tree, only build outputs and external (pulled) files.
    return not (file.is_source and file.owner != None and file.owner.workspace_name == "")

def _image_entry(image):
    entry = {
        "descriptor": image.descriptor.path,
        "manifest": image.manifest.path,
        "config": image.config.path,
        "layers": [
            {"descriptor": layer.descriptor.path, "blob": layer.blob.path, "link": _may_link(layer.blob)}
            for layer in image.layers
        ],
    }
    inputs = [image.descriptor, image.manifest, image.config]
    for layer in image.layers:
        inputs += [layer.descriptor, layer.blob]
    return entry, inputs

def image_set_spec(target):
    """The JSON spec `stowage layout` and `stowage tarball` read, and its input files.

    Args:
      target: a target providing ImageInfo or ImageIndexInfo.
    Returns:
      (spec dict, list of input Files)
    """
    if ImageIndexInfo in target:
        index = target[ImageIndexInfo]
        images = index.images
        spec = {"index": {"descriptor": index.descriptor.path, "index": index.index.path}}
        inputs = [index.descriptor, index.index]
    else:
        images = [target[ImageInfo]]
        spec = {}
        inputs = []
    spec["images"] = []
    for image in images:
        entry, files = _image_entry(image)
        spec["images"].append(entry)
        inputs += files
    return spec, inputs

def _oci_layout_impl(ctx):
    out = ctx.actions.declare_directory(ctx.label.name)
    spec_file = ctx.actions.declare_file(ctx.label.name + ".layout_spec.json")
    spec, inputs = image_set_spec(ctx.attr.image)
    ctx.actions.write(spec_file, json.encode(spec))
    args = ctx.actions.args()
    args.add("layout")
    args.add("--spec", spec_file)
    args.add("--out", out.path)
    if ctx.attr.tag:
        args.add("--tag", ctx.attr.tag)
    run_stowage(
        ctx,
        arguments = [args],
        inputs = depset([spec_file] + inputs),
        outputs = [out],
        mnemonic = "StowageLayout",
        progress_message = "Writing OCI layout %s" % ctx.label,
        # Hard links need the real output tree: the sandbox mounts inputs read-only, so a link
        # from a sandboxed output fails (EXDEV) and the tool falls back to copying.
        execution_requirements = {"no-sandbox": "1"} if ctx.attr.hardlink else {},
    )
    return [DefaultInfo(files = depset([out]))]

oci_layout = rule(
    implementation = _oci_layout_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = "An OCI image layout directory: oci-layout, index.json, blobs/sha256/... (docs/image.md).",
    attrs = {
        "image": attr.label(mandatory = True, providers = [[ImageInfo], [ImageIndexInfo]], doc = "An oci_image, oci_import or oci_image_index."),
        "hardlink": attr.bool(default = False, doc = "Hard-link layer blobs built by Bazel or pulled instead of copying: faster for large bases, but the action then runs unsandboxed (no-sandbox), so it is off by default."),
        "tag": attr.string(default = "latest", doc = "org.opencontainers.image.ref.name in index.json; empty: untagged."),
    },
)
