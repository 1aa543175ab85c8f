"""oci_image_index: a multi-platform index (OCI) or manifest list (Docker) over images."""

load("//rules:providers.bzl", "ImageIndexInfo", "ImageInfo")
load("//rules/private:platforms.bzl", "index_platforms_transition")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

def _oci_image_index_impl(ctx):
    index = ctx.actions.declare_file(ctx.label.name + ".index.json")
    descriptor = ctx.actions.declare_file(ctx.label.name + ".descriptor.json")
    if ctx.attr.platforms:
        # Each image once per platform, in the order platforms lists them.
        images = []
        for platform in ctx.attr.platforms:
            images += [image[ImageInfo] for image in ctx.split_attr.images[str(platform.label)]]
    else:
        images = [image[ImageInfo] for image in ctx.attr.images]
    args = ctx.actions.args()
    args.add("index")
    args.add_all([image.descriptor for image in images], before_each = "--image")

    # Configs are small; they give the platform when a descriptor (from an import) has none.
    args.add_all([image.config for image in images], before_each = "--config")
    args.add("--index-out", index)
    args.add("--descriptor-out", descriptor)
    args.add_all(["%s=%s" % (k, v) for k, v in sorted(ctx.attr.annotations.items())], before_each = "--annotation")
    extra = []
    if ctx.file.annotations_file:
        args.add("--annotations-file", ctx.file.annotations_file)
        extra.append(ctx.file.annotations_file)
    run_stowage(
        ctx,
        arguments = [args],
        inputs = [image.descriptor for image in images] + [image.config for image in images] + extra,
        outputs = [index, descriptor],
        mnemonic = "StowageImageIndex",
        progress_message = "Assembling image index %s" % ctx.label,
    )
    return [
        ImageIndexInfo(index = index, descriptor = descriptor, images = images),
        DefaultInfo(files = depset([index, descriptor])),
    ]

oci_image_index_rule = rule(
    implementation = _oci_image_index_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = "A multi-platform image index; each image's platform comes from its config.",
    attrs = {
        "images": attr.label_list(
            mandatory = True,
            providers = [ImageInfo],
            cfg = index_platforms_transition,
            doc = "One image per platform, all of one format; with `platforms`, images built once for each of them.",
        ),
        "platforms": attr.label_list(doc = "Build every image of `images` for each of these platforms (one transition: one target gives linux/amd64 and linux/arm64 from the same BUILD rules; a layer's cc_binary is compiled for each by the C++ toolchain the platform selects). The index lists them in this order."),
        "_allowlist_function_transition": attr.label(default = "@bazel_tools//tools/allowlists/function_transition_allowlist"),
        "annotations": attr.string_dict(doc = "Index annotations (OCI format only); they win over annotations_file's."),
        "annotations_file": attr.label(allow_single_file = True, doc = "More annotations from a KEY=VALUE file (rules_oci's form)."),
    },
)

def oci_image_index(name, annotations = None, **kwargs):
    """oci_image_index_rule, with annotations as a dict or (rules_oci's form) a KEY=VALUE file.

    Args:
      name: the index target.
      annotations: a dict, or a label of a file with KEY=VALUE lines.
      **kwargs: every other oci_image_index_rule attribute (images, ...).
    """
    if annotations != None:
        if type(annotations) == "string" or type(annotations) == "Label":
            kwargs["annotations_file"] = annotations
        else:
            kwargs["annotations"] = annotations
    oci_image_index_rule(name = name, **kwargs)
