#!/usr/bin/env bash
# The rules from a user's side: `bazel run //examples/bookstore:push_signed` (oci_push with
# sign = True, sbom = :sbom, provenance = :provenance) pushes the bookstore image to a loopback docker-registry,
# signs it with the key from $STOWAGE_SIGNING_KEY and attaches its SBOM and SLSA provenance;
# `stowage verify` checks the signature and the three attestations against the public key; the
# CycloneDX predicate it returns is the SBOM the build wrote, and the provenance names the
# source commit (a stamped build), the lockfile's sha256 and the image target. cosign (Debian
# 13's; tests/verifiers) verifies the signature and each attestation with the public key and
# returns the same SBOM. The key never reaches the build: no action's
# command line or environment (aquery), no output of the push target, no line bazel printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh
source scripts/lib/verifiers.sh
build_stowage
load_verifiers || fail "no third-party verifiers"
PORT=$(free_port)
start_registry reg "$PORT"
REPO=127.0.0.1:$PORT/bookstore

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/key.pub"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -out "$WORK/other.pub"
key_body=$(grep -v '^-----' "$WORK/key.pem" | tr -d '\n')

echo "== without a key the signed push refuses to start"
bazel run //examples/bookstore:push_signed -- --repository "$REPO" >"$WORK/nokey.out" 2>&1 \
  && fail "push_signed ran without a key"
grep -q 'sign = True needs the signing key' "$WORK/nokey.out" || { tail "$WORK/nokey.out"; fail "message"; }

echo "== bazel run //examples/bookstore:push_signed"
COMMIT=$(git rev-parse HEAD)
printf '#!/bin/sh\necho STABLE_GIT_COMMIT %s\n' "$COMMIT" >"$WORK/status.sh"
chmod +x "$WORK/status.sh"
STOWAGE_SIGNING_KEY=$(cat "$WORK/key.pem") bazel run --stamp --workspace_status_command="$WORK/status.sh" \
  //examples/bookstore:push_signed -- \
  --repository "$REPO" >"$WORK/push.out" 2>&1 || { tail -n 30 "$WORK/push.out"; fail "signed push"; }
grep -E '^(signature|attestation)' "$WORK/push.out" | sed 's/^/   /'
[[ $(grep -c '^attestation .*: pushed tag' "$WORK/push.out") == 3 ]] || fail "expected three attestations"

echo "== stowage verify: signature, SBOM attestations"
"$STOWAGE" verify --repository "$REPO" --tag latest --public-key "$WORK/key.pub" \
  --require-attestation cyclonedx --require-attestation spdxjson --require-attestation slsaprovenance1 \
  --write-predicate cyclonedx="$WORK/cdx.json" --write-predicate slsaprovenance1="$WORK/slsa.json" >"$WORK/verify.out" 2>&1 || { cat "$WORK/verify.out"; fail "verify"; }
cat "$WORK/verify.out" | sed 's/^/   /'
BIN=$(bazel info bazel-bin 2>/dev/null)
/usr/bin/python3 - "$WORK/cdx.json" "$BIN/examples/bookstore/sbom.cdx.json" <<'PY' || fail "the attested SBOM is not the built one"
import json, sys
assert json.load(open(sys.argv[1])) == json.load(open(sys.argv[2]))
PY
/usr/bin/python3 - "$WORK/slsa.json" "$COMMIT" "$(sha256sum examples/bookstore/debian12.lock.json | cut -d' ' -f1)" <<'PY' || fail "provenance"
import json, sys
p, commit, lock = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
d = p["buildDefinition"]
assert d["externalParameters"]["target"].endswith("//examples/bookstore:image"), d
deps = d["resolvedDependencies"]
assert {"name": "source", "digest": {"gitCommit": commit}} in deps, deps
assert any(x["digest"].get("sha256") == lock for x in deps), deps
assert p["runDetails"]["builder"]["id"]
print(f"   provenance: commit {commit[:12]}, lockfile sha256 {lock[:12]}..., builder {p['runDetails']['builder']['id']}")
PY

echo "== cosign verifies the signature and the three attestations"
DIGEST=$(skopeo inspect --raw --tls-verify=false "docker://$REPO:latest" | sha256sum | cut -d' ' -f1)
COSIGN_ARGS=(--key "$WORK/key.pub" --insecure-ignore-tlog=true --allow-http-registry=true)
"$COSIGN" verify "${COSIGN_ARGS[@]}" "$REPO@sha256:$DIGEST" >"$WORK/cosign.sig.out" 2>&1 \
  || { cat "$WORK/cosign.sig.out"; fail "cosign refused the signature"; }
for type in cyclonedx spdxjson slsaprovenance1; do
  "$COSIGN" verify-attestation "${COSIGN_ARGS[@]}" --type "$type" "$REPO@sha256:$DIGEST" \
    >"$WORK/cosign.$type.out" 2>"$WORK/cosign.$type.err" \
    || { cat "$WORK/cosign.$type.err"; fail "cosign refused the $type attestation"; }
done
# cosign prints each verified DSSE envelope: its in-toto statement must be about this image and
# carry the SBOM the build wrote.
/usr/bin/python3 - "$WORK/cosign.cyclonedx.out" "$BIN/examples/bookstore/sbom.cdx.json" "$DIGEST" <<'PY' || fail "cosign's verified SBOM is not the built one"
import base64, json, sys
envelopes = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
statements = [json.loads(base64.b64decode(e["payload"])) for e in envelopes]
ours = [s for s in statements if s["predicateType"] == "https://cyclonedx.org/bom"]
assert ours, [s["predicateType"] for s in statements]
for s in ours:
    assert s["subject"][0]["digest"]["sha256"] == sys.argv[3], s["subject"]
    assert s["predicate"] == json.load(open(sys.argv[2]))
print(f"   cosign verified {len(statements)} attestation(s); the CycloneDX one is the built SBOM")
PY
"$COSIGN" verify-attestation --key "$WORK/other.pub" --insecure-ignore-tlog=true --allow-http-registry=true \
  --type slsaprovenance1 "$REPO@sha256:$DIGEST" >"$WORK/cosign.other.out" 2>&1 && fail "cosign accepted another key"

echo "== the key is nowhere in the build"
bazel aquery --stamp --workspace_status_command="$WORK/status.sh" 'deps(//examples/bookstore:push_signed)' --output=text >"$WORK/aquery.txt" 2>/dev/null || fail "aquery"
grep -qF "$key_body" "$WORK/aquery.txt" && fail "key material in an action"
grep -q STOWAGE_SIGNING_KEY "$WORK/aquery.txt" && fail "the key's variable reaches an action"
for f in "$WORK"/*.out "$WORK"/*.err "$WORK/reg.log"; do grep -qF "$key_body" "$f" && fail "key material in $f"; done
find -L "$BIN/examples/bookstore/push_signed.sh" "$BIN/examples/bookstore/push_signed.sh.runfiles" -type f 2>/dev/null \
  | xargs grep -lF "$key_body" 2>/dev/null && fail "key material in the push target's outputs"
grep -rqF "$key_body" "$WORK/reg" && fail "key material in the registry"
echo "PASS"
