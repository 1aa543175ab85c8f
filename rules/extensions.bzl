"""Module extensions for Bazel 7 to 9 (MODULE.bazel), mirroring the WORKSPACE macros.

    stowage_deps = use_extension("@stowage//rules:extensions.bzl", "stowage_deps")
    use_repo(stowage_deps, "stowage_system_libs")

    oci = use_extension("@stowage//rules:extensions.bzl", "oci")
    oci.pull(name = "base", image = "host/path@sha256:...", platforms = ["linux/amd64"])
    use_repo(oci, "base")

    runtime = use_extension("@stowage//rules:extensions.bzl", "runtime")
    runtime.closure(name = "app_runtime", libraries = ["libssl.so.3"])
    use_repo(runtime, "app_runtime")

Not run on this project's machines (Debian's Bazel 4.2.3 has no Bzlmod): see docs/bazel.md.
The Debian-package repositories (pinned .deb files from a lockfile) get a tag class here when
their repository rule exists; `deb_lock` is a `bazel run` target and needs none.
"""

load("//rules/private:pull.bzl", "oci_pull_repository", "pull_attributes", "stowage_puller")
load("//rules/private:runtime_closure.bzl", "runtime_closure")
load(":repositories.bzl", "system_libraries")

def _stowage_deps_impl(module_ctx):
    # rules_cc, platforms and rules_shell come from the registry (MODULE.bazel); what is left
    # is Debian's shared libraries and oci_pull's puller.
    system_libraries(name = "stowage_system_libs")
    stowage_puller(name = "stowage_puller")
    return module_ctx.extension_metadata(reproducible = True) if hasattr(module_ctx, "extension_metadata") else None

stowage_deps = module_extension(implementation = _stowage_deps_impl)

_pull = tag_class(attrs = {
    "name": attr.string(mandatory = True, doc = "The repository: @name, @name//:image."),
    "image": attr.string(doc = "[host[:port]/]path[:tag][@digest] (rules_oci's form)."),
    "registry": attr.string(doc = "With repository: rules_oci's split form."),
    "repository": attr.string(doc = "host[:port]/name, or the path under registry."),
    "layout": attr.string(doc = "An OCI layout directory instead of a registry."),
    "digest": attr.string(doc = "sha256:... of the manifest or index."),
    "tag": attr.string(doc = "Without digest: resolved once, the digest to pin printed."),
    "platform": attr.string(default = "linux/amd64", doc = "os/arch[/variant] picked from an index."),
    "platforms": attr.string_list(doc = "Several platforms: :image selects the target's."),
    "insecure": attr.bool(doc = "Plain HTTP / unverified TLS for a non-loopback registry."),
    "ca_cert": attr.string(doc = "PEM bundle to trust."),
    "config": attr.label(doc = "A docker config.json."),
    "reproducible": attr.bool(default = True, doc = "False silences the pin-this-tag message."),
    "puller": attr.label(doc = "A stowage binary to pull with (e.g. a prebuilt one)."),
    "timeout": attr.int(default = 1800, doc = "Seconds per platform."),
})

def _oci_impl(module_ctx):
    for mod in module_ctx.modules:
        for pull in mod.tags.pull:
            kwargs = {
                key: getattr(pull, key)
                for key in ["image", "registry", "repository", "layout", "digest", "tag", "platform", "platforms", "insecure", "ca_cert", "config", "puller", "timeout"]
                if getattr(pull, key)
            }
            kwargs["reproducible"] = pull.reproducible

            # The canonical repository name differs from the apparent one under Bzlmod: the
            # root alias keeps the name the user wrote (base = "@name").
            oci_pull_repository(name = pull.name, alias_name = pull.name, **pull_attributes(pull.name, **kwargs))

oci = module_extension(implementation = _oci_impl, tag_classes = {"pull": _pull})

_closure = tag_class(attrs = {
    "name": attr.string(mandatory = True),
    "libraries": attr.string_list(doc = "Sonames; one \"*\" allowed."),
    "files": attr.string_dict(doc = "Host path -> image path."),
})

def _runtime_impl(module_ctx):
    for mod in module_ctx.modules:
        for closure in mod.tags.closure:
            runtime_closure(name = closure.name, libraries = closure.libraries, files = closure.files)

runtime = module_extension(implementation = _runtime_impl, tag_classes = {"closure": _closure})
