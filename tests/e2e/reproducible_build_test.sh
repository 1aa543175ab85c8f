#!/usr/bin/env bash
# Proof of reproducibility and remote caching (issue 8), on the example app:
#  1. build the example's OCI layout in this tree, and again in a copy at another path with a
#     different umask, touched source mtimes, other TZ/LANG in every action, one compression
#     thread instead of all, its own Bazel output base and no disk cache: every blob and the
#     manifest digest must be identical; on a difference, name the blob, the layer and the file
#     (scripts/lib/explain_diff.py, checked first on the example image against its canary);
#  2. that second build filled a remote cache (Debian's nginx with WebDAV PUT); a third clean
#     copy builds the same targets and must execute none of our actions (all remote cache hits,
#     read from Bazel's execution log);
#  3. report the bytes the cache holds for two images that share base and static layers, next
#     to what copying every blob into every image would hold.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh

# The example's two images (as OCI layouts: every blob and the index) and the image tests'
# OCI and Docker images, docker-archive tarball and multi-platform index.
TARGETS=(//examples/bookstore:layout //examples/bookstore:canary_layout //tests/image:app
  //tests/image:app_docker //tests/image:app_tarball //tests/image:multi)
work=$(mktemp -d /tmp/stowage-repro.XXXXXX)
cleanup() {
  for ob in "$work"/ob-*; do [[ -d "$ob" ]] && bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true; done
  [[ -n "${CACHE_PID:-}" ]] && kill "$CACHE_PID" 2>/dev/null || true
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

collect() {  # collect WORKSPACE OUTPUT_BASE TARGET DEST: copy the target's outputs into DEST
  local f
  mkdir -p "$4"
  for f in $(cd "$1" && bazel --output_base="$2" cquery --output=starlark \
    --starlark:expr='"\n".join([f.path for f in target.files.to_list()])' "$3" 2>/dev/null); do
    cp -r "$1/$f" "$4/"
  done
  chmod -R u+w "$4"
}

explain_difference() {  # explain_difference DIR_A DIR_B BAZEL_BIN_A BAZEL_BIN_B
  /usr/bin/python3 "$ROOT/scripts/lib/explain_diff.py" "$1" "$2" --names-a "$3" --names-b "$4" || true
}

echo "== build 1: this tree"
bazel build "${TARGETS[@]}" >"$work/build1.log" 2>&1 || { tail -30 "$work/build1.log"; exit 1; }
ob1=$(bazel info output_base 2>/dev/null)
for t in "${TARGETS[@]}"; do
  name=$(tr '/:' '__' <<<"${t#//}")
  collect "$ROOT" "$ob1" "$t" "$work/one/$name"
done

# The explainer must name the layer and the file when images differ: the example's image and
# its canary differ in exactly the app layer's base.html (and the config).
explain_difference "$work/one/examples_bookstore_layout" "$work/one/examples_bookstore_canary_layout" \
  "$ROOT/bazel-bin" "$ROOT/bazel-bin" >"$work/explain-self.txt"
grep -q 'layer 3 differs: .*(//examples/bookstore:app_layer).*(//examples/bookstore:canary_app_layer)' "$work/explain-self.txt" &&
  grep -q 'file app/templates/base.html: sha256' "$work/explain-self.txt" ||
  { cat "$work/explain-self.txt"; echo "FAIL: the difference explainer did not name the layer and file"; exit 1; }
echo "   difference explainer checked on image vs canary: names $(grep -c 'differs' "$work/explain-self.txt") differing blobs, the layer target and the file"

echo "== nginx remote cache on loopback"
start_nginx_cache "$work/nginx"
echo "   $CACHE_URL"

echo "== build 2: another path, umask 077, touched mtimes, TZ/LANG, 1 thread, own output base,"
echo "   sandboxed, with the first tree and \$HOME hidden from its actions (no undeclared reads)"
two="$work/elsewhere/deeper/clone-two"
three="$work/clone-three"
# Both clones are taken now, from the same sources as build 1 (an edit made while this test
# runs must not reach one clone and not the other).
copy_tree "$ROOT" "$two"
copy_tree "$ROOT" "$three"
find "$two" -type f -exec touch -d "@$((1500000000 + RANDOM))" {} +
# Flags that change the environment of every action: they are part of Bazel's action keys, so
# the clean copy (build 3) passes the same ones to find build 2's results in the cache.
env_flags=(--action_env=TZ=Pacific/Chatham --action_env=LANG=de_DE.UTF-8 --action_env=LC_ALL=C.UTF-8
  --action_env=STOWAGE_THREADS=1)
(
  umask 077
  cd "$two"
  TZ=Pacific/Chatham LANG=de_DE.UTF-8 bazel --output_base="$work/ob-two" build \
    --disk_cache= --remote_cache="$CACHE_URL" "${env_flags[@]}" \
    --spawn_strategy=sandboxed --incompatible_strict_action_env \
    --sandbox_block_path="$ROOT" --sandbox_block_path="$HOME" \
    --execution_log_json_file="$work/exec2.json" \
    "${TARGETS[@]}" >"$work/build2.log" 2>&1
) || { tail -30 "$work/build2.log"; exit 1; }

status=0
for t in "${TARGETS[@]}"; do
  name=$(tr '/:' '__' <<<"${t#//}")
  d2=$work/two/$name
  collect "$two" "$work/ob-two" "$t" "$d2"
  if diff -r "$work/one/$name" "$d2" >/dev/null; then
    # A layout's index.json or an image's descriptor names the manifest; the first one found.
    digest=$(cat "$d2"/*/index.json "$d2"/*.descriptor.json 2>/dev/null | grep -o 'sha256:[0-9a-f]\{64\}' | head -1 || true)
    [[ -n "$digest" ]] || digest="(tarball) sha256:$(cat "$d2"/* | sha256sum | cut -d' ' -f1)"
    echo "   $t identical: $(find "$d2" -type f | wc -l) files; manifest $digest"
  else
    echo "   $name DIFFERS between the two builds:"
    explain_difference "$work/one/$name" "$d2" "$ROOT/bazel-bin" "$two/bazel-bin"
    status=1
  fi
done
[[ $status -eq 0 ]] || exit 1
bazel --output_base="$work/ob-two" shutdown >/dev/null 2>&1 || true

echo "== build 3: a clean copy with the remote cache must run none of our actions"
(
  cd "$three"
  bazel --output_base="$work/ob-three" build --disk_cache= --remote_cache="$CACHE_URL" "${env_flags[@]}" \
    --execution_log_json_file="$work/exec3.json" "${TARGETS[@]}" >"$work/build3.log" 2>&1
) || { tail -30 "$work/build3.log"; exit 1; }
grep -E "processes" "$work/build3.log" | tail -1 | sed 's/^/   bazel: /'
/usr/bin/python3 "$ROOT/scripts/lib/exec_log.py" cache-hits "$work/exec3.json"
for t in "${TARGETS[@]}"; do
  name=$(tr '/:' '__' <<<"${t#//}")
  collect "$three" "$work/ob-three" "$t" "$work/three/$name"
  diff -r "$work/one/$name" "$work/three/$name" >/dev/null || { echo "clone three differs for $t"; exit 1; }
done

echo "== remote cache bytes for two images sharing base and static layers"
/usr/bin/python3 "$ROOT/scripts/lib/exec_log.py" cache-bytes "$work/exec2.json" "$work/one"
echo "reproducible and remotely cached: OK"
