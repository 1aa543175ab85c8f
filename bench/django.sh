#!/usr/bin/env bash
# The Django bookstore's figures for the README (issue 15): what building, changing and pushing
# its image costs, how big it is, and how many requests per second it serves next to the native
# bookstore, both in the same Docker engine.
#
#   bench/django.sh [seconds]   (default 10 s of wrk per server and URL; writes
#                                bench/results/django.txt)
#
#  1. Build time from a clean cache: a fresh output base, no disk cache (--disk_cache=) and an
#     empty repository cache, so nothing another build left behind is reused: the stowage tool
#     is compiled (timed on its own), the 77 pinned .debs are downloaded from the mirror apt is
#     configured with, and the image's actions run (timed on their own).
#  2. After a template change (one line added to templates/books/book_list.html, restored at
#     exit): the incremental rebuild of the image in that output base.
#  3. What the change re-pushes: the image pushed to a docker-registry on loopback, then the
#     changed image; the bytes the second push sent, as stowage's push summary counts them and
#     as the registry's storage grew (its blob files), and the blob uploads its log shows.
#  4. Image size: compressed (the manifest's layer and config sizes) and unpacked (each layer's
#     tar, decompressed).
#  5. Requests per second: both images loaded (oci_load) into a throwaway dockerd
#     (scripts/lib/dockerd.sh), each run as shipped (Django: Gunicorn with WEB_CONCURRENCY=2
#     sync workers and its access log; native: the bookstore server), SQLite database migrated
#     by the release command; `wrk -t2 -c32` from the engine's namespace straight to the
#     container's address (Host: localhost, which ALLOWED_HOSTS admits), with X-Forwarded-Proto:
#     https, on the book list and on a hashed
#     stylesheet (Accept-Encoding: gzip, br).
# Timings depend on the machine's load: every timing is printed with the load average taken
# right before it; bytes and sizes do not. Not a test: nothing here passes or fails on a figure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/lib/services.sh
source scripts/lib/dockerd.sh
source scripts/lib/docker_e2e.sh
export PATH=/usr/bin:$PATH

DURATION=${1:-10}
command -v wrk >/dev/null || { echo "bench/django.sh needs wrk (scripts/debian-packages.txt)" >&2; exit 1; }
mkdir -p bench/results
out=bench/results/django.txt
: >"$out"
docker_e2e_init django-bench
template=examples/django_bookstore/templates/books/book_list.html
cp "$template" "$work/template.orig"
ob=$work/output_base
bench_cleanup() {
  cp "$work/template.orig" "$ROOT/$template"
  [[ "$CLEAN" == 0 ]] || bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true
  [[ -n "${REGISTRY_PID:-}" ]] && kill "$REGISTRY_PID" 2>/dev/null || true
  chmod -R u+w "$ob" 2>/dev/null || true
  docker_e2e_cleanup
}
trap bench_cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "$*" | tee -a "$out"; }
# timed NAME COMMAND...: runs COMMAND (output in $work/last.log), prints its wall time and the
# load average before it.
timed() {
  local name=$1 before t0 t1
  shift
  before=$(load)
  t0=$(date +%s.%N)
  logged "$@"
  t1=$(date +%s.%N)
  say "$(printf '%-44s %7.1f s   (load average before: %s)' "$name" "$(echo "$t1 - $t0" | bc)" "$before")"
}
# A separate output base with no disk cache and its own (empty) repository cache; no
# convenience symlinks, so the worktree's bazel-bin keeps pointing at the main build.
# STOWAGE_BENCH_CLEAN=0 skips the clean-cache figure and uses the workspace's own output base
# (the other figures do not need a clean cache: a quick run on a loaded machine).
CLEAN=${STOWAGE_BENCH_CLEAN:-1}
clean_bazel() {
  if [[ "$CLEAN" == 0 ]]; then
    bazel "$@"
    return
  fi
  bazel --output_base="$ob" "$1" --disk_cache= --repository_cache="$work/repository_cache" \
    --symlink_prefix=/ "${@:2}"
}
P=//examples/django_bookstore

say "bench/django.sh on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, shared with other jobs"
say ""
if [[ "$CLEAN" == 0 ]]; then
  say "== build time, clean cache: not measured (STOWAGE_BENCH_CLEAN=0)"
  logged bazel build $P:image $P:push
else
  say "== build time, clean cache (own output base, --disk_cache=, empty repository cache)"
  timed "stowage tool (//builder:stowage)" clean_bazel build //builder:stowage
  timed "image after the tool ($P:image)" clean_bazel build $P:image $P:push
