#!/usr/bin/env bash
# Static-file requests per second on loopback: the bookstore server against Gunicorn serving the
# same STATIC_ROOT through WhiteNoise (Debian's packages), side by side in one run.
#
#   bench/server.sh [seconds]     (default 10 s per server and file; needs `wrk`)
#
# Same files (collected by Django's collectstatic with WhiteNoise's
# CompressedManifestStaticFilesStorage), same machine, same client settings: wrk with 2 threads
# and 32 keep-alive connections, asking for a hashed stylesheet with "Accept-Encoding: gzip, br"
# (so every server sends the pre-compressed .br variant). Gunicorn runs 2 sync workers (one per
# core, as its docs advise for 2 cores); the bookstore runs 2 worker threads. Access logs go to
# /dev/null for both. Prints a table and writes it to bench/results/server.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/django_site.sh

DURATION=${1:-10}
PY=/usr/bin/python3
command -v wrk >/dev/null || { echo "bench/server.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bookstore-bench.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() {  # url: up to 20 s
  for _ in $(seq 1 200); do
    curl -s -o /dev/null -H "X-Forwarded-Proto: https" "$1" && return 0
    sleep 0.1
  done
  echo "server at $1 did not start" >&2
  return 1
}

echo "building the server (-c opt)..."
bazel build -c opt //examples/bookstore:bookstore >"$TMP/build.log" 2>&1 || { tail -n 30 "$TMP/build.log"; exit 1; }
BIN="$(bazel info -c opt bazel-bin 2>/dev/null)/examples/bookstore/bookstore"

echo "collecting static files with Django + WhiteNoise..."
DJ="$TMP/django"
write_django_site "$DJ"
# The lighter variant: WhiteNoise wrapping a bare WSGI app, no Django at all.
cat >"$DJ/whitenoise_wsgi.py" <<'EOF'
import json, os
from whitenoise import WhiteNoise
root = os.environ["STATIC_ROOT"]
with open(os.path.join(root, "staticfiles.json")) as f:
    hashed = {"/static/" + v for k, v in json.load(f)["paths"].items() if k != v}
def app(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]
application = WhiteNoise(app, root=root, prefix="static/",
                         immutable_file_test=lambda path, url: url in hashed)
EOF
export STATIC_ROOT="$TMP/staticfiles" STATIC_SRC="$PWD/examples/bookstore/static"
PYTHONPATH="$DJ" DJANGO_SETTINGS_MODULE=settings "$PY" -m django collectstatic --noinput >/dev/null
CSS=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["paths"]["css/site.css"])' "$STATIC_ROOT/staticfiles.json")
PATH_UNDER_TEST="/static/$CSS"

echo "starting servers..."
P1=$(free_port)
env -i PATH="$PATH" SECRET_KEY="bench-only-$(printf 'k%.0s' $(seq 1 50))" BOOKSTORE_STATIC_ROOT="$STATIC_ROOT" \
  BOOKSTORE_TEMPLATES="$PWD/examples/bookstore/templates" DATABASE_URL="sqlite://:memory:" \
  "$BIN" serve --port "$P1" --threads 2 >/dev/null 2>"$TMP/bookstore.err" &
PIDS+=($!)
P2=$(free_port)
(cd "$DJ" && DJANGO_SETTINGS_MODULE=settings exec /usr/bin/gunicorn -w 2 -b "127.0.0.1:$P2" \
  wsgi:application) >/dev/null 2>"$TMP/gunicorn-django.err" &
PIDS+=($!)
P3=$(free_port)
(cd "$DJ" && exec /usr/bin/gunicorn -w 2 -b "127.0.0.1:$P3" whitenoise_wsgi:application) \
  >/dev/null 2>"$TMP/gunicorn-whitenoise.err" &
PIDS+=($!)
for p in "$P1" "$P2" "$P3"; do wait_for "http://127.0.0.1:$p$PATH_UNDER_TEST"; done

# The three servers must answer the same bytes with the same caching headers.
for p in "$P1" "$P2" "$P3"; do
  curl -s -D "$TMP/h.$p" -o "$TMP/b.$p" -H "Accept-Encoding: gzip, br" -H "X-Forwarded-Proto: https" \
    "http://127.0.0.1:$p$PATH_UNDER_TEST"
  grep -qi '^Content-Encoding: br' "$TMP/h.$p" || { echo "port $p did not send br" >&2; exit 1; }
  grep -qi '^Cache-Control: max-age=315360000, public, immutable' "$TMP/h.$p" ||
    { echo "port $p: wrong Cache-Control" >&2; exit 1; }
  cmp -s "$TMP/b.$p" "$STATIC_ROOT/$CSS.br" || { echo "port $p: body differs" >&2; exit 1; }
done

run_wrk() {  # name, port -> one table row
  local out="$TMP/wrk.$2"
  wrk -t2 -c32 -d"${DURATION}s" --latency -H "Accept-Encoding: gzip, br" \
    -H "X-Forwarded-Proto: https" "http://127.0.0.1:$2$PATH_UNDER_TEST" >"$out"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' "$out")
  echo "$1|$rps|$p50|$p99|${errors:-none}"
}

echo "running wrk for ${DURATION}s per server..."
ROWS=()
ROWS+=("$(run_wrk "bookstore (C++, libmicrohttpd, 2 threads)" "$P1")")
ROWS+=("$(run_wrk "gunicorn -w 2 + Django + WhiteNoise" "$P2")")
ROWS+=("$(run_wrk "gunicorn -w 2 + WhiteNoise (bare WSGI)" "$P3")")

OURS=$(cut -d'|' -f2 <<<"${ROWS[0]}")
mkdir -p bench/results
{
  echo "Static file requests/s on loopback: GET $PATH_UNDER_TEST (Accept-Encoding: gzip, br -> .br, $(stat -c %s "$STATIC_ROOT/$CSS.br") bytes)"
  echo "wrk -t2 -c32 -d${DURATION}s, keep-alive; $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  printf '%-44s %12s %10s %10s %8s  %s\n' "server" "requests/s" "p50" "p99" "ours/x" "errors"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name rps p50 p99 errors <<<"$row"
    ratio=$(awk -v a="$OURS" -v b="$rps" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
    printf '%-44s %12s %10s %10s %8s  %s\n' "$name" "$rps" "$p50" "$p99" "$ratio" "$errors"
  done
} | tee bench/results/server.txt
