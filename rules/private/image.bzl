"""oci_image: an image config + manifest assembled from a base and layers.

The action reads only small files: the base's config and manifest and each layer's descriptor.
Layer blobs are never inputs, so assembling an image costs the same for a 10 MB or a 10 GB base.

`oci_image` is a macro over the rule `oci_image_rule` so that a BUILD file written for
rules_oci works with only its load line changed: env, labels and annotations may be a dict or a
KEY=VALUE file; entrypoint and cmd a list or a file with one element per line; exposed_ports and
volumes a list or a comma-separated file; created a value or a file (docs/migrating-from-rules_oci.md).
"""

load("//rules:providers.bzl", "ImageInfo", "LayerInfo")
load("//rules/private:platforms.bzl", "PlatformProbeInfo", "image_platform_transition")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

# What a tar file's name says about its compression (rules_oci accepts these names).
_TAR_EXTENSIONS = [
    (".tar", "none"),
    (".tar.gz", "gzip"),
    (".tgz", "gzip"),
    (".tar.zst", "zstd"),
    (".tzst", "zstd"),
]

_BLOB_EXTENSIONS = {"gzip": ".tar.gz", "none": ".tar", "zstd": ".tar.zst"}

def _named_compression(f):
    """gzip/zstd/none from the file name, or None (another compression, detected at build time)."""
    for ext, compression in _TAR_EXTENSIONS:
        if f.basename.endswith(ext):
            return compression
    return None

def _tar_layers(ctx):
    """One LayerInfo per file in `tars`, described by `stowage tar-layer` in one pass.

    A tar whose compression is kept is its own layer blob: nothing is copied."""
    layers = []
    for index, tar in enumerate(ctx.files.tars):
        named = _named_compression(tar)
        want = ctx.attr.tars_compression
        if want == "keep":
            # xz, bzip2, ... are no layer compressions; Docker's media types have no zstd.
            want = named if named else "gzip"
            if want == "zstd" and ctx.attr.format == "docker":
                want = "gzip"
        elif want == "zstd" and ctx.attr.format == "docker":
            fail("oci_image(%s): tars_compression = \"zstd\" needs format = \"oci\" (Docker schema 2 has no zstd layers)" % ctx.label.name)
        prefix = "%s.tar_layer_%d" % (ctx.label.name, index)
        descriptor = ctx.actions.declare_file(prefix + ".descriptor.json")
        args = ctx.actions.args()
        args.add("tar-layer")
        args.add("--tar", tar)
        args.add("--descriptor", descriptor)
        if named:
            args.add("--expect", named)
        outputs = [descriptor]
        blob = tar
        if want != named:
            blob = ctx.actions.declare_file(prefix + _BLOB_EXTENSIONS[want])
            args.add("--output", blob)
            args.add("--compression", want)
            outputs.append(blob)
        run_stowage(
            ctx,
            arguments = [args],
            inputs = [tar],
            outputs = outputs,
            mnemonic = "StowageTarLayer",
            progress_message = "Describing tar layer %s of %s" % (tar.short_path, ctx.label),
            # STOWAGE_THREADS (--action_env) caps the compression threads; nothing else is read.
            use_default_shell_env = True,
        )
        layers.append(struct(
            info = LayerInfo(blob = blob, descriptor = descriptor, compression = want),
            name = str(tar.owner) if tar.owner else tar.short_path,
        ))
    return layers

def _file_path(target):
    return target.files.to_list()[0].path if target else ""

