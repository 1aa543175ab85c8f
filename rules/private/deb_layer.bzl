"""deb_layer: one reproducible layer from locked Debian packages (docs/deb.md).

Starlark only chooses the packages (the closures of `packages`, minus `exclude_packages` and
what the `below` layers install) and writes them down as a JSON spec (docs/formats.md,
"Package layer spec"); `stowage deb layer` reads the .deb files and does the rest in one
sandboxed action: merged /usr, conflicts, the CA bundle and passwd/group that maintainer
scripts would make (with the accounts `users` declares), and dpkg's database.

`deb_layer` is a macro over `deb_layer_rule`: it checks `users` (a list of dicts, which no rule
attribute can hold) and hands each account to the rule as one JSON object."""

load("//rules:providers.bzl", "DebLayerInfo", "DebPackagesInfo", "LayerInfo")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

_EXTENSIONS = {"gzip": ".tar.gz", "none": ".tar", "zstd": ".tar.zst"}

def _entry(p):
    return {"architecture": p.architecture, "deb": p.deb.path, "name": p.name, "version": p.version}

def _deb_layer_impl(ctx):
    below = depset(transitive = [t[DebLayerInfo].packages for t in ctx.attr.below])
    below_list = below.to_list()
    below_keys = {p.name + ":" + p.architecture: True for p in below_list}
    excluded = {n: False for n in ctx.attr.exclude_packages}

    # Each target's roots and what they depend on within that target's set; an excluded package
    # is not walked through, so what only it needs stays out too.
    chosen = {}
    for target in ctx.attr.packages:
        info = target[DebPackagesInfo]
        available = {p.name: p for p in info.packages.to_list()}
        queue = [n for n in info.roots]
        seen = {}
        for _ in range(len(available) + 1):
            if not queue:
                break
            next_queue = []
            for name in queue:
                if name in seen or name not in available:
                    continue
                seen[name] = True
                if name in excluded:
                    excluded[name] = True
                    continue
                p = available[name]
                if p.name + ":" + p.architecture not in below_keys:
                    chosen[p.name + ":" + p.architecture] = p
                next_queue += p.depends
            queue = next_queue
    unused = [n for n, hit in excluded.items() if not hit]
    if unused:
        fail("deb_layer(%s): exclude_packages names %s, which none of packages depends on" %
             (ctx.label.name, ", ".join(unused)))
    if not chosen:
        fail("deb_layer(%s): no package left for this layer (all are excluded or below)" % ctx.label.name)
    arches = {p.architecture: True for p in chosen.values() if p.architecture != "all"}
    if len(arches) > 1:
        fail("deb_layer(%s): packages of several architectures (%s) in one layer" %
             (ctx.label.name, ", ".join(sorted(arches.keys()))))
    packages = [chosen[k] for k in sorted(chosen.keys())]

    compression = ctx.attr.compression
    blob = ctx.actions.declare_file(ctx.label.name + _EXTENSIONS[compression])
    descriptor = ctx.actions.declare_file(ctx.label.name + ".descriptor.json")
    spec = {
        "below": [_entry(p) for p in below_list],
        "compression": compression,
        "excludePaths": ctx.attr.exclude_paths,
        "mergedUsr": ctx.attr.merged_usr,
        "packages": [_entry(p) for p in packages],
    }
    if ctx.attr.users:
        spec["users"] = [json.decode(u) for u in ctx.attr.users]
    if ctx.attr.level >= 0:
        spec["level"] = ctx.attr.level
    if ctx.attr.mtime >= 0:
        spec["mtime"] = ctx.attr.mtime
    spec_file = ctx.actions.declare_file(ctx.label.name + ".spec.json")
    ctx.actions.write(spec_file, json.encode(spec))
    run_stowage(
        ctx,
        arguments = ["deb", "layer", "--spec", spec_file.path, "--output", blob.path, "--descriptor", descriptor.path],
        inputs = [spec_file] + [p.deb for p in packages] + [p.deb for p in below_list],
        outputs = [blob, descriptor],
        mnemonic = "StowageDebLayer",
        progress_message = "Writing layer %s from %d Debian packages" % (ctx.label, len(packages)),
        # Lets `--action_env=SOURCE_DATE_EPOCH=...` reach the tool; nothing else is read.
        use_default_shell_env = True,
    )
    return [
        LayerInfo(blob = blob, descriptor = descriptor, compression = compression),
        DebLayerInfo(packages = depset(packages, transitive = [below]), layer_packages = packages),
        DefaultInfo(
            files = depset([blob, descriptor]),
            runfiles = ctx.runfiles(files = [blob, descriptor]),
        ),
    ]

