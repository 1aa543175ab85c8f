"""oci_layer: one reproducible layer blob (tar, tar+gzip or tar+zstd) and its descriptor.

Starlark only decides which file goes where and writes that down as a JSON spec
(docs/formats.md, "Layer spec"); `stowage layer` does the work in one sandboxed action.

Image paths (see docs/layer.md):
  * a file's default path is `package_dir` + its path relative to its own package
    (short_path minus the owning package, or minus the repository for external files);
  * with `strip_prefix`, its path relative to that prefix instead: "/x/y" is relative to the
    workspace root, "x" or "." relative to this rule's package; a file outside it is an error;
  * directories and tree artifacts are mapped the same way and walked recursively;
  * a StaticAssetsInfo's `tree` goes at its `root_path`;
  * with `include_runfiles`, an executable's runfiles go under `<its path>.runfiles/<workspace>/`.
"""

load("//rules:providers.bzl", "LayerInfo", "StaticAssetsInfo")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

_EXTENSIONS = {"gzip": ".tar.gz", "none": ".tar", "zstd": ".tar.zst"}

def _join(*parts):
    """Joins path pieces with "/", dropping empty ones and stray slashes."""
    out = []
    for p in parts:
        p = p.strip("/")
        if p and p != ".":
            out.append(p)
    return "/".join(out)

def _repo_relative(f):
    """short_path without the "../<repo>/" of external files."""
    short = f.short_path
    if short.startswith("../"):
        rest = short[3:]
        i = rest.find("/")
        return rest[i + 1:] if i >= 0 else ""
    return short

def _strip(path, prefix, what):
    if not prefix:
        return path
    if path == prefix:
        return ""
    if not path.startswith(prefix + "/"):
        fail("%s is not under the prefix \"%s\" that is stripped from it" % (what, prefix))
    return path[len(prefix) + 1:]

def _image_path(ctx, f):
    if ctx.attr.flatten:
        return _join(ctx.attr.package_dir, f.basename)
    path = _repo_relative(f)
    if ctx.attr.strip_prefix:
        sp = ctx.attr.strip_prefix
        prefix = _join(sp) if sp.startswith("/") else _join(ctx.label.package, sp)
    else:
        prefix = f.owner.package if f.owner else ctx.label.package
    return _join(ctx.attr.package_dir, _strip(path, prefix, f.short_path))

def _source_entry(path, f, executable):
    """A spec entry for a file or directory. Bazel marks every output it makes 0555, so the
    execute bit of a generated file says nothing: a target's executable gets 0755, other
    generated files 0644; source files keep what the workspace says (0755 if executable)."""
    entry = {"path": path, "source": f.path, "type": "tree" if f.is_directory else "source"}
    if f.is_source:
        pass
    elif executable and f == executable:
        entry["fileMode"] = "0755"
    else:
        entry["fileMode"] = "0644"
    return entry

def _runfiles_entries(ctx, target, binary_path):
    """Entries that lay out a binary's runfiles tree beside it in the image."""
    runfiles = target[DefaultInfo].default_runfiles
    if not runfiles:
        return []
    root = binary_path + ".runfiles"
    entries = []
    for f in runfiles.files.to_list():
        if f.short_path.startswith("../"):
            path = _join(root, f.short_path[3:])
        else:
            path = _join(root, ctx.workspace_name, f.short_path)
        entries.append({"path": path, "source": f.path, "type": "tree" if f.is_directory else "source"})
    for s in runfiles.symlinks.to_list():
        entries.append({"path": _join(root, ctx.workspace_name, s.path), "source": s.target_file.path, "type": "source"})
    for s in runfiles.root_symlinks.to_list():
        entries.append({"path": _join(root, s.path), "source": s.target_file.path, "type": "source"})
    return entries

# Archives that oci_layer would put into the image as files, where a layer was probably meant.
_ARCHIVE_SUFFIXES = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.xz", ".txz", ".tar.bz2", ".tbz2"]

def _refuse_archive(ctx, f):
    if ctx.attr.allow_archives:
        return
    for suffix in _ARCHIVE_SUFFIXES:
        if f.basename.endswith(suffix):
            fail(("oci_layer(%s): %s is a tar archive; oci_layer would put the archive file itself " +
                  "into the image. To use its contents as a layer, pass it to oci_image(tars = " +
                  "[\"%s\"]) instead; to ship the archive as a file, set allow_archives = True.") %
                 (ctx.label.name, f.short_path, str(f.owner) if f.owner else f.short_path))

def _owner(text):
    parts = text.split(":")
    if len(parts) != 2 or not parts[0].isdigit() or not parts[1].isdigit():
        fail("owner must be \"uid:gid\" with numbers, got \"%s\"" % text)
    return int(parts[0]), int(parts[1])