def _image_spec(ctx, new_layers):
    os, architecture, variant = _platform_fields(ctx)
    spec = {
        "format": ctx.attr.format,
        "layers": [
            {"descriptor": layer.info.descriptor.path, "name": layer.name}
            for layer in new_layers
        ],
        "env": ctx.attr.env,
        "workdir": ctx.attr.workdir,
        "user": ctx.attr.user,
        "exposed_ports": ctx.attr.exposed_ports,
        "volumes": ctx.attr.volumes,
        "labels": ctx.attr.labels,
        "annotations": ctx.attr.annotations,
        "stop_signal": ctx.attr.stop_signal,
        "os": os,
        "architecture": architecture,
        "variant": variant,
        "created": ctx.attr.created,
    }

    # The rules_oci file forms: the tool reads them (Starlark cannot read files).
    for key in ["env", "labels", "annotations", "entrypoint", "cmd", "exposed_ports", "volumes", "created"]:
        target = getattr(ctx.attr, key + "_file")
        if target:
            spec[key + "_file"] = _file_path(target)

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
    if _base(ctx):
        base = _base(ctx)[ImageInfo]
        spec["base"] = {"config": base.config.path, "manifest": base.manifest.path}
    return spec

def _base(ctx):
    # An attribute with a transition is a list, even of one label.
    return ctx.attr.base[0] if ctx.attr.base else None

def _platform_fields(ctx):
    """os, architecture, variant: the attributes, else (for an image built for a platform by
    `platform` or an index) the platform's, else empty (the base's, else linux/amd64)."""
    probe = ctx.attr._platform_probe[0][PlatformProbeInfo]
    os, architecture, variant = ctx.attr.os, ctx.attr.architecture, ctx.attr.variant
    if probe.fixed:
        if not probe.architecture:
            fail("oci_image(%s): the platform %s has no @platforms//cpu constraint stowage knows; set architecture" % (ctx.label.name, probe.fixed))
        os = os or probe.os
        if not architecture:
            architecture = probe.architecture
            variant = variant or probe.variant
    return os, architecture, variant

def _oci_image_impl(ctx):
    for key in ["entrypoint", "cmd"]:
        if getattr(ctx.attr, key) and getattr(ctx.attr, key + "_file"):
            fail("oci_image(%s): give %s as a list or as a file, not both" % (ctx.label.name, key))
    config = ctx.actions.declare_file(ctx.label.name + ".config.json")
    manifest = ctx.actions.declare_file(ctx.label.name + ".manifest.json")
    descriptor = ctx.actions.declare_file(ctx.label.name + ".descriptor.json")
    digest = ctx.actions.declare_file(ctx.label.name + ".json.sha256")
    spec = ctx.actions.declare_file(ctx.label.name + ".image_spec.json")

    new_layers = [
        struct(info = layer[LayerInfo], name = str(layer.label))
        for layer in ctx.attr.layers
    ] + _tar_layers(ctx)
    ctx.actions.write(spec, json.encode(_image_spec(ctx, new_layers)))

    inputs = [spec] + [layer.info.descriptor for layer in new_layers]
    for key in ["env", "labels", "annotations", "entrypoint", "cmd", "exposed_ports", "volumes", "created"]:
        target = getattr(ctx.attr, key + "_file")
        if target:
            inputs += target.files.to_list()
    base_layers = []
    if _base(ctx):
        base = _base(ctx)[ImageInfo]
        inputs += [base.config, base.manifest]
        base_layers = base.layers

    args = ctx.actions.args()
    args.add("image")
    args.add("--spec", spec)
    args.add("--config-out", config)
    args.add("--manifest-out", manifest)
    args.add("--descriptor-out", descriptor)
    args.add("--digest-out", digest)
    if ctx.attr.stamp:
        args.add("--stable-status", ctx.info_file)
        args.add("--volatile-status", ctx.version_file)
        inputs += [ctx.info_file, ctx.version_file]

    run_stowage(
        ctx,
        arguments = [args],
        inputs = inputs,
        outputs = [config, manifest, descriptor, digest],
        mnemonic = "StowageImage",
        progress_message = "Assembling image %s" % ctx.label,
        # Passes --action_env=SOURCE_DATE_EPOCH=... through (the default creation time).
        use_default_shell_env = True,
    )

    layers = base_layers + [layer.info for layer in new_layers]
    return [
        ImageInfo(
            config = config,
            manifest = manifest,
            descriptor = descriptor,
            layers = layers,
            format = ctx.attr.format,
        ),
        DefaultInfo(
            files = depset([config, manifest, descriptor]),
            runfiles = ctx.runfiles(files = [config, manifest, descriptor]),
        ),
        OutputGroupInfo(
            blobs = depset([layer.blob for layer in layers]),
            digest = depset([digest]),
        ),
    ]

