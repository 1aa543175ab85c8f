#!/usr/bin/env bash
# stowage push and pull against a HOSTILE registry and token server on loopback
# (tests/registry/hostile_server.py); "other hosts" are names that an LD_PRELOAD resolver shim
# (tests/registry/resolve_shim.c) maps to 127.0.0.1, so nothing leaves the machine.
#  A. upload Locations on another origin (other port, other name over plain HTTP, other name on
#     the registry's own port): refused, nothing reaches them; --allow-upload-host lets the
#     bytes go there without credentials, and plain HTTP to a remote host still needs --insecure;
#     a 307 on an upload PUT/PATCH is followed on the registry's origin (with credentials),
#     refused to another origin, and followed to an allowed host without credentials; a
#     chunked upload whose Range never advances fails by itself instead of looping;
#  B. blob redirects (pull): to another loopback port followed without credentials; to plain
#     HTTP elsewhere, to file:// and in a loop refused;
#  C. a token realm with user info ("http://[::1]@other.example:PORT/token") never gets
#     credentials;
#  D. a plain-HTTP realm elsewhere (with or without credentials) and a realm that redirects
#     there are refused; nothing reaches the other host; an identity-token (refresh token)
#     POST that the realm redirects with a 307 to another origin is not resent there;
#  E. a token server whose error echoes the Authorization header: no password, no base64;
#  F. terminal escapes in error bodies, WWW-Authenticate and headers (also in --verbose):
#     never printed raw;
#  G. a stalled /v2/, a header drip, and a 503 storm with long retry settings: the --timeout
#     deadline ends each cleanly, naming the request, across retries; --retry-max-time still
#     ends retries on its own; pull honours --timeout too;
#  H. a plain-HTTP loopback registry whose /v2/ answers 404, 429 or 500: reported as such, not
#     as a TLS "wrong version number".
# Every case runs; the failures are listed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh

build_stowage
build_resolve_shim
NAMES=other.example,evil.test
PASSWORD="pw-$RANDOM$RANDOM-secret"
B64=$(printf 'alice:%s' "$PASSWORD" | base64 -w0)
make_image "$WORK/img" 1,2 --layer-size 2000
IMG_DIGEST=$(cat "$WORK/img/digest")
FAILURES=()
bad() {
  echo "   FAIL: $*" >&2
  FAILURES+=("$CASE: $*")
}

# server NAME ROLE [options]: starts a hostile server; sets PORT (and NAME's log is
# $WORK/NAME.log).
server() {
  local name=$1
  shift
  PORT=$(free_port)
  python3 tests/registry/hostile_server.py "$PORT" "$WORK/$name.log" "$@" &
  PIDS+=($!)
  wait_port "$PORT"
}

# creds PORT...: a docker config with alice's credentials for 127.0.0.1:PORT.
creds() {
  mkdir -p "$WORK/docker"
  local auths="" p
  for p in "$@"; do auths+="${auths:+,}\"127.0.0.1:$p\":{\"auth\":\"$B64\"}"; done
  echo "{\"auths\":{$auths}}" >"$WORK/docker/config.json"
  export DOCKER_CONFIG=$WORK/docker
}
anonymous() {
  mkdir -p "$WORK/docker"
  echo '{}' >"$WORK/docker/config.json"
  export DOCKER_CONFIG=$WORK/docker
}

# push NAME REGISTRY_PORT [flags...]: pushes the test image; output in $WORK/NAME.{out,err},
# exit status in RC (124 = it had to be killed: not bounded by its own deadline).
push() {
  local name=$1 port=$2
  shift 2
  RC=0
  # shellcheck disable=SC2046
  with_names "$NAMES" timeout 90 "$STOWAGE" push --repository "127.0.0.1:$port/test/app" \
    --tag v1 $(push_args "$WORK/img") "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
  tail -n 1 "$WORK/$name.err" | cut -c1-300 | sed 's/^/   /'
}
pull() {
  local name=$1 port=$2
  shift 2
  RC=0
  with_names "$NAMES" timeout 90 "$STOWAGE" pull --repository "127.0.0.1:$port/test/app" \
    --digest "$IMG_DIGEST" --output "$WORK/$name.pulled" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
  tail -n 1 "$WORK/$name.err" | cut -c1-300 | sed 's/^/   /'
}

