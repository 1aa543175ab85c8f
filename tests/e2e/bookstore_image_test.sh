#!/usr/bin/env bash
# The bookstore example end to end (issue 7): build and push the image to a registry on
# loopback, pull it back with skopeo, unpack it with umoci and run its entrypoint under bwrap
# exactly as the image config says, then check what a user would:
#  - pages render; static files answer under hashed names with WhiteNoise's cache headers;
#    compressed variants go to clients that accept them; security headers are set; plain HTTP
#    behind X-Forwarded-Proto: http redirects to HTTPS; `stowage check` finds no error;
#  - the same with DATABASE_URL pointing at a real PostgreSQL after the release command;
#  - after a change to one template, only the app-code layer's digest changes and the push
#    uploads only that blob.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh

work=$(mktemp -d /tmp/stowage-bookstore.XXXXXX)
chmod 755 "$work"
template=examples/bookstore/templates/list.html
cp "$template" "$work/list.html.orig"
app_pid=
cleanup() {
  cp "$work/list.html.orig" "$ROOT/$template"
  [[ -n "$app_pid" ]] && kill "$app_pid" 2>/dev/null || true
  [[ -n "${REGISTRY_PID:-}" ]] && kill "$REGISTRY_PID" 2>/dev/null || true
  stop_postgres "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [[ -f "$work/app.log" ]] && tail -20 "$work/app.log"; exit 1; }

bazel build //builder:stowage >/dev/null 2>&1
stowage=$ROOT/bazel-bin/builder/stowage

start_registry "$work/registry"
repo=$REGISTRY_ADDR/bookstore

push() {  # push TAG LOG
  bazel run --define=BOOKSTORE_REPOSITORY="$repo" //:push -- --repository "$repo" --tag "$1" \
    >"$2" 2>"$2.err" || { cat "$2" "$2.err"; fail "push failed"; }
  grep -E "^$repo@sha256:[0-9a-f]{64}$" "$2" | tail -1
}

echo "== build and push"
ref=$(push e2e "$work/push1.log")
[[ -n "$ref" ]] || fail "push printed no reference"
echo "   $ref"

echo "== pull back with skopeo, unpack with umoci"
skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$work/layout:latest"
umoci unpack --rootless --image "$work/layout:latest" "$work/bundle" >/dev/null
rootfs=$work/bundle/rootfs
[[ -x $rootfs/app/bin/bookstore ]] || fail "no /app/bin/bookstore in the image"
[[ -f $rootfs/app/staticfiles/staticfiles.json ]] || fail "no staticfiles.json in the image"
echo "== the runtime comes from debian12.lock.json: dpkg sees it, and no mirror host is written anywhere"
installed=$(dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f '${Package}\n' | sort)
for p in libc6 libssl3 libstdc++6 libmicrohttpd12 libpq5 ca-certificates dash; do
  grep -qx "$p" <<<"$installed" || fail "dpkg-query --admindir does not list $p"
done
[[ $(wc -l <<<"$installed") == $(ls "$rootfs/var/lib/dpkg/status.d" | wc -l) ]] ||
  fail "status.d and the status file disagree"
[[ -s $rootfs/etc/ssl/certs/ca-certificates.crt && -L $rootfs/bin && -x $rootfs/usr/bin/dash ]] ||
  fail "no CA bundle, merged /usr or /bin/sh from the packages"
# The hosts apt's configuration names, read here and only here (never written to a file).
hosts=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
  sed -n -e 's#^[[:space:]]*URIs:##p' -e 's#^[[:space:]]*deb[[:space:]].*\(https\?://[^ ]*\).*#\1#p' |
  tr ' ' '\n' | sed -n 's#^https\?://\([^/:]*\).*#\1#p' | sort -u || true)