oci_image_rule = rule(
    implementation = _oci_image_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = """A single-platform image: config and manifest over a base and layers (docs/image.md).

Use it through the `oci_image` macro, which also accepts the rules_oci forms of its attributes
and adds a `<name>.digest` target (a file holding the manifest digest, as rules_oci's).""",
    attrs = {
        "base": attr.label(providers = [ImageInfo], cfg = image_platform_transition, doc = "An oci_image or oci_import (`@name` of an oci_pull works); none means scratch."),
        "layers": attr.label_list(providers = [LayerInfo], cfg = image_platform_transition, doc = "Layers in stack order, added over the base's."),
        "platform": attr.label(doc = "Build the layers and base for this platform (a cc_binary in a layer is compiled by the C++ toolchain it selects, `@hub//:NAME` Debian packages are that architecture's); os, architecture and variant default to its constraints. Inside an oci_image_index with `platforms`, the index's platform wins."),
        "_platform_probe": attr.label(default = "//rules/private:platform_probe", cfg = image_platform_transition, providers = [PlatformProbeInfo]),
        "_allowlist_function_transition": attr.label(default = "@bazel_tools//tools/allowlists/function_transition_allowlist"),
        "tars": attr.label_list(
            allow_files = True,
            cfg = image_platform_transition,
            doc = "Tar files (pkg_tar, genrule, download) added as layers after `layers`, in order. .tar, .tar.gz/.tgz and .tar.zst/.tzst are their own layer blob (nothing is copied); other compressions (xz, bzip2, ...) are recompressed to gzip. The content must be a tar archive.",
        ),
        "tars_compression": attr.string(
            default = "keep",
            values = ["keep", "gzip", "zstd", "none"],
            doc = "keep: each tar's own compression (zstd becomes gzip in format = \"docker\"); otherwise every tar is recompressed to this.",
        ),
        "entrypoint": attr.string_list(doc = "Replaces the base's Entrypoint and drops its Cmd. Empty: inherit."),
        "entrypoint_file": attr.label(allow_single_file = True, doc = "Entrypoint from a file, one element per line (rules_oci's form)."),
        "cmd": attr.string_list(doc = "Replaces the Cmd. Empty: inherit."),
        "cmd_file": attr.label(allow_single_file = True, doc = "Cmd from a file, one element per line (rules_oci's form)."),
        "env": attr.string_dict(doc = "Merged over the base's Env; $VAR and ${VAR} expand from the base's values."),
        "env_file": attr.label(allow_single_file = True, doc = "More Env from a KEY=VALUE file (rules_oci's form); `env` wins for the same key."),
        "workdir": attr.string(doc = "WorkingDir; a relative path resolves against the base's."),
        "user": attr.string(doc = "user, uid, user:group or uid:gid."),
        "exposed_ports": attr.string_list(doc = "\"8080\", \"8080/tcp\", \"53/udp\"; added to the base's."),
        "exposed_ports_file": attr.label(allow_single_file = True, doc = "More exposed ports from a comma-separated file (rules_oci's form)."),
        "volumes": attr.string_list(doc = "Absolute paths; added to the base's."),
        "volumes_file": attr.label(allow_single_file = True, doc = "More volumes from a comma-separated file (rules_oci's form)."),
        "labels": attr.string_dict(doc = "Config labels, merged over the base's. {KEY} expands from workspace status when stamped."),
        "labels_file": attr.label(allow_single_file = True, doc = "More labels from a KEY=VALUE file (rules_oci's form); `labels` wins for the same key."),
        "annotations": attr.string_dict(doc = "Manifest annotations (OCI format only). {KEY} expands when stamped."),
        "annotations_file": attr.label(allow_single_file = True, doc = "More annotations from a KEY=VALUE file (rules_oci's form)."),
        "created": attr.string(doc = "The config's created time: Unix seconds or RFC 3339 (\"2024-01-31T12:00:00Z\"); {KEY} expands from workspace status when stamped, e.g. \"{BUILD_TIMESTAMP}\". Default: BUILD_TIMESTAMP when stamped, else SOURCE_DATE_EPOCH, else 0."),
        "created_file": attr.label(allow_single_file = True, doc = "The created time from a file (rules_oci's form), same syntax as `created`."),
        "stop_signal": attr.string(doc = "StopSignal, e.g. \"SIGTERM\"."),
        "healthcheck": attr.string_list(doc = "Healthcheck test: [\"CMD\", ...], [\"CMD-SHELL\", \"...\"] or [\"NONE\"]."),
        "healthcheck_options": attr.string_dict(doc = "interval, timeout, start_period, start_interval (\"30s\"), retries."),
        "os": attr.string(doc = "Default: the platform's (`platform`, or an index's), else the base's, else linux."),
        "architecture": attr.string(doc = "Default: the platform's (`platform`, or an index's), else the base's, else amd64."),
        "variant": attr.string(doc = "CPU variant, e.g. \"v8\"."),
        "format": attr.string(default = "oci", values = ["oci", "docker"], doc = "Manifest media types (\"docker\" for Heroku)."),
        "stamp": attr.bool(doc = "Take created/revision/source from workspace status (BUILD_TIMESTAMP, STABLE_GIT_COMMIT, STABLE_GIT_URL) and expand {KEY} in labels, annotations and created."),
    },
)

