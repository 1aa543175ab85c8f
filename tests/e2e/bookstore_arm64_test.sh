#!/usr/bin/env bash
# linux/amd64 and linux/arm64 from one target (issue 13): //examples/bookstore:index builds the
# image for both platforms (one transition: the server by the amd64 toolchain and by the arm64
# cross compiler, each runtime layer from that architecture's packages of the same lockfile).
#  1. The index lists linux/amd64 and linux/arm64; its amd64 manifest is :image's, byte for byte.
#  2. Each image, picked from the index by platform, holds a server of
#     its own machine type, whose libraries (DT_NEEDED) its runtime layer ships, and dpkg's
#     records say that architecture; the arm64 libraries are the arm64 packages' versions of
#     the amd64 ones (the same lock).
#  3. Both run as their configs say (bwrap; arm64 through qemu-aarch64-static called directly,
#     no binfmt): after `migrate`, the same requests get the same status and the same body.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/stowage-bookstore-arm64.XXXXXX")
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $work" >&2; else chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
qemu=$(command -v qemu-aarch64-static) || fail "qemu-aarch64-static is missing (Debian's qemu-user-static; scripts/setup.sh installs it)"

echo "== build the index (both platforms) and :image"
start=$(date +%s)
bazel build //examples/bookstore:index_layout //examples/bookstore:image >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log"; fail "build"; }
echo "   built in $(($(date +%s) - start)) s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
layout=$ROOT/bazel-bin/examples/bookstore/index_layout
image_digest=sha256:$(sha256sum <"$ROOT/bazel-bin/examples/bookstore/image.manifest.json" | cut -d' ' -f1)

echo "== 1. the index"
python3 - "$layout" "$image_digest" <<'EOF' || fail "the index is not what it should be"
import json, os, sys
layout, image_digest = sys.argv[1], sys.argv[2].strip()
if not image_digest.startswith("sha256:"):
    image_digest = "sha256:" + image_digest
blob = lambda d: json.load(open(os.path.join(layout, "blobs", *d.split(":", 1))))
top = json.load(open(os.path.join(layout, "index.json")))["manifests"]
assert len(top) == 1, top
index = blob(top[0]["digest"])
platforms = [(m["platform"]["os"], m["platform"]["architecture"]) for m in index["manifests"]]
assert platforms == [("linux", "amd64"), ("linux", "arm64")], platforms
assert index["manifests"][0]["digest"] == image_digest, (index["manifests"][0]["digest"], image_digest)
for m in index["manifests"]:
    config = blob(blob(m["digest"])["config"]["digest"])
    assert (config["os"], config["architecture"]) == (m["platform"]["os"], m["platform"]["architecture"]), config
print("   linux/amd64 %s (= :image), linux/arm64 %s" % (index["manifests"][0]["digest"][:19], index["manifests"][1]["digest"][:19]))
EOF

declare -A machine=([amd64]="Advanced Micro Devices X86-64" [arm64]="AArch64")
declare -A triple=([amd64]=x86_64-linux-gnu [arm64]=aarch64-linux-gnu)
echo "== 2. each platform's image"
for arch in amd64 arm64; do
  # The index entry for linux/$arch, its layers unpacked in order (skopeo 1.9 reads no Docker
  # media types from an OCI layout), its config's environment, directory and command kept.
  rootfs=$work/$arch/root
  mkdir -p "$rootfs"
  python3 - "$layout" "$arch" "$rootfs" "$work/$arch/run.args" <<'EOF'
import json, os, subprocess, sys
lay, arch, root, argsfile = sys.argv[1:]
blob = lambda d: os.path.join(lay, "blobs", *d.split(":", 1))
index = json.load(open(blob(json.load(open(os.path.join(lay, "index.json")))["manifests"][0]["digest"])))
entry = [m for m in index["manifests"] if m["platform"] == {"os": "linux", "architecture": arch}][0]
manifest = json.load(open(blob(entry["digest"])))
for layer in manifest["layers"]:
    subprocess.run(["tar", "--no-same-owner", "-xzf", blob(layer["digest"]), "-C", root], check=True)
c = json.load(open(blob(manifest["config"]["digest"])))["config"]
with open(argsfile, "w") as f:
    for kv in c.get("Env", []):
        f.write("ENV\t" + kv + "\n")
    f.write("CWD\t" + c.get("WorkingDir", "/") + "\n")
    for a in c.get("Entrypoint", []) + c.get("Cmd", []):
        f.write("ARG\t" + a + "\n")
