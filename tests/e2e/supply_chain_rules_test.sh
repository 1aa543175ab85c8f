#!/usr/bin/env bash
# The rules from a user's side: `bazel run //examples/bookstore:push_signed` (oci_push with
# sign = True and sbom = :sbom) pushes the bookstore image to a loopback docker-registry,
# signs it with the key from $STOWAGE_SIGNING_KEY and attaches its SBOM; `stowage verify`
# checks signature and both attestations against the public key, and the CycloneDX predicate
# it returns is the SBOM the build wrote. The key never reaches the build: no action's
# command line or environment (aquery), no output of the push target, no line bazel printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh
build_stowage
PORT=$(free_port)
start_registry reg "$PORT"
REPO=127.0.0.1:$PORT/bookstore

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/key.pub"
key_body=$(grep -v '^-----' "$WORK/key.pem" | tr -d '\n')

echo "== without a key the signed push refuses to start"
bazel run //examples/bookstore:push_signed -- --repository "$REPO" >"$WORK/nokey.out" 2>&1 \
  && fail "push_signed ran without a key"
grep -q 'sign = True needs the signing key' "$WORK/nokey.out" || { tail "$WORK/nokey.out"; fail "message"; }

echo "== bazel run //examples/bookstore:push_signed"
STOWAGE_SIGNING_KEY=$(cat "$WORK/key.pem") bazel run //examples/bookstore:push_signed -- \
  --repository "$REPO" >"$WORK/push.out" 2>&1 || { tail -n 30 "$WORK/push.out"; fail "signed push"; }
grep -E '^(signature|attestation)' "$WORK/push.out" | sed 's/^/   /'
[[ $(grep -c '^attestation .*: pushed tag' "$WORK/push.out") == 2 ]] || fail "expected two attestations"

echo "== stowage verify: signature, SBOM attestations"
"$STOWAGE" verify --repository "$REPO" --tag latest --public-key "$WORK/key.pub" \
  --require-attestation cyclonedx --require-attestation spdxjson \
  --write-predicate cyclonedx="$WORK/cdx.json" >"$WORK/verify.out" 2>&1 || { cat "$WORK/verify.out"; fail "verify"; }
cat "$WORK/verify.out" | sed 's/^/   /'
BIN=$(bazel info bazel-bin 2>/dev/null)
/usr/bin/python3 - "$WORK/cdx.json" "$BIN/examples/bookstore/sbom.cdx.json" <<'PY' || fail "the attested SBOM is not the built one"
import json, sys
assert json.load(open(sys.argv[1])) == json.load(open(sys.argv[2]))
PY

echo "== the key is nowhere in the build"
bazel aquery 'deps(//examples/bookstore:push_signed)' --output=text >"$WORK/aquery.txt" 2>/dev/null || fail "aquery"
grep -qF "$key_body" "$WORK/aquery.txt" && fail "key material in an action"
grep -q STOWAGE_SIGNING_KEY "$WORK/aquery.txt" && fail "the key's variable reaches an action"
for f in "$WORK"/*.out "$WORK/reg.log"; do grep -qF "$key_body" "$f" && fail "key material in $f"; done
find -L "$BIN/examples/bookstore/push_signed.sh" "$BIN/examples/bookstore/push_signed.sh.runfiles" -type f 2>/dev/null \
  | xargs grep -lF "$key_body" 2>/dev/null && fail "key material in the push target's outputs"
grep -rqF "$key_body" "$WORK/reg" && fail "key material in the registry"
echo "PASS"
