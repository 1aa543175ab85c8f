#!/usr/bin/env bash
# End-to-end for `stowage check`: it must find each problem in deliberately bad inputs and
# nothing in good ones.
#  - static: the fixture images (bad: SECRET_KEY and an AWS key id in Env, DEBUG on in
#    production, root, a token label, EXPOSE, HEALTHCHECK, VOLUME, fixed port, OCI manifest);
#  - live: python3 fake sites (good, no HSTS, redirect loop, server version leak, debug 404,
#    no redirect) and a real Django 3.2 app under gunicorn (right settings; DEBUG on; a proxy it
#    does not trust, i.e. the redirect loop), after Django's own `check --deploy` agrees that the
#    good settings are good.
# Exit codes: non-zero exactly when an error finding is present.
set -euo pipefail
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deploy_check.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

bazel build //builder:stowage >"$tmp/bazel.log" 2>&1 || { tail -40 "$tmp/bazel.log"; fail "bazel build"; }
stowage="$(bazel info bazel-bin 2>/dev/null)/builder/stowage"
fixtures=tests/deploy/fixtures

# check_exactly NAME "IDS" ARGS...: the set of finding IDs must be exactly IDS.
check_exactly() {
  local name=$1 want=$2 out got
  shift 2
  out=$("$stowage" check --fail-on never "$@") || fail "$name: stowage check failed to run"
  got=$({ grep -oE '^(ERROR|WARNING|INFO) STW[0-9]+' <<<"$out" || true; } | awk '{print $2}' | sort -u | tr '\n' ' ' | sed 's/ $//')
  [[ "$got" == "$want" ]] || fail "$name: want [$want], got [$got]:
$out"
  echo "ok: $name -> [${got:-no findings}]"
}
# exit_code ARGS...: prints stowage check's exit code with the default --fail-on error.
exit_code() { "$stowage" check "$@" >/dev/null 2>&1 && echo 0 || echo $?; }

# --- static -----------------------------------------------------------------------------
check_exactly "bad image for Heroku" "STW001 STW002 STW004 STW005 STW006 STW007 STW008 STW009 STW010" \
  --config $fixtures/bad_config.json --manifest $fixtures/bad_manifest.json --platform heroku
check_exactly "bad image" "STW001 STW002 STW004 STW005 STW006" \
  --config $fixtures/bad_config.json --manifest $fixtures/bad_manifest.json
check_exactly "good image for Heroku" "" \
  --config $fixtures/good_config.json --manifest $fixtures/good_manifest.json --platform heroku --production
[[ $(exit_code --config $fixtures/bad_config.json) == 1 ]] || fail "bad image: exit code is not 1"
[[ $(exit_code --config $fixtures/good_config.json --platform heroku) == 0 ]] || fail "good image: exit code is not 0"
out=$("$stowage" check --config $fixtures/bad_config.json --json --fail-on never)
grep -q 'django-insecure' <<<"$out" && fail "a secret value was printed"
/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert {f["id"] for f in d["findings"]} >= {"STW001","STW004","STW005"}; assert all(f["severity"] in ("error","warning","info") and f["fix"] for f in d["findings"])' <<<"$out" \
  || fail "--json output"
echo "ok: --json output, no secret values printed, exit codes 1/0"

# --- live: fake sites -------------------------------------------------------------------
start_site() {  # start_site MODE -> sets url
  rm -f "$tmp/site.port"
  python3 tests/deploy/fake_site.py --port-file "$tmp/site.port" --mode "$1" &
  pids+=($!)
  for _ in $(seq 100); do [[ -s "$tmp/site.port" ]] && break; sleep 0.1; done
  [[ -s "$tmp/site.port" ]] || fail "fake site $1 did not start"
  url="http://127.0.0.1:$(cat "$tmp/site.port")/"
}
start_site good;           check_exactly "site: good" "" --url "$url"
[[ $(exit_code --url "$url") == 0 ]] || fail "good site: exit code is not 0"
start_site no-hsts;        check_exactly "site: no HSTS" "STW101" --url "$url"
[[ $(exit_code --url "$url") == 1 ]] || fail "no-hsts site: exit code is not 1"
start_site loop;           check_exactly "site: redirect loop behind the proxy" "STW106" --url "$url"
start_site server-version; check_exactly "site: server version leak" "STW113 STW114" --url "$url"
start_site debug-404;      check_exactly "site: debug 404 page" "STW112" --url "$url"
start_site no-redirect;    check_exactly "site: no HTTPS redirect, cookies without Secure" "STW105 STW110" --url "$url"
check_exactly "site: nothing listening" "STW100" --url "http://127.0.0.1:$(free_port)/" --timeout-ms 2000

# --- live: real Django ------------------------------------------------------------------
site=tests/deploy/django_site
export SECRET_KEY
SECRET_KEY=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
(cd "$site" && DJANGO_SETTINGS_MODULE=settings PYTHONPATH=. /usr/bin/python3 -m django check --deploy --fail-level WARNING) \
  || fail "Django's own check --deploy objects to the good settings"
start_django() {  # start_django ENV... -> sets url
  local port
  port=$(free_port)
  env "$@" gunicorn --bind "127.0.0.1:$port" --workers 1 --chdir "$site" \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" wsgi:application >"$tmp/gunicorn.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  url="http://127.0.0.1:$port/"
}
start_django DJANGO_DEBUG=0; check_exactly "Django: production settings" "" --url "$url"
start_django DJANGO_DEBUG=1; check_exactly "Django: DEBUG = True" "STW112" --url "$url"
FORWARDED_ALLOW_IPS=10.255.255.1 start_django TRUST_PROXY=0
check_exactly "Django: proxy header not trusted" "STW106" --url "$url"
echo "PASS deploy_check_test"