EOF
  server=$rootfs/app/bin/bookstore
  m=$(readelf -h "$server" | sed -n 's/^ *Machine: *//p')
  [[ "$m" == "${machine[$arch]}" ]] || fail "$arch: the server is for $m"
  mapfile -t needed < <(readelf -d "$server" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  ((${#needed[@]} >= 8)) || fail "$arch: the server needs only ${#needed[@]} libraries"
  for so in "${needed[@]}"; do
    [[ -e "$rootfs/usr/lib/${triple[$arch]}/$so" ]] || fail "$arch: the runtime layer has no $so"
  done
  dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f '${Package} ${Version} ${Architecture}\n' |
    sort >"$work/$arch.packages"
  grep -q "^libc6 .* $arch$" "$work/$arch.packages" || fail "$arch: dpkg's records have no libc6 for $arch"
  echo "   $arch: server for $m, ${#needed[@]} libraries from its runtime layer, $(wc -l <"$work/$arch.packages") packages"
done
# The same lock: the same package versions for both (the architecture aside).
diff <(cut -d' ' -f1,2 "$work/amd64.packages") <(cut -d' ' -f1,2 "$work/arm64.packages") >"$work/versions.diff" ||
  { cat "$work/versions.diff"; fail "the two images ship different package versions"; }

# run ARCH ARGS...: the image's entrypoint under bwrap (arm64 through qemu-aarch64-static, bound
# into the root and called directly: no binfmt), as its config says, uid 10001.
run() {
  local arch=$1 kind value
  shift
  local cmd=(bwrap --bind "$work/$arch/root" / --proc /proc --dev /dev --tmpfs /tmp --unshare-all --share-net
    --unshare-user --uid 10001 --gid 10001 --die-with-parent --clearenv --setenv SECRET_KEY "$secret")
  local argv=()
  while IFS=$'\t' read -r kind value; do
    case $kind in
      ENV) cmd+=(--setenv "${value%%=*}" "${value#*=}") ;;
      CWD) cmd+=(--chdir "$value") ;;
      ARG) argv+=("$value") ;;
    esac
  done <"$work/$arch/run.args"
  (($#)) && argv=("${argv[0]}" "$@")
  if [[ $arch == arm64 ]]; then
    cmd+=(--ro-bind "$qemu" /.emulator)
    argv=(/.emulator -L / "${argv[@]}")
  fi
  "${cmd[@]}" -- "${argv[@]}"
}

echo "== 3. both answer the same requests (arm64 under $qemu)"
secret=$(openssl rand -base64 48 | tr -d '\n')
declare -A port
for arch in amd64 arm64; do
  run "$arch" migrate >"$work/$arch.migrate.log" 2>&1 || { cat "$work/$arch.migrate.log"; fail "$arch: migrate"; }
  port[$arch]=$(free_port)
  run "$arch" serve --port "${port[$arch]}" >"$work/$arch.app.log" 2>&1 &
  pids+=($!)
  wait_for_http "http://127.0.0.1:${port[$arch]}/healthz" 120 || { cat "$work/$arch.app.log"; fail "$arch: the server did not start"; }
done
pgrep -f "^/.emulator -L / /app/bin/bookstore" >/dev/null || fail "the arm64 server is not running under the emulator"
requests=(/ /books/1/ /books/2/ /api/books /api/books/1 /healthz /nope/ /books)
for path in "${requests[@]}"; do
  for arch in amd64 arm64; do
    curl -s -o "$work/$arch.body" -D "$work/$arch.head" -H 'X-Forwarded-Proto: https' \
      "http://127.0.0.1:${port[$arch]}$path" || fail "$arch: GET $path"
    # Headers that differ between two runs of one server (date, cookies with a fresh token).
    grep -iv -e '^date:' -e '^set-cookie:' "$work/$arch.head" | sed "s/${port[$arch]}/PORT/g" | tr -d '\r' >"$work/$arch.h"
  done
  cmp -s "$work/amd64.h" "$work/arm64.h" || { diff "$work/amd64.h" "$work/arm64.h"; fail "GET $path: other headers"; }
  cmp -s "$work/amd64.body" "$work/arm64.body" || fail "GET $path: other body"
  echo "   GET $path: $(head -1 "$work/amd64.h") ($(wc -c <"$work/amd64.body") bytes), the same on both"
done
echo "PASS: bookstore_arm64"
