#!/usr/bin/env bash
# End-to-end check of the bookstore server as a plain process:
#  1. static files collected by Debian's Django `collectstatic` with WhiteNoise's
#     CompressedManifestStaticFilesStorage (hashed names, staticfiles.json, .br/.gz variants);
#  2. `bookstore migrate` + `bookstore serve` on SQLite in production mode: pages, JSON API,
#     static headers (compared with Django + WhiteNoise under gunicorn on the same files),
#     content negotiation, 304s, ranges, HEAD, traversal, security headers, HTTPS redirect,
#     graceful SIGTERM with a transfer in flight;
#  3. the same pages from a real PostgreSQL (Debian's, started here on a random port) reached
#     through a DATABASE_URL with a percent-encoded password.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/django_site.sh

PY=/usr/bin/python3  # Debian's Python, which has Django, WhiteNoise and brotli
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bookstore-e2e.XXXXXX")
PIDS=()
PG_CTL=""
PG_DATA=""

log() { echo "== $(date +%T) $*"; }
fail() {
  echo "FAIL: $*" >&2
  for f in "$TMP"/server*.log "$TMP"/pg/pg.log; do
    [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

as_postgres() {
  # PostgreSQL refuses to run as root; CI runs this script as root.
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]]; then
    as_postgres "$PG_CTL" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for_port() {  # port, pid: up to 15 s
  local port=$1 pid=$2
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || return 1
    if curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; then return 0; fi
    sleep 0.1
  done
  return 1
}

# fetch URL [curl args...]: sets STATUS; headers in $TMP/h, body in $TMP/b.
fetch() {
  local url=$1
  shift
  rm -f "$TMP/b" "$TMP/h"  # curl writes no file for an empty body
  STATUS=$(curl -s --max-time 10 -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' "$@" "$url")
}
# header NAME: the value of the last such header of the last fetch ("" if absent).
header() {
  { grep -i "^$1:" "$TMP/h" || true; } | tail -n 1 | sed -e 's/^[^:]*:[[:space:]]*//' -e 's/\r$//'
}
expect_status() { [[ "$STATUS" == "$1" ]] || fail "$2: status $STATUS, want $1"; }
expect_header() {
  local got
  got=$(header "$1")
  [[ "$got" == "$2" ]] || fail "$3: header $1 is '$got', want '$2'"
}
expect_body_contains() { grep -qF -- "$1" "$TMP/b" || fail "$2: body lacks '$1'"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

log "build"
bazel build //examples/bookstore:bookstore >"$TMP/build.log" 2>&1 || { tail -n 30 "$TMP/build.log"; fail "bazel build"; }
BIN="$(bazel info bazel-bin 2>/dev/null)/examples/bookstore/bookstore"
[[ -x "$BIN" ]] || fail "no binary at $BIN"
TEMPLATES="$PWD/examples/bookstore/templates"

log "collectstatic (Django + WhiteNoise CompressedManifestStaticFilesStorage)"
DJ="$TMP/django"
write_django_site "$DJ"
ROOT="$TMP/staticfiles"
export STATIC_ROOT="$ROOT" STATIC_SRC="$PWD/examples/bookstore/static"
PYTHONPATH="$DJ" DJANGO_SETTINGS_MODULE=settings "$PY" -m django collectstatic --noinput >"$TMP/collect.log" 2>&1 ||
  { cat "$TMP/collect.log"; fail "collectstatic"; }
hashed() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["paths"][sys.argv[2]])' "$ROOT/staticfiles.json" "$1"; }
CSS=$(hashed css/site.css)
PNG=$(hashed img/book.png)
JS=$(hashed js/app.js)
[[ -f "$ROOT/$CSS.br" && -f "$ROOT/$CSS.gz" ]] || fail "collectstatic made no .br/.gz for $CSS"
# A large file, served from disk rather than memory, for the graceful-shutdown transfer.
head -c $((32 * 1024 * 1024)) /dev/urandom >"$ROOT/big.bin"

SECRET="e2e-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
run_server() {  # name, port, extra env...: starts `bookstore serve` in production mode
  local name=$1 port=$2
  shift 2
  env -i PATH="$PATH" SECRET_KEY="$SECRET" BOOKSTORE_STATIC_ROOT="$ROOT" \
    BOOKSTORE_TEMPLATES="$TEMPLATES" PORT="$port" WEB_CONCURRENCY=4 "$@" \
    "$BIN" serve >"$TMP/$name.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_for_port "$port" "$SERVER_PID" || fail "$name did not start"
}

log "migrate (SQLite)"
SQLITE_URL="sqlite:///$TMP/db.sqlite3"  # three slashes + an absolute path = four
DATABASE_URL="$SQLITE_URL" "$BIN" migrate >"$TMP/migrate.log" 2>&1 || { cat "$TMP/migrate.log"; fail "migrate"; }
grep -q "applied 0002_seed_books" "$TMP/migrate.log" || fail "migrate applied nothing"
DATABASE_URL="$SQLITE_URL" "$BIN" migrate | grep -q "no migrations to apply" || fail "migrate is not idempotent"

PORT=$(free_port)
run_server server "$PORT" DATABASE_URL="$SQLITE_URL"
URL="http://127.0.0.1:$PORT"
HTTPS=(-H "X-Forwarded-Proto: https")

log "pages"
fetch "$URL/" "${HTTPS[@]}"
expect_status 200 "list page"
expect_header Content-Type "text/html; charset=utf-8" "list page"
expect_body_contains "Pride and Prejudice" "list page"
expect_body_contains "Alice&apos;s Adventures in Wonderland" "list page (escaped)"
expect_body_contains "/static/$CSS" "list page links the hashed stylesheet"
expect_body_contains "/static/$JS" "list page links the hashed script"
fetch "$URL/books/2/" "${HTTPS[@]}"
expect_status 200 "detail page"
expect_body_contains "Moby-Dick; or, The Whale" "detail page"
expect_body_contains "Herman Melville" "detail page"
fetch "$URL/books/999/" "${HTTPS[@]}"
expect_status 404 "missing book"
expect_body_contains "Not Found" "404 page"
grep -q DEBUG "$TMP/b" && fail "production 404 page mentions DEBUG"
fetch "$URL/books/2" "${HTTPS[@]}"
expect_status 301 "append slash"
expect_header Location "/books/2/" "append slash"

log "JSON API"
fetch "$URL/api/books" "${HTTPS[@]}"
expect_status 200 "api list"
expect_header Content-Type "application/json" "api list"
"$PY" - "$TMP/b" <<'EOF' || fail "api list JSON"
import json, sys
data = json.load(open(sys.argv[1]))
assert data["count"] == 5 and len(data["results"]) == 5, data
assert all(set(b) >= {"id", "title", "author", "price"} for b in data["results"]), data
EOF
fetch "$URL/api/books/2" "${HTTPS[@]}"
"$PY" -c 'import json,sys; b=json.load(open(sys.argv[1])); assert b["title"]=="Moby-Dick; or, The Whale" and b["price"]=="12.50", b' "$TMP/b" ||
  fail "api detail JSON"
fetch "$URL/api/books/999" "${HTTPS[@]}"
expect_status 404 "api missing"
expect_body_contains '"detail":"Not found."' "api missing"

log "security headers and HTTPS redirect (production)"
fetch "$URL/" "${HTTPS[@]}"
expect_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" "HSTS"
expect_header X-Frame-Options "DENY" "X-Frame-Options"
expect_header X-Content-Type-Options "nosniff" "nosniff"
expect_header Referrer-Policy "same-origin" "Referrer-Policy"
expect_header Cross-Origin-Opener-Policy "same-origin" "COOP"
[[ -z "$(header Server)" ]] || fail "Server header leaks: $(header Server)"
cookie=$(header Set-Cookie)
[[ "$cookie" == csrftoken=*"; SameSite=Lax; HttpOnly; Secure" ]] || fail "cookie attributes: $cookie"
fetch "$URL/books/1/?a=1" -H "X-Forwarded-Proto: http" -H "Host: shop.example.com"
expect_status 301 "X-Forwarded-Proto: http"
expect_header Location "https://shop.example.com/books/1/?a=1" "redirect target"
fetch "$URL/api/books"
expect_status 301 "plain HTTP without the proxy header"
fetch "$URL/healthz"
expect_status 200 "health over plain HTTP"
expect_body_contains "ok" "health"
PORT="$PORT" "$BIN" healthcheck || fail "bookstore healthcheck against a running server"

log "static files: hashed names, variants, validators"
fetch "$URL/static/$CSS" "${HTTPS[@]}"
expect_status 200 "hashed css"
expect_header Cache-Control "max-age=315360000, public, immutable" "hashed css"
expect_header Content-Type "text/css; charset=utf-8" "hashed css"
expect_header Access-Control-Allow-Origin "*" "hashed css"
expect_header Vary "Accept-Encoding" "hashed css"
expect_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" "static HSTS"
[[ -z "$(header Content-Encoding)" ]] || fail "identity response has Content-Encoding"
[[ "$(sha "$TMP/b")" == "$(sha "$ROOT/$CSS")" ]] || fail "hashed css bytes differ"
identity_etag=$(header ETag)
[[ "$identity_etag" =~ ^\"[0-9a-f]{32}\"$ ]] || fail "ETag format: $identity_etag"

fetch "$URL/static/$CSS" "${HTTPS[@]}" -H "Accept-Encoding: gzip, deflate, br"
expect_header Content-Encoding "br" "brotli preferred"
[[ "$(sha "$TMP/b")" == "$(sha "$ROOT/$CSS.br")" ]] || fail "br bytes differ"
br_etag=$(header ETag)
[[ "$br_etag" != "$identity_etag" ]] || fail "br and identity share an ETag"
fetch "$URL/static/$CSS" "${HTTPS[@]}" -H "Accept-Encoding: br;q=0, gzip"
expect_header Content-Encoding "gzip" "br refused with q=0"
gzip -dc <"$TMP/b" | cmp -s - "$ROOT/$CSS" || fail "gzip body does not decompress to the file"
fetch "$URL/static/$CSS" "${HTTPS[@]}" -H "Accept-Encoding: gzip;q=0, br;q=0"
[[ -z "$(header Content-Encoding)" ]] || fail "both refused, still encoded"

fetch "$URL/static/$CSS" "${HTTPS[@]}" -H "If-None-Match: $identity_etag"
expect_status 304 "If-None-Match"
expect_header ETag "$identity_etag" "304 ETag"
expect_header Vary "Accept-Encoding" "304 Vary"
[[ ! -s "$TMP/b" ]] || fail "304 has a body"
fetch "$URL/static/$CSS" "${HTTPS[@]}" -H "Accept-Encoding: br" -H "If-None-Match: $br_etag"
expect_status 304 "If-None-Match on the br variant"
fetch "$URL/static/$CSS" "${HTTPS[@]}" -H 'If-None-Match: "stale"'
expect_status 200 "stale ETag"

fetch "$URL/static/css/site.css" "${HTTPS[@]}"
expect_header Cache-Control "max-age=60, public" "unhashed css"
fetch "$URL/static/$PNG" "${HTTPS[@]}"
expect_header Content-Type "image/png" "png"
[[ -z "$(header Vary)" ]] || fail "png without variants has Vary"
fetch "$URL/static/$CSS" "${HTTPS[@]}" -I
expect_status 200 "HEAD"
expect_header Content-Length "$(stat -c %s "$ROOT/$CSS")" "HEAD Content-Length"
# HEAD then GET on one keep-alive connection: the GET's status line must follow the HEAD's
# headers directly (no body bytes in between).
"$PY" - "$PORT" "/static/$CSS" <<'EOF' || fail "HEAD sent a body"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
req = "{} {} HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\n\r\n"
s.sendall((req.format("HEAD", sys.argv[2]) + req.format("GET", "/healthz")).encode())
data = b""
while b"\r\n\r\nok\n" not in data:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
first_end = data.index(b"\r\n\r\n") + 4
assert data[first_end:].startswith(b"HTTP/1.1 200"), data
EOF
fetch "$URL/static/$CSS" "${HTTPS[@]}" -H "Range: bytes=0-9"
expect_status 206 "range"
[[ "$(stat -c %s "$TMP/b")" == 10 ]] || fail "range length"
fetch "$URL/static/big.bin" "${HTTPS[@]}"
[[ "$(sha "$TMP/b")" == "$(sha "$ROOT/big.bin")" ]] || fail "large file from disk differs"
for path in "/static/../db.sqlite3" "/static/css/../../db.sqlite3" "/static/%2e%2e/db.sqlite3" \
  "/static//css/site.css" "/static/$CSS.gz" "/static/css"; do
  fetch "$URL$path" "${HTTPS[@]}" --path-as-is
  [[ "$STATUS" == 404 || "$STATUS" == 400 ]] || fail "traversal $path answered $STATUS"
done
fetch "$URL/static/$CSS" "${HTTPS[@]}" -X POST
expect_status 405 "POST static"

log "static headers match Django + WhiteNoise (gunicorn) on the same files"
GPORT=$(free_port)
(cd "$DJ" && DJANGO_SETTINGS_MODULE=settings exec /usr/bin/gunicorn -w 1 -b "127.0.0.1:$GPORT" wsgi:application) \
  >"$TMP/gunicorn.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$GPORT/static/staticfiles.json" && break; sleep 0.1; done
"$PY" - "$PORT" "$GPORT" "$ROOT" <<'EOF' || fail "static headers differ from WhiteNoise"
import http.client, os, sys
ours_port, theirs_port, root = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
names = ["Cache-Control", "Content-Type", "Vary", "Access-Control-Allow-Origin",
         "Content-Encoding", "Content-Length"]
def get(port, path, encoding, extra):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = dict(extra)
    if encoding is not None:
        headers["Accept-Encoding"] = encoding
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, {n: (response.getheader(n) or "").replace('"', "") for n in names}
bad = 0
for dirpath, _, files in os.walk(root):
    for name in sorted(files):
        rel = os.path.relpath(os.path.join(dirpath, name), root)
        if rel.endswith((".gz", ".br")) or rel == "big.bin":
            continue
        for encoding in (None, "gzip", "gzip, deflate, br"):
            path = "/static/" + rel
            s1, ours = get(ours_port, path, encoding, {"X-Forwarded-Proto": "https"})
            s2, theirs = get(theirs_port, path, encoding, {})
            if rel.endswith(".map"):
                # Deliberate: source maps are application/json here, octet-stream in WhiteNoise 6.0.
                ours.pop("Content-Type"); theirs.pop("Content-Type")
            if (s1, ours) != (s2, theirs):
                bad += 1
                print(f"{path} [{encoding}]\n  ours:       {s1} {ours}\n  whitenoise: {s2} {theirs}")
sys.exit(1 if bad else 0)
EOF

log "graceful SIGTERM: an in-flight transfer completes, then exit 0"
curl -s --max-time 20 --limit-rate 8M -H "X-Forwarded-Proto: https" -o "$TMP/slow.bin" "$URL/static/big.bin" &
CURL_PID=$!
sleep 0.5
kill -TERM "$SERVER_PID"
start=$(date +%s)
wait "$CURL_PID" || fail "in-flight transfer was cut off by SIGTERM"
[[ "$(sha "$TMP/slow.bin")" == "$(sha "$ROOT/big.bin")" ]] || fail "in-flight transfer incomplete"
rc=0
wait "$SERVER_PID" || rc=$?
[[ $rc -eq 0 ]] || fail "server exited $rc after SIGTERM"
(($(date +%s) - start <= 10)) || fail "shutdown took too long"
curl -s -o /dev/null --max-time 2 "$URL/healthz" && fail "server still answers after SIGTERM"
"$BIN" healthcheck --port "$PORT" 2>/dev/null && fail "healthcheck passes with no server"
grep -q "stopped" "$TMP/server.log" || fail "no shutdown message"
# The transfer's access-log line (written when it completes) comes after the SIGTERM line.
grep -E 'SIGTERM|path="/static/big.bin"' "$TMP/server.log" | tail -n 2 | head -n 1 | grep -q SIGTERM ||
  fail "the transfer was not in flight at SIGTERM"
grep -qE 'method=GET path="/static/big.bin" status=200 bytes=33554432 duration_ms=' "$TMP/server.log" ||
  fail "no access-log line for the transfer"
grep -qF "$SECRET" "$TMP/server.log" && fail "SECRET_KEY appears in the log"
grep -q 'a=1' "$TMP/server.log" && fail "query strings appear in the access log"

log "production refuses to start without SECRET_KEY"
if env -i PATH="$PATH" DATABASE_URL="$SQLITE_URL" BOOKSTORE_TEMPLATES="$TEMPLATES" "$BIN" serve --port 0 \
  >"$TMP/nokey.log" 2>&1; then fail "started without SECRET_KEY"; fi
grep -q "SECRET_KEY must be set" "$TMP/nokey.log" || fail "unclear error without SECRET_KEY"
if DATABASE_URL="mysql://u:p@h/db" "$BIN" migrate >"$TMP/scheme.log" 2>&1; then fail "mysql accepted"; fi
grep -q 'scheme "mysql" is not supported' "$TMP/scheme.log" || fail "unclear error for mysql"

log "PostgreSQL"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_CTL="$PG_BIN/pg_ctl"
PGROOT="$TMP/pg"
mkdir -p "$PGROOT"
PG_PASSWORD='p@ss:w#rd/1 ok'
printf '%s\n' "$PG_PASSWORD" >"$PGROOT/pwfile"
[[ $EUID -eq 0 ]] && chown -R postgres:postgres "$PGROOT" && chmod 711 "$TMP"
PG_DATA="$PGROOT/data"
as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U bookstore --auth=scram-sha-256 --pwfile="$PGROOT/pwfile" \
  >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log"; fail "initdb"; }
PGPORT=$(free_port)
as_postgres "$PG_CTL" -D "$PG_DATA" -l "$PGROOT/pg.log" -w -t 30 \
  -o "-k $PGROOT -p $PGPORT -c listen_addresses=127.0.0.1" start >/dev/null || { cat "$PGROOT/pg.log"; fail "pg_ctl start"; }
PGPASSWORD="$PG_PASSWORD" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U bookstore bookstore || fail "createdb"
ENCODED=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PG_PASSWORD")
PG_URL="postgres://bookstore:$ENCODED@127.0.0.1:$PGPORT/bookstore?sslmode=disable&application_name=bookstore-e2e"
DATABASE_URL="$PG_URL" "$BIN" migrate >"$TMP/pg-migrate.log" 2>&1 || { cat "$TMP/pg-migrate.log"; fail "migrate on PostgreSQL"; }
grep -q "applied 0002_seed_books" "$TMP/pg-migrate.log" || fail "PostgreSQL migrate applied nothing"
DATABASE_URL="$PG_URL" "$BIN" migrate | grep -q "no migrations to apply" || fail "PostgreSQL migrate is not idempotent"
grep -qF "$PG_PASSWORD" "$TMP/pg-migrate.log" && fail "password in migrate output"
# A row only PostgreSQL has proves the pages come from it.
PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U bookstore -d bookstore -c \
  "INSERT INTO books (id, title, author, price_cents, published_year, description) VALUES (6, 'Middlemarch', 'George Eliot', 1425, 1871, 'Provincial life.')" ||
  fail "psql insert"

PGP=$(free_port)
run_server server-pg "$PGP" DATABASE_URL="$PG_URL"
PURL="http://127.0.0.1:$PGP"
fetch "$PURL/" "${HTTPS[@]}"
expect_status 200 "PostgreSQL list page"
expect_body_contains "Middlemarch" "PostgreSQL list page"
expect_body_contains "6 books in stock" "PostgreSQL list page"
fetch "$PURL/books/6/" "${HTTPS[@]}"
expect_status 200 "PostgreSQL detail page"
expect_body_contains "George Eliot" "PostgreSQL detail page"
fetch "$PURL/api/books" "${HTTPS[@]}"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["count"]==6, d' "$TMP/b" || fail "PostgreSQL api"
# Concurrent clients across the worker threads and the connection pool.
CPIDS=()
for i in $(seq 1 40); do
  curl -s --max-time 10 -o /dev/null -w '%{http_code}\n' "${HTTPS[@]}" "$PURL/books/$((i % 6 + 1))/" >"$TMP/code.$i" &
  CPIDS+=($!)
done
for pid in "${CPIDS[@]}"; do wait "$pid" || true; done
codes=$(cat "$TMP"/code.*)
[[ $(grep -c '^200$' <<<"$codes") -eq 40 ]] || fail "concurrent PostgreSQL requests: $(sort <<<"$codes" | uniq -c | tr '\n' ' ')"
kill -TERM "$SERVER_PID"
rc=0
wait "$SERVER_PID" || rc=$?
[[ $rc -eq 0 ]] || fail "PostgreSQL server exited $rc"
grep -qF "$PG_PASSWORD" "$TMP/server-pg.log" && fail "password in server log"
grep -qF "$ENCODED" "$TMP/server-pg.log" && fail "encoded password in server log"

log "all bookstore checks passed"
