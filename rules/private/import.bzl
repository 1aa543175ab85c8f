"""oci_import: an image whose blobs already exist as files (a pulled base, a local layout).

The files are produced by a repository rule (oci_pull) or checked in; nothing is rebuilt.
Each layer blob comes with the descriptor JSON that `stowage pull` wrote beside it."""

load("//rules:providers.bzl", "ImageInfo", "LayerInfo")

def _oci_import_impl(ctx):
    if len(ctx.files.layers) != len(ctx.files.layer_descriptors):
        fail("oci_import: %d layers but %d layer_descriptors" % (len(ctx.files.layers), len(ctx.files.layer_descriptors)))
    compressions = ctx.attr.layer_compressions or ["gzip"] * len(ctx.files.layers)
    layers = [
        LayerInfo(blob = blob, descriptor = desc, compression = comp)
        for blob, desc, comp in zip(ctx.files.layers, ctx.files.layer_descriptors, compressions)
    ]
    files = [ctx.file.config, ctx.file.manifest, ctx.file.descriptor] + ctx.files.layers + ctx.files.layer_descriptors
    return [
        ImageInfo(
            config = ctx.file.config,
            manifest = ctx.file.manifest,
            descriptor = ctx.file.descriptor,
            layers = layers,
            format = ctx.attr.format,
        ),
        DefaultInfo(files = depset(files)),
    ]

oci_import = rule(
    implementation = _oci_import_impl,
    doc = "An image from existing files: config, manifest, manifest descriptor, layer blobs and descriptors.",
    attrs = {
        "config": attr.label(allow_single_file = True, mandatory = True, doc = "The image config blob (JSON)."),
        "manifest": attr.label(allow_single_file = True, mandatory = True, doc = "The manifest blob (JSON) that names the config and layers."),
        "descriptor": attr.label(allow_single_file = True, mandatory = True, doc = "The manifest's descriptor JSON."),
        "layers": attr.label_list(allow_files = True, doc = "Layer blobs, base first."),
        "layer_descriptors": attr.label_list(allow_files = True, doc = "One descriptor JSON per layer, same order."),
        "layer_compressions": attr.string_list(doc = "gzip, zstd or none per layer; gzip when empty."),
        "format": attr.string(default = "oci", values = ["oci", "docker"], doc = "Media types of the imported manifest."),
    },
)
