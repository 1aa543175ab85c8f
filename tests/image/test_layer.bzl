"""test_layer: a small layer made with GNU tar + gzip -n, for tests that must not depend on
the `stowage layer` command. Its descriptor follows docs/formats.md."""

load("//rules:providers.bzl", "LayerInfo")

_SCRIPT = """set -euo pipefail
out="$1"; desc="$2"; media="$3"; compression="$4"; shift 4
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
while [[ $# -gt 0 ]]; do
  path="$1"; content="$2"; shift 2
  case "$path" in
    */) mkdir -p "$root/$path" ;;
    *) mkdir -p "$(dirname "$root/$path")"; printf '%s' "$content" > "$root/$path" ;;
  esac
done
(cd "$root" && find . -mindepth 1 -printf '%P\\n' | LC_ALL=C sort > "$root.list")
tar --create --file="$root.tar" --directory="$root" --no-recursion --files-from="$root.list" \\
  --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \\
  --mode='u+rwX,go+rX,go-w'
diff_id="sha256:$(sha256sum < "$root.tar" | cut -d' ' -f1)"
usize=$(stat -c %s "$root.tar")
entries=$(wc -l < "$root.list")
if [[ "$compression" == gzip ]]; then gzip -n -9 -c "$root.tar" > "$out"; else cp "$root.tar" "$out"; fi
rm -f "$root.tar" "$root.list"
digest="sha256:$(sha256sum < "$out" | cut -d' ' -f1)"
size=$(stat -c %s "$out")
printf '{"compression":"%s","diffId":"%s","digest":"%s","entries":%d,"mediaType":"%s","size":%d,"uncompressedSize":%d}' \\
  "$compression" "$diff_id" "$digest" "$entries" "$media" "$size" "$usize" > "$desc"
"""

def _test_layer_impl(ctx):
    blob = ctx.actions.declare_file(ctx.label.name + ".tar" + (".gz" if ctx.attr.compression == "gzip" else ""))
    desc = ctx.actions.declare_file(ctx.label.name + ".descriptor.json")
    media = ctx.attr.media_type or (
        "application/vnd.oci.image.layer.v1.tar+gzip" if ctx.attr.compression == "gzip" else "application/vnd.oci.image.layer.v1.tar"
    )
    args = [blob.path, desc.path, media, ctx.attr.compression]
    for path in sorted(ctx.attr.files.keys()):
        args += [path, ctx.attr.files[path]]
    ctx.actions.run_shell(
        command = _SCRIPT,
        arguments = args,
        outputs = [blob, desc],
        mnemonic = "TestLayer",
    )
    return [
        LayerInfo(blob = blob, descriptor = desc, compression = ctx.attr.compression),
        DefaultInfo(files = depset([blob, desc])),
    ]

test_layer = rule(
    implementation = _test_layer_impl,
    attrs = {
        "files": attr.string_dict(doc = "path -> content; a path ending in / is a directory."),
        "compression": attr.string(default = "gzip", values = ["gzip", "none"]),
        "media_type": attr.string(doc = "Override, to test bad descriptors."),
    },
)

def _select_file_impl(ctx):
    matches = [f for f in ctx.files.src if f.basename.endswith(ctx.attr.suffix)]
    if len(matches) != 1:
        fail("%d files of %s end with %s" % (len(matches), ctx.attr.src.label, ctx.attr.suffix))
    return [DefaultInfo(files = depset(matches))]

select_file = rule(
    implementation = _select_file_impl,
    doc = "The one file of a target whose name ends with `suffix`.",
    attrs = {
        "src": attr.label(mandatory = True),
        "suffix": attr.string(mandatory = True),
    },
)
