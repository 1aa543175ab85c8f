#!/usr/bin/env bash
# Builds layers with `stowage layer` from a tree with nested dirs, an executable, symlinks,
# an empty dir and odd-but-valid UTF-8 names, then reads them back with every consumer we can
# run here: GNU tar, bsdtar, umoci (from a hand-written OCI layout), skopeo (Go's gzip reader),
# Python's gzip, `gzip -t`, `zstd -t`. Each extraction is compared with what the spec asks for.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "FAIL: $*" >&2; exit 1; }

bazel build //builder:stowage >/dev/null 2>&1 || { bazel build //builder:stowage; fail "build"; }
STOWAGE="$(bazel info bazel-bin 2>/dev/null)/builder/stowage"
[[ -x "$STOWAGE" ]] || fail "no stowage binary at $STOWAGE"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/layer-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# ---- the input tree -------------------------------------------------------------------------
mkdir -p src/bin src/lib/nested/deeper "src/with space" src/ünïcödé src/日本語 src/emoji-😀
printf '#!/bin/sh\necho server\n' > src/bin/server && chmod 755 src/bin/server
echo "library data" > src/lib/data.txt
echo "deep" > src/lib/nested/deeper/file.txt
echo "spaced" > "src/with space/a file.txt"
echo "accents" > src/ünïcödé/fïlé.txt
echo "kanji" > src/日本語/ファイル.txt
echo "smile" > "src/emoji-😀/😀.txt"
echo "#hash" > "src/lib/#weird'name\"quoted.txt"
printf 'x%.0s' $(seq 1 300) > src/lib/nested/$(printf 'l%.0s' $(seq 1 150))   # long name (PAX path)
head -c 3000000 /dev/urandom | base64 > src/lib/big.txt                       # several gzip members
echo "real" > outside.txt
ln -s ../../outside.txt src/lib/linked.txt   # a source symlink: the layer gets the file
chmod 600 src/lib/data.txt                   # host modes other than x are not copied

python3 - <<'PY'
import json
spec = {
    "entries": [
        {"type": "tree", "source": "src", "path": "/app"},
        {"type": "file", "source": "outside.txt", "path": "etc/owned.txt", "uid": 1000, "gid": 1000},
        {"type": "symlink", "path": "app/current", "target": "bin/server"},
        {"type": "symlink", "path": "usr/bin/server", "target": "/app/bin/server"},
        {"type": "dir", "path": "var/empty"},
        {"type": "dir", "path": "tmp", "mode": "1777"},
    ],
}
json.dump(spec, open("spec.json", "w"), ensure_ascii=False)
PY

for c in gzip zstd none; do
  "$STOWAGE" layer --spec spec.json --output "layer.$c" --descriptor "desc.$c.json" --compression $c
done
diff_id() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
for c in gzip zstd none; do
  [[ "$(diff_id desc.$c.json diffId)" == "sha256:$(sha256sum < layer.none | cut -d' ' -f1)" ]] || fail "$c diffId"
  [[ "$(diff_id desc.$c.json digest)" == "sha256:$(sha256sum < layer.$c | cut -d' ' -f1)" ]] || fail "$c digest"
done

# ---- integrity checks by independent decompressors ------------------------------------------
gzip -t layer.gzip || fail "gzip -t"
zstd -qt layer.zstd || fail "zstd -t"
py=$(python3 -c 'import gzip,hashlib,sys; print(hashlib.sha256(gzip.open(sys.argv[1]).read()).hexdigest())' layer.gzip)
[[ "$py" == "$(sha256sum < layer.none | cut -d' ' -f1)" ]] || fail "python gzip reads a different stream"
[[ "$(gzip -dc layer.gzip | sha256sum)" == "$(sha256sum < layer.none)" ]] || fail "GNU gzip -dc differs"
members=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d.count(b"\x1f\x8b\x08\x00\x00\x00\x00\x00"))' layer.gzip)
(( members > 1 )) || fail "expected a multi-member gzip, found $members member(s)"

# ---- what the extracted tree must look like --------------------------------------------------
# manifest ROOT [owners]: one line per entry: path type mode [uid:gid] sha256-or-target
manifest() {
  python3 - "$1" "${2:-}" <<'PY'
import hashlib, os, stat, sys
root, owners = sys.argv[1], sys.argv[2] == "owners"
for dirpath, dirs, files in os.walk(root):
    dirs.sort()
    for name in sorted(dirs + files):
        p = os.path.join(dirpath, name)
        rel = os.path.relpath(p, root)
        st = os.lstat(p)
        own = f" {st.st_uid}:{st.st_gid}" if owners else ""
        if stat.S_ISLNK(st.st_mode):
            print(f"{rel} l{own} -> {os.readlink(p)}")
        elif stat.S_ISDIR(st.st_mode):
            print(f"{rel} d {oct(stat.S_IMODE(st.st_mode))}{own}")
        else:
            print(f"{rel} f {oct(stat.S_IMODE(st.st_mode))}{own} {hashlib.sha256(open(p,'rb').read()).hexdigest()}")
PY
}
# The expectation, built the slow obvious way: copy with links followed, normalize modes.
mkdir -p expected/app expected/etc expected/usr/bin expected/var/empty expected/tmp
cp -rL src/. expected/app/
cp outside.txt expected/etc/owned.txt
find expected -type d -exec chmod 755 {} +
find expected -type f -perm /111 -exec chmod 755 {} +
find expected -type f ! -perm /111 -exec chmod 644 {} +
chmod 1777 expected/tmp
ln -s bin/server expected/app/current
ln -s /app/bin/server expected/usr/bin/server
chown -R 0:0 expected && chown 1000:1000 expected/etc/owned.txt
manifest expected owners > expected.txt
manifest expected > expected-noowner.txt
[[ $(wc -l < expected.txt) -gt 20 ]] || fail "expected manifest too small"