failed_cleanly() {  # failed_cleanly NAME: non-zero exit, by itself, with one error line
  [[ $RC != 0 ]] || bad "exit 0"
  [[ $RC != 124 ]] || bad "had to be killed (no deadline of its own)"
  [[ $RC -lt 128 ]] || bad "died of signal $((RC - 128))"
  grep -q '^stowage: error: ' "$WORK/$1.err" || bad "no 'stowage: error:' line"
}
says() {  # says NAME TEXT: the error output contains TEXT
  grep -qF -- "$2" "$WORK/$1.err" || bad "no \"$2\" in the error"
}
no_secrets() {  # no_secrets FILE...: neither the password nor base64(user:pass)
  if grep -qF -- "$PASSWORD" "$@"; then bad "the password was printed"; fi
  if grep -qF -- "$B64" "$@"; then bad "base64(user:pass) was printed"; fi
}
no_escapes() {  # no_escapes FILE...: no raw ESC or BEL byte
  if grep -q $'\x1b' "$@"; then bad "a raw ESC byte was printed"; fi
  if grep -q $'\x07' "$@"; then bad "a raw BEL byte was printed"; fi
}
nothing_reached() {  # nothing_reached NAME: the server NAME got no request at all
  [[ ! -s "$WORK/$1.log" ]] || bad "$1 was contacted: $(head -c 300 "$WORK/$1.log")"
}
no_credentials_reached() {  # no_credentials_reached NAME
  if grep -v '"auth": ""' "$WORK/$1.log" | grep -q .; then
    bad "credentials reached $1: $(grep -v '"auth": ""' "$WORK/$1.log" | head -c 300)"
  fi
}

echo "== A1. upload Location on another port: refused, nothing sent there"
CASE=A1
server a1_collector collector
COLLECTOR=$PORT
server a1_registry registry --basic "alice:$PASSWORD" --upload-location "http://127.0.0.1:$COLLECTOR/upload/1"
REG=$PORT
creds "$REG"
push a1 "$REG"
failed_cleanly a1
says a1 "another origin"
says a1 "--allow-upload-host 127.0.0.1:$COLLECTOR"
nothing_reached a1_collector
no_secrets "$WORK/a1.err" "$WORK/a1.out"

echo "== A2. upload Location on another name over plain HTTP: refused"
CASE=A2
server a2_collector collector
COLLECTOR=$PORT
server a2_registry registry --basic "alice:$PASSWORD" --upload-location "http://other.example:$COLLECTOR/upload/1"
REG=$PORT
creds "$REG"
push a2 "$REG"
failed_cleanly a2
says a2 "another origin"
nothing_reached a2_collector

echo "== A3. upload Location on another name, the registry's own port: refused"
CASE=A3
server a3_registry registry --basic "alice:$PASSWORD" --upload-location "http://evil.test:{port}/upload/1"
REG=$PORT
creds "$REG"
push a3 "$REG"
failed_cleanly a3
says a3 "another origin"
if grep -q '"host": "evil.test' "$WORK/a3_registry.log"; then bad "a request went to evil.test"; fi

echo "== A4. --allow-upload-host: the allowed host gets the bytes, never the credentials"
CASE=A4
server a4_collector collector
COLLECTOR=$PORT
server a4_registry registry --basic "alice:$PASSWORD" --upload-location "http://127.0.0.1:$COLLECTOR/upload/1"
REG=$PORT
creds "$REG"
push a4 "$REG" --allow-upload-host "127.0.0.1:$COLLECTOR"
[[ $RC == 0 ]] || bad "push with --allow-upload-host failed"
grep -q '"method": "PUT"' "$WORK/a4_collector.log" || bad "no upload reached the allowed host"
no_credentials_reached a4_collector
grep -q "\"auth\": \"Basic $B64\"" "$WORK/a4_registry.log" || bad "the registry itself got no credentials"

