#!/usr/bin/env bash
# `stowage check --url` and `stowage heroku-release` against hostile servers on loopback
# (tests/registry/hostile_server.py):
#  - a site with a 30 KB Server header (a std::regex crashed on it), terminal escapes in header
#    values, cookie names and a Location: findings reported, nothing printed raw, no crash;
#  - a stalled site: --timeout ends the check, STW100 names the request;
#  - a Platform API whose errors echo the Authorization header with escapes: the key is never
#    printed, nor the escapes;
#  - a stalled Platform API: --timeout ends the release, naming the request;
#  - an API URL whose user info poses as loopback ("http://127.0.0.1@other.example:PORT"):
#    refused before any request (other.example resolves to 127.0.0.1 through the resolver
#    shim, so a request would reach our server);
#  - Compose and heroku.yml files whose secrets hide in interpolation words (a
#    ${SECRET_KEY:-<key>} default, a ${NAME:?...<token>} message inside a quoted key): reported
#    with the variable's path, never printed (check_yaml_fuzzer found the second).
# Every case runs; the failures are listed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh

build_stowage
build_resolve_shim
FAILURES=()
bad() {
  echo "   FAIL: $*" >&2
  FAILURES+=("$CASE: $*")
}
server() {
  local name=$1
  shift
  PORT=$(free_port)
  python3 tests/registry/hostile_server.py "$PORT" "$WORK/$name.log" "$@" &
  PIDS+=($!)
  wait_port "$PORT"
}
run() {  # run NAME CMD...: output in $WORK/NAME.{out,err}, exit status in RC
  local name=$1
  shift
  RC=0
  with_names other.example timeout 90 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || RC=$?
  tail -n 1 "$WORK/$name.err" | cut -c1-300 | sed 's/^/   /'
}
ended_by_itself() {
  [[ $RC != 124 ]] || bad "had to be killed (no deadline of its own)"
  [[ $RC -lt 128 ]] || bad "died of signal $((RC - 128))"
}
no_escapes() {
  if grep -q $'\x1b' "$@"; then bad "a raw ESC byte was printed"; fi
  if grep -q $'\x07' "$@"; then bad "a raw BEL byte was printed"; fi
}
says() { grep -qF -- "$2" "$WORK/$1.$3" || bad "no \"$2\" in $1.$3"; }

echo "== check --url: a hostile site"
CASE=site
server site site
SITE=$PORT
run site "$STOWAGE" check --url "http://127.0.0.1:$SITE/"
ended_by_itself
[[ $RC == 1 ]] || bad "exit $RC, want 1 (error findings)"
says site STW113 out
says site STW108 out
no_escapes "$WORK/site.out" "$WORK/site.err"
(( $(wc -L <"$WORK/site.out") < 1000 )) || bad "a finding line of $(wc -L <"$WORK/site.out") bytes"
run site_json "$STOWAGE" check --url "http://127.0.0.1:$SITE/" --json --fail-on never
[[ $RC == 0 ]] || bad "--json exit $RC"
no_escapes "$WORK/site_json.out"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/site_json.out" || bad "--json output is not JSON"

echo "== check --url: a stalled site ends at --timeout"
CASE=stalled-site
server stalled_site site --stall /
SITE=$PORT
run stalled_site "$STOWAGE" check --url "http://127.0.0.1:$SITE/" --timeout 2s
ended_by_itself
says stalled_site "STW100" out
says stalled_site "GET http://127.0.0.1:$SITE/" out
says stalled_site "--timeout 2s" out

KEY="hk-hostile-$RANDOM$RANDOM-key"
release() {  # release NAME API_URL [flags]
  local name=$1 url=$2
  shift 2
  HEROKU_API_KEY=$KEY run "$name" "$STOWAGE" heroku-release --app stowage-bookstore \
    --manifest tests/deploy/fixtures/good_manifest.json --config tests/deploy/fixtures/good_config.json \
    --api-url "$url" --poll-interval-ms 50 "$@"
}

echo "== heroku-release: an API whose errors echo the key, with escapes"
CASE=api-echo
server api heroku
release api "http://127.0.0.1:$PORT"
ended_by_itself
[[ $RC != 0 ]] || bad "exit 0 on a 401"
says api "status 401" err
if grep -qF -- "$KEY" "$WORK/api.out" "$WORK/api.err"; then bad "HEROKU_API_KEY was printed"; fi
no_escapes "$WORK/api.out" "$WORK/api.err"
grep -q "\"auth\": \"Bearer $KEY\"" "$WORK/api.log" || bad "the API itself got no key"

echo "== heroku-release: a stalled API ends at --timeout"
CASE=api-stall
server stalled_api heroku --stall /apps/
API=$PORT
release stalled_api "http://127.0.0.1:$API" --timeout 2s
ended_by_itself
[[ $RC != 0 ]] || bad "exit 0"
says stalled_api "GET http://127.0.0.1:$API/apps/stowage-bookstore/releases" err
says stalled_api "--timeout 2s" err

echo "== heroku-release: user info cannot pose as loopback"
CASE=api-userinfo
server elsewhere heroku
release userinfo "http://127.0.0.1@other.example:$PORT"
[[ $RC != 0 ]] || bad "exit 0"
[[ ! -s "$WORK/elsewhere.log" ]] || bad "a request reached other.example: $(head -c 300 "$WORK/elsewhere.log")"

echo "== check --compose / --heroku-yml: secrets in interpolation words"
CASE=interpolation-words
TOKEN="ghp_$RANDOM${RANDOM}Zq9canaryTnAbCdEfGh"
DJANGO_KEY="django-insecure-$RANDOM$RANDOM-k9#Vq2xL7pR4wZ8"
cat >"$WORK/compose.yaml" <<YAML
services:
  web:
    image: app
    environment:
      SECRET_KEY: \${SECRET_KEY:-$DJANGO_KEY}
      DATABASE_URL: postgres://u:\${DB_PASSWORD:-hunter2-$RANDOM}@db/x
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:-postgres}
YAML
printf "build:\n  docker:\n    web: Dockerfile\n'a \${NAME:?...%s} b': 1\n" "$TOKEN" >"$WORK/heroku.yml"
run interpolation "$STOWAGE" check --compose "$WORK/compose.yaml" --heroku-yml "$WORK/heroku.yml"
ended_by_itself
[[ $RC == 1 ]] || bad "exit $RC, want 1 (error findings)"
says interpolation "services.web.environment.SECRET_KEY=<redacted>" out
says interpolation "services.web.environment.DATABASE_URL=<redacted>" out
if grep -q "POSTGRES_PASSWORD" "$WORK/interpolation.out"; then bad "a low-entropy development default was reported"; fi
for secret in "$TOKEN" "$DJANGO_KEY" hunter2; do
  if grep -qF -- "$secret" "$WORK/interpolation.out" "$WORK/interpolation.err"; then bad "printed a secret ($secret)"; fi
done
run interpolation_json "$STOWAGE" check --compose "$WORK/compose.yaml" --heroku-yml "$WORK/heroku.yml" --json --fail-on never
for secret in "$TOKEN" "$DJANGO_KEY" hunter2; do
  if grep -qF -- "$secret" "$WORK/interpolation_json.out"; then bad "--json printed a secret ($secret)"; fi
done

if ((${#FAILURES[@]})); then
  printf 'FAIL: %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
echo "PASS deploy_hostile"
