#!/usr/bin/env bash
# Push benchmark: the same image (>= 300 MB in several random, incompressible layers) pushed
# to docker-registry on loopback by stowage, by `skopeo copy oci:... docker://...`, and by
# plain curl uploads of the same blobs one after another (POST + PUT -T per blob, then the
# manifest; digests computed beforehand, outside the timing). Fresh pushes use a new registry each time; then a no-change re-push (requests
# counted from the registry's access log) and a push after changing one layer.
# Prints a table and writes it to bench/results/push.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/registry/e2e_lib.sh

LAYERS=${LAYERS:-6}
LAYER_MB=${LAYER_MB:-52}
build_stowage
echo "== making a $((LAYERS * LAYER_MB)) MB image ($LAYERS layers)"
seeds=$(seq -s, 101 $((100 + LAYERS)))
make_image "$WORK/img" "$seeds" --layer-size $((LAYER_MB * 1000 * 1000))
changed_seeds=$(echo "$seeds" | sed 's/^\([0-9]*\),\([0-9]*\),\([0-9]*\)/\1,\2,999/')
make_image "$WORK/img2" "$changed_seeds" --layer-size $((LAYER_MB * 1000 * 1000))

# An OCI layout of the same blobs for skopeo.
oci_layout() {
  local img=$1 out=$2
  mkdir -p "$out/blobs/sha256"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
  for f in "$img"/layer*.tar.gz "$img/config.json" "$img/manifest.json"; do
    ln -f "$f" "$out/blobs/sha256/$(sha256sum "$f" | cut -d' ' -f1)"
  done
  python3 - "$img" "$out" <<'PY'
import json, os, sys, hashlib
img, out = sys.argv[1:]
m = open(os.path.join(img, "manifest.json"), "rb").read()
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
         "digest": "sha256:" + hashlib.sha256(m).hexdigest(), "size": len(m),
         "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}
json.dump(index, open(os.path.join(out, "index.json"), "w"))
PY
}
oci_layout "$WORK/img" "$WORK/layout"
# Digests for the curl baseline, known before timing starts (as stowage's descriptors are).
mkdir -p "$WORK/img.digests"
for f in "$WORK"/img/layer*.tar.gz "$WORK/img/config.json"; do
  ln -s "$(sha256sum "$f" | cut -d' ' -f1)" "$WORK/img.digests/$(basename "$f")"
done
oci_layout "$WORK/img2" "$WORK/layout2"
total_bytes=$(cat "$WORK"/img/layer*.tar.gz "$WORK/img/config.json" | wc -c)

n_registry=0
new_registry() {
  n_registry=$((n_registry + 1))
  kill "${PIDS[@]}" 2>/dev/null || true
  PORT=$(free_port)
  start_registry "reg$n_registry" "$PORT"
  LOG=$WORK/reg$n_registry.log
}
requests_since() { tail -n +"$(($1 + 1))" "$LOG" | grep -cE '"(GET|HEAD|POST|PUT|PATCH|DELETE) /v2/' || true; }
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

stowage_push() {
  local timer=()
  [[ -n "${STOWAGE_TIME:-}" ]] && timer=(/usr/bin/time -f %M -o "$WORK/stowage.rss")
  # shellcheck disable=SC2046
  ${timer[@]+"${timer[@]}"} "$STOWAGE" push --repository "127.0.0.1:$PORT/bench/app" --tag v1 $(push_args "$1") >"$WORK/stowage.out" 2>"$WORK/stowage.err"
}
skopeo_push() {
  skopeo copy --quiet --dest-tls-verify=false "oci:$1:v1" "docker://127.0.0.1:$PORT/bench/app:v1"
}
curl_push() {
  local img=$1 base="http://127.0.0.1:$PORT/v2/bench/app"
  for f in "$img"/layer*.tar.gz "$img/config.json"; do
    local digest="sha256:$(basename "$(readlink -f "$img.digests/$(basename "$f")")")"
    local loc
    loc=$(curl -sf -X POST -D - -o /dev/null "$base/blobs/uploads/" | tr -d '\r' | sed -n 's/^Location: //Ip')
    [[ "$loc" == http* ]] || loc="http://127.0.0.1:$PORT$loc"
    # -T streams the file (PUT), as stowage does.
    curl -sf -T "$f" -H 'Content-Type: application/octet-stream' "$loc&digest=$digest" -o /dev/null
  done
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$img/manifest.json" "$base/manifests/v1" -o /dev/null
}

echo "== fresh pushes (a new registry for each)"
new_registry; t=$(now); STOWAGE_TIME=1 stowage_push "$WORK/img"; t_stowage=$(elapsed "$t")
rss_kb=$(cat "$WORK/stowage.rss")
mark=$(wc -l <"$LOG"); t=$(now); stowage_push "$WORK/img"; t_stowage_re=$(elapsed "$t"); r_stowage_re=$(requests_since "$mark")
re_line=$(grep '^summary:' "$WORK/stowage.out")
t=$(now); stowage_push "$WORK/img2"; t_stowage_change=$(elapsed "$t")
changed_bytes=$(summary_field "$WORK/stowage.out" uploaded_bytes)
want_changed=$(( $(file_size "$WORK/img2/layer2.tar.gz") + $(file_size "$WORK/img2/config.json") ))

new_registry; t=$(now); skopeo_push "$WORK/layout"; t_skopeo=$(elapsed "$t")
mark=$(wc -l <"$LOG"); t=$(now); skopeo_push "$WORK/layout"; t_skopeo_re=$(elapsed "$t"); r_skopeo_re=$(requests_since "$mark")

new_registry; t=$(now); curl_push "$WORK/img"; t_curl=$(elapsed "$t")

blobs=$((LAYERS + 1))
ratio() { echo "scale=2; $1 / $2" | bc; }
mbps() { echo "scale=0; $total_bytes / $1 / 1000000" | bc; }
mkdir -p bench/results
{
  echo "push benchmark: $blobs blobs, $total_bytes bytes, docker-registry on 127.0.0.1 ($(nproc) cores, shared)"
  printf '%-34s %9s %9s %s\n' "run" "seconds" "MB/s" "notes"
  printf '%-34s %9.2f %9s %s\n' "stowage fresh push" "$t_stowage" "$(mbps "$t_stowage")" "x$(ratio "$t_stowage" "$t_curl") of curl, x$(ratio "$t_stowage" "$t_skopeo") of skopeo; peak RSS $((rss_kb / 1024)) MB"
  printf '%-34s %9.2f %9s %s\n' "skopeo copy fresh push" "$t_skopeo" "$(mbps "$t_skopeo")" ""
  printf '%-34s %9.2f %9s %s\n' "curl, blob after blob" "$t_curl" "$(mbps "$t_curl")" "baseline"
  printf '%-34s %9.2f %9s %s\n' "stowage no-change re-push" "$t_stowage_re" "-" "$r_stowage_re requests for $blobs blobs; x$(ratio "$t_stowage_re" "$t_skopeo_re") of skopeo"
  printf '%-34s %9.2f %9s %s\n' "skopeo no-change re-push" "$t_skopeo_re" "-" "$r_skopeo_re requests"
  printf '%-34s %9.2f %9s %s\n' "stowage push, one layer changed" "$t_stowage_change" "-" "uploaded $changed_bytes bytes; changed layer + config = $want_changed"
  echo "stowage re-push $re_line"
} | tee bench/results/push.txt
