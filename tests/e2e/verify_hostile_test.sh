#!/usr/bin/env bash
# `stowage verify` (the real binary) against a registry on loopback whose signatures lie
# (tests/registry/hostile_signatures.py): wrong JSON types, sizes over the caps, endless
# blobs, bytes that do not match their digest, 5,000 referrers, JSON nested 200,000 deep.
# Each case ends with exit 1 and exactly one "stowage: error:" line (never a crash), and the
# signature that was there but broken is named on a "not valid:" line. A valid signature made
# by OpenSSL (not by stowage) verifies, so the server and the check both work.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh
build_stowage

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/key.pub"
mkdir -p "$WORK/fixtures"
printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}' \
  >"$WORK/fixtures/image.json"
IMAGE_DIGEST=sha256:$(sha256sum "$WORK/fixtures/image.json" | cut -d' ' -f1)

PORT=$(free_port)
# The payload names the repository of the valid scenario; OpenSSL signs it.
printf '{"critical":{"identity":{"docker-reference":"127.0.0.1:%s/valid"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
  "$PORT" "$IMAGE_DIGEST" >"$WORK/fixtures/payload.json"
openssl dgst -sha256 -sign "$WORK/key.pem" -out "$WORK/fixtures/payload.sig" "$WORK/fixtures/payload.json"
python3 tests/registry/hostile_signatures.py "$WORK/fixtures" "$PORT" &
PIDS+=($!)
wait_port "$PORT"

verify() {  # verify SCENARIO: runs stowage verify, sets rc
  rc=0
  timeout 120 "$STOWAGE" verify --repository "127.0.0.1:$PORT/$1" --digest "$IMAGE_DIGEST" \
    --public-key "$WORK/key.pub" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
}

echo "== a signature made by OpenSSL verifies"
verify valid
[[ $rc -eq 0 ]] || { cat "$WORK/stdout" "$WORK/stderr"; fail "the valid signature did not verify"; }
grep -q "1 valid signature(s) in tag" "$WORK/stdout" || { cat "$WORK/stdout"; fail "valid: count"; }

# hostile_case SCENARIO TEXT: exit 1, one error line, TEXT in the output.
hostile_case() {
  local scenario=$1 want=$2
  verify "$scenario"
  [[ $rc -eq 1 ]] || { cat "$WORK/stdout" "$WORK/stderr"; fail "$scenario: exit $rc, want 1"; }
  local errors
  errors=$(grep -c '^stowage: error: ' "$WORK/stderr" || true)
  [[ $errors -eq 1 ]] || { cat "$WORK/stderr"; fail "$scenario: $errors error lines"; }
  ! grep -qE 'terminate called|what\(\)|internal error' "$WORK/stderr" || fail "$scenario: crashed"
  grep -qF -- "$want" "$WORK/stdout" "$WORK/stderr" || { cat "$WORK/stdout" "$WORK/stderr"; fail "$scenario: no \"$want\""; }
  echo "   ok $scenario: $(grep -hF -- "$want" "$WORK/stdout" "$WORK/stderr" | head -n 1 | cut -c1-130)"
}

echo "== hostile signatures"
hostile_case sig-layers-object "layers: expected an array, got an object"
hostile_case sig-layer-size-string "layers[0].size: expected an integer, got a string"
hostile_case sig-layer-huge "is over 65536 bytes"
hostile_case sig-not-base64 "is not base64"
hostile_case sig-annotation-number "layers[0].annotations"
hostile_case sig-deep "nested more than 64"
hostile_case sig-manifest-huge "sha256-"
hostile_case payload-endless "over 65536 bytes"
hostile_case payload-wrong-bytes "do not match the digest"
hostile_case payload-unsigned "the signature does not verify with the key"
hostile_case referrers-too-many "manifests: an array of 5000 items is longer than the limit of 1000"
hostile_case referrers-missing-entries "more than 100 signature referrers"
hostile_case att-envelope-huge "is over 67108864 bytes"
echo "PASS"
