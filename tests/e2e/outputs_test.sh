#!/usr/bin/env bash
# Outputs never destroy (issue 11, "files destroyed"), through the real binary:
#  - `stowage layout --out .` (and any non-empty directory stowage did not write) is refused and
#    the directory keeps its files; a layout stowage wrote may be written again; `stowage pull
#    --output` fills only a missing, empty or earlier pull's directory, never one it reads;
#  - a symlink (like /dev/stdout), a device node and a FIFO given as an output are refused and
#    left as they were, for every command that writes files or trees;
#  - the same path given for two outputs is refused by every command with several outputs;
#  - sbom, provenance, verify --write-predicate, deb layer and deb lock check their outputs
#    the same way before any work, and commit several outputs together or not at all;
#  - `stowage static` leaves no tree behind when its manifest cannot be written;
#  - no temporary survives a failure: SIGTERM in the middle of a layer, and a thread that cannot
#    be created (pthread_create failing, through an LD_PRELOAD shim built here).
# Device nodes are made with mknod inside the test's own directory; no system file is touched.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib/cli_checks.sh
cd "$WORK"

# ---- inputs: a layer, an image, an image set ------------------------------------------------
echo "hello" > a.txt
echo '{"entries":[{"type":"file","source":"a.txt","path":"app/a.txt"}]}' > layer.json
"$STOWAGE" layer --spec layer.json --output layer.tgz --descriptor layer.desc.json
echo '{"format":"oci","os":"linux","architecture":"amd64","layers":[{"descriptor":"layer.desc.json","name":"l"}]}' > image.json
"$STOWAGE" image --spec image.json --config-out config.json --manifest-out manifest.json \
  --descriptor-out image.desc.json
cat > set.json <<EOF
{"images":[{"descriptor":"$WORK/image.desc.json","manifest":"$WORK/manifest.json",
  "config":"$WORK/config.json",
  "layers":[{"descriptor":"$WORK/layer.desc.json","blob":"$WORK/layer.tgz"}]}]}
EOF

# ---- layout --out . keeps the working directory ----------------------------------------------
mkdir precious && echo "mine" > precious/notes.txt && mkdir precious/sub && echo "x" > precious/sub/y
(cd precious && refused "current directory" layout --spec ../set.json --out .)
refused "non-empty directory that stowage did not write" layout --spec set.json --out precious
refused "non-empty directory that stowage did not write" layout --spec set.json --out precious/
[[ "$(cat precious/notes.txt)" == mine && -f precious/sub/y ]] || fail "precious/ was changed"
[[ "$(ls precious | wc -l)" == 2 ]] || fail "precious/ has other entries: $(ls precious)"
mkdir empty
"$STOWAGE" layout --spec set.json --out empty      # an empty directory, as Bazel pre-creates
[[ -f empty/index.json && -f empty/oci-layout ]] || fail "layout into an empty directory"
if python3 -c 'import os,sys; os.getxattr(sys.argv[1], "user.stowage.output")' empty 2>/dev/null; then
  "$STOWAGE" layout --spec set.json --out empty --tag again   # stowage's own layout: replaced
  grep -q '"again"' empty/index.json || fail "a layout stowage wrote was not replaced"
else
  echo "note: no user xattrs here; a second layout into the same directory is refused"
fi
skopeo inspect --raw "oci:empty" >/dev/null || fail "skopeo cannot read the layout"
no_temporaries

# ---- pull --output fills only a directory of its own ------------------------------------------
digest=$(python3 -c 'import json; print(json.load(open("image.desc.json"))["digest"])')
(cd precious && refused "non-empty directory that stowage did not write" \
  pull --layout ../empty --digest "$digest" --output .)
refused "non-empty directory that stowage did not write" \
  pull --layout empty --digest "$digest" --output precious
[[ "$(ls precious | wc -l)" == 2 ]] || fail "pull wrote into precious/: $(ls precious)"
refused "overlap" pull --layout empty --digest "$digest" --output empty/blobs
refused "overlap" pull --layout empty --digest "$digest" --output empty
refused "overlap" pull --layout empty --digest "$digest" --output empty/new
refused "overlap" pull --layout empty/blobs/.. --digest "$digest" --output ./empty/
[[ ! -e empty/new ]] || fail "a refused pull created empty/new"
"$STOWAGE" pull --layout empty --digest "$digest" --output pulled >/dev/null 2>&1 || fail "pull"
"$STOWAGE" pull --layout empty --digest "$digest" --output pulled >/dev/null 2>&1 ||
  fail "a second pull into its own directory"
[[ -f pulled/pull.json ]] || fail "no pull.json"
mkdir in-place && (cd in-place && "$STOWAGE" pull --layout ../empty --digest "$digest" \
  --output . >/dev/null 2>&1) || fail "pull into an empty working directory (oci_pull's case)"
