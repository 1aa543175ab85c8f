"""Providers passed between stowage rules. They carry metadata and File handles, never bytes:
a layer's blob is written once by its own action and every consumer refers to it by path."""

LayerInfo = provider(
    doc = "One layer blob and its descriptor.",
    fields = {
        "blob": "File: the layer blob (tar, tar+gzip or tar+zstd).",
        "descriptor": "File: descriptor JSON (see docs/formats.md): mediaType, digest, size, diffId, ...",
        "compression": "string: gzip, zstd or none.",
    },
)

ImageInfo = provider(
    doc = "A single-platform image: config, manifest and every layer, base layers first.",
    fields = {
        "config": "File: the config JSON blob.",
        "manifest": "File: the manifest JSON blob.",
        "descriptor": "File: the manifest's descriptor JSON (mediaType, digest, size[, platform]).",
        "layers": "list of LayerInfo, in stack order (base first).",
        "format": "string: oci or docker (media types used in the manifest).",
    },
)

ImageIndexInfo = provider(
    doc = "A multi-platform image index.",
    fields = {
        "index": "File: the index JSON blob.",
        "descriptor": "File: the index's descriptor JSON.",
        "images": "list of ImageInfo, in index order.",
    },
)

StaticAssetsInfo = provider(
    doc = "A collected static tree (Django's STATIC_ROOT), ready to become a layer.",
    fields = {
        "tree": "File (directory): the collected files, hashed copies and .gz/.br variants.",
        "root_path": "string: where the tree goes in the image, e.g. /app/staticfiles.",
        "manifest": "File: staticfiles.json, as Django's ManifestStaticFilesStorage writes it.",
    },
)

DebPackagesInfo = provider(
    doc = "Locked Debian packages (from a deb_packages hub), ready to become layers.",
    fields = {
        "packages": "depset of struct(name, version, architecture, deb = File, depends = [names], sha256, source): the .deb files, the identity the lock gives them (with the .deb's SHA-256 and the source package, for SBOMs) and their dependency edges.",
        "roots": "list of package names this target stands for; the rest of `packages` is what they depend on.",
    },
)

DebLayerInfo = provider(
    doc = "What a deb_layer installs, so that layers above it neither repeat those packages nor forget them in dpkg's status file.",
    fields = {
        "packages": "depset of structs as in DebPackagesInfo: installed by this layer and the deb_layers below it.",
        "layer_packages": "list of those structs installed by this layer itself, in name order.",
    },
)
