#!/usr/bin/env bash
# stowage push through a fault-injecting proxy (tests/registry/fault_proxy.py) in front of a
# real docker-registry:
# - dropped connections mid-upload (chunked and monolithic), a 500 once and a 429 with
#   Retry-After once: the push still succeeds and the blobs arrive intact;
# - a registry that keeps failing: a clear error, non-zero exit, and the old tag still points
#   at the old digest;
# - SIGTERM during an upload: the upload session is cancelled (DELETE) before exiting;
# - against a registry that keeps a cut-off chunk's bytes (tests/registry/resume_registry.py,
#   relative Locations), the upload resumes from the reported Range instead of starting over.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh

build_stowage
REG_PORT=$(free_port)
start_registry reg "$REG_PORT"

# start_proxy NAME RULE...: a proxy in front of the registry; sets PROXY_PORT.
start_proxy() {
  local name=$1
  shift
  PROXY_PORT=$(free_port)
  python3 tests/registry/fault_proxy.py "$PROXY_PORT" "$REG_PORT" "$WORK/$name.log" "$@" &
  PIDS+=($!)
  wait_port "$PROXY_PORT"
}

make_image "$WORK/img1" 11,12 --layer-size 2500000
make_image "$WORK/img2" 21,22 --layer-size 300000

echo "== transient faults: the push succeeds"
start_proxy faults \
  "PATCH:/blobs/uploads/:drop:400000:1" \
  "PUT:/blobs/uploads/:drop:100:1" \
  "HEAD:/blobs/:status:500:1" \
  "PUT:/manifests/:status:429/1:1"
start=$(date +%s.%N)
# shellcheck disable=SC2046
"$STOWAGE" push --repository "127.0.0.1:$PROXY_PORT/test/app" --tag v1 \
  --chunk-threshold 1000000 --chunk-size 700000 $(push_args "$WORK/img1") \
  >"$WORK/p1.out" 2>"$WORK/p1.err" || { cat "$WORK/p1.err" "$WORK/faults.log"; fail "push through faults"; }
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
cat "$WORK/p1.err" | grep -E '^(retry|resume)' | sed 's/^/   /'
for outcome in dropped 500 429; do
  grep -q -- "-> $outcome\$" "$WORK/faults.log" || fail "the proxy never injected $outcome"
done
[[ $(grep -c -- '-> dropped$' "$WORK/faults.log") == 2 ]] || fail "expected two dropped connections"
grep -q 'in 1.0s (HTTP 429)' "$WORK/p1.err" || fail "Retry-After: 1 was not honoured"
(( $(echo "$elapsed >= 1" | bc) )) || fail "finished in ${elapsed}s despite Retry-After: 1"
skopeo copy --quiet --src-tls-verify=false "docker://127.0.0.1:$REG_PORT/test/app:v1" "oci:$WORK/back:v1" >/dev/null
for f in "$WORK"/img1/layer*.tar.gz "$WORK/img1/config.json"; do
  d=$(sha256sum "$f" | cut -d' ' -f1)
  cmp -s "$f" "$WORK/back/blobs/sha256/$d" || fail "blob $f differs after the faults"
done

echo "== a registry that keeps failing: clear error, old tag kept"
start_proxy broken "PUT:/manifests/:status:503:-1"
# shellcheck disable=SC2046
if "$STOWAGE" push --repository "127.0.0.1:$PROXY_PORT/test/app" --tag v1 --retries 2 \
  --retry-max-time 5 $(push_args "$WORK/img2") >"$WORK/p2.out" 2>"$WORK/p2.err"; then
  fail "push succeeded against a failing registry"