[[ -n "$hosts" ]] || fail "no mirror in apt's configuration: the example fetched its packages from where?"
outbase=$(bazel info output_base 2>/dev/null)
for h in $hosts; do
  named=$(grep -rlsF "$h" examples/bookstore/debian12.lock.json "$outbase"/external/bookstore_debs* \
    "$outbase"/external/@bookstore_debs*.marker || true)
  [[ -z "$named" ]] || fail "a mirror host apt names is written into: $(head -3 <<<"$named")"
done
echo "   $(wc -l <<<"$installed") packages in dpkg's database; no mirror host in the lock or its repositories"
user=$(/usr/bin/python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["process"]["user"]; print(u["uid"])' "$work/bundle/config.json")
[[ "$user" != 0 ]] || fail "the image runs as root"

run_app() {  # run_app KEY=VALUE...: starts the image's entrypoint under bwrap on a free port
  port=$(free_port)
  /usr/bin/python3 scripts/lib/run_bundle.py "$work/bundle" PORT="$port" SECRET_KEY="$secret" "$@" \
    >"$work/app.log" 2>&1 &
  app_pid=$!
  base=http://127.0.0.1:$port
  wait_for_http "$base/healthz" 30 || fail "the app did not start"
}
descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
stop_app() {  # SIGTERM to the app inside the sandbox, as a container runtime's stop does
  local pid
  pid=$(for p in $(descendants "$app_pid"); do [[ "$(cat /proc/$p/comm 2>/dev/null)" == bookstore ]] && echo "$p"; done | head -1)
  [[ -n "$pid" ]] || fail "cannot find the app's process"
  kill -TERM "$pid"
  timeout 20 tail --pid="$app_pid" -f /dev/null || fail "the app did not stop within 20s of SIGTERM"
  wait "$app_pid" || fail "the app did not exit cleanly on SIGTERM"
  app_pid=
}
migrate() {
  /usr/bin/python3 scripts/lib/run_bundle.py --layout="$work/layout:latest" "$work/bundle" \
    SECRET_KEY="$secret" "$@" -- migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; fail "migrate failed"; }
}
secret=$(openssl rand -base64 48 | tr -d '\n')
https=(-H "X-Forwarded-Proto: https")

check_pages() {
  local body
  body=$(curl -sf "${https[@]}" "$base/") || fail "GET / failed"
  grep -q "<title>" <<<"$body" || fail "the list page has no title"
  grep -q "/books/1/" <<<"$body" || fail "the list page does not link to a book"
  curl -sf "${https[@]}" "$base/books/1/" | grep -q "<h1" || fail "the detail page does not render"
  curl -sf "${https[@]}" "$base/api/books" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["count"] >= 1 and len(d["results"]) == d["count"], d' ||
    fail "the JSON API does not list books"
}

echo "== run under bwrap (SQLite, as the image's DATABASE_URL says)"
migrate
run_app
check_pages
echo "   pages render"

headers() { curl -s -o /dev/null -D - "${https[@]}" "$@" | tr -d '\r'; }
h=$(headers "$base/")
for want in "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload" \
  "X-Frame-Options: DENY" "X-Content-Type-Options: nosniff" "Referrer-Policy: same-origin"; do
  grep -qi "^$want" <<<"$h" || fail "missing header: $want"
done
grep -i "^Set-Cookie:" <<<"$h" | grep -qi "secure" || fail "cookies are not Secure"
echo "   security headers set"

loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "X-Forwarded-Proto: http" "$base/books/1/")
[[ "$loc" == "301 https://127.0.0.1:$port/books/1/" ]] || fail "plain HTTP behind the proxy: got $loc"
echo "   X-Forwarded-Proto: http -> $loc"

