#!/usr/bin/env bash
# Signatures checked by tools we did not write, against a real docker-registry on loopback:
# skopeo (containers/image) with a policy.json that requires `sigstoreSigned` by our public key
# and registries.d with `use-sigstore-attachments: true`, and `cosign verify --key`. Both are
# Debian 13's (tests/verifiers, scripts/lib/verifiers.sh): Debian 12's skopeo has sigstore
# verification patched out.
# - an image pushed and signed by `stowage push --key` is accepted by both;
# - an unsigned image is refused;
# - an image whose manifest was changed after signing (the old signature copied to the new
#   digest's .sig tag) is refused, and so is a signature whose payload was edited;
# - `stowage verify` agrees with skopeo in each case, and a wrong key is refused;
# - the key (from a file, an encrypted file, or a variable) never appears in any output.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh
source scripts/lib/verifiers.sh

build_stowage
load_verifiers || fail "no third-party verifiers"
PORT=$(free_port)
start_registry reg "$PORT"
REPO=127.0.0.1:$PORT/signed/app

echo "== keys (ECDSA P-256, PKCS#8 PEM)"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/key.pem" 2>/dev/null
openssl pkey -in "$WORK/key.pem" -pubout -out "$WORK/key.pub"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/other.pem" 2>/dev/null
openssl pkey -in "$WORK/other.pem" -pubout -out "$WORK/other.pub"
PASS="correct horse $RANDOM battery"
openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$WORK/key.pem" -out "$WORK/key.enc.pem" -passout "pass:$PASS"
# What must never appear anywhere: the base64 body of the private keys and the passphrase.
key_body=$(grep -v '^-----' "$WORK/key.pem" | tr -d '\n')
enc_body=$(grep -v '^-----' "$WORK/key.enc.pem" | tr -d '\n' | cut -c1-40)

echo "== policy: sigstoreSigned by our key for the test registry, reject everything else"
cat >"$WORK/policy.json" <<JSON
{"default": [{"type": "reject"}],
 "transports": {
   "docker": {"127.0.0.1:$PORT": [{"type": "sigstoreSigned", "keyPath": "$WORK/key.pub",
                                   "signedIdentity": {"type": "matchRepository"}}]},
   "dir": {"": [{"type": "insecureAcceptAnything"}]}}}
JSON
mkdir -p "$WORK/registries.d"
cat >"$WORK/registries.d/test.yaml" <<YAML
docker:
  127.0.0.1:$PORT:
    use-sigstore-attachments: true
YAML
skopeo_copy() {  # skopeo_copy REF NAME: 0 when skopeo's policy accepts REF as signed by our key
  "$SKOPEO13" --policy "$WORK/policy.json" --registries.d "$WORK/registries.d" copy --quiet \
    --src-tls-verify=false "docker://$1" "dir:$WORK/copies/$2" >"$WORK/skopeo.$2.out" 2>&1
}
cosign_verify() {  # cosign_verify REF NAME [KEY]: 0 when cosign accepts REF as signed by the key
  "$COSIGN" verify --key "${3:-$WORK/key.pub}" --insecure-ignore-tlog=true --allow-http-registry=true \
    "$1" >"$WORK/cosign.$2.out" 2>&1
}
mkdir -p "$WORK/copies"

echo "== push + sign (key file)"
make_image "$WORK/img1" 1,2 --layer-size 20000
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO" --tag signed --key "$WORK/key.pem" $(push_args "$WORK/img1") \
  >"$WORK/push1.out" 2>"$WORK/push1.err" || { cat "$WORK/push1.err"; fail "signed push"; }
cat "$WORK/push1.out"
D1=$(cat "$WORK/img1/digest")
grep -q "^signature: pushed tag sha256-${D1#sha256:}.sig and referrer sha256:" "$WORK/push1.out" \
  || fail "no signature line"