deb_layer_rule = rule(
    implementation = _deb_layer_impl,
    doc = "A layer of locked Debian packages, with dpkg's status records. See docs/deb.md; `deb_layer` is the macro most BUILD files call.",
    attrs = {
        "packages": attr.label_list(
            providers = [DebPackagesInfo],
            doc = "Hub targets: @hub//amd64:name (the package and its dependencies) or @hub//amd64:name_only.",
        ),
        "exclude_packages": attr.string_list(doc = "Package names left out of the closures (e.g. perl-base that debconf needs only for maintainer scripts)."),
        "below": attr.label_list(
            providers = [DebLayerInfo],
            doc = "deb_layers under this one in the image: their packages are not repeated here, and this layer's /var/lib/dpkg/status lists them too.",
        ),
        "merged_usr": attr.bool(default = True, doc = "/bin, /sbin, /lib* as symlinks into /usr, as Debian 12 and 13 systems have them."),
        "exclude_paths": attr.string_list(doc = "Image paths left out with everything under them, e.g. [\"/usr/share/doc\", \"/usr/share/man\"]."),
        "compression": attr.string(default = "gzip", values = ["gzip", "zstd", "none"], doc = "Layer compression."),
        "level": attr.int(default = -1, doc = "Compression level; -1 for the tool's default."),
        "mtime": attr.int(default = -1, doc = "Entry mtime in seconds; -1 for SOURCE_DATE_EPOCH or 0."),
        "users": attr.string_list(doc = "Accounts added to base-passwd's /etc/passwd and /etc/group, one JSON object each (deb_layer's `users`, encoded)."),
    },
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
)

_USER_KEYS = {
    "gecos": "string",
    "gid": "int",
    "group": "string",
    "home": "string",
    "name": "string",
    "shell": "string",
    "uid": "int",
}

def deb_layer(name, users = None, **kwargs):
    """A layer of locked Debian packages (deb_layer_rule), with the accounts an image runs as.

    Example: `users = [{"name": "django", "uid": 10001, "home": "/home/django"}]` with
    `@hub//amd64:base-passwd` among `packages` gives an /etc/passwd and /etc/group that hold
    base-passwd's entries (root, daemon, ..., nobody) and then
    `django:*:10001:10001::/home/django:/usr/sbin/nologin` and `django:*:10001:`, and a
    /home/django directory owned by 10001:10001. See docs/deb.md, "Accounts".

    Args:
      name: the layer target.
      users: a list of dicts, one per account, in the order the files list them:
        `name` and `uid` (required); `gid` (default: the uid; a group with that gid is joined,
        else one is created), `group` (the created group's name; default: the user's name),
        `home` (default "/nonexistent", which makes no directory; any other home is made,
        owned by the account, or takes that owner when a package ships it), `shell` (default
        "/usr/sbin/nologin") and `gecos` (default empty). Names and ids must not clash with
        base-passwd's or each other's. Needs base-passwd in this layer's `packages`.
      **kwargs: every deb_layer_rule attribute (packages, exclude_packages, below, ...).
    """
    encoded = []
    for user in users or []:
        if type(user) != "dict":
            fail("deb_layer(%s): each of users is a dict, got %r" % (name, user))
        for key, value in user.items():
            if key not in _USER_KEYS:
                fail("deb_layer(%s): users: unknown key %r (known: %s)" % (name, key, ", ".join(sorted(_USER_KEYS.keys()))))
            if type(value) != _USER_KEYS[key]:
                fail("deb_layer(%s): users: %s must be a %s, got %r" % (name, key, _USER_KEYS[key], value))
        for key in ["name", "uid"]:
            if key not in user:
                fail("deb_layer(%s): users: %r has no %s" % (name, user, key))
        encoded.append(json.encode(user))
    deb_layer_rule(name = name, users = encoded, **kwargs)
