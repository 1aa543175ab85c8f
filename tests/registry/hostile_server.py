#!/usr/bin/env python3
"""Hostile servers for stowage's e2e tests: a registry, a token server, a collector, a web
site and a Heroku Platform API that lie the ways an attacker would. Loopback only.

  hostile_server.py PORT LOG ROLE [options]

Every request is logged to LOG as one JSON line {"method","path","host","auth"} (auth is the
Authorization header as received, "" when absent), so a test can prove what reached which
server.

Roles and their options:
  registry   a distribution-spec registry that accepts pushes (nothing is stored) and serves
             pulls from --blobs DIR (files indexed by sha256; manifest.json by digest).
             --basic USER:PASS        require Basic auth (401 Basic otherwise)
             --bearer-realm URL       require a Bearer token (401 Bearer realm=URL otherwise)
             --upload-location URL    the Location of upload sessions (may be another origin;
                                      "{port}" is replaced by this server's port)
             --blob-redirect URL      GET blobs answer 307 to URL + "/<digest>"
             --stuck-range            PATCH answers "Range: 0-<chunk length - 1>" whatever
                                      the offset: the session never seems to advance
             --upload-redirect URL    PUT and PATCH on upload sessions answer 307 to URL +
                                      the request's path and query, unless the path already
                                      starts with /redirected ("{port}" as above)
             --ping-status CODE       GET /v2/ answers CODE (404, 429, 500...), plain text
             --stall SUBSTR           requests whose path contains SUBSTR are never answered
             --drip-headers SUBSTR    ... are answered one header byte every 0.2 s, forever
             --retry-after-503 SUBSTR ... get 503 with Retry-After: 1, forever
             --ansi                   error answers (manifest PUT) carry terminal escapes in
                                      the body and headers; GET /v2/ challenges with an
                                      escape-laden WWW-Authenticate when --basic is not set
  token      a token endpoint at any path.
             --echo CODE              answer CODE with a body quoting the request's
                                      Authorization header (and escapes)
             --redirect URL           answer --redirect-code (302) to URL
             (default: a token for anyone)
  collector  logs everything and answers like an upload endpoint (PATCH 202, PUT 201) or a
             blob store (--blobs DIR); the "other host" credentials must never reach.
  site       a web site for `stowage check --url`: a 30 KB Server header with a version and
             terminal escapes in header values; --stall SUBSTR as above.
  heroku     a Platform API whose errors quote the Authorization header with escapes;
             --stall SUBSTR as above.
"""
import argparse
import hashlib
import http.server
import json
import os
import sys
import threading
import time

LOCK = threading.Lock()
ESC = "\x1b"


def index_blobs(directory):
    blobs = {}
    if not directory:
        return blobs
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                data = f.read()
            blobs["sha256:" + hashlib.sha256(data).hexdigest()] = data
    return blobs


