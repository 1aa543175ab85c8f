#!/usr/bin/env python3
"""A minimal in-memory registry that keeps the bytes of a chunk cut off mid-body (as
registries with server-side upload state do), to test that stowage resumes a chunked upload
from the reported Range instead of starting over. docker-registry 2.8 cannot show this: its
upload URLs carry a signed offset that goes stale when a chunk is cut off.

  resume_registry.py PORT LOG DROP_AFTER_BYTES

The first PATCH is cut after DROP_AFTER_BYTES bytes of its body (the bytes read so far are
kept). Upload Locations are relative paths. Content-Range must be "<start>-<end>" (no
"bytes="), starting where the upload stands (else 416). The final PUT checks the sha256.
Logs "METHOD PATH [Content-Range] -> STATUS"."""
import hashlib
import http.server
import json
import sys
import threading
import uuid

LOCK = threading.Lock()
BLOBS, MANIFESTS, UPLOADS = {}, {}, {}
STATE = {"dropped": False}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def log(self, status):
        with LOCK, open(self.server.log_path, "a") as f:
            cr = self.headers.get("Content-Range")
            f.write("%s %s%s -> %s\n" % (self.command, self.path, " [%s]" % cr if cr else "", status))

    def reply(self, status, headers=(), body=b""):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.log(status)

    def error(self, status, code):
        self.reply(status, [("Content-Type", "application/json")],
                   json.dumps({"errors": [{"code": code, "message": code.lower()}]}).encode())

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def parts(self):
        path, _, query = self.path.partition("?")
        return path.strip("/").split("/"), dict(p.split("=", 1) for p in query.split("&") if "=" in p)

    def do_GET(self):
        p, _ = self.parts()
        if p == ["v2"]:
            return self.reply(200, body=b"{}")
        if p[0] == "upload":
            data = UPLOADS.get(p[1])
            if data is None:
                return self.error(404, "BLOB_UPLOAD_UNKNOWN")
            return self.reply(204, [("Location", "/upload/" + p[1]), ("Range", "0-%d" % (len(data) - 1))])
        self.error(404, "NOT_FOUND")

    def do_HEAD(self):
        p, _ = self.parts()
        if len(p) >= 4 and p[-2] == "blobs":
            if p[-1] in BLOBS:
                return self.reply(200, [("Docker-Content-Digest", p[-1])])
            return self.reply(404)
        if len(p) >= 4 and p[-2] == "manifests":
            m = MANIFESTS.get("/".join(p))
            if m:
                return self.reply(200, [("Docker-Content-Digest", m)])
            return self.reply(404)
        self.reply(404)

    def do_POST(self):
        self.body()
        upload = uuid.uuid4().hex
        UPLOADS[upload] = bytearray()
        self.reply(202, [("Location", "/upload/" + upload), ("Range", "0-0")])

    def do_PATCH(self):
        p, _ = self.parts()
        data = UPLOADS.get(p[1])
        if data is None:
            return self.error(404, "BLOB_UPLOAD_UNKNOWN")
        cr = self.headers.get("Content-Range", "")
        if cr.startswith("bytes=") or "-" not in cr:
            self.body()
            return self.error(400, "BLOB_UPLOAD_INVALID")
        start = int(cr.split("-")[0])
        if start != len(data):
            self.body()
            return self.error(416, "BLOB_UPLOAD_INVALID")
        n = int(self.headers.get("Content-Length") or 0)
        if not STATE["dropped"] and n > self.server.drop_after:
            STATE["dropped"] = True
            data += self.rfile.read(self.server.drop_after)  # the registry keeps what arrived
            self.log("dropped")
            self.close_connection = True
            self.connection.shutdown(2)
            return
        data += self.rfile.read(n)
        self.reply(202, [("Location", "/upload/" + p[1]), ("Range", "0-%d" % (len(data) - 1))])

    def do_PUT(self):
        p, q = self.parts()
        body = self.body()
        if p[0] == "upload":
            data = UPLOADS.pop(p[1], None)
            if data is None:
                return self.error(404, "BLOB_UPLOAD_UNKNOWN")
            data += body
            digest = q.get("digest", "").replace("%3A", ":").replace("%3a", ":")
            if "sha256:" + hashlib.sha256(data).hexdigest() != digest:
                return self.error(400, "DIGEST_INVALID")
            BLOBS[digest] = True
            return self.reply(201, [("Docker-Content-Digest", digest)])
        if len(p) >= 4 and p[-2] == "manifests":
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            MANIFESTS["/".join(p)] = digest
            MANIFESTS["/".join(p[:-1] + [digest])] = digest
            return self.reply(201, [("Docker-Content-Digest", digest)])
        self.error(404, "NOT_FOUND")

    def do_DELETE(self):
        p, _ = self.parts()
        UPLOADS.pop(p[-1], None)
        self.reply(204)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.log_path = sys.argv[2]
    server.drop_after = int(sys.argv[3])
    server.serve_forever()


if __name__ == "__main__":
    main()