fi
tail -n 1 "$WORK/p2.err"
grep -q "stowage: error: .*HTTP 503.*gave up after 2 retries" "$WORK/p2.err" || fail "unclear error"
[[ $(grep -c 'PUT /v2/test/app/manifests/' "$WORK/broken.log") == 3 ]] || fail "expected 3 manifest PUT attempts"
grep -q 'PUT /v2/test/app/manifests/v1' "$WORK/broken.log" && fail "a tag PUT was attempted"
got=$(curl -sf -I -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://127.0.0.1:$REG_PORT/v2/test/app/manifests/v1" | tr -d '\r' | sed -n 's/^Docker-Content-Digest: //Ip')
[[ "$got" == "$(cat "$WORK/img1/digest")" ]] || fail "tag v1 moved to $got"

# interrupt_push NAME PATTERN SETTLE: pushes img3 to test/NAME through the proxy started as
# NAME, waits for a proxy log line matching PATTERN, then SETTLE seconds, sends SIGTERM, and
# checks that the push fails saying it cancelled its one open upload session.
interrupt_push() {
  local name=$1 pattern=$2 settle=$3 pid rc=0
  # shellcheck disable=SC2046
  "$STOWAGE" push --repository "127.0.0.1:$PROXY_PORT/test/$name" --tag v1 --retries 30 \
    --retry-max-time 60 --chunk-threshold 1000000 --chunk-size 1000000 $(push_args "$WORK/img3") \
    >"$WORK/$name.out" 2>"$WORK/$name.err" &
  pid=$!
  for _ in $(seq 1 100); do
    grep -q -- "$pattern" "$WORK/$name.log" 2>/dev/null && break
    sleep 0.1
  done
  grep -q -- "$pattern" "$WORK/$name.log" || fail "$name: the proxy never logged $pattern"
  sleep "$settle"
  kill -TERM "$pid"
  wait "$pid" || rc=$?
  [[ $rc != 0 ]] || fail "$name: an interrupted push exited 0"
  tail -n 1 "$WORK/$name.err"
  grep -q "interrupted; cancelled 1 of 1 open upload session" "$WORK/$name.err" ||
    fail "$name: no cancellation message"
}
make_image "$WORK/img3" 31 --layer-size 3000000

echo "== SIGTERM during an upload cancels the session"
# Every PATCH fails with 503 (answered by the proxy, so the registry's session stays
# consistent); SIGTERM arrives while the push waits to retry with its session open.
start_proxy slow "PATCH:/blobs/uploads/:status:503:-1"
interrupt_push slow '^PATCH .* -> 503$' 0.5
grep -q '^DELETE /v2/test/slow/blobs/uploads/.* -> 204$' "$WORK/slow.log" || { cat "$WORK/slow.log"; fail "no DELETE of the session"; }
if curl -sf -o /dev/null "http://127.0.0.1:$REG_PORT/v2/test/slow/manifests/v1"; then fail "tag created"; fi

echo "== SIGTERM while the push asks where a failed upload stands"
# The PATCH fails, and the status request (GET on the session) that follows is held by the
# proxy: the interrupt cuts that request short, and the session must still be cancelled.
start_proxy stall "PATCH:/blobs/uploads/:status:503:-1" "GET:/blobs/uploads/:stall:5:-1"
interrupt_push stall '^GET /v2/test/stall/blobs/uploads/.* -> stalled$' 0

echo "== resume from the registry's Range after a dropped chunk"
RES_PORT=$(free_port)
python3 tests/registry/resume_registry.py "$RES_PORT" "$WORK/resume.log" 300000 &
PIDS+=($!)
wait_port "$RES_PORT"
make_image "$WORK/img4" 41 --layer-size 2000000
# shellcheck disable=SC2046
"$STOWAGE" push --repository "127.0.0.1:$RES_PORT/test/resume" --tag v1 --chunk-threshold 1000000 \
  --chunk-size 700000 $(push_args "$WORK/img4") >"$WORK/p4.out" 2>"$WORK/p4.err" \
  || { cat "$WORK/p4.err" "$WORK/resume.log"; fail "push with a resumable registry"; }
grep -E '^(PATCH|GET /upload)' "$WORK/resume.log" | sed 's/^/   /'
grep -q '^PATCH /upload/.* \[0-699999\] -> dropped$' "$WORK/resume.log" || fail "the first chunk was not cut"
grep -q '^GET /upload/.* -> 204$' "$WORK/resume.log" || fail "no status request on the upload"
grep -q '^PATCH /upload/.* \[300000-999999\] -> 202$' "$WORK/resume.log" || fail "did not resume at byte 300000"
[[ $(grep -c '^POST' "$WORK/resume.log") == 2 ]] || fail "a new session was started instead of resuming"
grep -q "resume layer .* at byte 300000" "$WORK/p4.err" || fail "no resume message"
echo "PASS push_faults"
