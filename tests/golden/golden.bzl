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
