"""Module extensions for Bazel 7 to 9 (MODULE.bazel), mirroring the WORKSPACE macros.

    stowage_deps = use_extension("@stowage//rules:extensions.bzl", "stowage_deps")
    use_repo(stowage_deps, "stowage_system_libs", "stowage_tool_libs")

    oci = use_extension("@stowage//rules:extensions.bzl", "oci")
    oci.pull(name = "base", image = "host/path@sha256:...", platforms = ["linux/amd64"])
    use_repo(oci, "base")

    runtime = use_extension("@stowage//rules:extensions.bzl", "runtime")
    runtime.closure(name = "app_runtime", libraries = ["libssl.so.3"])
    use_repo(runtime, "app_runtime")

    deb = use_extension("@stowage//rules:extensions.bzl", "deb")
    deb.packages(name = "debian12", lock = "//:debian12.lock.json")   # WORKSPACE's deb_packages
    use_repo(deb, "debian12")                    # @debian12//amd64:libc6 as under WORKSPACE

Not run on this project's machines (Debian's Bazel 4.2.3 has no Bzlmod): see docs/bazel.md.
`deb_lock` is a `bazel run` target and needs no extension.
"""

load("//rules/private:deb_repositories.bzl", "deb_package", "deb_packages_hub", "deb_rootfs", "lock_repositories", "read_lock")
load("//rules/private:pull.bzl", "oci_pull_repository", "pull_attributes", "stowage_puller")
load("//rules/private:runtime_closure.bzl", "runtime_closure")
load("//rules/private:tool_libs_repository.bzl", "tool_libs_repositories")
load(":repositories.bzl", "system_libraries")

def _stowage_deps_impl(module_ctx):
    # rules_cc, platforms and rules_shell come from the registry (MODULE.bazel); what is left
    # is Debian's shared libraries, the tool's pinned static ones and oci_pull's puller.
    system_libraries(name = "stowage_system_libs")
    for rule, kwargs in tool_libs_repositories():
        rule(**kwargs)
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

_deb_packages = tag_class(attrs = {
    "name": attr.string(mandatory = True, doc = "The hub: @name//ARCH:PACKAGE, as deb_packages(name = ...)."),
    "lock": attr.label(mandatory = True, doc = "The lockfile stowage deb lock writes."),
    "mirrors": attr.string_list(doc = "Archive roots (\"URL\" or \"SUITE=URL\") instead of apt's configuration; STOWAGE_DEB_MIRRORS wins."),
})

_DEB_RULES = {"deb_package": deb_package, "deb_rootfs": deb_rootfs}

def _deb_impl(module_ctx):
    # The same repositories WORKSPACE's hub writes into its repositories.bzl, declared here
    # (an extension's repositories see each other by these names); each is fetched only when a
    # target needs it, so reading the lock is all this does.
    for mod in module_ctx.modules:
        for tag in mod.tags.packages:
            lock = read_lock(module_ctx, tag.lock)
            for rule_name, kwargs in lock_repositories(tag.name, lock, str(tag.lock), tag.mirrors):
                _DEB_RULES[rule_name](**kwargs)
            deb_packages_hub(name = tag.name, lock = tag.lock, mirrors = tag.mirrors, hub_name = tag.name)
    return module_ctx.extension_metadata(reproducible = True) if hasattr(module_ctx, "extension_metadata") else None

deb = module_extension(implementation = _deb_impl, tag_classes = {"packages": _deb_packages})
