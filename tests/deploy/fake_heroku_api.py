#!/usr/bin/env python3
"""A fake Heroku Platform API on 127.0.0.1 that checks the shape of every request.

Usage: fake_heroku_api.py --port-file F --log F --app APP --key KEY --image-id DIGEST
                          [--process-type web] [--outcome succeeded|failed|never|echo-key]

It serves GET /apps/<app>/releases and PATCH /apps/<app>/formation like Heroku's API does for
`heroku container:release`: the PATCH creates a pending release, which turns `--outcome` after
two polls. Every request is recorded as one JSON line in --log (method, path, headers without
the Authorization value, body, problems); a request of the wrong shape gets a 400 and its
problems are recorded. `echo-key` answers 401 with the key in the message, as a hostile or
buggy server might: the client must not print it.
"""
import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCEPT_V3 = "application/vnd.heroku+json; version=3"
ACCEPT_DOCKER = "application/vnd.heroku+json; version=3.docker-releases"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--app", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--image-id", required=True)
    p.add_argument("--process-type", default="web")
    p.add_argument("--outcome", default="succeeded",
                   choices=["succeeded", "failed", "never", "echo-key"])
    a = p.parse_args()
    state = {"releases": [{"version": 41, "status": "succeeded", "description": "Deploy 1a2b"}],
             "polls_since_patch": None}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def record(self, body, problems):
            headers = {k.lower(): v for k, v in self.headers.items()}
            auth = headers.pop("authorization", None)
            entry = {"method": self.command, "path": self.path, "headers": headers,
                     "body": body, "problems": problems,
                     "auth_ok": auth == "Bearer " + a.key}
            with open(a.log, "a") as f:
                f.write(json.dumps(entry, sort_keys=True) + "\n")

        def reply(self, status, value):
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def common_problems(self, accept):
            problems = []
            if self.headers.get("Authorization") != "Bearer " + a.key:
                problems.append("Authorization is not 'Bearer <HEROKU_API_KEY>'")
            if self.headers.get("Accept") != accept:
                problems.append("Accept is %r, want %r" % (self.headers.get("Accept"), accept))
            return problems

        def do_GET(self):
            problems = self.common_problems(ACCEPT_V3)
            if self.path != "/apps/%s/releases" % a.app:
                problems.append("unexpected path " + self.path)
            if not (self.headers.get("Range") or "").startswith("version ..;"):
                problems.append("Range header missing or not 'version ..; ...'")
            self.record(None, problems)
            if a.outcome == "echo-key":
                return self.reply(401, {"id": "unauthorized",
                                        "message": "Invalid credentials provided: " + str(self.headers.get("Authorization"))})
            if problems:
                return self.reply(400, {"id": "bad_request", "message": "; ".join(problems)})
            n = state["polls_since_patch"]
            if n is not None:
                state["polls_since_patch"] = n + 1
                if n + 1 >= 2 and a.outcome != "never":
                    state["releases"][-1]["status"] = a.outcome
            newest_first = sorted(state["releases"], key=lambda r: -r["version"])
            self.reply(206, newest_first)

        def do_PATCH(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            problems = self.common_problems(ACCEPT_DOCKER)
            if self.headers.get("Content-Type") != "application/json":
                problems.append("Content-Type is not application/json")
            if self.path != "/apps/%s/formation" % a.app:
                problems.append("unexpected path " + self.path)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
                problems.append("body is not JSON")
            want = {"updates": [{"type": a.process_type, "docker_image": a.image_id}]}
            if body != want:
                problems.append("body is %r, want %r" % (body, want))
            self.record(body, problems)
            if problems:
                return self.reply(400, {"id": "bad_request", "message": "; ".join(problems)})
            version = max(r["version"] for r in state["releases"]) + 1
            state["releases"].append({"version": version, "status": "pending",
                                      "description": "Deployed " + a.process_type})
            state["polls_since_patch"] = 0
            self.reply(200, [{"type": a.process_type, "docker_image": {"id": a.image_id}}])

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(a.port_file + ".tmp", a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
