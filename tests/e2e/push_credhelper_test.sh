#!/usr/bin/env bash
# stowage push gets its login from a docker credential helper (docker-credential-test on PATH,
# named by config.json credHelpers, which wins over credsStore); a helper answering
# "credentials not found" means anonymous, which this Basic-auth registry refuses clearly.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh

build_stowage
PORT=$(free_port)
REPO=127.0.0.1:$PORT/test/app
PASSWORD="pw-$RANDOM-$RANDOM-$RANDOM"
htpasswd -Bbn bob "$PASSWORD" >"$WORK/htpasswd"
cat >"$WORK/extra.yml" <<YML
auth:
  htpasswd:
    realm: stowage-test
    path: $WORK/htpasswd
YML
start_registry reg "$PORT" "$WORK/extra.yml"

mkdir -p "$WORK/bin" "$WORK/docker"
# The helper logs what it was asked (server URL on stdin, no newline) and answers for our host.
cat >"$WORK/bin/docker-credential-test" <<SH
#!/bin/sh
[ "\$1" = get ] || { echo "unsupported action \$1"; exit 1; }
server=\$(cat)
printf '%s\n' "\$server" >>"$WORK/helper.log"
if [ "\$server" = "127.0.0.1:$PORT" ]; then
  printf '{"ServerURL":"%s","Username":"bob","Secret":"%s"}' "\$server" "$PASSWORD"
else
  echo "credentials not found in native keychain"
  exit 1
fi
SH
cat >"$WORK/bin/docker-credential-broken" <<'SH'
#!/bin/sh
echo "the store is locked"
exit 1
SH
chmod +x "$WORK/bin/docker-credential-test" "$WORK/bin/docker-credential-broken"
export PATH="$WORK/bin:$PATH" DOCKER_CONFIG="$WORK/docker"
make_image "$WORK/img" 7 --layer-size 100000

echo "== credHelpers (before credsStore) supplies the login"
printf '{"credsStore":"broken","credHelpers":{"127.0.0.1:%s":"test"}}' "$PORT" >"$WORK/docker/config.json"
# shellcheck disable=SC2046
"$STOWAGE" push --verbose --repository "$REPO" --tag v1 $(push_args "$WORK/img") \
  >"$WORK/push.out" 2>"$WORK/push.err" || { cat "$WORK/push.err"; fail "push with helper"; }
tail -n 1 "$WORK/push.out"
[[ "$(cat "$WORK/helper.log")" == "127.0.0.1:$PORT" ]] || fail "helper asked for: $(cat "$WORK/helper.log")"
if grep -qF "$PASSWORD" "$WORK/push.out" "$WORK/push.err"; then fail "the secret appeared in the output"; fi

echo "== a failing credsStore is reported"
printf '{"credsStore":"broken"}' >"$WORK/docker/config.json"
# shellcheck disable=SC2046
if "$STOWAGE" push --repository "$REPO" --tag v2 $(push_args "$WORK/img") >"$WORK/b.out" 2>"$WORK/b.err"; then
  fail "push succeeded with a broken helper"
fi
grep -q "docker-credential-broken get failed.*the store is locked" "$WORK/b.err" || { cat "$WORK/b.err"; fail "unclear helper error"; }

echo "== credsStore alone works; 'credentials not found' means anonymous"
printf '{"credsStore":"test"}' >"$WORK/docker/config.json"
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO" --tag v2 $(push_args "$WORK/img") \
  >"$WORK/s.out" 2>"$WORK/s.err" || { cat "$WORK/s.err"; fail "push with credsStore"; }
# The helper knows 127.0.0.1:PORT only; as "localhost" the same registry gets no login.
# shellcheck disable=SC2046
if "$STOWAGE" push --repository "localhost:$PORT/test/app" --tag v3 $(push_args "$WORK/img") \
  >"$WORK/n.out" 2>"$WORK/n.err"; then
  fail "anonymous push succeeded against a Basic-auth registry"
fi
grep -q "requires a login and no credentials" "$WORK/n.err" || { cat "$WORK/n.err"; fail "unclear anonymous error"; }
echo "PASS push_credhelper"