def _is_file_form(value):
    """True for a label (string or Label) where rules_oci takes a file; False for the inline form."""
    return type(value) == "string" or type(value) == "Label"

def _looks_like_time(value):
    """A created value (seconds, RFC 3339, {KEY}) rather than a label of a file."""
    return type(value) == "string" and (value.startswith("{") or (value[:1].isdigit() and ":" not in value[:5]))

def oci_image(
        name,
        env = None,
        labels = None,
        annotations = None,
        entrypoint = None,
        cmd = None,
        exposed_ports = None,
        volumes = None,
        created = None,
        resource_set = None,  # @unused: rules_oci's scheduling hint; stowage's action is small
        **kwargs):
    """An image: oci_image_rule with the rules_oci forms of its attributes, and `<name>.digest`.

    Args:
      name: the image target; `<name>.digest` is a file with its manifest digest.
      env: a dict, or a label of a KEY=VALUE file.
      labels: a dict, or a label of a KEY=VALUE file.
      annotations: a dict, or a label of a KEY=VALUE file.
      entrypoint: a list, or a label of a file with one element per line.
      cmd: a list, or a label of a file with one element per line.
      exposed_ports: a list, or a label of a comma-separated file.
      volumes: a list, or a label of a comma-separated file.
      created: Unix seconds, RFC 3339 or "{BUILD_TIMESTAMP}"-style text; or a label of a file
        holding one of those (rules_oci's form).
      resource_set: accepted for rules_oci compatibility; no effect.
      **kwargs: every other oci_image_rule attribute (base, layers, tars, workdir, user, ...).
    """
    for key, value in [
        ("env", env),
        ("labels", labels),
        ("annotations", annotations),
        ("entrypoint", entrypoint),
        ("cmd", cmd),
        ("exposed_ports", exposed_ports),
        ("volumes", volumes),
    ]:
        if value == None:
            continue
        kwargs[key + "_file" if _is_file_form(value) else key] = value
    if created != None:
        kwargs["created" if _looks_like_time(created) else "created_file"] = created
    oci_image_rule(name = name, **kwargs)
    native.filegroup(
        name = name + ".digest",
        srcs = [":" + name],
        output_group = "digest",
        tags = kwargs.get("tags"),
        testonly = kwargs.get("testonly"),
        visibility = kwargs.get("visibility"),
    )
