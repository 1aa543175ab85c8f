#!/usr/bin/env bash
# stowage push over TLS (a CA made by openssl) to a docker-registry with htpasswd Basic auth,
# credentials from a docker config.json:
# - without --ca-cert the push fails on certificate verification (no silent downgrade);
# - with --ca-cert and config.json `auths` it succeeds; skopeo sees the image;
# - wrong credentials and missing credentials give clear errors;
# - --verbose output never contains the password or the encoded credentials.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh

build_stowage
PORT=$(free_port)
REPO=127.0.0.1:$PORT/test/app

echo "== CA, server certificate, htpasswd"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=stowage test CA" \
  -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$WORK/server.key" -out "$WORK/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$WORK/san.ext"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
  -CAcreateserial -days 2 -extfile "$WORK/san.ext" -out "$WORK/server.pem" 2>/dev/null
PASSWORD="pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
htpasswd -Bbn alice "$PASSWORD" >"$WORK/htpasswd"
cat >"$WORK/extra.yml" <<YML
  tls:
    certificate: $WORK/server.pem
    key: $WORK/server.key
auth:
  htpasswd:
    realm: stowage-test
    path: $WORK/htpasswd
YML
start_registry reg "$PORT" "$WORK/extra.yml"

mkdir -p "$WORK/docker"
AUTH=$(printf 'alice:%s' "$PASSWORD" | base64 -w0)
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$PORT" "$AUTH" >"$WORK/docker/config.json"
export DOCKER_CONFIG=$WORK/docker
make_image "$WORK/img" 1,2 --layer-size 200000

echo "== without --ca-cert: certificate verification fails"
# shellcheck disable=SC2046
if "$STOWAGE" push --repository "$REPO" --tag v1 $(push_args "$WORK/img") >"$WORK/noca.out" 2>"$WORK/noca.err"; then
  fail "push succeeded without trusting the CA"
fi
grep -q "TLS verification failed" "$WORK/noca.err" || { cat "$WORK/noca.err"; fail "unclear TLS error"; }

echo "== with --ca-cert and config.json auths (verbose)"
# shellcheck disable=SC2046
"$STOWAGE" push --verbose --ca-cert "$WORK/ca.pem" --repository "$REPO" --tag v1 \
  $(push_args "$WORK/img") >"$WORK/push.out" 2>"$WORK/push.err" || { cat "$WORK/push.err"; fail "push"; }
cat "$WORK/push.out"
[[ "$(tail -n 1 "$WORK/push.out")" == "$REPO@$(cat "$WORK/img/digest")" ]] || fail "wrong last line"
grep -q '^> GET https://127.0.0.1' "$WORK/push.err" || fail "did not use https"
grep -q 'Authorization: Basic <redacted>' "$WORK/push.err" || fail "no redacted Authorization line"
for secret in "$PASSWORD" "$AUTH"; do
  if grep -qF "$secret" "$WORK/push.out" "$WORK/push.err"; then fail "a secret appeared in the output"; fi
done
skopeo inspect --creds "alice:$PASSWORD" --tls-verify=false "docker://$REPO:v1" \
  | grep -q "$(cat "$WORK/img/digest")" || fail "skopeo does not see v1"

echo "== wrong password: a clear error"
printf '{"auths":{"https://127.0.0.1:%s":{"auth":"%s"}}}' "$PORT" "$(printf 'alice:nope' | base64 -w0)" \
  >"$WORK/docker/config.json"
# shellcheck disable=SC2046
if "$STOWAGE" push --ca-cert "$WORK/ca.pem" --repository "$REPO" --tag v2 $(push_args "$WORK/img") \
  >"$WORK/bad.out" 2>"$WORK/bad.err"; then
  fail "push succeeded with a wrong password"
fi
grep -q "rejected the credentials" "$WORK/bad.err" || { cat "$WORK/bad.err"; fail "unclear auth error"; }

echo "== no credentials: a clear error"
echo '{}' >"$WORK/docker/config.json"
# shellcheck disable=SC2046
if "$STOWAGE" push --ca-cert "$WORK/ca.pem" --repository "$REPO" --tag v2 $(push_args "$WORK/img") \
  >"$WORK/none.out" 2>"$WORK/none.err"; then
  fail "push succeeded without credentials"
fi
grep -q "requires a login and no credentials" "$WORK/none.err" || { cat "$WORK/none.err"; fail "unclear error"; }

echo "== plain HTTP to a non-loopback host is refused without --insecure"
if "$STOWAGE" push --repository "http://192.0.2.1:5000/test/app" $(push_args "$WORK/img") \
  >"$WORK/plain.out" 2>"$WORK/plain.err"; then
  fail "plain HTTP accepted"
fi
grep -q "plain HTTP" "$WORK/plain.err" || { cat "$WORK/plain.err"; fail "unclear plain-HTTP error"; }
echo "PASS push_tls_basic"