def chunk_end(handler, body):
    """The last byte a session holds after this PATCH: the end of its Content-Range (what a
    real registry reports), or the body's when it sent none."""
    content_range = handler.headers.get("Content-Range", "")
    try:
        return int(content_range.split("-")[1])
    except (IndexError, ValueError):
        return len(body) - 1


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    # -- helpers ---------------------------------------------------------------------------
    def record(self):
        entry = {"method": self.command, "path": self.path,
                 "host": self.headers.get("Host", ""),
                 "auth": self.headers.get("Authorization", "")}
        with LOCK, open(self.server.log_path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, code, body=b"", headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogateescape")
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def stall(self):
        while True:
            time.sleep(1)

    def drip_headers(self):
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.wfile.flush()
            while True:
                self.wfile.write(b"X")  # one byte of an endless header line
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            self.close_connection = True  # the client gave up, as it should

    def matches(self, substring):
        return substring is not None and substring in self.path

    # -- dispatch --------------------------------------------------------------------------
    def handle_any(self):
        self.record()
        opts = self.server.opts
        if self.matches(opts.stall):
            self.stall()
        if self.matches(opts.drip_headers):
            return self.drip_headers()
        if self.matches(opts.retry_after_503):
            self.read_body()
            self.answer(503, '{"errors":[{"code":"UNAVAILABLE","message":"busy"}]}',
                        {"Retry-After": "1", "Content-Type": "application/json"})
            return
        getattr(self, "role_" + opts.role)()

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    # -- roles -----------------------------------------------------------------------------
    def authorized(self):
        opts = self.server.opts
        auth = self.headers.get("Authorization", "")
        if opts.basic:
            import base64
            return auth == "Basic " + base64.b64encode(opts.basic.encode()).decode()
        if opts.bearer_realm:
            return auth.startswith("Bearer ")
        return True

    def role_registry(self):
        opts = self.server.opts
        path = self.path.split("?")[0]
        body = self.read_body()
        if path == "/v2/" and opts.ping_status:
            self.answer(opts.ping_status, "registry says %d" % opts.ping_status,
                        {"Content-Type": "text/plain"})
            return
        if not self.authorized():
            if opts.basic:
                challenge = 'Basic realm="hostile"'
            elif opts.bearer_realm:
                challenge = 'Bearer realm="%s",service="hostile"' % opts.bearer_realm
            return self.answer(401, '{"errors":[{"code":"UNAUTHORIZED","message":"log in"}]}',
                               {"WWW-Authenticate": challenge, "Content-Type": "application/json"})
        if path == "/v2/":
            if opts.ansi and not opts.basic and not opts.bearer_realm:
                return self.answer(401, ESC + "[2J" + ESC + "]0;owned\x07",
                                   {"WWW-Authenticate": ESC + "]0;owned\x07Negotiate " + ESC + "[31m"})
            return self.answer(200, "{}", {"Docker-Distribution-API-Version": "registry/2.0"})
        if "/blobs/uploads/" in path:
            if (opts.upload_redirect and self.command in ("PUT", "PATCH")
                    and not path.startswith("/redirected")):
                return self.answer(307, "", {"Location": opts.upload_redirect + self.path})
            if self.command == "POST":
                return self.answer(202, "", {"Location": opts.upload_location or path + "session1",
                                             "Range": "0-0"})
            if self.command == "PUT":
                digest = self.path.split("digest=")[-1].replace("%3A", ":").replace("%3a", ":")
                return self.answer(201, "", {"Docker-Content-Digest": digest})
            if self.command == "PATCH":
                end = len(body) - 1 if opts.stuck_range else chunk_end(self, body)
                return self.answer(202, "", {"Location": path, "Range": "0-%d" % end})
            if self.command == "DELETE":
                return self.answer(204)
            return self.answer(204, "", {"Range": "0-0", "Location": path})
        if "/blobs/" in path:
            digest = path.rsplit("/", 1)[-1]
            if opts.blob_redirect and self.command == "GET":
                return self.answer(307, "", {"Location": opts.blob_redirect + "/" + digest})
            data = self.server.blobs.get(digest)
            if data is None:
                return self.answer(404, '{"errors":[{"code":"BLOB_UNKNOWN","message":"no"}]}')
            return self.answer(200, data, {"Content-Type": "application/octet-stream"})
        if "/manifests/" in path:
            if self.command == "PUT":
                if opts.ansi:
                    evil = {"errors": [{"code": ESC + "[31mMANIFEST_INVALID",
                                        "message": ESC + "]0;owned\x07 " + ESC + "[2J bad",
                                        "detail": {"x": ESC + "[5m"}}]}
                    return self.answer(400, json.dumps(evil),
                                       {"Content-Type": "application/json",
                                        "X-Note": ESC + "]0;owned\x07"})
                digest = "sha256:" + hashlib.sha256(body).hexdigest()
                return self.answer(201, "", {"Docker-Content-Digest": digest})
            ref = path.rsplit("/", 1)[-1]
            data = self.server.blobs.get(ref)
            if data is None:
                return self.answer(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]}')
            media_type = json.loads(data).get("mediaType", "application/vnd.oci.image.manifest.v1+json")
            return self.answer(200, data, {"Content-Type": media_type,
                                           "Docker-Content-Digest": ref})
        self.answer(404, "not here")

    def role_token(self):
        opts = self.server.opts
        self.read_body()
        if opts.redirect:
            return self.answer(opts.redirect_code, "", {"Location": opts.redirect})
        if opts.echo:
            auth = self.headers.get("Authorization", "")
            if opts.echo_json:
                body = json.dumps({"errors": [{"code": "DENIED",
                                               "message": "you sent Authorization: " + auth}]})
            else:
                body = ESC + "[31mbad request from " + self.client_address[0] + \
                    "; Authorization: " + auth + ESC + "[0m"
            return self.answer(opts.echo, body, {"Content-Type": "application/json"
                                                 if opts.echo_json else "text/plain"})
        token = "hostile-token-" + os.urandom(4).hex()
        self.answer(200, json.dumps({"token": token, "expires_in": 300}),
                    {"Content-Type": "application/json"})

    def role_collector(self):
        body = self.read_body()
        if body:
            with LOCK, open(self.server.log_path + ".bodies", "ab") as f:
                f.write(body[:200] + b"\n")
        path = self.path.split("?")[0]
        digest = path.rsplit("/", 1)[-1]
        if self.command == "GET" and digest in self.server.blobs:
            return self.answer(200, self.server.blobs[digest])
        if self.command == "PUT":
            d = self.path.split("digest=")[-1].replace("%3A", ":").replace("%3a", ":")
            return self.answer(201, "", {"Docker-Content-Digest": d})
        if self.command == "PATCH":
            return self.answer(202, "", {"Location": path, "Range": "0-%d" % chunk_end(self, body)})
        if self.command == "DELETE":
            return self.answer(204)
        self.answer(404, "collector")

    def role_site(self):
        headers = {
            "Server": "1" * 30000 + " nginx/1.25.3",  # a digit run: std::regex recursed per digit
            "X-Frame-Options": ESC + "]0;owned\x07SAMEORIGIN",
            "X-Powered-By": ESC + "[2JPHP/8.1",
            "Set-Cookie": ESC + "[31msessionid=abc; Path=/",
        }
        forwarded = self.headers.get("X-Forwarded-Proto", "")
        if forwarded == "http":
            headers["Location"] = "http://127.0.0.1/" + ESC + "[5m"
            return self.answer(302, "", headers)
        self.answer(200 if "404-probe" not in self.path else 404, "<h1>hi</h1>", headers)

    def role_heroku(self):
        self.read_body()
        auth = self.headers.get("Authorization", "")
        body = json.dumps({"id": ESC + "[31munauthorized",
                           "message": ESC + "]0;owned\x07 you sent " + auth})
        self.answer(401, body, {"Content-Type": "application/json"})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("log")
    p.add_argument("role", choices=["registry", "token", "collector", "site", "heroku"])
    p.add_argument("--basic")
    p.add_argument("--bearer-realm")
    p.add_argument("--upload-location")
    p.add_argument("--blob-redirect")
    p.add_argument("--upload-redirect")
    p.add_argument("--stuck-range", action="store_true")
    p.add_argument("--ping-status", type=int)
    p.add_argument("--stall")
    p.add_argument("--drip-headers")
    p.add_argument("--retry-after-503")
    p.add_argument("--ansi", action="store_true")
    p.add_argument("--echo", type=int)
    p.add_argument("--echo-json", action="store_true")
    p.add_argument("--redirect")
    p.add_argument("--redirect-code", type=int, default=302)
    p.add_argument("--blobs")
    opts = p.parse_args()
    if opts.upload_location:
        opts.upload_location = opts.upload_location.replace("{port}", str(opts.port))
    if opts.upload_redirect:
        opts.upload_redirect = opts.upload_redirect.replace("{port}", str(opts.port))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    server.daemon_threads = True
    server.opts = opts
    server.log_path = opts.log
    server.blobs = index_blobs(opts.blobs)
    open(opts.log, "a").close()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
