"""oci_pull: a base image from a registry (pinned by digest) or a local OCI layout, as an
external repository with an `image` target (oci_import).

A repository rule cannot use a Bazel-built binary: repository rules run during loading, before
any action can build one. So `stowage_puller` compiles `stowage pull` itself, with the host
g++ and the same Debian system libraries, from a fixed list of this repository's sources, into
its own external repository (nothing is cached anywhere else). Every oci_pull runs that binary,
which handles Bearer/Basic challenges, docker config.json and credential helpers itself and
verifies every blob against its digest (Bazel's downloader knows none of the registry auth)."""

load("//rules/private:labels.bzl", "absolute_label")

# The sources of `stowage pull`: builder/main.cc plus the libraries //builder/registry:pull_command
# depends on. Keep in step with builder/registry/BUILD.bazel.
PULLER_SOURCES = [
    "builder/main.cc",
    "builder/cli/command.cc",
    "builder/cli/flags.cc",
    "builder/common/capped_read.cc",
    "builder/common/files.cc",
    "builder/common/json_access.cc",
    "builder/common/json_file.cc",
    "builder/common/output_path.cc",
    "builder/common/temp_cleanup.cc",
    "builder/digest/sha256.cc",
    "builder/net/deadline.cc",
    "builder/net/http.cc",
    "builder/net/server_text.cc",
    "builder/net/url.cc",
    "builder/registry/auth.cc",
    "builder/registry/challenge.cc",
    "builder/registry/client.cc",
    "builder/registry/client_flags.cc",
    "builder/registry/credentials.cc",
    "builder/registry/progress.cc",
    "builder/registry/pull.cc",
    "builder/registry/pull_command.cc",
    "builder/registry/registry_error.cc",
    "builder/registry/retry.cc",
    "builder/registry/signals.cc",
    "builder/registry/url.cc",
]

# Headers those sources include from this repository: listed so that editing any of them
# re-runs stowage_puller (Bazel tracks files a repository rule reads through labels).
PULLER_HEADERS = [
    "builder/cli/command.h",
    "builder/cli/flags.h",
    "builder/common/capped_read.h",
    "builder/common/files.h",
    "builder/common/json_access.h",
    "builder/common/json_file.h",
    "builder/common/output_path.h",
    "builder/common/temp_cleanup.h",
    "builder/common/limits.h",
    "builder/common/status_macros.h",
    "builder/common/threads.h",
    "builder/digest/sha256.h",
    "builder/net/deadline.h",
    "builder/net/http.h",
    "builder/net/server_text.h",
    "builder/net/url.h",
    "builder/registry/auth.h",
    "builder/registry/challenge.h",
    "builder/registry/client.h",
    "builder/registry/client_flags.h",
    "builder/registry/credentials.h",
    "builder/registry/manifest_types.h",
    "builder/registry/progress.h",
    "builder/registry/pull.h",
    "builder/registry/registry_error.h",
    "builder/registry/retry.h",
    "builder/registry/signals.h",
    "builder/registry/url.h",
]

def _link_flags(rctx):
    # The -l flags of the system libraries, read from the same file Bazel's cc rules use.
    text = rctx.read(Label("//third_party:system_libs.BUILD"))
    flags = []
    for token in text.split('"'):
        if token.startswith("-l") and " " not in token and "gtest" not in token and "gmock" not in token:
            if token not in flags:
                flags.append(token)
    return flags

def _file_label(path):
    # "builder/registry/url.cc" -> //builder/registry:url.cc
    package, _, name = path.rpartition("/")
    return Label("//%s:%s" % (package, name))

