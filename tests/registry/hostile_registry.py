#!/usr/bin/env python3
"""A registry on 127.0.0.1 that serves hostile JSON: tests/registry/testdata/hostile/*.

  hostile_registry.py FIXTURE_DIR PORT_FILE

GET /v2/ answers 200. GET /v2/<name>/manifests/<digest> serves the fixture whose sha256 is
<digest>, with the mediaType the fixture claims (an OCI manifest type when it claims none or
is not an object); GET /v2/<name>/blobs/<digest> serves any fixture (configs, layer.bin) by
digest. Everything else is 404. Writes the port it listens on to PORT_FILE."""
import hashlib
import http.server
import json
import os
import sys

FIXTURES = sys.argv[1]
BLOBS = {}
for name in os.listdir(FIXTURES):
    if name.endswith(".py"):
        continue
    with open(os.path.join(FIXTURES, name), "rb") as f:
        data = f.read()
    BLOBS["sha256:" + hashlib.sha256(data).hexdigest()] = data


def media_type(data):
    try:
        claimed = json.loads(data).get("mediaType")
    except (ValueError, AttributeError, RecursionError):
        claimed = None
    return claimed if isinstance(claimed, str) else "application/vnd.oci.image.manifest.v1+json"


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
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/v2/":
            return self.answer(200, b"{}")
        parts = path.split("/")
        if len(parts) >= 5 and parts[1] == "v2" and parts[-2] in ("manifests", "blobs"):
            data = BLOBS.get(parts[-1])
            if data is not None:
                kind = media_type(data) if parts[-2] == "manifests" else "application/octet-stream"
                return self.answer(200, data, kind)
        self.answer(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}')

    do_HEAD = do_GET


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