echo "== A5. an allowed remote host over plain HTTP still needs --insecure"
CASE=A5
server a5_collector collector
COLLECTOR=$PORT
server a5_registry registry --basic "alice:$PASSWORD" --upload-location "http://other.example:$COLLECTOR/upload/1"
REG=$PORT
creds "$REG"
push a5 "$REG" --allow-upload-host "other.example:$COLLECTOR"
failed_cleanly a5
says a5 "refusing plain HTTP to other.example:$COLLECTOR"
nothing_reached a5_collector

echo "== A6. 307 on upload PATCH and PUT, same origin: followed, with the credentials"
CASE=A6
server a6_registry registry --basic "alice:$PASSWORD" --upload-redirect "http://127.0.0.1:{port}/redirected"
REG=$PORT
creds "$REG"
push a6 "$REG" --chunk-threshold 1000 --chunk-size 1000
[[ $RC == 0 ]] || bad "push through a same-origin 307 failed"
for m in PATCH PUT; do
  grep -q "\"method\": \"$m\", \"path\": \"/redirected/v2/.*\"auth\": \"Basic $B64\"" \
    "$WORK/a6_registry.log" || bad "no redirected $m with the registry's credentials"
done
no_secrets "$WORK/a6.err" "$WORK/a6.out"

echo "== A7. 307 on upload PUT to another origin: refused, nothing sent there"
CASE=A7
server a7_collector collector
COLLECTOR=$PORT
server a7_registry registry --basic "alice:$PASSWORD" --upload-redirect "http://127.0.0.1:$COLLECTOR/redirected"
REG=$PORT
creds "$REG"
push a7 "$REG"
failed_cleanly a7
says a7 "another origin"
says a7 "--allow-upload-host 127.0.0.1:$COLLECTOR"
nothing_reached a7_collector
no_secrets "$WORK/a7.err" "$WORK/a7.out"

echo "== A8. 307 on upload PATCH/PUT to an allowed host: followed, without credentials"
CASE=A8
server a8_collector collector
COLLECTOR=$PORT
server a8_registry registry --basic "alice:$PASSWORD" --upload-redirect "http://127.0.0.1:$COLLECTOR/redirected"
REG=$PORT
creds "$REG"
push a8 "$REG" --allow-upload-host "127.0.0.1:$COLLECTOR" --chunk-threshold 1000 --chunk-size 1000
[[ $RC == 0 ]] || bad "push through a 307 to an allowed host failed"
for m in PATCH PUT; do
  grep -q "\"method\": \"$m\", \"path\": \"/redirected/v2/" "$WORK/a8_collector.log" ||
    bad "no redirected $m reached the allowed host"
done
no_credentials_reached a8_collector

echo "== A9. chunked upload, the registry's Range never advances: fails by itself, bounded"
CASE=A9
server a9_registry registry --basic "alice:$PASSWORD" --stuck-range
REG=$PORT
creds "$REG"
push a9 "$REG" --chunk-threshold 1000 --chunk-size 1000 --retries 1
failed_cleanly a9
says a9 "upload session confused"
patches=$(grep -c '"method": "PATCH"' "$WORK/a9_registry.log" || true)
((patches <= 8)) || bad "$patches PATCH requests for a 2-chunk layer and 1 retry"

echo "== B1. blob redirect to another loopback port: followed without credentials"
CASE=B1
server b1_collector collector --blobs "$WORK/img"
COLLECTOR=$PORT
server b1_registry registry --basic "alice:$PASSWORD" --blobs "$WORK/img" --blob-redirect "http://127.0.0.1:$COLLECTOR/blob"
REG=$PORT
creds "$REG"
pull b1 "$REG"
[[ $RC == 0 ]] || bad "pull through a blob redirect failed"
grep -q '"method": "GET", "path": "/blob/sha256:' "$WORK/b1_collector.log" || bad "the redirect was not followed"
no_credentials_reached b1_collector

