#!/usr/bin/python3
"""A minimal distribution token server for stowage's e2e tests (Debian's python3 +
cryptography). Issues RS256 JWTs whose x5c header carries the signing certificate, which the
registry trusts through auth.token.rootcertbundle.

  token_server.py PORT KEY_PEM CERT_PEM ISSUER SERVICE USER:PASSWORD LOG [JWT_LIFETIME]

Valid Basic credentials get every requested action; anonymous requests get none; wrong
credentials get 401. JWT_LIFETIME (seconds, default 300) sets the token's real expiry while
expires_in always says 300, so a short lifetime makes the registry reject a cached token (the
registry allows 60 s of clock skew: -57 gives a token it accepts for about 3 s).
Each request is logged as "auth=<user|anonymous> scope=<scope>..." (never the password)."""
import base64
import http.server
import json
import os
import sys
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        cfg = self.server.cfg
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        scopes = query.get("scope", [])
        user = "anonymous"
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            name, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            if "%s:%s" % (name, password) != cfg["login"]:
                with open(cfg["log"], "a") as f:
                    f.write("auth=rejected scope=%s\n" % " ".join(scopes))
                self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad login"}]})
                return
            user = name
        with open(cfg["log"], "a") as f:
            f.write("auth=%s scope=%s\n" % (user, " ".join(scopes)))
        access = []
        if user != "anonymous":
            for scope in scopes:
                kind, rest = scope.split(":", 1)
                name, _, actions = rest.rpartition(":")
                access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        claims = {"iss": cfg["issuer"], "sub": user, "aud": cfg["service"], "iat": now,
                  "nbf": min(now, now + cfg["lifetime"]) - 10, "exp": now + cfg["lifetime"], "jti": os.urandom(8).hex(),
                  "access": access}
        header = {"typ": "JWT", "alg": "RS256", "x5c": [cfg["cert_der_b64"]]}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        signature = cfg["key"].sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        token = signing_input.decode() + "." + b64url(signature)
        self.reply(200, {"token": token, "access_token": token, "expires_in": 300})


def main():
    port, key_path, cert_path, issuer, service, login, log = sys.argv[1:8]
    lifetime = int(sys.argv[8]) if len(sys.argv) > 8 else 300
    with open(key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(cert_path, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
    server.cfg = {"key": key, "issuer": issuer, "service": service, "login": login, "log": log,
                  "lifetime": lifetime,
                  "cert_der_b64": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()}
    server.serve_forever()


if __name__ == "__main__":
    main()