hashed=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paths"]["css/site.css"])' "$rootfs/app/staticfiles/staticfiles.json")
[[ "$hashed" =~ ^css/site\.[0-9a-f]{12}\.css$ ]] || fail "unexpected hashed name $hashed"
h=$(headers "$base/static/$hashed")
grep -qi "^Cache-Control: max-age=315360000, public, immutable" <<<"$h" || fail "hashed file lacks the immutable cache header: $h"
h=$(headers "$base/static/css/site.css")
grep -qi "^Cache-Control: max-age=60, public" <<<"$h" || fail "unhashed file should be short-lived: $h"
h=$(headers -H "Accept-Encoding: gzip, br" "$base/static/$hashed")
grep -qi "^Content-Encoding: br" <<<"$h" || fail "brotli variant not served: $h"
grep -qi "^Vary: Accept-Encoding" <<<"$h" || fail "no Vary: Accept-Encoding"
h=$(headers -H "Accept-Encoding: gzip" "$base/static/$hashed")
grep -qi "^Content-Encoding: gzip" <<<"$h" || fail "gzip variant not served"
curl -s "${https[@]}" -H "Accept-Encoding: gzip" "$base/static/$hashed" | gunzip | cmp - "$rootfs/app/staticfiles/$hashed" ||
  fail "the gzip variant does not decompress to the file"
etag=$(headers "$base/static/$hashed" | sed -n 's/^ETag: //Ip')
[[ -n "$etag" ]] || fail "no ETag"
code=$(curl -s -o /dev/null -w '%{http_code}' "${https[@]}" -H "If-None-Match: $etag" "$base/static/$hashed")
[[ "$code" == 304 ]] || fail "If-None-Match gave $code, want 304"
echo "   static files: $hashed immutable, br/gzip with Vary, ETag/304"

echo "== stowage check against the running app"
"$stowage" check --url "$base/" >"$work/check.log" 2>&1 || { cat "$work/check.log"; fail "stowage check found errors"; }
sed 's/^/   /' "$work/check.log" | tail -5
stop_app

echo "== the same on PostgreSQL, after the release command (migrate)"
start_postgres "$work/pg"
migrate DATABASE_URL="$PG_URL"
run_app DATABASE_URL="$PG_URL"
check_pages
n=$(psql "$PG_URL" -tA -c "select count(*) from information_schema.tables where table_schema='public'")
[[ "$n" -ge 1 ]] || fail "migrate created no table in PostgreSQL"
echo "   pages render from PostgreSQL ($n tables)"
stop_app

echo "== change one template: only the app-code layer changes and only it is uploaded"
# //:push pushes the index: its linux/amd64 image's layers (the app-code layer is the same blob
# in the arm64 image, so it is uploaded once).
layers() { /usr/bin/python3 - "$1" <<'PY'
import json, sys, subprocess
def raw(ref):
    return json.loads(subprocess.run(["skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref],
                                     check=True, capture_output=True, text=True).stdout)
doc = raw(sys.argv[1])
if "manifests" in doc:
    amd64 = [m for m in doc["manifests"] if m["platform"]["architecture"] == "amd64"]
    doc = raw(sys.argv[1].split("@")[0] + "@" + amd64[0]["digest"])
print(" ".join(l["digest"] for l in doc["layers"]))
PY
}
before=($(layers "$ref"))
echo "<!-- changed by bookstore_image_test -->" >>"$template"
ref2=$(push e2e "$work/push2.log")
after=($(layers "$ref2"))
[[ ${#before[@]} -eq ${#after[@]} ]] || fail "layer count changed"
changed=()
for i in "${!before[@]}"; do [[ "${before[$i]}" == "${after[$i]}" ]] || changed+=("$i"); done
[[ "${changed[*]}" == "3" ]] || fail "expected only layer 3 (app code) to change, changed: ${changed[*]}"
pushed_layers=$(cat "$work/push2.log" "$work/push2.log.err" | grep -c "^pushed sha256:.* layer" || true)
[[ "$pushed_layers" == 1 ]] || { cat "$work/push2.log.err"; fail "expected one layer upload, saw $pushed_layers"; }
cat "$work/push2.log" "$work/push2.log.err" | grep -q "^pushed ${after[3]:0:19}" || { cat "$work/push2.log"; fail "the uploaded layer is not the app-code layer"; }
echo "   only layer 3 changed (${after[3]:0:19}…); the push uploaded that blob (once: both platforms share it) and the configs"
echo "bookstore image end to end: OK"