skopeo inspect --raw --tls-verify=false "docker://$REPO:sha256-${D1#sha256:}.sig" >"$WORK/sig.json"
python3 - "$WORK/sig.json" <<'PY' || fail "the .sig manifest is not cosign's layout"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["mediaType"] == "application/vnd.oci.image.manifest.v1+json", m
(l,) = m["layers"]
assert l["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json", l
assert l["annotations"]["dev.cosignproject.cosign/signature"], l
PY
skopeo inspect --raw --tls-verify=false "docker://$REPO:sha256-${D1#sha256:}" >"$WORK/referrers.json"
python3 - "$WORK/referrers.json" "$D1" <<'PY' || fail "no referrers tag schema index"
import json, sys
i = json.load(open(sys.argv[1]))
assert i["mediaType"] == "application/vnd.oci.image.index.v1+json", i
assert [e["artifactType"] for e in i["manifests"]] == ["application/vnd.dev.cosign.artifact.sig.v1+json"], i
PY

echo "== skopeo and cosign accept the signed image (by digest and by tag)"
skopeo_copy "$REPO@$D1" signed || { cat "$WORK/skopeo.signed.out"; fail "skopeo refused the signed image"; }
skopeo_copy "$REPO:signed" signed-tag || { cat "$WORK/skopeo.signed-tag.out"; fail "skopeo refused the signed tag"; }
echo "   skopeo accepted $REPO@$D1"
cosign_verify "$REPO@$D1" signed || { cat "$WORK/cosign.signed.out"; fail "cosign refused the signed image"; }
grep -q "The signatures were verified against the specified public key" "$WORK/cosign.signed.out" \
  || { cat "$WORK/cosign.signed.out"; fail "cosign did not verify against the key"; }
grep -q "\"docker-manifest-digest\":\"$D1\"" "$WORK/cosign.signed.out" \
  || { cat "$WORK/cosign.signed.out"; fail "cosign's verified payload does not name the image"; }
echo "   cosign accepted $REPO@$D1"
cosign_verify "$REPO@$D1" wrongkey "$WORK/other.pub" && fail "cosign accepted another key"
"$STOWAGE" verify --repository "$REPO" --digest "$D1" --public-key "$WORK/key.pub" >"$WORK/v1.out" \
  || { cat "$WORK/v1.out"; fail "stowage verify refused the signed image"; }
grep -q "1 valid signature(s) in tag sha256-${D1#sha256:}.sig, 1 in referrers, 0 not valid" "$WORK/v1.out" \
  || { cat "$WORK/v1.out"; fail "verify did not find the signature in both layouts"; }
"$STOWAGE" verify --repository "$REPO" --digest "$D1" --public-key "$WORK/other.pub" >"$WORK/v1o.out" 2>&1 \
  && fail "verify accepted another key"
grep -q "has no valid signature by the key" "$WORK/v1o.out" || { cat "$WORK/v1o.out"; fail "wrong-key message"; }

echo "== re-signing with the same key pushes nothing"
"$STOWAGE" sign --repository "$REPO" --digest "$D1" --key "$WORK/key.pem" >"$WORK/resign.out" 2>&1 \
  || { cat "$WORK/resign.out"; fail "re-sign"; }
grep -q "^signature: already there" "$WORK/resign.out" || { cat "$WORK/resign.out"; fail "re-sign pushed again"; }

echo "== a second signer (key in a variable) is added beside the first"
OTHER_KEY=$(cat "$WORK/other.pem") "$STOWAGE" sign --repository "$REPO" --digest "$D1" --key-env OTHER_KEY \
  >"$WORK/sign2.out" 2>&1 || { cat "$WORK/sign2.out"; fail "second signer"; }
"$STOWAGE" verify --repository "$REPO" --digest "$D1" --public-key "$WORK/other.pub" >"$WORK/v2.out" \
  || { cat "$WORK/v2.out"; fail "second signature not valid"; }
skopeo_copy "$REPO@$D1" signed-again || { cat "$WORK/skopeo.signed-again.out"; fail "skopeo refused after a second signer"; }
cosign_verify "$REPO@$D1" second-signer "$WORK/other.pub" || { cat "$WORK/cosign.second-signer.out"; fail "cosign refused the second signer"; }
cosign_verify "$REPO@$D1" first-signer || { cat "$WORK/cosign.first-signer.out"; fail "cosign lost the first signer"; }

echo "== skopeo and cosign refuse an unsigned image"
make_image "$WORK/img2" 3,4 --layer-size 20000
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO" --tag unsigned $(push_args "$WORK/img2") >/dev/null 2>&1 || fail "unsigned push"
D2=$(cat "$WORK/img2/digest")
skopeo_copy "$REPO@$D2" unsigned && fail "skopeo accepted an unsigned image"
grep -qi "signature" "$WORK/skopeo.unsigned.out" || { cat "$WORK/skopeo.unsigned.out"; fail "unexpected skopeo error"; }
echo "   refused: $(tail -n 1 "$WORK/skopeo.unsigned.out")"
cosign_verify "$REPO@$D2" unsigned && fail "cosign accepted an unsigned image"
grep -q "no signatures found" "$WORK/cosign.unsigned.out" || { cat "$WORK/cosign.unsigned.out"; fail "unexpected cosign error"; }
"$STOWAGE" verify --repository "$REPO" --digest "$D2" --public-key "$WORK/key.pub" >/dev/null 2>&1 \
  && fail "stowage verify accepted an unsigned image"

echo "== skopeo and cosign refuse a manifest changed after signing (old signature moved to the new digest)"
python3 - "$WORK/img1/manifest.json" "$WORK/changed.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m.setdefault("annotations", {})["changed"] = "after signing"
open(sys.argv[2], "w").write(json.dumps(m, separators=(",", ":")))
PY
D3=sha256:$(sha256sum "$WORK/changed.json" | cut -d' ' -f1)
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO" --tag changed --manifest "$WORK/changed.json" --config "$WORK/img1/config.json" \
  $(sed 's/^/--layer /' "$WORK/img1/layers.flags") >/dev/null 2>&1 || fail "changed push"
skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false \
  "docker://$REPO:sha256-${D1#sha256:}.sig" "docker://$REPO:sha256-${D3#sha256:}.sig" \
  || fail "copying the old signature"
skopeo_copy "$REPO@$D3" changed && fail "skopeo accepted a manifest changed after signing"
grep -q "Signature for digest $D1 does not match" "$WORK/skopeo.changed.out" || { cat "$WORK/skopeo.changed.out"; fail "skopeo refused for another reason"; }
echo "   refused: $(tail -n 1 "$WORK/skopeo.changed.out")"
cosign_verify "$REPO@$D3" changed && fail "cosign accepted a manifest changed after signing"
echo "   cosign: $(grep -m1 -i error "$WORK/cosign.changed.out")"
"$STOWAGE" verify --repository "$REPO" --digest "$D3" --public-key "$WORK/key.pub" >"$WORK/v3.out" 2>&1 \
  && fail "stowage verify accepted a manifest changed after signing"
grep -q "not this image" "$WORK/v3.out" || { cat "$WORK/v3.out"; fail "verify did not say why"; }

echo "== skopeo and cosign refuse a payload edited to name the changed manifest (signature no longer matches)"
python3 - "$WORK" "$REPO" "$D1" "$D3" <<'PY'
import hashlib, json, subprocess, sys, urllib.request
work, repo, d1, d3 = sys.argv[1:]
host, name = repo.split("/", 1)
base = f"http://{host}/v2/{name}"
def get(url, accept=None):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    return urllib.request.urlopen(req).read()
sig = json.loads(get(f"{base}/manifests/sha256-{d1[7:]}.sig", "application/vnd.oci.image.manifest.v1+json"))
layer = sig["layers"][0]
payload = json.loads(get(f"{base}/blobs/{layer['digest']}"))
payload["critical"]["image"]["docker-manifest-digest"] = d3
body = json.dumps(payload, separators=(",", ":")).encode()
digest = "sha256:" + hashlib.sha256(body).hexdigest()
loc = urllib.request.urlopen(urllib.request.Request(f"{base}/blobs/uploads/", method="POST")).headers["Location"]
if loc.startswith("/"):
    loc = f"http://{host}{loc}"
sep = "&" if "?" in loc else "?"
urllib.request.urlopen(urllib.request.Request(f"{loc}{sep}digest={digest}", data=body, method="PUT",
    headers={"Content-Type": "application/octet-stream"}))
layer["digest"], layer["size"] = digest, len(body)
sig["config"] = sig["config"]  # config blob already present
m = json.dumps(sig).encode()
try:
  urllib.request.urlopen(urllib.request.Request(f"{base}/manifests/sha256-{d3[7:]}.sig", data=m, method="PUT",
    headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"}))
except urllib.error.HTTPError as e:
  sys.exit(f"PUT manifest: {e.code} {e.read()[:300]}")
PY
skopeo_copy "$REPO@$D3" edited && fail "skopeo accepted an edited payload"
grep -q "cryptographic signature verification failed" "$WORK/skopeo.edited.out" || { cat "$WORK/skopeo.edited.out"; fail "skopeo refused for another reason"; }
echo "   refused: $(tail -n 1 "$WORK/skopeo.edited.out")"
cosign_verify "$REPO@$D3" edited && fail "cosign accepted an edited payload"
echo "   cosign: $(grep -m1 -i error "$WORK/cosign.edited.out")"
"$STOWAGE" verify --repository "$REPO" --digest "$D3" --public-key "$WORK/key.pub" >"$WORK/v4.out" 2>&1 \
  && fail "stowage verify accepted an edited payload"
grep -q "does not verify with the key" "$WORK/v4.out" || { cat "$WORK/v4.out"; fail "verify did not say why"; }

echo "== encrypted key: needs its passphrase, which never shows"
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO" --tag enc --key "$WORK/key.enc.pem" $(push_args "$WORK/img2") \
  >"$WORK/enc1.out" 2>&1 && fail "an encrypted key without a passphrase was used"
grep -q "is encrypted and no passphrase was given" "$WORK/enc1.out" || { cat "$WORK/enc1.out"; fail "message"; }
skopeo inspect --tls-verify=false "docker://$REPO:enc" >/dev/null 2>&1 && fail "the push went ahead before the key failed"
# shellcheck disable=SC2046
KEY_PASS="$PASS" "$STOWAGE" push --repository "$REPO" --tag enc --key "$WORK/key.enc.pem" \
  --key-passphrase-env KEY_PASS $(push_args "$WORK/img2") >"$WORK/enc2.out" 2>&1 \
  || { cat "$WORK/enc2.out"; fail "encrypted key with passphrase"; }
KEY_PASS="wrong" "$STOWAGE" sign --repository "$REPO" --digest "$D2" --key "$WORK/key.enc.pem" \
  --key-passphrase-env KEY_PASS >"$WORK/enc3.out" 2>&1 && fail "a wrong passphrase was accepted"
grep -q "wrong passphrase" "$WORK/enc3.out" || { cat "$WORK/enc3.out"; fail "message"; }
skopeo_copy "$REPO@$D2" enc || { cat "$WORK/skopeo.enc.out"; fail "skopeo refused the image signed with the encrypted key"; }
cosign_verify "$REPO@$D2" enc || { cat "$WORK/cosign.enc.out"; fail "cosign refused the image signed with the encrypted key"; }
BAD_KEY="$(cat "$WORK/key.pem" | sed 's/^M/N/')" "$STOWAGE" sign --repository "$REPO" --digest "$D2" \
  --key-env BAD_KEY >"$WORK/bad.out" 2>&1 && fail "a corrupt key was accepted"

echo "== no key material in any output, log or the registry's storage"
for f in "$WORK"/*.out "$WORK"/*.err "$WORK"/reg.log "$WORK"/copies/*/* ; do
  [[ -f "$f" ]] || continue
  grep -qF "$key_body" "$f" && fail "private key material in $f"
  grep -qF "$enc_body" "$f" && fail "encrypted key material in $f"
  grep -qF "$PASS" "$f" && fail "the passphrase in $f"
done
if grep -rqF "$key_body" "$WORK/reg"; then fail "private key material in the registry"; fi
if grep -rqF "$PASS" "$WORK/reg"; then fail "the passphrase in the registry"; fi
echo "PASS"