def _stowage_puller_impl(rctx):
    paths = [rctx.path(_file_label(f)) for f in PULLER_SOURCES + PULLER_HEADERS]
    root = paths[0].dirname.dirname

    # One translation unit: the heavy headers (nlohmann/json, abseil) are parsed once, which
    # makes this compile several times faster than one g++ run per source.
    rctx.file("unity.cc", "".join(['#include "%s"\n' % p for p in paths[:len(PULLER_SOURCES)]]))
    cmd = ["g++", "-std=c++17", "-O1", "-w", "-I" + str(root), "unity.cc", "-o", "stowage-pull"]
    cmd += ["-Wl,--as-needed"] + _link_flags(rctx)
    rctx.report_progress("compiling stowage pull with the host g++")
    result = rctx.execute(cmd, timeout = 900)
    if result.return_code != 0:
        fail("stowage_puller: compiling stowage pull failed:\n" + result.stderr)
    rctx.execute(["rm", "-f", "unity.cc"])
    rctx.file("BUILD.bazel", 'exports_files(["stowage-pull"])\n')

stowage_puller = repository_rule(
    implementation = _stowage_puller_impl,
    doc = "Compiles `stowage pull` with the host g++ for oci_pull (declared by oci_pull itself).",
)

_IMPORT = """
oci_import(
    name = "{name}",
    config = "{config}",
    manifest = "{manifest}",
    descriptor = "{descriptor}",
    layers = {layers},
    layer_descriptors = {layer_descriptors},
    layer_compressions = {compressions},
    format = "{format}",
)
"""

# OCI platform architectures -> @platforms//cpu constraint names.
_CPUS = {
    "386": "x86_32",
    "amd64": "x86_64",
    "arm": "arm",
    "arm64": "aarch64",
    "ppc64le": "ppc",
    "riscv64": "riscv64",
    "s390x": "s390x",
}

def _workspace_root(rctx):
    # Bazel 6+ knows the root; Bazel 4 finds it through the WORKSPACE file's label.
    root = getattr(rctx, "workspace_root", None)
    return root if root else rctx.path(Label("@//:WORKSPACE")).dirname

def _pull_one(rctx, platform, subdir, what):
    """Runs `stowage pull` for one platform into `subdir`; returns the pull.json summary."""
    attr = rctx.attr
    out = rctx.path(subdir) if subdir else rctx.path(".")
    puller = attr.puller if attr.puller else attr._puller
    cmd = [str(rctx.path(puller)), "pull", "--output", str(out), "--platform", platform]
    if attr.repository:
        cmd += ["--repository", attr.repository]
    else:
        layout = attr.layout
        if not layout.startswith("/"):
            layout = "%s/%s" % (_workspace_root(rctx), layout)
        cmd += ["--layout", layout]
    if attr.digest:
        cmd += ["--digest", attr.digest]
    else:
        cmd += ["--tag", attr.tag]
    if attr.insecure:
        cmd.append("--insecure")
    if attr.ca_cert:
        cmd += ["--ca-cert", attr.ca_cert]
    environment = {}
    if attr.config:
        # rules_oci's `config`: a docker config.json; stowage reads $DOCKER_CONFIG/config.json.
        config = rctx.path(attr.config)
        if config.basename != "config.json":
            fail("oci_pull(%s): config must be a file named config.json (got %s)" % (attr.name, config.basename))
        environment["DOCKER_CONFIG"] = str(config.dirname)
    rctx.report_progress("pulling %s (%s)" % (what, platform))
    result = rctx.execute(cmd, timeout = attr.timeout, quiet = True, environment = environment)
    if result.return_code != 0:
        fail("oci_pull(%s): %s" % (attr.name, result.stderr.strip().split("\n")[-1]))
    return json.decode(rctx.read((subdir + "/" if subdir else "") + "pull.json"))

def _import(name, summary, subdir):
    prefix = subdir + "/" if subdir else ""
    layers = summary["layers"]
    return _IMPORT.format(
        name = name,
        config = prefix + summary["config"],
        manifest = prefix + summary["manifest"],
        descriptor = prefix + summary["descriptor"],
        layers = repr([prefix + l["blob"] for l in layers]),
        layer_descriptors = repr([prefix + l["descriptor"] for l in layers]),
        compressions = repr([l["compression"] for l in layers]),
        format = summary["format"],
    )