def _oci_layer_impl(ctx):
    if ctx.attr.flatten and ctx.attr.strip_prefix:
        fail("oci_layer(%s): flatten and strip_prefix exclude each other" % ctx.label.name)
    compression = ctx.attr.compression
    blob = ctx.actions.declare_file(ctx.label.name + _EXTENSIONS[compression])
    descriptor = ctx.actions.declare_file(ctx.label.name + ".descriptor.json")

    entries = []
    inputs = []
    for target in ctx.attr.srcs:
        if StaticAssetsInfo in target:
            assets = target[StaticAssetsInfo]
            entries.append({"fileMode": "0644", "path": _join(assets.root_path), "source": assets.tree.path, "type": "tree"})
            inputs.append(assets.tree)
            continue
        files = target[DefaultInfo].files.to_list()
        inputs.extend(files)
        executable = target[DefaultInfo].files_to_run.executable
        for f in files:
            _refuse_archive(ctx, f)
            entries.append(_source_entry(_image_path(ctx, f), f, executable))

        # A plain source file's target names the file itself as its "executable".
        if ctx.attr.include_runfiles and executable and not executable.is_source:
            entries.extend(_runfiles_entries(ctx, target, _image_path(ctx, executable)))
            inputs.append(target[DefaultInfo].default_runfiles.files)
    for path, link_target in ctx.attr.symlinks.items():
        entries.append({"path": path, "target": link_target, "type": "symlink"})
    for path in ctx.attr.empty_dirs:
        entries.append({"path": path, "type": "dir"})

    # Whiteouts (OCI image spec, "Representing Changes"): an empty `.wh.<name>` deletes <name>
    # from the layers below; `.wh..wh..opq` hides everything a lower layer has in a directory.
    if ctx.attr.whiteouts or ctx.attr.opaque_dirs:
        empty = ctx.actions.declare_file(ctx.label.name + ".whiteout")
        ctx.actions.write(empty, "")
        inputs.append(empty)
        for path in ctx.attr.whiteouts:
            parent, _, base = _join(path).rpartition("/")
            if not base or base.startswith(".wh."):
                fail("whiteouts: \"%s\" does not name a path that a lower layer could hold" % path)
            entries.append({"mode": "0644", "path": _join(parent, ".wh." + base), "source": empty.path, "type": "file", "whiteout": True})
        for path in ctx.attr.opaque_dirs:
            entries.append({"mode": "0644", "path": _join(path, ".wh..wh..opq"), "source": empty.path, "type": "file", "whiteout": True})

    # Per-path owners, e.g. a writable data directory owned by the app's non-root user.
    owners = {_join(path): _owner(owner) for path, owner in ctx.attr.owners.items()}
    for entry in entries:
        owner = owners.get(_join(entry["path"]))
        if owner:
            entry["uid"], entry["gid"] = owner

    uid, gid = _owner(ctx.attr.owner)
    spec = {
        "compression": compression,
        "entries": entries,
        "gid": gid,
        "modes": ctx.attr.modes,
        "uid": uid,
    }
    if ctx.attr.level >= 0:
        spec["level"] = ctx.attr.level
    if ctx.attr.mtime >= 0:
        spec["mtime"] = ctx.attr.mtime
    spec_file = ctx.actions.declare_file(ctx.label.name + ".spec.json")
    ctx.actions.write(spec_file, json.encode(spec))

    direct_inputs = [spec_file] + [x for x in inputs if type(x) != "depset"]
    transitive_inputs = [x for x in inputs if type(x) == "depset"]
    run_stowage(
        ctx,
        arguments = [
            "layer",
            "--spec",
            spec_file.path,
            "--output",
            blob.path,
            "--descriptor",
            descriptor.path,
        ],
        inputs = depset(direct_inputs, transitive = transitive_inputs),
        outputs = [blob, descriptor],
        mnemonic = "StowageLayer",
        progress_message = "Writing layer %s" % ctx.label,
        # Lets `--action_env=SOURCE_DATE_EPOCH=...` reach the tool; nothing else is read.
        use_default_shell_env = True,
    )
    return [
        LayerInfo(blob = blob, descriptor = descriptor, compression = compression),
        DefaultInfo(
            files = depset([blob, descriptor]),
            runfiles = ctx.runfiles(files = [blob, descriptor]),
        ),
    ]

oci_layer = rule(
    implementation = _oci_layer_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = "A reproducible OCI layer built by `stowage layer`. See docs/layer.md.",
    attrs = {
        "srcs": attr.label_list(
            allow_files = True,
            doc = "Files, directories, tree artifacts, and targets providing StaticAssetsInfo.",
        ),
        "package_dir": attr.string(doc = "Directory in the image that srcs go under, e.g. \"/app\"."),
        "strip_prefix": attr.string(
            doc = "Path prefix removed from each file's path: \"/a/b\" from the workspace root, \"a\" or \".\" from this package.",
        ),
        "modes": attr.string_dict(doc = "Image path -> octal mode string, e.g. {\"/app/run\": \"0755\"}."),
        "symlinks": attr.string_dict(doc = "Image path -> symlink target."),
        "empty_dirs": attr.string_list(doc = "Directories to create (mode 0755 unless in modes)."),
        "whiteouts": attr.string_list(doc = "Image paths this layer deletes from the layers below (written as `.wh.<name>` files)."),
        "opaque_dirs": attr.string_list(doc = "Directories whose contents in the layers below this layer hides (`.wh..wh..opq`); what this layer puts there stays."),
        "compression": attr.string(default = "gzip", values = ["gzip", "zstd", "none"], doc = "Layer compression (zstd needs the image in format = \"oci\")."),
        "level": attr.int(default = -1, doc = "Compression level; -1 for the tool's default (gzip 2, zstd 3)."),
        "owner": attr.string(default = "0:0", doc = "\"uid:gid\" of every entry."),
        "owners": attr.string_dict(doc = "Image path -> \"uid:gid\" for single entries (overrides owner), e.g. {\"/app/data\": \"10001:10001\"}."),
        "mtime": attr.int(default = -1, doc = "Entry mtime in seconds; -1 for SOURCE_DATE_EPOCH or 0."),
        "include_runfiles": attr.bool(doc = "Put each executable's runfiles under <path>.runfiles/<workspace>/."),
        "flatten": attr.bool(doc = "Put every file at package_dir/<its basename>, as pkg_tar does by default (oci_layer keeps package-relative paths otherwise)."),
        "allow_archives": attr.bool(doc = "Accept .tar/.tar.gz/.tgz/.tar.zst/... files in srcs as plain files. Without it they are refused: a tar meant as a layer goes to oci_image(tars = ...)."),
    },
)