echo "== B2. blob redirect to plain HTTP on another name: refused"
CASE=B2
server b2_collector collector --blobs "$WORK/img"
COLLECTOR=$PORT
server b2_registry registry --basic "alice:$PASSWORD" --blobs "$WORK/img" --blob-redirect "http://other.example:$COLLECTOR/blob"
REG=$PORT
creds "$REG"
pull b2 "$REG"
failed_cleanly b2
says b2 "refusing plain HTTP to other.example:$COLLECTOR"
nothing_reached b2_collector
[[ ! -e "$WORK/b2.pulled/pull.json" ]] || bad "a refused pull wrote pull.json"

echo "== B3. blob redirect to file:// and a redirect loop: refused, bounded"
CASE=B3
server b3_registry registry --blobs "$WORK/img" --blob-redirect "file:///etc/passwd"
anonymous
pull b3 "$PORT"
failed_cleanly b3
says b3 "not an http:// or https:// URL"
server b3_loop registry --blobs "$WORK/img" --blob-redirect "/v2/test/app/blobs"
pull b3_loop "$PORT"
failed_cleanly b3_loop
says b3_loop "redirects"

echo "== C. token realm with user info: no credentials to the host it really names"
CASE=C
server c_token collector
TOKEN=$PORT
server c_registry registry --bearer-realm "http://[::1]@other.example:$TOKEN/token"
REG=$PORT
creds "$REG"
push c "$REG"
failed_cleanly c
says c "user info"
nothing_reached c_token

echo "== D1. plain-HTTP token realm on another host, anonymous: refused without --insecure"
CASE=D1
server d1_token token
TOKEN=$PORT
server d1_registry registry --bearer-realm "http://other.example:$TOKEN/token"
anonymous
push d1 "$PORT"
failed_cleanly d1
says d1 "plain-HTTP token realm"
nothing_reached d1_token

echo "== D2. the same with credentials: refused"
CASE=D2
server d2_token token
TOKEN=$PORT
server d2_registry registry --bearer-realm "http://other.example:$TOKEN/token"
creds "$PORT"
push d2 "$PORT"
failed_cleanly d2
nothing_reached d2_token
no_secrets "$WORK/d2.err"

echo "== D3. a loopback realm that redirects to plain HTTP on another host: refused"
CASE=D3
server d3_elsewhere token
ELSEWHERE=$PORT
server d3_token token --redirect "http://other.example:$ELSEWHERE/token"
TOKEN=$PORT
server d3_registry registry --bearer-realm "http://127.0.0.1:$TOKEN/token"
creds "$PORT"
push d3 "$PORT"
failed_cleanly d3
says d3 "refusing plain HTTP to other.example:$ELSEWHERE"
nothing_reached d3_elsewhere
grep -q "\"auth\": \"Basic $B64\"" "$WORK/d3_token.log" || bad "the realm itself got no credentials"

echo "== D4. an identity-token POST redirected (307) to another origin: the body stays"
CASE=D4
server d4_elsewhere collector
ELSEWHERE=$PORT
server d4_token token --redirect "http://127.0.0.1:$ELSEWHERE/token" --redirect-code 307
TOKEN=$PORT
server d4_registry registry --bearer-realm "http://127.0.0.1:$TOKEN/token"
REG=$PORT
mkdir -p "$WORK/docker"
echo "{\"auths\":{\"127.0.0.1:$REG\":{\"identitytoken\":\"refresh-$PASSWORD\"}}}" >"$WORK/docker/config.json"
push d4 "$REG"
failed_cleanly d4
says d4 "a request body is not sent there"
nothing_reached d4_elsewhere
if grep -qF -- "$PASSWORD" "$WORK/d4.err"; then bad "the refresh token was printed"; fi

