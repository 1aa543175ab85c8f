"""static_assets: Django's collectstatic with WhiteNoise's CompressedManifestStaticFilesStorage,
at build time. One action runs `stowage static`; its output is STATIC_ROOT's contents as a tree
artifact (originals, hashed copies, staticfiles.json, .gz/.br variants) plus the manifest."""

load("//rules:providers.bzl", "StaticAssetsInfo")
load("//rules/private:toolchain.bzl", "STOWAGE_TOOLCHAIN_TYPE", "run_stowage")

# whitenoise.compress.Compressor.SKIP_COMPRESS_EXTENSIONS (WhiteNoise 6.0).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "swf",
    "flv",
    "woff",
    "woff2",
]

# StaticFilesConfig.ignore_patterns.
DJANGO_IGNORE_PATTERNS = ["CVS", ".*", "*~"]

def _repo_relative(f):
    """The file's path inside its repository (short_path without '../<repo>/')."""
    path = f.short_path
    if path.startswith("../"):
        parts = path.split("/", 2)
        path = parts[2] if len(parts) > 2 else ""
    return path

def _package_relative(f, label):
    path = _repo_relative(f)
    package = label.package
    if package and path.startswith(package + "/"):
        return path[len(package) + 1:]
    return path

def _compressible(f, skip_extensions):
    """Compressor.should_compress on the file's name (hashed names keep the extension)."""
    name = f.basename.lower()
    for ext in skip_extensions:
        if name.endswith("." + ext.lower()):
            return False
    return True

def _precompress_shards(ctx):
    """Compresses input files in a few actions keyed by a stable hash of their paths.

    Bazel caches each shard, so a change to one file recompresses only its shard; the main
    action reuses these results for every collected name with the same content (originals and
    hashed copies of everything that is not rewritten)."""
    shards = ctx.attr.precompress_shards
    if shards <= 0 or not (ctx.attr.brotli or ctx.attr.gzip):
        return [], []
    groups = [[] for _ in range(shards)]
    app_dirs = {target.label: d.rstrip("/") + "/" for target, d in ctx.attr.app_dirs.items()}
    for src in ctx.attr.srcs:
        app_dir = app_dirs.get(src.label)
        for f in src.files.to_list():
            if app_dir and not _package_relative(f, src.label).startswith(app_dir):
                continue  # not collected: the rest of the app's package
            if not f.is_directory and _compressible(f, ctx.attr.skip_compress_extensions):
                groups[hash(f.short_path) % shards].append(f)
    precompressed = []
    trees = []
    for index, group in enumerate(groups):
        if not group:
            continue
        by_path = {f.path: f for f in group}
        files = [by_path[path] for path in sorted(by_path.keys())]
        spec = ctx.actions.declare_file("%s.precompress_%d.json" % (ctx.label.name, index))
        ctx.actions.write(spec, json.encode({
            "brotli": ctx.attr.brotli,
            "files": [f.path for f in files],
            "gzip": ctx.attr.gzip,
        }))
        tree = ctx.actions.declare_directory("%s.precompressed_%d" % (ctx.label.name, index))
        run_stowage(
            ctx,
            arguments = ["static-compress", "--spec=" + spec.path, "--out=" + tree.path],
            inputs = [spec] + files,
            outputs = [tree],
            mnemonic = "StowageStaticCompress",
            progress_message = "Precompressing static files for %s (%d/%d)" % (ctx.label, index + 1, shards),
        )
        precompressed.append({"dir": tree.path, "files": [f.path for f in files]})
        trees.append(tree)
    return precompressed, trees

