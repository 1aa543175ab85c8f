"""oci_sbom: an image's SBOM (CycloneDX 1.5 and SPDX 2.3 JSON) from what the build knows.

An aspect walks the image's `layers` and `base` edges and notes, per layer descriptor, the
Bazel target that made it, the static_assets trees in it and the Debian packages a deb_layer
installed; `stowage sbom` then reads the image's own layer blobs back (every file with its
SHA-256), hashes the pinned .deb files and parses their copyright files. Base layers are listed
by digest only and their blobs are not inputs."""

load("//rules:providers.bzl", "DebLayerInfo", "ImageInfo", "LayerInfo", "StaticAssetsInfo")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

SbomInfo = provider(
    doc = "An image's SBOM files.",
    fields = {
        "cyclonedx": "File: CycloneDX 1.5 JSON.",
        "spdx": "File: SPDX 2.3 JSON.",
        "image": "ImageInfo of the image it describes.",
    },
)

_SbomLayersInfo = provider(
    doc = "What the build knows about each layer of an image, by descriptor path.",
    fields = {
        "layers": "dict: descriptor path -> struct(target, static_roots, packages)",
        "base_target": "string: the label of the image's base, or empty",
        "base": "ImageInfo of the base, or None",
    },
)

def _sbom_aspect_impl(target, ctx):
    layers = {}
    attrs = ctx.rule.attr
    for dep in getattr(attrs, "layers", []) + ([attrs.base] if getattr(attrs, "base", None) else []):
        if _SbomLayersInfo in dep:
            layers.update(dep[_SbomLayersInfo].layers)
    if LayerInfo in target:
        static_roots = [s[StaticAssetsInfo].root_path for s in getattr(attrs, "srcs", []) if StaticAssetsInfo in s]
        packages = target[DebLayerInfo].packages.to_list() if DebLayerInfo in target else []
        layers[target[LayerInfo].descriptor.path] = struct(
            target = str(target.label),
            static_roots = static_roots,
            packages = packages,
        )
    base = getattr(attrs, "base", None)
    return [_SbomLayersInfo(
        layers = layers,
        base_target = str(base.label) if base else "",
        base = base[ImageInfo] if base and ImageInfo in base else None,
    )]

_sbom_aspect = aspect(
    implementation = _sbom_aspect_impl,
    attr_aspects = ["layers", "base"],
)

def _oci_sbom_impl(ctx):
    image = ctx.attr.image[ImageInfo]
    known = ctx.attr.image[_SbomLayersInfo]
    base = known.base
    base_descriptors = {l.descriptor.path: True for l in base.layers} if base else {}
    inputs = [image.manifest, image.config]
    layers = []
    for layer in image.layers:
        info = known.layers.get(layer.descriptor.path)
        from_base = layer.descriptor.path in base_descriptors
        entry = {
            "base": from_base,
            "descriptor": layer.descriptor.path,
            "target": info.target if info else str(ctx.attr.image.label),
        }
        inputs.append(layer.descriptor)
        if not from_base:
            entry["blob"] = layer.blob.path
            inputs.append(layer.blob)
        if info and info.static_roots:
            entry["staticRoots"] = info.static_roots
        if info and info.packages:
            entry["packages"] = [
                {"architecture": p.architecture, "deb": p.deb.path, "name": p.name, "version": p.version}
                for p in info.packages
            ]
            inputs += [p.deb for p in info.packages]
        layers.append(entry)
    spec = {"config": image.config.path, "layers": layers, "manifest": image.manifest.path, "name": str(ctx.attr.image.label)}
    if base:
        spec["base"] = {"descriptor": base.descriptor.path, "target": known.base_target}
        inputs.append(base.descriptor)
    spec_file = ctx.actions.declare_file(ctx.label.name + ".sbom_spec.json")
    ctx.actions.write(spec_file, json.encode(spec))
    cyclonedx = ctx.actions.declare_file(ctx.label.name + ".cdx.json")
    spdx = ctx.actions.declare_file(ctx.label.name + ".spdx.json")
    run_stowage(
        ctx,
        arguments = ["sbom", "--spec", spec_file.path, "--cyclonedx", cyclonedx.path, "--spdx", spdx.path],
        inputs = depset([spec_file] + inputs),
        outputs = [cyclonedx, spdx],
        mnemonic = "StowageSbom",
        progress_message = "Writing the SBOM of %s" % ctx.attr.image.label,
    )
    return [
        SbomInfo(cyclonedx = cyclonedx, spdx = spdx, image = image),
        DefaultInfo(files = depset([cyclonedx, spdx])),
    ]