def _platform_setting(platform):
    """(config_setting name, its BUILD text) for "os/arch[/variant]"."""
    parts = platform.split("/")
    if len(parts) < 2 or parts[1] not in _CPUS:
        fail("oci_pull: platform \"%s\" is not os/arch[/variant] with arch in %s" % (platform, sorted(_CPUS.keys())))
    name = "_".join(parts)
    text = """
config_setting(
    name = "is_{name}",
    constraint_values = [
        "{os}",
        "{cpu}",
    ],
)
""".format(
        name = name,
        os = absolute_label(Label("@platforms//os:" + parts[0])),
        cpu = absolute_label(Label("@platforms//cpu:" + _CPUS[parts[1]])),
    )
    return name, text

def _oci_pull_impl(rctx):
    attr = rctx.attr
    if bool(attr.repository) == bool(attr.layout):
        fail("oci_pull(%s): give exactly one of image, repository or layout" % attr.name)
    if not attr.digest and not attr.tag:
        fail("oci_pull(%s): give digest (or tag, to learn the digest to pin)" % attr.name)
    what = attr.repository if attr.repository else "layout " + attr.layout
    alias = attr.alias_name or attr.name

    # No fixed repository name in generated files: Label() names stowage however it is called.
    build = [
        "# Generated by oci_pull: %s" % what,
        "load(\"%s\", \"oci_import\")" % absolute_label(Label("//rules:defs.bzl")),
        "",
        "package(default_visibility = [\"//visibility:public\"])",
    ]
    digest = None
    if not attr.platforms:
        summary = _pull_one(rctx, attr.platform, "", what)
        digest = summary["digest"]
        build.append(_import("image", summary, ""))
    else:
        # One image per platform, and `image` selects the one for the target platform.
        choices = {}
        for platform in attr.platforms:
            name, setting = _platform_setting(platform)
            summary = _pull_one(rctx, platform, name, what)
            digest = summary["digest"] if len(attr.platforms) == 1 else None
            build.append(_import(name, summary, name))
            build.append(setting)
            choices[":is_" + name] = ":" + name
        build.append("""
alias(
    name = "image",
    actual = select(
        {choices},
        no_match_error = "oci_pull({repo}): no image for the target platform among {platforms}",
    ),
)
""".format(choices = repr(choices), repo = attr.name, platforms = ", ".join(attr.platforms)))
    if alias != "image":
        # `base = "@name"` (rules_oci's shorthand for @name//:name) is the image too.
        build.append("\nalias(\n    name = \"%s\",\n    actual = \":image\",\n)\n" % alias)
    build.append("\nexports_files(glob([\"**\"]))\n")
    if not attr.digest and attr.reproducible and not digest:
        # buildifier: disable=print
        print(("oci_pull(name = \"%s\"): tag \"%s\" of %s is an index; pin it with digest = the " +
               "index's digest (a tag can move; a digest cannot)") % (attr.name, attr.tag, what))
    elif not attr.digest and attr.reproducible:
        # buildifier: disable=print
        print(("oci_pull(name = \"%s\"): tag \"%s\" of %s is %s; pin it with digest = \"%s\" " +
               "(a tag can move; a digest cannot)") % (attr.name, attr.tag, what, digest, digest))
    rctx.file("BUILD.bazel", "\n".join(build))

oci_pull_repository = repository_rule(
    implementation = _oci_pull_impl,
    attrs = {
        "repository": attr.string(doc = "host[:port]/name on a registry."),
        "layout": attr.string(doc = "An OCI layout directory (absolute, or relative to the workspace)."),
        "digest": attr.string(doc = "sha256:... of the manifest or index; the reproducible choice."),
        "tag": attr.string(doc = "Used only without digest: resolved once, with a message giving the digest to pin."),
        "platform": attr.string(default = "linux/amd64", doc = "os/arch[/variant] picked from an index."),
        "platforms": attr.string_list(doc = "Several os/arch[/variant]: one image each, and :image selects by the target platform."),
        "insecure": attr.bool(doc = "Allow plain HTTP and unverified TLS for a non-loopback registry."),
        "ca_cert": attr.string(doc = "PEM bundle to trust instead of the system CAs."),
        "config": attr.label(allow_single_file = True, doc = "A docker config.json with credentials (rules_oci's form)."),
        "reproducible": attr.bool(default = True, doc = "False silences the message that asks to pin a tag by digest."),
        "alias_name": attr.string(doc = "Name of the root alias of :image (default: the repository's name)."),
        "timeout": attr.int(default = 1800, doc = "Seconds the pull of each platform may take."),
        "puller": attr.label(
            allow_single_file = True,
            doc = "A stowage binary to run `stowage pull` with, e.g. the prebuilt tool of stowage_prebuilt_toolchain (\"@stowage_prebuilt//:stowage\"). Default: `stowage pull` compiled once with the host g++.",
        ),
        "_puller": attr.label(default = Label("@stowage_puller//:stowage-pull")),
    },
)

