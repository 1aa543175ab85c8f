#!/usr/bin/env python3
"""A loopback HTTP proxy that injects registry faults, for stowage's e2e tests.

  fault_proxy.py LISTEN_PORT UPSTREAM_PORT LOG_FILE RULE...

Each RULE is "METHOD:PATH_SUBSTRING:ACTION[:ARG]:TIMES" (TIMES -1 = always), matched in order:
  status:CODE[/RETRY_AFTER]  answer CODE with a registry error body (and Retry-After)
  drop:BYTES                 forward the request line, headers and BYTES of the body to the
                             registry, then cut both connections (a dropped upload);
                             only requests with a longer body match
  slow:BYTES_PER_SEC         forward the body at that rate
  stall:SECONDS              wait that long, then forward (a request in flight for a while)
METHOD may be '*'. Every request is logged as "METHOD PATH -> STATUS|dropped"."""
import http.client
import http.server
import json
import socket
import sys
import threading
import time

LOCK = threading.Lock()


class Rule:
    def __init__(self, text):
        parts = text.split(":")
        self.method, self.path, self.action = parts[0], parts[1], parts[2]
        self.arg = parts[3] if len(parts) > 4 else ""
        self.times = int(parts[-1])

    def take(self, method, path, body_length):
        if self.times == 0:
            return False
        if self.method not in ("*", method) or self.path not in path:
            return False
        if self.action == "drop" and body_length <= int(self.arg):
            return False  # nothing to cut short
        if self.times > 0:
            self.times -= 1
        return True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, outcome):
        with LOCK, open(self.server.log_path, "a") as f:
            f.write("%s %s -> %s\n" % (self.command, self.path, outcome))

    def body_length(self):
        return int(self.headers.get("Content-Length") or 0)

    def handle_any(self):
        rule = None
        with LOCK:
            for r in self.server.rules:
                if r.take(self.command, self.path, self.body_length()):
                    rule = r
                    break
        if rule is not None and rule.action == "status":
            code, _, retry_after = rule.arg.partition("/")
            remaining = self.body_length()
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                remaining -= len(chunk)
            body = json.dumps({"errors": [{"code": "UNAVAILABLE" if code != "429" else "TOOMANYREQUESTS",
                                           "message": "injected fault", "detail": None}]}).encode()
            self.send_response(int(code))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if retry_after:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.record(code)
            return
        if rule is not None and rule.action == "stall":
            self.record("stalled")
            time.sleep(float(rule.arg))
        self.forward(rule)

    def forward(self, rule):
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=120)
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for k, v in self.headers.items():
            if k.lower() in ("connection", "keep-alive", "proxy-connection"):
                continue
            upstream.putheader(k, v)
        upstream.endheaders()
        remaining = self.body_length()
        limit = int(rule.arg) if rule is not None and rule.action == "drop" else None
        rate = int(rule.arg) if rule is not None and rule.action == "slow" else None
        sent = 0
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 14))
            if not chunk:
                break
            if limit is not None and sent + len(chunk) >= limit:
                upstream.send(chunk[: max(0, limit - sent)])
                # Cut both sides without an answer, as a dropped connection would.
                upstream.sock.shutdown(socket.SHUT_RDWR)
                upstream.close()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                self.record("dropped")
                return
            upstream.send(chunk)
            sent += len(chunk)
            remaining -= len(chunk)
            if rate:
                time.sleep(len(chunk) / rate)
        resp = upstream.getresponse()
        data = resp.read() if self.command != "HEAD" else b""
        self.send_response_only(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                continue
            self.send_header(k, v)
        if self.command == "HEAD":
            self.send_header("Content-Length", resp.getheader("Content-Length") or "0")
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()
        self.record(resp.status)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


def main():
    listen, upstream, log_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", listen), Handler)
    server.daemon_threads = True
    server.upstream_port = upstream
    server.log_path = log_path
    server.rules = [Rule(r) for r in sys.argv[4:]]
    server.serve_forever()


if __name__ == "__main__":
    main()