echo "== E. a token server whose errors echo the Authorization header"
CASE=E
server e_token token --echo 400
TOKEN=$PORT
server e_registry registry --bearer-realm "http://127.0.0.1:$TOKEN/token"
creds "$PORT"
push e "$PORT"
failed_cleanly e
says e "HTTP 400"
no_secrets "$WORK/e.err" "$WORK/e.out"
no_escapes "$WORK/e.err"
server e_json_token token --echo 500 --echo-json
TOKEN=$PORT
server e_json_registry registry --bearer-realm "http://127.0.0.1:$TOKEN/token"
creds "$PORT"
push e_json "$PORT" --retries 1 --retry-max-time 1
failed_cleanly e_json
no_secrets "$WORK/e_json.err" "$WORK/e_json.out"

echo "== F. terminal escapes from the server are never printed raw"
CASE=F
server f_registry registry --ansi
anonymous
push f "$PORT"
failed_cleanly f
says f "WWW-Authenticate"
no_escapes "$WORK/f.err" "$WORK/f.out"
server f2_registry registry --ansi --basic "alice:$PASSWORD"
creds "$PORT"
push f2 "$PORT" --verbose
failed_cleanly f2
says f2 "MANIFEST_INVALID"
says f2 "< X-Note: "
no_escapes "$WORK/f2.err" "$WORK/f2.out"
no_secrets "$WORK/f2.err"

echo "== G1. a stalled /v2/: the deadline ends it, naming the request"
CASE=G1
server g1_registry registry --stall /v2/
REG=$PORT
anonymous
push g1 "$REG" --timeout 3s
failed_cleanly g1
says g1 "GET http://127.0.0.1:$REG/v2/"
says g1 "--timeout 3s"

echo "== G2. headers that drip forever (faster than any low-speed limit): the deadline ends it"
CASE=G2
server g2_registry registry --drip-headers /blobs/sha256
REG=$PORT
push g2 "$REG" --timeout 4s
failed_cleanly g2
says g2 "HEAD http://127.0.0.1:$REG/v2/test/app/blobs/sha256:"
says g2 "--timeout 4s"

echo "== G3. a 503 storm with long retry settings: the deadline holds across retries"
CASE=G3
server g3_registry registry --retry-after-503 /manifests/
REG=$PORT
push g3 "$REG" --retries 100 --retry-max-time 600 --timeout 5s
failed_cleanly g3
says g3 "HTTP 503"
says g3 "--timeout 5s"
n=$(grep -c '/manifests/' "$WORK/g3_registry.log" || true)
(( n < 20 )) || bad "$n manifest requests before the 5 s deadline"

echo "== G4. --retry-max-time still ends the retries by itself"
CASE=G4
push g4 "$REG" --retries 100 --retry-max-time 2
failed_cleanly g4
says g4 "gave up after 2 retries"

echo "== G5. pull honours --timeout"
CASE=G5
server g5_registry registry --stall /manifests/
REG=$PORT
pull g5 "$REG" --timeout 3s
failed_cleanly g5
says g5 "GET http://127.0.0.1:$REG/v2/test/app/manifests/$IMG_DIGEST"
says g5 "--timeout 3s"

echo "== H. a plain-HTTP loopback registry whose /v2/ answers 404, 429 or 500"
for code in 404 429 500; do
  CASE=H$code
  server "h${code}_registry" registry --ping-status "$code"
  push "h$code" "$PORT" --retries 1 --retry-max-time 2
  failed_cleanly "h$code"
  says "h$code" "GET http://127.0.0.1:$PORT/v2/"
  says "h$code" "$code"
  if grep -q "wrong version number" "$WORK/h$code.err"; then bad "reported as a TLS error"; fi
done
says h429 "registry says 429"
says h500 "registry says 500"

if ((${#FAILURES[@]})); then
  printf 'FAIL: %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
echo "PASS registry_hostile"