fi
bin=$(clean_bazel info bazel-bin 2>/dev/null)/examples/django_bookstore
clean_bazel run --script_path="$work/push1.sh" $P:push >"$work/last.log" 2>&1 || fail "push launcher"
cp "$bin/image.manifest.json" "$work/manifest1.json"
# Pushed now: the launcher reads the output tree, which the rebuild below replaces.
start_registry "$work/registry"
storage_bytes() { find "$work/registry/storage" -type f -path '*/blobs/*' -name data -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
"$work/push1.sh" --repository "$REGISTRY_ADDR/django-bookstore" --tag v1 >"$work/push1.log" 2>&1 || { cat "$work/push1.log"; fail "push 1"; }

echo "== template change"
echo '{# bench/django.sh: a template change #}' >>"$template"
timed "rebuild after a template change" clean_bazel build $P:image $P:push
clean_bazel run --script_path="$work/push2.sh" $P:push >"$work/last.log" 2>&1 || fail "push launcher"

say ""
say "== what a template change re-pushes (docker-registry on loopback)"
before_bytes=$(storage_bytes)
log_lines=$(wc -l <"$work/registry/registry.log")
"$work/push2.sh" --repository "$REGISTRY_ADDR/django-bookstore" --tag v2 >"$work/push2.log" 2>&1 || { cat "$work/push2.log"; fail "push 2"; }
cp "$work/template.orig" "$template"
after_bytes=$(storage_bytes)
say "first push:   $(grep -o 'uploaded_bytes=[0-9]*' "$work/push1.log") ($(grep -o '[0-9]* blobs: [^;]*' "$work/push1.log"))"
say "after change: $(grep -o 'uploaded_bytes=[0-9]*' "$work/push2.log") ($(grep -o '[0-9]* blobs: [^;]*' "$work/push2.log"))"
say "registry storage grew by $((after_bytes - before_bytes)) bytes (new blob files: layer, config, manifest)"
say "registry log, second push: $(tail -n +"$((log_lines + 1))" "$work/registry/registry.log" | grep -c '"PUT /v2/[^ ]*/blobs/uploads/') blob upload(s) completed, $(tail -n +"$((log_lines + 1))" "$work/registry/registry.log" | grep -c '"HEAD /v2/[^ ]*/blobs/') blob existence check(s)"

say ""
say "== image size"
/usr/bin/python3 - "$bin/image.manifest.json" "$bin" <<'PY' | tee -a "$out"
import gzip, json, os, sys, zlib
manifest = json.load(open(sys.argv[1]))
compressed = manifest["config"]["size"] + sum(l["size"] for l in manifest["layers"])
# The layer blobs are the files the deb_layer and oci_layer targets wrote, named by digest in
# their descriptors.
bin_dir = sys.argv[2]
unpacked = 0
for d in os.listdir(bin_dir):
    if not d.endswith(".descriptor.json") or d.startswith("image"):
        continue
    desc = json.load(open(os.path.join(bin_dir, d)))
    if desc.get("digest") not in {l["digest"] for l in manifest["layers"]}:
        continue
    blob = [f for f in os.listdir(bin_dir) if f.startswith(d[: -len(".descriptor.json")] + ".tar")][0]
    with gzip.open(os.path.join(bin_dir, blob)) as f:
        while chunk := f.read(1 << 20):
            unpacked += len(chunk)
print("compressed (manifest: config + %d layers): %d bytes (%.1f MB)" % (len(manifest["layers"]), compressed, compressed / 1e6))
print("unpacked (layer tars, decompressed): %d bytes (%.1f MB)" % (unpacked, unpacked / 1e6))
PY

say ""
say "== requests per second, both images in one dockerd (vfs), wrk -t2 -c32 -d${DURATION}s"
clean_bazel build $P:load //examples/bookstore:load >"$work/last.log" 2>&1 || fail "build the loaders"
clean_bazel run --script_path="$work/load_django.sh" $P:load >"$work/last.log" 2>&1 || fail "load launcher"
clean_bazel run --script_path="$work/load_native.sh" //examples/bookstore:load >"$work/last.log" 2>&1 || fail "load launcher"
docker_e2e_start_engine django_bench bench
STOWAGE_LOADER=$DOCKER logged "$work/load_django.sh" --quiet
STOWAGE_LOADER=$DOCKER logged "$work/load_native.sh" --quiet
secret=$(openssl rand -hex 32)
ip_of() { "$DOCKER" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
# bench_server NAME LABEL IMAGE PORT LIST_PATH CSS_REGEX RELEASE...: migrate, serve, wrk, stop.
bench_server() {
  local name=$1 label=$2 image=$3 port=$4 list=$5 css_re=$6 ip css url rps
  shift 6
  logged "$DOCKER" run --rm -e SECRET_KEY="$secret" -v "$name-data:/app/data" "$image" "$@"
  "$DOCKER" run -d --name "$name" --network bench -e SECRET_KEY="$secret" -v "$name-data:/app/data" "$image" >/dev/null
  ip=$(ip_of "$name")
  wait_for_docker_net_http "http://$ip:$port$list" 60 || { "$DOCKER" logs "$name" | tail; fail "$name did not answer"; }
  css=$(in_docker_net curl -sf -H "Host: localhost" -H "X-Forwarded-Proto: https" "http://$ip:$port$list" | grep -o "$css_re" | head -n 1)
  [[ -n "$css" ]] || fail "$name: no hashed stylesheet linked from $list"
  for url in "$list" "$css"; do
    local before
    before=$(load)
    in_docker_net wrk --latency -t2 -c32 -d"${DURATION}s" -H "Host: localhost" -H "X-Forwarded-Proto: https" -H "Accept-Encoding: gzip, br" \
      "http://$ip:$port$url" >"$work/wrk.log" 2>&1 || { cat "$work/wrk.log"; fail "wrk $name $url"; }
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.log")
    grep -q "Non-2xx" "$work/wrk.log" && fail "$name $url: non-2xx answers: $(grep Non-2xx "$work/wrk.log")"
    say "$(printf '%-36s %-34s %9s req/s  p50 %-8s (load average before: %s)' "$label" "$url" "$rps" \
      "$(awk '$1 == "50%" { print $2 }' "$work/wrk.log")" "$before")"
  done
  "$DOCKER" rm -f "$name" >/dev/null
}
bench_server django "django (Gunicorn, 2 sync workers)" django-bookstore:latest 8000 /books/ \
  '/static/css/base\.[0-9a-f]\{12\}\.css' python manage.py migrate --noinput
bench_server native "native bookstore (libmicrohttpd)" bookstore:latest 8000 / \
  '/static/css/site\.[0-9a-f]\{12\}\.css' migrate
say ""
say "written to $out"
