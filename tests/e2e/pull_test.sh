#!/usr/bin/env bash
# oci_pull in a throwaway workspace that uses this repository as @stowage:
# - an image made by umoci, copied by skopeo to a docker-registry with htpasswd Basic auth,
#   pulled by digest with credentials from config.json; every blob verified; layer
#   descriptors carry `source` so a later push can mount;
# - a tag-only pull prints the digest to pin;
# - a local OCI layout (relative to the workspace) works as a base;
# - pushing the pulled files to another repository of the same registry mounts the layers
#   (their descriptors' `source`) instead of uploading them;
# - a tampered blob on the registry fails the pull.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh
ROOT=$(pwd)
build_stowage

PORT=$(free_port)
PASSWORD="pw-$RANDOM$RANDOM"
htpasswd -Bbn dave "$PASSWORD" >"$WORK/htpasswd"
cat >"$WORK/extra.yml" <<YML
auth:
  htpasswd:
    realm: stowage-test
    path: $WORK/htpasswd
YML
start_registry reg "$PORT" "$WORK/extra.yml"

echo "== seed: umoci image -> skopeo -> registry"
L=$WORK/layout
umoci init --layout "$L"
umoci new --image "$L:base"
umoci unpack --rootless --image "$L:base" "$WORK/bundle" >/dev/null
mkdir -p "$WORK/bundle/rootfs/etc"
echo "hello from the base" >"$WORK/bundle/rootfs/etc/greeting"
head -c 200000 /dev/urandom >"$WORK/bundle/rootfs/etc/noise"
umoci repack --image "$L:base" "$WORK/bundle" >/dev/null
for repo in base tampered; do
  skopeo copy --quiet --dest-creds "dave:$PASSWORD" --dest-tls-verify=false \
    "oci:$L:base" "docker://127.0.0.1:$PORT/test/$repo:v1"
done
DIGEST=$(skopeo inspect --creds "dave:$PASSWORD" --tls-verify=false "docker://127.0.0.1:$PORT/test/base:v1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')
echo "   digest $DIGEST"

mkdir -p "$WORK/docker"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$PORT" "$(printf 'dave:%s' "$PASSWORD" | base64 -w0)" \
  >"$WORK/docker/config.json"
export DOCKER_CONFIG=$WORK/docker

WS=$WORK/ws
mkdir -p "$WS"
cp -r "$L" "$WS/base-layout"
cat >"$WS/WORKSPACE" <<WS
workspace(name = "pulltest")
local_repository(name = "stowage", path = "$ROOT")
load("@stowage//rules:repositories.bzl", "stowage_dependencies")
stowage_dependencies()
load("@stowage//rules:defs.bzl", "oci_pull")
oci_pull(name = "base", repository = "127.0.0.1:$PORT/test/base", digest = "$DIGEST")
oci_pull(name = "by_tag", repository = "127.0.0.1:$PORT/test/base", tag = "v1")
oci_pull(name = "from_layout", layout = "base-layout", tag = "base")
oci_pull(name = "tampered", repository = "127.0.0.1:$PORT/test/tampered", digest = "$DIGEST")
WS
touch "$WS/BUILD.bazel"
B=(bazel --output_base="$WORK/ob")
stop_bazel() { (cd "$WS" && "${B[@]}" shutdown) >/dev/null 2>&1 || true; }
trap 'stop_bazel; cleanup' EXIT

echo "== pull by digest, by tag, from a layout"
(cd "$WS" && "${B[@]}" build @base//:image @by_tag//:image @from_layout//:image) >"$WORK/build.log" 2>&1 \
  || { tail -n 30 "$WORK/build.log"; fail "bazel build of the pulled images"; }
grep -q "oci_pull(name = \"by_tag\"): tag \"v1\" of 127.0.0.1:$PORT/test/base is $DIGEST; pin it with digest" \
  "$WORK/build.log" || { grep -i debug "$WORK/build.log"; fail "no pin message for the tag-only pull"; }
EXT=$WORK/ob/external
[[ "$(sha256sum "$EXT/base/manifest.json" | cut -d' ' -f1)" == "${DIGEST#sha256:}" ]] || fail "manifest bytes differ"
n=0
for d in "$EXT"/base/layer*.json; do
  digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$d")
  src=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("source",""))' "$d")
  [[ "$src" == "127.0.0.1:$PORT/test/base" ]] || fail "$d has source '$src'"
  [[ "$(sha256sum "$EXT/base/blobs/sha256/${digest#sha256:}" | cut -d' ' -f1)" == "${digest#sha256:}" ]] \
    || fail "layer $digest does not verify"
  n=$((n + 1))
done
[[ $n -ge 1 ]] || fail "no layers pulled"
cmp -s "$EXT/base/manifest.json" "$EXT/from_layout/manifest.json" || fail "the layout gives another manifest"
grep -q '"source"' "$EXT"/from_layout/layer0.json && fail "a layout layer claims a registry source"
grep -q 'oci_import(' "$EXT/base/BUILD.bazel" || fail "no oci_import in the generated BUILD"

echo "== pushing the pulled image to another repository mounts its layers"
layer_flags=()
for d in "$EXT"/base/layer*.json; do
  digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$d")
  layer_flags+=(--layer "$d=$EXT/base/blobs/sha256/${digest#sha256:}")
done
config=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"])' "$EXT/base/pull.json")
"$STOWAGE" push --repository "127.0.0.1:$PORT/test/derived" --tag v1 --manifest "$EXT/base/manifest.json" \
  --config "$EXT/base/$config" "${layer_flags[@]}" >"$WORK/derived.out" 2>"$WORK/derived.err" \
  || { cat "$WORK/derived.err"; fail "push of the pulled image"; }
grep '^summary:' "$WORK/derived.out" | sed 's/^/   /'
[[ $(summary_field "$WORK/derived.out" blobs_mounted) == "$n" ]] || fail "expected $n mounted layers"
[[ "$(tail -n 1 "$WORK/derived.out")" == "127.0.0.1:$PORT/test/derived@$DIGEST" ]] || fail "derived digest"

echo "== a tampered blob fails the pull"
layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$EXT/base/layer0.json")
hex=${layer#sha256:}
data="$WORK/reg/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
[[ -f "$data" ]] || fail "cannot find the registry's copy of $layer"
printf 'X' | dd of="$data" bs=1 seek=100 count=1 conv=notrunc 2>/dev/null
if (cd "$WS" && "${B[@]}" build @tampered//:image) >"$WORK/tampered.log" 2>&1; then
  fail "a tampered blob was accepted"
fi
grep -q "does not match its digest" "$WORK/tampered.log" || { tail -n 20 "$WORK/tampered.log"; fail "unclear tamper error"; }
grep "does not match its digest" "$WORK/tampered.log" | head -n 1 | sed 's/^/   /'
echo "PASS pull"
