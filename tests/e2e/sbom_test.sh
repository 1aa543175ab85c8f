#!/usr/bin/env bash
# The bookstore image's SBOM (//examples/bookstore:sbom):
# - CycloneDX 1.5 validates against the official JSON schema (vendored from npm's
#   @cyclonedx/cyclonedx-library) with Debian's python3-jsonschema; SPDX 2.3 passes the
#   structural checks (no package ships the SPDX schema: tests/e2e/sbom_validate.py);
#   a document broken on purpose fails both, so the validation can fail;
# - it lists every regular file of every layer (compared with the layer tars themselves) with
#   its sha256, marks the static assets, names the Bazel target of each layer, and lists every
#   Debian package the runtime deb_layer installs with purl, version, architecture and the
#   .deb's sha256 (compared with the .deb files), licenses where the copyright file is DEP-5;
# - byte-reproducible: `stowage sbom` run again outside Bazel, with another TZ, LANG, umask
#   and TMPDIR, writes the same bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh
PY=/usr/bin/python3  # Debian's, with python3-jsonschema

bazel build //examples/bookstore:sbom //examples/bookstore:image //builder:stowage >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log"; fail "bazel build"; }
BIN=$(bazel info bazel-bin 2>/dev/null)
CDX=$BIN/examples/bookstore/sbom.cdx.json
SPDX=$BIN/examples/bookstore/sbom.spdx.json

echo "== schema validation"
$PY -W ignore tests/e2e/sbom_validate.py "$CDX" "$SPDX" || fail "validation"
$PY - "$CDX" "$WORK/bad.cdx.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1])); b["components"][0]["hashes"][0]["alg"] = "SHA-257"
json.dump(b, open(sys.argv[2], "w"))
PY
$PY -W ignore tests/e2e/sbom_validate.py "$WORK/bad.cdx.json" "$SPDX" >/dev/null 2>&1 && fail "a broken CycloneDX BOM validated"
$PY - "$SPDX" "$WORK/bad.spdx.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["relationships"].append({"spdxElementId": "SPDXRef-Nope", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-Image"})
json.dump(d, open(sys.argv[2], "w"))
PY
$PY -W ignore tests/e2e/sbom_validate.py "$CDX" "$WORK/bad.spdx.json" >/dev/null 2>&1 && fail "a broken SPDX document validated"
echo "   broken documents are refused"

echo "== contents against the layers and the .deb files"
$PY - "$CDX" "$SPDX" "$BIN/examples/bookstore" "$(bazel info execution_root 2>/dev/null)" <<'PY'
import glob, hashlib, json, os, re, sys, tarfile
cdx, spdx, outdir, execroot = sys.argv[1:]
bom = json.load(open(cdx))
layers = [c for c in bom["components"] if c["type"] == "data"]
packages = [c for c in bom["components"] if c["type"] == "library"]
names = {"runtime_layer": 0, "server_layer": 1, "static_layer": 2, "app_layer": 3, "entrypoint_layer": 4}
total_files = 0
for name, i in names.items():
    layer = layers[i]
    props = {p["name"]: p["value"] for p in layer["properties"]}
    assert props["stowage:bazel:target"].endswith("//examples/bookstore:" + name), props
    # The image may build a layer under a platform transition (oci_image(platform)): its tar is
    # then in that configuration's bin directory, not outdir. The SBOM's digest must be one of
    # the tars Bazel built for this target.
    blobs = glob.glob(os.path.join(execroot, "bazel-out", "*", "bin", "examples", "bookstore", name + ".tar.gz"))
    by_hash = {hashlib.sha256(open(b, "rb").read()).hexdigest(): b for b in blobs}
    assert layer["hashes"][0]["content"] in by_hash, (name, layer["hashes"][0]["content"], blobs)
    blob = by_hash[layer["hashes"][0]["content"]]
    want = {}
    with tarfile.open(blob) as t:
        for m in t:
            if m.isreg():
                want["/" + m.name.lstrip("./")] = hashlib.sha256(t.extractfile(m).read()).hexdigest()
            elif m.islnk():
                want["/" + m.name.lstrip("./")] = want["/" + m.linkname.lstrip("./")]
    got = {f["name"]: f["hashes"][0]["content"] for f in layer.get("components", [])}
    assert got == want, f"{name}: files differ from the layer: {set(got) ^ set(want)}"
    static = [f for f in layer.get("components", []) if any(p["name"] == "stowage:file:staticAsset" for p in f["properties"])]
    if name == "static_layer":
        assert static and len(static) == len(got), "static assets not all marked"
    else:
        assert not static, f"{name}: files marked static"
    total_files += len(got)
    print(f"   {name}: {len(got)} files, {len(static)} static assets")
spec = json.load(open(os.path.join(outdir, "sbom.sbom_spec.json")))
debs = {(p["name"], p["architecture"]): p for l in spec["layers"] for p in l.get("packages", [])}
assert len(packages) == len(debs) and debs, (len(packages), len(debs))
purl = re.compile(r"^pkg:deb/debian/[a-z0-9.%A-F-]+@[A-Za-z0-9.%~_-]+\?arch=[a-z0-9]+$")
with_licenses = 0
for p in packages:
    arch = {q["name"]: q["value"] for q in p["properties"]}["stowage:deb:architecture"]
    d = debs[(p["name"], arch)]
    assert p["version"] == d["version"]
    assert purl.match(p["purl"]), p["purl"]
    deb = os.path.join(execroot, d["deb"])
    assert p["hashes"][0]["content"] == hashlib.sha256(open(deb, "rb").read()).hexdigest(), p["name"]
    with_licenses += 1 if p.get("licenses") else 0
assert with_licenses > len(packages) // 2, f"only {with_licenses} packages have licenses"
doc = json.load(open(spdx))
assert sum(1 for x in doc["packages"] if x.get("primaryPackagePurpose") == "LIBRARY") == len(packages)
assert len(doc["files"]) == total_files
print(f"   {len(packages)} Debian packages ({with_licenses} with licenses from DEP-5 copyright files), {total_files} files in {len(layers)} layers")
PY

echo "== byte-reproducible"
mkdir -p "$WORK/again" "$WORK/tmp"
# The spec's paths are relative to Bazel's execution root, where the action ran.
( cd "$(bazel info execution_root 2>/dev/null)" && umask 077 && TZ=Pacific/Kiritimati LANG=C TMPDIR="$WORK/tmp" \
    "$BIN/builder/stowage" sbom --spec "$BIN/examples/bookstore/sbom.sbom_spec.json" \
    --cyclonedx "$WORK/again/a.cdx.json" --spdx "$WORK/again/a.spdx.json" ) 2>"$WORK/again.err" \
  || { cat "$WORK/again.err"; fail "second sbom run"; }
cmp "$CDX" "$WORK/again/a.cdx.json" || fail "CycloneDX bytes differ between runs"
cmp "$SPDX" "$WORK/again/a.spdx.json" || fail "SPDX bytes differ between runs"
grep -q '"serialNumber":"urn:uuid:' "$CDX" || fail "no serialNumber"
echo "   same bytes: $(sha256sum "$CDX" | cut -c1-16)… $(sha256sum "$SPDX" | cut -c1-16)…"
echo "PASS"
