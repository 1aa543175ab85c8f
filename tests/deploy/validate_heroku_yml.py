#!/usr/bin/python3
"""Checks a heroku.yml against the documented format, key by key (docs/deploy.md; the official
example heroku/cli:packages/apps-v5/heroku.yml):

  setup.addons[]   maps with `plan` (string, required) and `as` (string)
  setup.config     map of name -> string
  build.docker     map of process type -> Dockerfile path (string), required
  build.config     map of name -> string
  release          `command` (non-empty list of strings, required), `image` (a build.docker key)
  run.<process>    a command string, or {command: non-empty list of strings, image: build.docker key}

Values must load as strings (a YAML 1.1 reader turns unquoted 0, yes, on into numbers and
booleans; Heroku's config vars are strings). Usage: validate_heroku_yml.py FILE; exit 1 with one
line per problem. Needs PyYAML (Debian's python3-yaml).
"""
import re
import sys

import yaml

PROCESS = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
CONFIG_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def validate(doc):
    problems = []

    def bad(path, what):
        problems.append("%s: %s" % (path, what))

    def string_map(value, path, key_re=None):
        if not isinstance(value, dict):
            return bad(path, "must be a map")
        for k, v in value.items():
            if not isinstance(k, str) or (key_re and not key_re.match(k)):
                bad("%s.%s" % (path, k), "invalid name")
            if not isinstance(v, str):
                bad("%s.%s" % (path, k), "must be a string, got %s" % type(v).__name__)

    def string_list(value, path):
        if not isinstance(value, list) or not value or not all(isinstance(x, str) for x in value):
            bad(path, "must be a non-empty list of strings")

    if not isinstance(doc, dict):
        return ["(root): must be a map"]
    for key in doc:
        if key not in ("setup", "build", "release", "run"):
            bad(key, "unknown top-level key")
    setup = doc.get("setup", {})
    if not isinstance(setup, dict):
        bad("setup", "must be a map")
        setup = {}
    for key in setup:
        if key not in ("addons", "config"):
            bad("setup." + str(key), "unknown key")
    addons = setup.get("addons", [])
    if not isinstance(addons, list):
        bad("setup.addons", "must be a list")
        addons = []
    for i, addon in enumerate(addons):
        path = "setup.addons[%d]" % i
        if not isinstance(addon, dict):
            bad(path, "must be a map")
            continue
        if not isinstance(addon.get("plan"), str):
            bad(path + ".plan", "required string")
        if "as" in addon and not isinstance(addon["as"], str):
            bad(path + ".as", "must be a string")
        for k in addon:
            if k not in ("plan", "as"):
                bad("%s.%s" % (path, k), "unknown key")
    if "config" in setup:
        string_map(setup["config"], "setup.config", CONFIG_VAR)

    build = doc.get("build")
    processes = set()
    if not isinstance(build, dict):
        bad("build", "required map")
    else:
        for key in build:
            if key not in ("docker", "config"):
                bad("build." + str(key), "unknown key")
        if "docker" not in build:
            bad("build.docker", "required")
        else:
            string_map(build["docker"], "build.docker", PROCESS)
            if isinstance(build["docker"], dict):
                processes = set(build["docker"])
        if "config" in build:
            string_map(build["config"], "build.config", CONFIG_VAR)

    def image(value, path):
        if not isinstance(value, str) or value not in processes:
            bad(path, "must name a process type of build.docker")

    if "release" in doc:
        release = doc["release"]
        if not isinstance(release, dict):
            bad("release", "must be a map")
        else:
            for key in release:
                if key not in ("command", "image"):
                    bad("release." + str(key), "unknown key")
            string_list(release.get("command"), "release.command")
            if "image" in release:
                image(release["image"], "release.image")
    if "run" in doc:
        run = doc["run"]
        if not isinstance(run, dict):
            bad("run", "must be a map")
        else:
            for proc, value in run.items():
                path = "run." + str(proc)
                if not PROCESS.match(str(proc)):
                    bad(path, "invalid process type")
                if isinstance(value, str):
                    continue
                if not isinstance(value, dict):
                    bad(path, "must be a string or {command, image}")
                    continue
                for key in value:
                    if key not in ("command", "image"):
                        bad("%s.%s" % (path, key), "unknown key")
                string_list(value.get("command"), path + ".command")
                if "image" in value:
                    image(value["image"], path + ".image")
    return problems


def main():
    with open(sys.argv[1]) as f:
        doc = yaml.safe_load(f)
    problems = validate(doc)
    for p in problems:
        print("heroku.yml: " + p)
    if problems:
        return 1
    print("heroku.yml: valid (%d top-level sections)" % len(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
