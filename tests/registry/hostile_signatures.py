#!/usr/bin/env python3
"""A registry on 127.0.0.1 whose signatures lie, for `stowage verify`.

  hostile_signatures.py DIR PORT

DIR holds image.json (the signed image's manifest), payload.json and payload.sig (a
signature OpenSSL made). Every repository serves the image at its digest; what it serves at
the cosign tags, the referrers tag and the blobs depends on the repository's name (the
scenario, e.g. /v2/sig-layers-object/...)."""
import base64
import hashlib
import http.server
import json
import os
import sys

DIR = sys.argv[1]
IMAGE = open(os.path.join(DIR, "image.json"), "rb").read()
PAYLOAD = open(os.path.join(DIR, "payload.json"), "rb").read()
SIG = base64.b64encode(open(os.path.join(DIR, "payload.sig"), "rb").read()).decode()
OCI = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


IMAGE_DIGEST = digest(IMAGE)
HEX = IMAGE_DIGEST[7:]
CONFIG = b"{}"


def sig_manifest(layers):
    return json.dumps({"schemaVersion": 2, "mediaType": OCI,
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": digest(CONFIG), "size": 2},
                       "layers": layers}).encode()


def layer(size=len(PAYLOAD), d=digest(PAYLOAD), sig=SIG):
    return {"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": d,
            "size": size, "annotations": {"dev.cosignproject.cosign/signature": sig}}


FAKE = "sha256:" + "ab" * 32
# scenario -> {path suffix: (content type, body)}; "payload" is the blob at the payload digest.
SCENARIOS = {
    "valid": {"sig": sig_manifest([layer()])},
    "sig-layers-object": {"sig": b'{"schemaVersion":2,"layers":{}}'},
    "sig-layer-size-string": {"sig": sig_manifest([dict(layer(), size="250")])},
    "sig-layer-huge": {"sig": sig_manifest([layer(size=10**12)])},
    "sig-not-base64": {"sig": sig_manifest([layer(sig="%%%")])},
    "sig-annotation-number": {"sig": sig_manifest([dict(layer(), annotations={"dev.cosignproject.cosign/signature": 5})])},
    "sig-deep": {"sig": b"[" * 200000 + b"]" * 200000},
    "sig-manifest-huge": {"sig": b'{"layers":[' + b" " * (5 << 20) + b"]}"},
    "payload-endless": {"sig": sig_manifest([layer()]), "payload": b"x" * (8 << 20)},
    "payload-wrong-bytes": {"sig": sig_manifest([layer()]), "payload": PAYLOAD.replace(b"cosign", b"cosigN")},
    "payload-unsigned": {"sig": sig_manifest([layer(d=digest(b"\xff\xfe"), size=2)]), "blob:" + digest(b"\xff\xfe"): b"\xff\xfe"},
    "referrers-too-many": {"referrers": json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": [
        {"mediaType": OCI, "digest": FAKE, "size": 1, "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json"}] * 5000}).encode()},
    "referrers-missing-entries": {"referrers": json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": [
        {"mediaType": OCI, "digest": FAKE, "size": 1, "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json"}] * 500}).encode()},
    "att-envelope-huge": {"att": sig_manifest([{"mediaType": "application/vnd.dsse.envelope.v1+json", "digest": FAKE,
                                                "size": 10**11, "annotations": {"predicateType": "x"}}])},
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    do_HEAD = lambda self: self.do_GET()

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/v2/":
            return self.answer(200, b"{}")
        parts = path.split("/")
        if len(parts) < 5 or parts[1] != "v2":
            return self.answer(404)
        scenario, kind, ref = parts[2], parts[-2], parts[-1]
        s = SCENARIOS.get(scenario, {})
        if kind == "manifests":
            if ref == IMAGE_DIGEST:
                return self.answer(200, IMAGE, OCI)
            key = {f"sha256-{HEX}.sig": "sig", f"sha256-{HEX}.att": "att", f"sha256-{HEX}": "referrers"}.get(ref)
            if key in s:
                return self.answer(200, s[key], INDEX if key == "referrers" else OCI)
        if kind == "blobs":
            if ref == digest(PAYLOAD):
                return self.answer(200, s.get("payload", PAYLOAD), "application/octet-stream")
            if "blob:" + ref in s:
                return self.answer(200, s["blob:" + ref], "application/octet-stream")
            if ref == digest(CONFIG):
                return self.answer(200, CONFIG, "application/octet-stream")
        self.answer(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}')


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that stops reading an endless body is the point of some cases


Server(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
