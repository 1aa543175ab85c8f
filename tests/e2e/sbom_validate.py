#!/usr/bin/env python3
"""Validates stowage's SBOMs: CycloneDX against the official 1.5 JSON schema (vendored in
third_party/cyclonedx_schema, from @cyclonedx/cyclonedx-library) with python3-jsonschema, and
SPDX 2.3 by structural checks (no package ships its JSON schema).

  sbom_validate.py CDX.json SPDX.json
Prints one line per document and exits non-zero on the first violation."""
import json
import os
import re
import sys

import jsonschema
import jsonschema._validators


def _extras_msg(extras):
    # Debian 12's python3-jsonschema 4.10 sorts the extra items to name them in a message and
    # raises TypeError when they are objects (CycloneDX's license lists): only the message
    # changes here, not what is valid.
    return ", ".join(repr(extra) for extra in extras), "was" if len(extras) == 1 else "were"


jsonschema._validators.extras_msg = _extras_msg

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "..", "..", "third_party", "cyclonedx_schema")


def load(name):
    with open(os.path.join(SCHEMAS, name)) as f:
        return json.load(f)


def check_cyclonedx(path):
    bom = json.load(open(path))
    schema = load("bom-1.5.SNAPSHOT.schema.json")
    store = {
        "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json": load("spdx.SNAPSHOT.schema.json"),
        "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json": load("jsf-0.82.SNAPSHOT.schema.json"),
    }
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    validator = jsonschema.Draft7Validator(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(bom), key=lambda e: list(e.path))
    for e in errors[:10]:
        print(f"CycloneDX: {'/'.join(map(str, e.path))}: {e.message[:300]}")
    if errors:
        sys.exit(f"{path}: {len(errors)} schema violation(s)")
    refs = []
    def walk(components):
        for c in components:
            refs.append(c["bom-ref"])
            walk(c.get("components", []))
    walk(bom["components"])
    refs.append(bom["metadata"]["component"]["bom-ref"])
    assert len(refs) == len(set(refs)), "duplicate bom-ref"
    for d in bom["dependencies"]:
        for r in [d["ref"]] + d.get("dependsOn", []):
            assert r in refs, f"dependency on unknown ref {r}"
    print(f"CycloneDX 1.5 schema: valid ({path})")


SPDX_ID = re.compile(r"^SPDXRef-[A-Za-z0-9.-]+$")


def check_spdx(path):
    doc = json.load(open(path))
    for k in ("spdxVersion", "dataLicense", "SPDXID", "name", "documentNamespace", "creationInfo"):
        assert k in doc, f"SPDX: missing {k}"
    assert doc["spdxVersion"] == "SPDX-2.3" and doc["dataLicense"] == "CC0-1.0"
    assert doc["SPDXID"] == "SPDXRef-DOCUMENT"
    assert re.match(r"^https?://", doc["documentNamespace"]) and "#" not in doc["documentNamespace"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", doc["creationInfo"]["created"])
    assert doc["creationInfo"]["creators"]
    ids = {"SPDXRef-DOCUMENT"}
    for p in doc["packages"]:
        for k in ("SPDXID", "name", "downloadLocation", "filesAnalyzed"):
            assert k in p, f"SPDX package without {k}"
        assert SPDX_ID.match(p["SPDXID"]), p["SPDXID"]
        assert p["SPDXID"] not in ids
        ids.add(p["SPDXID"])
        for c in p.get("checksums", []):
            assert c["algorithm"] in ("SHA1", "SHA256") and re.match(r"^[0-9a-f]+$", c["checksumValue"])
    for f in doc["files"]:
        assert SPDX_ID.match(f["SPDXID"]) and f["SPDXID"] not in ids
        ids.add(f["SPDXID"])
        assert f["fileName"].startswith("./")
        algs = {c["algorithm"] for c in f["checksums"]}
        assert "SHA1" in algs, "SPDX 2.3 files need a SHA1 checksum"
    refs = {e["licenseId"] for e in doc.get("hasExtractedLicensingInfos", [])}
    for p in doc["packages"]:
        for ref in re.findall(r"LicenseRef-[A-Za-z0-9.-]+", p.get("licenseDeclared", "")):
            assert ref in refs, f"{ref} is not declared in hasExtractedLicensingInfos"
    for r in doc["relationships"]:
        assert r["spdxElementId"] in ids and r["relatedSpdxElement"] in ids, r
    assert set(doc["documentDescribes"]) <= ids
    print(f"SPDX 2.3 structure: valid ({path})")


check_cyclonedx(sys.argv[1])
check_spdx(sys.argv[2])
