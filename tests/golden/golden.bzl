"""The golden layer: one fixed content, compressed each way the goldens pin."""

load("//rules:defs.bzl", "oci_layer")

def golden_layer(name, compression = "gzip", level = -1):
    """An oci_layer of the corpus with every kind of tar entry stowage writes.

    Files (one executable), a symlink with a non-ASCII name, a directory path longer than
    ustar's 100 bytes (so a pax header), a sticky directory and a non-root owner. The cli/*.json
    specs describe the same layer for the tool run directly with --threads 1 and 8.

    Args:
      name: the target.
      compression: gzip, zstd or none.
      level: the compression level; -1 for the tool's default.
    """
    oci_layer(
        name = name,
        srcs = [":corpus"],
        compression = compression,
        level = level,
        empty_dirs = [
            "/golden/a-directory-name-long-enough/to-need-a-pax-header-in-the-tar-stream/because-ustar-stops-at-one-hundred-bytes",
            "/tmp",
        ],
        modes = {
            "/golden/corpus/bundle.js": "0755",
            "/tmp": "1777",
        },
        owners = {"/tmp": "10001:10001"},
        package_dir = "/golden",
        symlinks = {"/golden/über-wörter.txt": "corpus/words.txt"},
    )

def _wrapped_tool_impl(ctx):
    # One executable file (what stowage_toolchain's `binary` takes), its runfiles the data.
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = ctx.file.script, is_executable = True)
    runfiles = ctx.runfiles(files = ctx.files.data + [ctx.file.script])
    for d in ctx.attr.data:
        runfiles = runfiles.merge(d[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = out, files = depset([out]), runfiles = runfiles)]

wrapped_tool = rule(
    implementation = _wrapped_tool_impl,
    executable = True,
    doc = "A shell script as a single-file executable with runfiles (tests/golden:debian13_stowage).",
    attrs = {
        "script": attr.label(mandatory = True, allow_single_file = [".sh"]),
        "data": attr.label_list(allow_files = True),
    },
)