check_tree() {  # name dir [owners]
  local want=expected.txt
  [[ -z "${3:-}" ]] && want=expected-noowner.txt
  manifest "$2" "${3:-}" > "got-$1.txt"
  if ! diff -u "$want" "got-$1.txt"; then
    fail "$1 extraction differs from the spec"
  fi
  echo "ok: $1 ($(wc -l < "got-$1.txt") entries)"
}

for c in gzip zstd none; do
  mkdir "gnutar-$c"
  tar -xf "layer.$c" -C "gnutar-$c" --numeric-owner --same-owner --same-permissions
  check_tree "gnutar-$c" "gnutar-$c" owners
  mkdir "bsdtar-$c"
  bsdtar -xpf "layer.$c" -C "bsdtar-$c" --numeric-owner
  check_tree "bsdtar-$c" "bsdtar-$c" owners
done

# Listing: owners as numbers only (no host names), every entry relative, parents first.
tar -tvzf layer.gzip > listing.txt
grep -q ' 1000/1000 .* etc/owned.txt$' listing.txt || fail "uid/gid 1000 missing in tar -tv"
[[ $(grep -vc ' 0/0 ' listing.txt) -eq 1 ]] || fail "unexpected owners in: $(grep -v ' 0/0 ' listing.txt)"
tar -tzf layer.gzip > names.txt
grep -q '^/' names.txt && fail "absolute name in the tar"
LC_ALL=C sort -c names.txt || fail "entries are not in bytewise order"

# ---- umoci: a minimal OCI layout written by hand ----------------------------------------------
make_layout() {  # layout-dir layer-file media-type
  local dir=$1 blob=$2 mt=$3
  mkdir -p "$dir/blobs/sha256"
  local ld; ld=$(sha256sum < "$blob" | cut -d' ' -f1)
  cp "$blob" "$dir/blobs/sha256/$ld"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"stowage layer"}]}' \
    "$(sha256sum < layer.none | cut -d' ' -f1)" > config.json
  local cd; cd=$(sha256sum < config.json | cut -d' ' -f1)
  cp config.json "$dir/blobs/sha256/$cd"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"%s","digest":"sha256:%s","size":%d}]}' \
    "$cd" "$(stat -c %s config.json)" "$mt" "$ld" "$(stat -c %s "$blob")" > manifest.json
  local md; md=$(sha256sum < manifest.json | cut -d' ' -f1)
  cp manifest.json "$dir/blobs/sha256/$md"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"test"}}]}' \
    "$md" "$(stat -c %s manifest.json)" > "$dir/index.json"
}
make_layout oci-gzip layer.gzip application/vnd.oci.image.layer.v1.tar+gzip
umoci unpack --rootless --image oci-gzip:test bundle-gzip >/dev/null || fail "umoci unpack (gzip)"
check_tree umoci-gzip bundle-gzip/rootfs
make_layout oci-none layer.none application/vnd.oci.image.layer.v1.tar
umoci unpack --rootless --image oci-none:test bundle-none >/dev/null || fail "umoci unpack (tar)"
check_tree umoci-none bundle-none/rootfs

# ---- skopeo: Go's gzip reader decompresses the multi-member blob to the diffId ---------------
skopeo copy --dest-decompress oci:oci-gzip:test dir:skopeo-out >/dev/null || fail "skopeo copy"
found=0
for f in skopeo-out/*; do
  [[ "$(sha256sum < "$f" | cut -d' ' -f1)" == "$(sha256sum < layer.none | cut -d' ' -f1)" ]] && found=1
done
(( found )) || fail "skopeo's decompressed layer does not match the diffId"
echo "ok: skopeo (Go compress/gzip) reads the layer"

# ---- memory stays bounded whatever the layer size ------------------------------------------
# A 768 MiB layer (a sparse file: cheap to make, read and compress) must not raise peak RSS
# above 200 MB; a builder that buffered the tar or the blob would need more than 768 MB.
mkdir big && truncate -s 768M big/sparse.bin && head -c 4000000 /dev/urandom > big/noise.bin
printf '{"entries":[{"type":"tree","source":"big","path":"/data"}]}' > big.json
# 8 threads: the most workers either compressor uses, whatever the machine's core count.
for c in gzip zstd; do
  /usr/bin/time -f %M -o "rss.$c" "$STOWAGE" layer --spec big.json --output "big.$c" \
    --descriptor "big.$c.json" --compression $c --threads 8 || fail "big $c layer"
  [[ $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uncompressedSize"])' "big.$c.json") -gt 800000000 ]] ||
    fail "big $c layer is smaller than its input"
  rss_kb=$(cat "rss.$c")
  (( rss_kb < 200 * 1024 )) || fail "peak RSS $((rss_kb / 1024)) MB for a 768 MiB $c layer (limit 200 MB)"
  echo "ok: 768 MiB $c layer in $((rss_kb / 1024)) MB peak RSS"
  rm -f "big.$c"
done

echo "PASS: layer_extract_test"
