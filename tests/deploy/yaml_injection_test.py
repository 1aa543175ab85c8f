#!/usr/bin/python3
"""Hostile spec values through the real `stowage heroku` and `stowage compose`: every generated
file, read back by PyYAML (the reader docker-compose v1 uses), must be exactly the document the
spec meant. A newline, `: `, `#`, NEL, LINE SEPARATOR, `&anchor`, `!!tag` or a 100 KB value may
change nothing but the value it is in; no input may add a key, a list item, a comment-ending
line break in a header, or a Dockerfile instruction.

Usage: yaml_injection_test.py STOWAGE_BINARY. Needs python3-yaml."""
import json
import os
import subprocess
import sys
import tempfile

import yaml

STOWAGE = os.path.abspath(sys.argv[1])
DIGEST = "sha256:" + "ab" * 32
NASTY = [
    "one\nevil: injected",
    "two\r\nrun:\n  web: evil",
    "three # not a comment",
    "four: five",
    "- item",
    "&anchor value",
    "*alias",
    "!!python/object:os.system ls",
    "{flow: map}",
    "[flow, list]",
    "  leading and trailing  ",
    "tab\there",
    "nel\u0085line",
    "line\u2028separator",
    "para\u2029separator",
    "quote\" and 'single' and \\back",
    "bell\x07 and escape\x1b[31m",
    "bom\ufeffinside",
    "emoji \U0001F600 and caf\u00e9",
    "${NOT_SECRET:-default}",
    "yes",
    "0123",
    "~",
    "",
    "x" * 100000,
]
# Values YAML cannot carry at all: refused with one error line and no output, never changed.
REFUSED = ["non\ufffecharacter", "also \uffff"]
failures = []


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as e:
        return "unreadable YAML: %s" % str(e).replace("\n", " ")


def fail(what):
    failures.append(what)
    print("FAIL:", what[:300])


def run(args, cwd, refused=False):
    r = subprocess.run([STOWAGE] + args, cwd=cwd, capture_output=True, text=True)
    if refused:
        lines = r.stderr.strip().split("\n")
        if r.returncode != 1 or len(lines) != 1 or not lines[0].startswith("stowage: error: "):
            fail("stowage %s did not refuse a value YAML cannot carry: exit %d, %r"
                 % (args[0], r.returncode, r.stderr[:300]))
        leftovers = [n for n in os.listdir(cwd) if n not in ("spec.json", "descriptor.json")]
        if leftovers:
            fail("stowage %s left %r behind" % (args[0], leftovers))
        return False
    if r.returncode != 0:
        fail("stowage %s: %s" % (args[0], r.stderr.strip()[:300]))
    return r.returncode == 0


def heroku(work, i, value, label, refused=False):
    spec = {
        "label": label,
        "repository": "127.0.0.1:5000/app",
        "config": {"GREETING": value, "OTHER": "plain"},
        "release_command": ["/bin/migrate", value],
        "processes": {"web": "serve --port $PORT " + value, "worker": value or "w"},
    }
    d = os.path.join(work, "heroku%d" % i)
    os.makedirs(d)
    with open(os.path.join(d, "spec.json"), "w") as f:
        json.dump(spec, f)
    with open(os.path.join(d, "descriptor.json"), "w") as f:
        json.dump({"digest": DIGEST}, f)
    if not run(["heroku", "--spec", "spec.json", "--descriptor", "descriptor.json",
                "--heroku-yml", "heroku.yml", "--dockerfile", "Dockerfile"], d, refused):
        return
    doc = load(os.path.join(d, "heroku.yml"))
    want = {
        "setup": {"config": {"GREETING": value, "OTHER": "plain"}},
        "build": {"docker": {"web": "Dockerfile"}},
        "release": {"command": ["/bin/migrate", value], "image": "web"},
        "run": {"web": "serve --port $PORT " + value,
                "worker": {"command": [value or "w"], "image": "web"}},
    }
    if doc != want:
        fail("heroku.yml for %r reads back as %r" % (value[:60], str(doc)[:200]))
    with open(os.path.join(d, "Dockerfile"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    instructions = [l for l in lines if l and not l.startswith("#")]
    if instructions != ["FROM 127.0.0.1:5000/app@" + DIGEST]:
        fail("Dockerfile for label %r has instructions %r" % (label[:60], instructions))


def compose(work, i, value, label, refused=False):
    spec = {
        "label": label,
        "repository": "127.0.0.1:5000/app",
        "environment": {"GREETING": value},
        "prod_environment": {"MOTD": value},
        "command": ["serve", value],
        "ports": ["8000:8000"],
    }
    d = os.path.join(work, "compose%d" % i)
    os.makedirs(d)
    with open(os.path.join(d, "spec.json"), "w") as f:
        json.dump(spec, f)
    with open(os.path.join(d, "descriptor.json"), "w") as f:
        json.dump({"digest": DIGEST}, f)
    if not run(["compose", "--spec", "spec.json", "--descriptor", "descriptor.json",
                "--out", "compose.yaml", "--prod-out", "compose.prod.yaml"], d, refused):
        return
    dev = load(os.path.join(d, "compose.yaml"))
    want_dev = {"services": {"web": {
        "image": "127.0.0.1:5000/app@" + DIGEST,
        "command": ["serve", value],
        "ports": ["8000:8000"],
        "environment": {"DEBUG": "1", "ENVIRONMENT": "development", "GREETING": value},
    }}}
    if dev != want_dev:
        fail("compose.yaml for %r reads back as %r" % (value[:60], str(dev)[:200]))
    prod = load(os.path.join(d, "compose.prod.yaml"))
    want_prod = {"services": {"web": {
        "image": "127.0.0.1:5000/app@" + DIGEST,
        "environment": {"DEBUG": "0", "ENVIRONMENT": "production", "MOTD": value},
        "restart": "unless-stopped",
    }}}
    if prod != want_prod:
        fail("compose.prod.yaml for %r reads back as %r" % (value[:60], str(prod)[:200]))


with tempfile.TemporaryDirectory() as work:
    for i, value in enumerate(NASTY):
        # The label is only ever a comment; the value goes into every kind of field.
        label = "//app:deploy" + value[:200]
        heroku(work, i, value, label)
        compose(work, i, value, label)
    for i, value in enumerate(REFUSED, start=len(NASTY)):
        heroku(work, i, value, "//app:deploy", refused=True)
        compose(work, i, value, "//app:deploy", refused=True)

print("%d values, %d failures" % (len(NASTY) + len(REFUSED), len(failures)))
sys.exit(1 if failures else 0)