ln -s in-place pull-link
refused "it is a symlink" pull --layout empty --digest "$digest" --output pull-link
echo x > plain-file
refused "it is a regular file" pull --layout empty --digest "$digest" --output plain-file
no_temporaries

# ---- symlinks, devices and FIFOs are never replaced -------------------------------------------
ln -s /dev/null devnull-link            # what /dev/stdout is: a symlink to a device
mkfifo fifo
mknod ownnull c 1 3                     # our own device node, in this directory only
for target in devnull-link fifo ownnull; do
  refused "refusing to replace" layer --spec layer.json --output "$target" --descriptor d.json
  refused "refusing to replace" layer --spec layer.json --output l.tgz --descriptor "$target"
  refused "refusing to replace" tarball --spec set.json --out "$target"
  refused "refusing to replace" layout --spec set.json --out "$target"
  refused "refusing to replace" image --spec image.json --config-out "$target" \
    --manifest-out m2.json --descriptor-out d2.json
done
[[ -L devnull-link && "$(readlink devnull-link)" == /dev/null ]] || fail "the symlink was replaced"
[[ -p fifo ]] || fail "the FIFO was replaced"
[[ -c ownnull ]] || fail "the device node was replaced"
[[ ! -e d.json && ! -e l.tgz && ! -e m2.json && ! -e d2.json ]] || fail "partial outputs left"
mkdir adir && refused "it is a directory" tarball --spec set.json --out adir
no_temporaries

# ---- two outputs, one path ----------------------------------------------------------------
cp layer.tgz before.tgz
refused "name the same file" layer --spec layer.json --output same --descriptor same
refused "name the same file" layer --spec layer.json --output layer.tgz --descriptor ./x/../layer.tgz
mkdir real && ln -s real alias && ln layer.tgz hard.tgz
refused "name the same file" layer --spec layer.json --output real/l --descriptor alias/l
refused "name the same file" layer --spec layer.json --output layer.tgz --descriptor hard.tgz
ln -s layer.json spec-link
refused "is also the input" layer --spec spec-link --output layer.json --descriptor d.json
rm hard.tgz
cmp -s layer.tgz before.tgz || fail "a refused run changed layer.tgz"
refused "name the same file" image --spec image.json --config-out c --manifest-out c --descriptor-out d
refused "name the same file" image --spec image.json --config-out c --manifest-out m --descriptor-out c
refused "name the same file" index --image image.desc.json --index-out i --descriptor-out i
refused "is also the input" layer --spec layer.json --output layer.json --descriptor d.json
tar -cf plain.tar a.txt
refused "name the same file" tar-layer --tar plain.tar --descriptor t --output t --compression gzip
refused "is also the input" tar-layer --tar plain.tar --descriptor t.json --output plain.tar \
  --compression gzip
[[ ! -e t && ! -e t.json ]] || fail "refused tar-layer runs wrote"
echo '{"label":"//app:heroku","repository":"127.0.0.1:5000/app","processes":{"web":"/app/bin/server --port $PORT"}}' > heroku.json
refused "name the same file" heroku --spec heroku.json --descriptor image.desc.json \
  --heroku-yml h --dockerfile h
echo '{"label":"//app:compose","repository":"127.0.0.1:5000/app","tag":"latest"}' > compose.json
refused "name the same file" compose --spec compose.json --descriptor image.desc.json \
  --out c.yaml --prod-out c.yaml
mkdir -p static/css && echo 'body{}' > static/css/a.css
cat > static.json <<EOF
{"brotli":false,"sources":[{"files":[["css/a.css","$WORK/static/css/a.css"]]}]}
EOF
refused "inside the directory output" static --spec static.json --out tree --manifest tree/m.json
[[ ! -e c && ! -e m && ! -e i && ! -e h && ! -e c.yaml && ! -e tree ]] || fail "refused runs wrote"
no_temporaries

# ---- the other writers: sbom, provenance, verify, deb layer, deb lock ---------------------------
# Each checks its outputs before any work (before the spec is read, the registry or mirror is
# asked anything): two flags naming one file, an output that is an input, symlinks and devices.
echo '{}' > any.json
refused "name the same file" sbom --spec any.json --cyclonedx bom.json --spdx ./bom.json
refused "is also the input" sbom --spec any.json --cyclonedx any.json
refused "refusing to replace" sbom --spec any.json --spdx devnull-link
refused "is also the input" provenance --spec any.json --output any.json
refused "refusing to replace" provenance --spec any.json --output ownnull
openssl ecparam -name prime256v1 -genkey -noout -out sign.key 2>/dev/null
openssl ec -in sign.key -pubout -out sign.pub 2>/dev/null
cp sign.pub sign.pub.before
verify_args=(verify --repository 127.0.0.1:1/app --digest "$digest" --public-key sign.pub)
refused "name the same file" "${verify_args[@]}" --write-predicate slsaprovenance=p.json \
  --write-predicate cyclonedx=real/../p.json
