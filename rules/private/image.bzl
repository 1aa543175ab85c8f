"""oci_image: an image config + manifest assembled from a base and layers.

The action reads only small files: the base's config and manifest and each layer's descriptor.
Layer blobs are never inputs, so assembling an image costs the same for a 10 MB or a 10 GB base."""

load("//rules:providers.bzl", "ImageInfo", "LayerInfo")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

def _image_spec(ctx):
    spec = {
        "format": ctx.attr.format,
        "layers": [
            {"descriptor": layer[LayerInfo].descriptor.path, "name": str(layer.label)}
            for layer in ctx.attr.layers
        ],
        "env": ctx.attr.env,
        "workdir": ctx.attr.workdir,
        "user": ctx.attr.user,
        "exposed_ports": ctx.attr.exposed_ports,
        "volumes": ctx.attr.volumes,
        "labels": ctx.attr.labels,
        "annotations": ctx.attr.annotations,
        "stop_signal": ctx.attr.stop_signal,
        "os": ctx.attr.os,
        "architecture": ctx.attr.architecture,
        "variant": ctx.attr.variant,
    }

    # An empty list means "inherit from the base": string_list attrs cannot tell unset from [].
    if ctx.attr.entrypoint:
        spec["entrypoint"] = ctx.attr.entrypoint
    if ctx.attr.cmd:
        spec["cmd"] = ctx.attr.cmd
    if ctx.attr.healthcheck:
        healthcheck = dict(ctx.attr.healthcheck_options)
        healthcheck["test"] = ctx.attr.healthcheck
        spec["healthcheck"] = healthcheck
    elif ctx.attr.healthcheck_options:
        fail("healthcheck_options needs healthcheck (the test command)")
    if ctx.attr.base:
        base = ctx.attr.base[ImageInfo]
        spec["base"] = {"config": base.config.path, "manifest": base.manifest.path}
    return spec

def _oci_image_impl(ctx):
    config = ctx.actions.declare_file(ctx.label.name + ".config.json")
    manifest = ctx.actions.declare_file(ctx.label.name + ".manifest.json")
    descriptor = ctx.actions.declare_file(ctx.label.name + ".descriptor.json")
    spec = ctx.actions.declare_file(ctx.label.name + ".image_spec.json")
    ctx.actions.write(spec, json.encode(_image_spec(ctx)))

    inputs = [spec] + [layer[LayerInfo].descriptor for layer in ctx.attr.layers]
    base_layers = []
    if ctx.attr.base:
        base = ctx.attr.base[ImageInfo]
        inputs += [base.config, base.manifest]
        base_layers = base.layers

    args = ctx.actions.args()
    args.add("image")
    args.add("--spec", spec)
    args.add("--config-out", config)
    args.add("--manifest-out", manifest)
    args.add("--descriptor-out", descriptor)
    if ctx.attr.stamp:
        args.add("--stable-status", ctx.info_file)
        args.add("--volatile-status", ctx.version_file)
        inputs += [ctx.info_file, ctx.version_file]

    run_stowage(
        ctx,
        arguments = [args],
        inputs = inputs,
        outputs = [config, manifest, descriptor],
        mnemonic = "StowageImage",
        progress_message = "Assembling image %s" % ctx.label,
        # Passes --action_env=SOURCE_DATE_EPOCH=... through (the default creation time).
        use_default_shell_env = True,
    )

    layers = base_layers + [layer[LayerInfo] for layer in ctx.attr.layers]
    return [
        ImageInfo(
            config = config,
            manifest = manifest,
            descriptor = descriptor,
            layers = layers,
            format = ctx.attr.format,
        ),
        DefaultInfo(files = depset([config, manifest, descriptor])),
        OutputGroupInfo(blobs = depset([layer.blob for layer in layers])),
    ]

oci_image = rule(
    implementation = _oci_image_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = "A single-platform image: config and manifest over a base and layers (docs/image.md).",
    attrs = {
        "base": attr.label(providers = [ImageInfo], doc = "An oci_image or oci_import; none means scratch."),
        "layers": attr.label_list(providers = [LayerInfo], doc = "Layers in stack order, added over the base's."),
        "entrypoint": attr.string_list(doc = "Replaces the base's Entrypoint and drops its Cmd. Empty: inherit."),
        "cmd": attr.string_list(doc = "Replaces the Cmd. Empty: inherit."),
        "env": attr.string_dict(doc = "Merged over the base's Env; $VAR and ${VAR} expand from the base's values."),
        "workdir": attr.string(doc = "WorkingDir; a relative path resolves against the base's."),
        "user": attr.string(doc = "user, uid, user:group or uid:gid."),
        "exposed_ports": attr.string_list(doc = "\"8080\", \"8080/tcp\", \"53/udp\"; added to the base's."),
        "volumes": attr.string_list(doc = "Absolute paths; added to the base's."),
        "labels": attr.string_dict(doc = "Config labels, merged over the base's. {KEY} expands from workspace status when stamped."),
        "annotations": attr.string_dict(doc = "Manifest annotations (OCI format only). {KEY} expands when stamped."),
        "stop_signal": attr.string(),
        "healthcheck": attr.string_list(doc = "Healthcheck test: [\"CMD\", ...], [\"CMD-SHELL\", \"...\"] or [\"NONE\"]."),
        "healthcheck_options": attr.string_dict(doc = "interval, timeout, start_period, start_interval (\"30s\"), retries."),
        "os": attr.string(doc = "Default: the base's, else linux."),
        "architecture": attr.string(doc = "Default: the base's, else amd64."),
        "variant": attr.string(),
        "format": attr.string(default = "oci", values = ["oci", "docker"], doc = "Manifest media types."),
        "stamp": attr.bool(doc = "Take created/revision/source from workspace status (BUILD_TIMESTAMP, STABLE_GIT_COMMIT, STABLE_GIT_URL)."),
    },
)
