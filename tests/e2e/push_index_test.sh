#!/usr/bin/env bash
# `bazel run //:push` pushes the bookstore's index (linux/amd64 + linux/arm64), and a pull by
# platform gets that platform's image (issue 13):
#  1. the push prints the index's digest, the one //examples/bookstore:index_layout holds, and
#     puts three manifests (two images and the index); the registry's tag names the index bytes;
#  2. `stowage pull --platform linux/amd64` and `linux/arm64` pick the index's entries (amd64 is
#     :image's manifest, byte for byte), and their configs say that architecture;
#  3. skopeo, another client, picks the same manifests with --override-arch;
#  4. a second push uploads no blob and moves nothing but the tag it names.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source tests/registry/e2e_lib.sh
source scripts/lib/services.sh

echo "== build the tool, the index layout and :image"
build_stowage
bazel build //examples/bookstore:index_layout //examples/bookstore:image >"$WORK/build.log" 2>&1 ||
  { tail -n 40 "$WORK/build.log"; fail "build"; }
bin=$(bazel info bazel-bin 2>/dev/null)
layout=$bin/examples/bookstore/index_layout
image_digest=sha256:$(sha256sum <"$bin/examples/bookstore/image.manifest.json" | cut -d' ' -f1)
read -r index_digest amd64_digest arm64_digest < <(python3 - "$layout" <<'EOF'
import json, os, sys
layout = sys.argv[1]
top = json.load(open(os.path.join(layout, "index.json")))["manifests"]
assert len(top) == 1, top
index = json.load(open(os.path.join(layout, "blobs", *top[0]["digest"].split(":", 1))))
by_arch = {m["platform"]["architecture"]: m["digest"] for m in index["manifests"]}
print(top[0]["digest"], by_arch["amd64"], by_arch["arm64"])
EOF
)
[[ "$amd64_digest" == "$image_digest" ]] || fail "the index's linux/amd64 entry is not :image ($amd64_digest vs $image_digest)"

start_registry "$WORK/registry"
PIDS+=("$REGISTRY_PID")
repo=$REGISTRY_ADDR/bookstore

echo "== 1. bazel run //:push (the index)"
push() {
  bazel run --define=BOOKSTORE_REPOSITORY="$repo" //:push -- --repository "$repo" --tag "$1" \
    >"$WORK/$2.out" 2>"$WORK/$2.err" || { tail -n 30 "$WORK/$2.err"; fail "bazel run //:push ($2)"; }
}
push v1 first
[[ "$(tail -n 1 "$WORK/first.out")" == "$repo@$index_digest" ]] ||
  fail "push printed $(tail -n 1 "$WORK/first.out"), the index is $index_digest"
[[ $(summary_field "$WORK/first.out" manifests_put) == 3 ]] || { cat "$WORK/first.out"; fail "expected two image manifests and the index"; }
index_blob="$layout/blobs/sha256/${index_digest#sha256:}"
skopeo inspect --tls-verify=false --raw "docker://$repo:v1" | cmp -s - "$index_blob" ||
  fail "the registry's v1 is not the index's bytes"
echo "   $repo@${index_digest:0:19}... (3 manifests put)"

echo "== 2. stowage pull by platform"
for arch in amd64 arm64; do
  want=${arch}_digest
  got=$("$STOWAGE" pull --repository "$repo" --digest "$index_digest" --platform "linux/$arch" \
    --output "$WORK/pull-$arch" 2>"$WORK/pull-$arch.err") || { cat "$WORK/pull-$arch.err"; fail "pull linux/$arch"; }
  [[ "$got" == "${!want}" ]] || fail "pull --platform linux/$arch gave $got, the index says ${!want}"
  python3 - "$WORK/pull-$arch" "$arch" <<'EOF' || fail "the pulled linux/$arch image's config"
import json, os, sys
out, arch = sys.argv[1], sys.argv[2]
json.load(open(os.path.join(out, "pull.json")))  # the pull wrote its record, as JSON
# The config the pull wrote says the architecture asked for.
configs = [os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs]
found = False
for path in configs:
    try:
        doc = json.load(open(path))
    except Exception:
        continue
    if isinstance(doc, dict) and "rootfs" in doc and "architecture" in doc:
        assert (doc["os"], doc["architecture"]) == ("linux", arch), (path, doc["architecture"])
        found = True
assert found, "no image config among the pulled files"
EOF
  echo "   linux/$arch -> ${got:0:19}..."
done

echo "== 3. skopeo --override-arch picks the same manifests"
for arch in amd64 arm64; do
  want=${arch}_digest
  got=sha256:$(skopeo inspect --tls-verify=false --raw --override-os linux --override-arch "$arch" "docker://$repo@${!want}" | sha256sum | cut -d' ' -f1)
  [[ "$got" == "${!want}" ]] || fail "registry's $arch manifest differs"
  # `dir:` keeps the manifest's bytes as the registry served them.
  skopeo copy --quiet --src-tls-verify=false --override-os linux --override-arch "$arch" \
    "docker://$repo:v1" "dir:$WORK/skopeo-$arch" >/dev/null || fail "skopeo copy linux/$arch"
  digest=sha256:$(sha256sum <"$WORK/skopeo-$arch/manifest.json" | cut -d' ' -f1)
  [[ "$digest" == "${!want}" ]] || fail "skopeo picked $digest for linux/$arch, the index says ${!want}"
  echo "   linux/$arch -> ${digest:0:19}..."
done

echo "== 4. a second push uploads nothing"
push v2 second
[[ "$(tail -n 1 "$WORK/second.out")" == "$repo@$index_digest" ]] || fail "second push digest"
[[ $(summary_field "$WORK/second.out" blobs_pushed) == 0 ]] || { cat "$WORK/second.out"; fail "the second push uploaded blobs"; }
skopeo inspect --tls-verify=false --raw "docker://$repo:v2" | cmp -s - "$index_blob" || fail "v2 does not name the index"
echo "PASS push_index"