oci_sbom = rule(
    implementation = _oci_sbom_impl,
    doc = """An image's SBOM: `<name>.cdx.json` (CycloneDX 1.5) and `<name>.spdx.json` (SPDX 2.3),
byte-reproducible, from what the build knows (docs/supply-chain.md): every file of each of the
image's own layers with its SHA-256 (static assets marked), the Bazel target behind each layer,
the base image by digest, and every Debian package a deb_layer installed (name, version,
architecture, purl `pkg:deb/debian/NAME@VERSION?arch=ARCH`, the .deb's SHA-256, licenses from a
machine-readable copyright file). Example:

    oci_sbom(name = "sbom", image = ":image")
    oci_push(name = "push", image = ":image", sbom = ":sbom", sign = True, ...)

`oci_push(sbom = ...)` attaches both documents as signed attestations.""",
    attrs = {
        "image": attr.label(
            mandatory = True,
            providers = [ImageInfo],
            aspects = [_sbom_aspect],
            doc = "An oci_image (or oci_import).",
        ),
    },
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
)

ProvenanceInfo = provider(
    doc = "An image's SLSA v1 provenance predicate.",
    fields = {
        "predicate": "File: the predicate JSON (the subject is added when it is attached).",
        "image": "ImageInfo of the image it describes.",
    },
)

def _oci_provenance_impl(ctx):
    image = ctx.attr.image[ImageInfo]
    known = ctx.attr.image[_SbomLayersInfo]
    inputs = [image.manifest]
    spec = {
        "builderId": ctx.attr.builder_id,
        "lockfiles": [{"name": str(f.owner) if f.owner else f.short_path, "path": f.path} for f in ctx.files.lockfiles],
        "manifest": image.manifest.path,
        "status": [],
        "target": str(ctx.attr.image.label),
    }
    inputs += ctx.files.lockfiles
    if known.base:
        spec["base"] = {"descriptor": known.base.descriptor.path, "target": known.base_target}
        inputs.append(known.base.descriptor)
    if ctx.attr.stamp:
        spec["status"] = [ctx.info_file.path]
        inputs.append(ctx.info_file)
    spec_file = ctx.actions.declare_file(ctx.label.name + ".provenance_spec.json")
    ctx.actions.write(spec_file, json.encode(spec))
    predicate = ctx.actions.declare_file(ctx.label.name + ".slsa.json")
    run_stowage(
        ctx,
        arguments = ["provenance", "--spec", spec_file.path, "--output", predicate.path],
        inputs = [spec_file] + inputs,
        outputs = [predicate],
        mnemonic = "StowageProvenance",
        progress_message = "Writing the provenance of %s" % ctx.attr.image.label,
    )
    return [
        ProvenanceInfo(predicate = predicate, image = image),
        DefaultInfo(files = depset([predicate])),
    ]

oci_provenance = rule(
    implementation = _oci_provenance_impl,
    doc = """An SLSA v1 provenance predicate for an image (`<name>.slsa.json`, docs/supply-chain.md):
builder id, build type, the image target, its manifest digest, the source commit
(`STABLE_GIT_COMMIT`, and `STABLE_GIT_REMOTE` when present, from `--workspace_status_command`,
with stamp = True), each lockfile by SHA-256 and the base image by digest. No clock and no
random id. `oci_push(provenance = ...)` attaches it as a signed in-toto attestation whose
subject is the pushed digest. Example:

    oci_provenance(name = "provenance", image = ":image", lockfiles = ["bookstore.lock.json"], stamp = True)""",
    attrs = {
        "image": attr.label(mandatory = True, providers = [ImageInfo], aspects = [_sbom_aspect], doc = "An oci_image."),
        "lockfiles": attr.label_list(allow_files = True, doc = "Lockfiles the image's contents are pinned by (deb_lock's), recorded by digest."),
        "builder_id": attr.string(default = "urn:stowage:bazel", doc = "runDetails.builder.id: who ran the build (a CI system's URI)."),
        "stamp": attr.bool(doc = "Record the source commit from the stable workspace status (STABLE_GIT_COMMIT)."),
    },
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
)