refused "is also the input" "${verify_args[@]}" --write-predicate cyclonedx=sign.pub
refused "refusing to replace" "${verify_args[@]}" --write-predicate cyclonedx=devnull-link
cmp -s sign.pub sign.pub.before || fail "verify changed the public key"
mkdir -p pkg/DEBIAN pkg/usr/share/doc/tiny && echo tiny > pkg/usr/share/doc/tiny/README
printf 'Package: tiny\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' \
  > pkg/DEBIAN/control
dpkg-deb --root-owner-group -Zgzip --build pkg tiny.deb >/dev/null
cp tiny.deb tiny.deb.before
echo "{\"packages\":[{\"deb\":\"$WORK/tiny.deb\",\"name\":\"tiny\",\"version\":\"1.0\",\"architecture\":\"all\"}]}" > deb.json
"$STOWAGE" deb layer --spec deb.json --output dl.tgz --descriptor dl.json || fail "deb layer"
refused "name the same file" deb layer --spec deb.json --output dl.tgz --descriptor dl.tgz
refused "is also the input --spec" deb layer --spec deb.json --output deb.json --descriptor d.json
refused "is also the input (a .deb" deb layer --spec deb.json --output tiny.deb --descriptor d.json
refused "refusing to replace" deb layer --spec deb.json --output dl.tgz --descriptor fifo
cmp -s tiny.deb tiny.deb.before || fail "deb layer destroyed its own .deb input"
lock_args=(deb lock --suite bookworm --package tiny --mirror http://127.0.0.1:1/debian
  --apt-config "$WORK/no-apt" --timeout 5)
refused "refusing to replace" "${lock_args[@]}" --lockfile devnull-link
echo key > k.gpg
refused "is also the input --keyring" "${lock_args[@]}" --lockfile k.gpg --keyring k.gpg
[[ "$(cat k.gpg)" == key ]] || fail "deb lock changed its keyring"
[[ ! -e bom.json && ! -e p.json && ! -e d.json ]] || fail "refused runs wrote"
no_temporaries

# ---- static: the tree and its manifest appear together or not at all --------------------------
mkdir manifest-dir && touch manifest-dir/keep
refused "refusing to replace" static --spec static.json --out tree --manifest manifest-dir
[[ ! -e tree ]] || fail "static left its tree behind when the manifest could not be written"
[[ -f manifest-dir/keep ]] || fail "manifest-dir was changed"
"$STOWAGE" static --spec static.json --out tree --manifest staticfiles.json
[[ -f tree/staticfiles.json ]] && cmp -s tree/staticfiles.json staticfiles.json || fail "static"
no_temporaries

# ---- no temporary survives SIGTERM in the middle of a layer ----------------------------------
head -c 150000000 /dev/urandom > big.bin
echo '{"entries":[{"type":"file","source":"big.bin","path":"big.bin"}]}' > big.json
"$STOWAGE" layer --spec big.json --output big.tgz --descriptor big.desc.json --level 9 \
  --threads 1 2>/dev/null &
pid=$!
for _ in $(seq 1 200); do
  compgen -G 'big.tgz.tmp.*' >/dev/null && break
  sleep 0.05
done
compgen -G 'big.tgz.tmp.*' >/dev/null || fail "the layer's temporary never appeared"
kill -TERM "$pid"
if wait "$pid"; then fail "the layer finished before SIGTERM; make big.bin larger"; fi
[[ ! -e big.tgz && ! -e big.desc.json ]] || fail "outputs after SIGTERM"
no_temporaries

# ---- no temporary survives a thread that cannot be created -----------------------------------
cat > noThreads.c <<'EOF'
#include <errno.h>
#include <pthread.h>
int pthread_create(pthread_t* t, const pthread_attr_t* a, void* (*f)(void*), void* arg) {
  (void)t; (void)a; (void)f; (void)arg;
  return EAGAIN;
}
EOF
cc -shared -fPIC -o noThreads.so noThreads.c
status=0
LD_PRELOAD="$WORK/noThreads.so" "$STOWAGE" layer --spec layer.json --output nt.tgz \
  --descriptor nt.json --threads 2 2>nt.err || status=$?
[[ $status -ne 0 ]] || fail "layer succeeded without threads?"
[[ ! -e nt.tgz && ! -e nt.json ]] || fail "outputs after the thread failure"
no_temporaries
echo "thread failure: exit $status, $(head -c 200 nt.err)"

[[ $failures == 0 ]] || exit 1
echo "PASS: outputs_test"