def _parse_image(image):
    """rules_oci's `image`: [host[:port]/]path[:tag][@digest] -> (repository, tag, digest)."""
    digest = ""
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = ""
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        image, tag = image[:colon], image[colon + 1:]
    first = image.split("/")[0]
    if "/" not in image or not ("." in first or ":" in first or first == "localhost"):
        # Docker Hub's shorthand, as docker and rules_oci read it.
        image = "index.docker.io/" + (image if "/" in image else "library/" + image)
    return image, tag, digest

def oci_pull(
        name,
        image = None,
        registry = None,
        repository = None,
        digest = None,
        tag = None,
        platforms = None,
        www_authenticate_challenges = None,  # @unused: stowage answers every challenge itself
        bazel_tags = None,  # @unused
        is_bzlmod = None,  # @unused
        **kwargs):
    """Declares an external repository `name` whose `:image` target (and `@name`) is the image.

    Credentials come from docker config.json / credential helpers, as for `stowage push`.
    Layer descriptors record `source` = the registry repository, so pushing an image built on
    this base to the same registry mounts these layers instead of uploading them.

    Args:
      name: the external repository name: `@name//:image`, or `@name` for short.
      image: rules_oci's form, "[host[:port]/]path[:tag][@digest]" (Docker Hub when no host).
      registry: with `repository`, rules_oci's split form: registry = "host[:port]".
      repository: "host[:port]/name", or the path under `registry`.
      digest: sha256:... of the manifest or index (the reproducible choice).
      tag: used without digest: resolved once, and the digest to pin is printed.
      platforms: several "os/arch[/variant]": one image each; `:image` selects the target's.
      www_authenticate_challenges: accepted for rules_oci compatibility (not needed).
      bazel_tags: accepted for rules_oci compatibility (no effect).
      is_bzlmod: accepted for rules_oci compatibility (no effect).
      **kwargs: layout, platform, insecure, ca_cert, config, reproducible, puller, timeout.
    """
    kwargs = pull_attributes(name, image, registry, repository, digest, tag, platforms, **kwargs)

    # Declared even with a `puller`: the default attribute names it (it is compiled only when used).
    if "stowage_puller" not in native.existing_rules():
        stowage_puller(name = "stowage_puller")
    oci_pull_repository(name = name, **kwargs)

def pull_attributes(name, image = None, registry = None, repository = None, digest = None, tag = None, platforms = None, **kwargs):
    """oci_pull_repository's attributes from oci_pull's arguments (rules_oci's forms mapped).

    Args:
      name: the repository, for error messages.
      image: [host[:port]/]path[:tag][@digest].
      registry: with repository, rules_oci's split form.
      repository: host[:port]/name, or the path under registry.
      digest: the manifest or index digest.
      tag: a tag.
      platforms: several os/arch[/variant].
      **kwargs: the other attributes, passed through.
    Returns:
      a dict of attributes.
    """
    if image:
        if repository or registry:
            fail("oci_pull(%s): give image, or registry and repository, not both" % name)
        repository, image_tag, image_digest = _parse_image(image)
        digest = digest or image_digest
        tag = tag or image_tag
    elif registry:
        if not repository:
            fail("oci_pull(%s): registry needs repository" % name)
        repository = registry + "/" + repository
    if repository:
        kwargs["repository"] = repository
    if digest:
        kwargs["digest"] = digest
    if tag:
        kwargs["tag"] = tag
    if platforms:
        kwargs["platforms"] = platforms
    return kwargs