def _static_assets_impl(ctx):
    src_labels = [src.label for src in ctx.attr.srcs]
    prefixes = {}
    strip_prefixes = {}
    app_dirs = {}
    for attr_name, attr_value, out in [
        ("prefixes", ctx.attr.prefixes, prefixes),
        ("strip_prefixes", ctx.attr.strip_prefixes, strip_prefixes),
        ("app_dirs", ctx.attr.app_dirs, app_dirs),
    ]:
        for target, value in attr_value.items():
            if target.label not in src_labels:
                fail("%s: %s is not in srcs" % (attr_name, target.label))
            out[target.label] = value
    for label in app_dirs:
        if label in strip_prefixes:
            fail("%s: give app_dirs or strip_prefixes, not both" % label)
    if not ctx.attr.root_path.startswith("/"):
        fail("root_path must be an absolute path in the image, e.g. /app/staticfiles")

    sources = []
    for src in ctx.attr.srcs:
        files = []
        dirs = []
        for f in src.files.to_list():
            entry = [_package_relative(f, src.label), f.path]
            if f.is_directory:
                dirs.append(entry)
            else:
                files.append(entry)
        source = {
            "dirs": dirs,
            "files": files,
            "label": str(src.label),
            "prefix": prefixes.get(src.label, ""),
            "strip_prefix": strip_prefixes.get(src.label, app_dirs.get(src.label, "")),
        }
        if src.label in app_dirs:
            source["only_under_strip_prefix"] = True
        sources.append(source)
    precompressed, shard_trees = _precompress_shards(ctx)
    spec = ctx.actions.declare_file(ctx.label.name + ".static_spec.json")
    ctx.actions.write(spec, json.encode({
        "brotli": ctx.attr.brotli,
        "django_version": ctx.attr.django_version,
        "gzip": ctx.attr.gzip,
        "ignore_patterns": ctx.attr.ignore_patterns,
        "keep_only_hashed_files": ctx.attr.keep_only_hashed_files,
        "precompressed": precompressed,
        "skip_compress_extensions": ctx.attr.skip_compress_extensions,
        "sources": sources,
        "static_url": ctx.attr.static_url,
        "strict": ctx.attr.strict,
    }))

    tree = ctx.actions.declare_directory(ctx.label.name)
    manifest = ctx.actions.declare_file(ctx.label.name + ".staticfiles.json")
    run_stowage(
        ctx,
        arguments = [
            "static",
            "--spec=" + spec.path,
            "--out=" + tree.path,
            "--manifest=" + manifest.path,
        ],
        inputs = depset([spec] + shard_trees, transitive = [src.files for src in ctx.attr.srcs]),
        outputs = [tree, manifest],
        mnemonic = "StowageStatic",
        progress_message = "Collecting static files for %s" % ctx.label,
    )
    return [
        DefaultInfo(
            files = depset([tree, manifest]),
            runfiles = ctx.runfiles(files = [tree, manifest]),
        ),
        StaticAssetsInfo(tree = tree, root_path = ctx.attr.root_path, manifest = manifest),
    ]

static_assets = rule(
    implementation = _static_assets_impl,
    toolchains = [STOWAGE_TOOLCHAIN_TYPE],
    doc = """Collected static files, as `manage.py collectstatic` with
`whitenoise.storage.CompressedManifestStaticFilesStorage` leaves STATIC_ROOT.

Sources are searched in `srcs` order and the first one that provides a name wins (later ones
are reported on stderr), as Django's finders do. A file's name is its path relative to the
package of the `srcs` label that provides it, minus that source's `strip_prefixes` entry, under
that source's `prefixes` entry. A tree artifact contributes its contents under its own
package-relative path.""",
    attrs = {
        "srcs": attr.label_list(
            allow_files = True,
            mandatory = True,
            doc = "Files, filegroups or tree artifacts, highest priority first.",
        ),
        "prefixes": attr.label_keyed_string_dict(
            allow_files = True,
            doc = "Destination prefix per source (STATICFILES_DIRS' (prefix, path) form), e.g. {\":vendor\": \"vendor\"}.",
        ),
        "strip_prefixes": attr.label_keyed_string_dict(
            allow_files = True,
            doc = "Package-relative directory removed from the names of a source's files, e.g. {\":app_static\": \"static\"}.",
        ),
        "app_dirs": attr.label_keyed_string_dict(
            allow_files = True,
            doc = "For a source that is a whole package holding an installed app (Django's admin from the python3-django Debian package): the package-relative static directory of the app, e.g. {\"@django_debs//amd64:python3-django_files\": \"root/usr/lib/python3/dist-packages/django/contrib/admin/static\"}. As Django's AppDirectoriesFinder, only files under it are collected, named relative to it; no file under it is an error.",
        ),
        "root_path": attr.string(
            default = "/app/staticfiles",
            doc = "STATIC_ROOT inside the image; where oci_layer puts the tree.",
        ),
        "static_url": attr.string(
            default = "/static/",
            doc = "STATIC_URL: absolute references under it are rewritten, other absolute ones left alone.",
        ),
        "django_version": attr.string(
            default = "3.2",
            values = ["3.2", "4.2"],
            doc = "Whose algorithm and manifest format to follow: 3.2 (CSS url()/@import, manifest version 1.0) or 4.2 (adds CSS/JS sourceMappingURL, version 1.1 with a hash).",
        ),
        "brotli": attr.bool(default = True, doc = "Write .br variants (WhiteNoise with brotli installed)."),
        "gzip": attr.bool(default = True, doc = "Write .gz variants."),
        "keep_only_hashed_files": attr.bool(
            default = False,
            doc = "WHITENOISE_KEEP_ONLY_HASHED_FILES: drop the original names, keep hashed ones.",
        ),
        "strict": attr.bool(
            default = True,
            doc = "A reference to a missing file fails the build (as collectstatic does); False leaves it unchanged with a warning.",
        ),
        "skip_compress_extensions": attr.string_list(
            default = WHITENOISE_SKIP_COMPRESS_EXTENSIONS,
            doc = "WHITENOISE_SKIP_COMPRESS_EXTENSIONS; [] compresses everything.",
        ),
        "precompress_shards": attr.int(
            default = 8,
            doc = "Input files are compressed in this many separately cached actions, so a change recompresses only its shard; 0 compresses everything in the main action. The output is the same either way.",
        ),
        "ignore_patterns": attr.string_list(
            default = DJANGO_IGNORE_PATTERNS,
            doc = "collectstatic's ignore patterns (fnmatch on base names and source-relative paths).",
        ),
    },
)
