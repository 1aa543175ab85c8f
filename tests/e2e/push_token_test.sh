#!/usr/bin/env bash
# stowage push against a docker-registry using token auth (auth.token: realm, service, issuer,
# rootcertbundle) with a small JWT token server (tests/registry/token_server.py):
# - Bearer challenge flow with Basic credentials at the token server; tokens cached per scope;
# - a no-change re-push sends only HEADs to the registry;
# - cross-repository mount asks for pull on the source repository in the same token;
# - a token the registry stops accepting (expired) is refreshed after the 401;
# - anonymous access (no credentials) fails with a clear error.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh

/usr/bin/python3 -c 'import cryptography' 2>/dev/null || fail "Debian's python3-cryptography is needed"
build_stowage
REG_PORT=$(free_port)
TOKEN_PORT=$(free_port)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=stowage token signer" \
  -keyout "$WORK/token.key" -out "$WORK/token.pem" 2>/dev/null
PASSWORD="pw-$RANDOM$RANDOM"
cat >"$WORK/extra.yml" <<YML
auth:
  token:
    realm: http://127.0.0.1:$TOKEN_PORT/token
    service: stowage-test
    issuer: stowage-test-issuer
    rootcertbundle: $WORK/token.pem
YML
start_registry reg "$REG_PORT" "$WORK/extra.yml"

# start_token_server LIFETIME: (re)starts the token server with that JWT lifetime.
start_token_server() {
  if [[ -n "${TOKEN_PID:-}" ]]; then kill "$TOKEN_PID"; wait "$TOKEN_PID" 2>/dev/null || true; fi
  /usr/bin/python3 tests/registry/token_server.py "$TOKEN_PORT" "$WORK/token.key" "$WORK/token.pem" \
    stowage-test-issuer stowage-test "carol:$PASSWORD" "$WORK/token.log" "$1" &
  TOKEN_PID=$!
  PIDS+=("$TOKEN_PID")
  wait_port "$TOKEN_PORT"
}
start_token_server 300

mkdir -p "$WORK/docker"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$REG_PORT" "$(printf 'carol:%s' "$PASSWORD" | base64 -w0)" \
  >"$WORK/docker/config.json"
export DOCKER_CONFIG=$WORK/docker
REPO=127.0.0.1:$REG_PORT/test/app
make_image "$WORK/img" 1,2 --layer-size 200000

echo "== push with a Bearer token"
# shellcheck disable=SC2046
"$STOWAGE" push --verbose --repository "$REPO" --tag v1 $(push_args "$WORK/img") \
  >"$WORK/p1.out" 2>"$WORK/p1.err" || { cat "$WORK/p1.err" "$WORK/token.log"; fail "token push"; }
tail -n 2 "$WORK/p1.out"
grep -q "auth=carol scope=repository:test/app:pull,push" "$WORK/token.log" || fail "no push-scope token"
grep -q "Authorization: Bearer <redacted>" "$WORK/p1.err" || fail "no redacted bearer header"
if grep -qF "$PASSWORD" "$WORK/p1.out" "$WORK/p1.err"; then fail "the password appeared"; fi
if grep -E '^> Authorization: Bearer [A-Za-z0-9]' "$WORK/p1.err"; then fail "a token appeared"; fi
[[ $(summary_field "$WORK/p1.out" token_requests) -le 2 ]] || fail "tokens were not cached"

echo "== no-change re-push"
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO" --tag v1 $(push_args "$WORK/img") >"$WORK/p2.out" 2>"$WORK/p2.err" \
  || { cat "$WORK/p2.err"; fail "re-push"; }
grep '^summary:' "$WORK/p2.out"
# The ping is GET /v2/ twice: the 401 that carries the challenge, then with the token.
grep -q 'requests=7 GET=2 HEAD=5 ' "$WORK/p2.out" || fail "re-push sent more than the ping and HEADs"

echo "== cross-repository mount"
make_image "$WORK/img2" 1,2 --layer-size 200000 --source "$REPO"
: >"$WORK/token.log"
# shellcheck disable=SC2046
"$STOWAGE" push --repository "127.0.0.1:$REG_PORT/test/other" --tag v1 $(push_args "$WORK/img2") \
  >"$WORK/p3.out" 2>"$WORK/p3.err" || { cat "$WORK/p3.err"; fail "mount push"; }
[[ $(summary_field "$WORK/p3.out" blobs_mounted) == 2 ]] || fail "layers were not mounted: $(grep summary "$WORK/p3.out")"
grep -q "scope=repository:test/app:pull repository:test/other:pull,push" "$WORK/token.log" \
  || { cat "$WORK/token.log"; fail "no token with pull on the mount source"; }

echo "== an expired token is refreshed after a 401"
# Tokens the registry accepts for ~3 s (it allows 60 s of skew), while expires_in says 300 s.
start_token_server -57
PROXY_PORT=$(free_port)
python3 tests/registry/fault_proxy.py "$PROXY_PORT" "$REG_PORT" "$WORK/proxy.log" \
  "PUT:/manifests/:status:429/5:1" &
PIDS+=($!)
wait_port "$PROXY_PORT"
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$PROXY_PORT" "$(printf 'carol:%s' "$PASSWORD" | base64 -w0)" \
  >"$WORK/docker/config.json"
make_image "$WORK/img3" 5 --layer-size 1000
: >"$WORK/token.log"
# shellcheck disable=SC2046
"$STOWAGE" push --repository "127.0.0.1:$PROXY_PORT/test/app" --tag v3 $(push_args "$WORK/img3") \
  >"$WORK/p4.out" 2>"$WORK/p4.err" || { cat "$WORK/p4.err"; fail "push with token refresh"; }
grep -q 'PUT /v2/test/app/manifests/sha256:.* -> 401' "$WORK/proxy.log" || fail "the registry never rejected the old token"
grep -q 'PUT /v2/test/app/manifests/sha256:.* -> 201' "$WORK/proxy.log" || fail "no manifest PUT after the refresh"
[[ $(grep -c 'scope=repository:test/app:pull,push' "$WORK/token.log") -ge 2 ]] || fail "token not refetched"

echo "== anonymous: a clear error"
start_token_server 300
echo '{}' >"$WORK/docker/config.json"
# shellcheck disable=SC2046
if "$STOWAGE" push --repository "$REPO" --tag v4 $(push_args "$WORK/img") >"$WORK/p5.out" 2>"$WORK/p5.err"; then
  fail "anonymous push succeeded"
fi
tail -n 1 "$WORK/p5.err"
grep -q "stowage: error: .*insufficient_scope) to anonymous requests" "$WORK/p5.err" || fail "unclear anonymous error"
echo "PASS push_token"
