#!/usr/bin/env python3
"""A site on 127.0.0.1 behaving like a Django app behind Heroku's router, right or wrong.

Usage: fake_site.py --port-file F --mode MODE
  good            every header right (what Django's check --deploy settings produce): HSTS
                  (1 year, includeSubDomains, preload), X-Forwarded-Proto: http -> 301 https://,
                  X-Frame-Options DENY, nosniff, Referrer-Policy same-origin, Secure+HttpOnly
                  session cookie, Secure csrftoken (no HttpOnly, like Django), plain 404 page
  no-hsts         as good, without Strict-Transport-Security
  loop            redirects to https:// even when X-Forwarded-Proto says https (proxy not trusted)
  server-version  as good, plus "Server: gunicorn/20.1.0" and "X-Powered-By: Django"
  debug-404       as good, but the 404 page is Django's DEBUG = True technical page
  no-redirect     plain HTTP is served, not redirected; cookies without Secure
"""
import argparse
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEBUG_404 = """<!DOCTYPE html><html lang="en"><head><title>Page not found at /stowage-check-404-probe/</title></head>
<body><div id="summary"><h1>Page not found <span>(404)</span></h1><table class="meta">
<tr><th>Request Method:</th><td>GET</td></tr></table></div><div id="info">
<p>Using the URLconf defined in <code>bookstore.urls</code>, Django tried these URL patterns</p></div>
<div id="explanation"><p>You're seeing this error because you have <code>DEBUG = True</code> in
your Django settings file.</p></div></body></html>"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--mode", required=True,
                   choices=["good", "no-hsts", "loop", "server-version", "debug-404", "no-redirect"])
    args = p.parse_args()
    mode, port_file = args.mode, args.port_file

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "stowage-fake-site"
        sys_version = ""

        def log_message(self, *args):
            pass

        def send(self, status, body, headers):
            data = body.encode()
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            secure = self.headers.get("X-Forwarded-Proto") == "https"
            host = self.headers.get("Host")
            if mode == "loop" or (not secure and mode != "no-redirect"):
                return self.send(301, "", [("Location", "https://%s%s" % (host, self.path))])
            headers = [("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
                       ("Referrer-Policy", "same-origin")]
            if mode != "no-hsts" and secure:
                headers.append(("Strict-Transport-Security",
                                "max-age=31536000; includeSubDomains; preload"))
            if mode == "server-version":
                headers += [("Server", "gunicorn/20.1.0"), ("X-Powered-By", "Django")]
            if self.path != "/":
                body = DEBUG_404 if mode == "debug-404" else "<h1>Not Found</h1>"
                return self.send(404, body, headers)
            cookie_flags = "" if mode == "no-redirect" else "; Secure"
            headers += [("Set-Cookie", "sessionid=s3ss10n%s; HttpOnly; Path=/; SameSite=Lax" % cookie_flags),
                        ("Set-Cookie", "csrftoken=csrf%s; Path=/; SameSite=Lax" % cookie_flags)]
            self.send(200, "<h1>Bookstore</h1>", headers)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
