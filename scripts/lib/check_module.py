#!/usr/bin/python3
"""Offline checks of stowage's Bazel 7-9 support (no newer Bazel is reachable here):

  * MODULE.bazel declares what the WORKSPACE macro stowage_dependencies() does: each repository
    either as a bazel_dep (at the version Debian ships, scripts/debian-packages.txt, where the
    registry has it) or through use_repo of an extension; the tool's toolchain is registered;
  * the `oci.pull` tag class takes every argument oci_pull does;
  * every BUILD file loads the rules Bazel 9 no longer provides without a load (cc_*, sh_*).

Usage: check_module.py [ROOT]   (prints one line per problem; exit 1 when there is any)
"""
import ast
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
problems = []

# Rules that Bazel 9 only has through a load, and the file to load them from.
LOADED_RULES = {
    "cc_binary": "@rules_cc//cc:defs.bzl",
    "cc_library": "@rules_cc//cc:defs.bzl",
    "cc_test": "@rules_cc//cc:defs.bzl",
    "cc_import": "@rules_cc//cc:defs.bzl",
    "sh_test": "@rules_shell//shell:sh_test.bzl",
    "sh_binary": "@rules_shell//shell:sh_binary.bzl",
    "sh_library": "@rules_shell//shell:sh_library.bzl",
    "py_binary": "@rules_python//python:defs.bzl",
    "py_test": "@rules_python//python:defs.bzl",
    "java_binary": "@rules_java//java:defs.bzl",
}
# Debian package -> registry module, for the version check.
DEBIAN_MODULES = {"bazel-rules-cc": "rules_cc", "bazel-rules-java": "rules_java", "bazel-skylib": "bazel_skylib"}
# Repositories WORKSPACE needs that Bzlmod provides by itself.
BUILT_IN_UNDER_BZLMOD = {"remote_coverage_tools": "part of bazel_tools' own module graph"}


def parse(path):
    return ast.parse(open(path, encoding="utf-8").read(), path)


def calls(tree, name):
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", None)) == name]


def kw(call, name):
    for k in call.keywords:
        if k.arg == name:
            return ast.literal_eval(k.value)
    return None


module = parse(os.path.join(ROOT, "MODULE.bazel"))
deps = {kw(c, "name"): kw(c, "version") for c in calls(module, "bazel_dep")}
used_repos = set()
for c in calls(module, "use_repo"):
    used_repos.update(ast.literal_eval(a) for a in c.args[1:])
toolchains = [ast.literal_eval(a) for c in calls(module, "register_toolchains") for a in c.args]
if "//builder:toolchain" not in toolchains:
    problems.append("MODULE.bazel does not register //builder:toolchain")

# Versions pinned by the Debian packages.
pinned = {}
for line in open(os.path.join(ROOT, "scripts", "debian-packages.txt"), encoding="utf-8"):
    parts = line.split()
    if len(parts) == 2 and parts[0] in DEBIAN_MODULES:
        pinned[DEBIAN_MODULES[parts[0]]] = parts[1].split("-")[0]
for name, version in pinned.items():
    if deps.get(name) != version:
        problems.append("MODULE.bazel: bazel_dep %s is %s, but Debian's pinned one is %s" % (name, deps.get(name), version))

# Every repository stowage_dependencies() declares has a Bzlmod counterpart.
repositories = parse(os.path.join(ROOT, "rules", "repositories.bzl"))
workspace_repos = set()
for fn in [n for n in repositories.body if isinstance(n, ast.FunctionDef) and n.name == "stowage_dependencies"]:
    for c in calls(fn, "_maybe"):
        workspace_repos.add(kw(c, "name"))
pull = parse(os.path.join(ROOT, "rules", "private", "pull.bzl"))
for c in calls(pull, "stowage_puller"):
    workspace_repos.add(kw(c, "name"))
for repo in sorted(workspace_repos):
    if repo not in deps and repo not in used_repos and repo not in BUILT_IN_UNDER_BZLMOD:
        problems.append("MODULE.bazel has no bazel_dep or use_repo for @%s (stowage_dependencies declares it)" % repo)

# oci.pull takes every argument of oci_pull.
extensions = parse(os.path.join(ROOT, "rules", "extensions.bzl"))
tag_attrs = set()
for assign in [n for n in extensions.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "_pull"]:
    attrs = assign.value.args[0] if assign.value.args else next(k.value for k in assign.value.keywords if k.arg == "attrs")
    tag_attrs = {ast.literal_eval(k) for k in attrs.keys}
macro = next(n for n in pull.body if isinstance(n, ast.FunctionDef) and n.name == "oci_pull")
macro_args = {a.arg for a in macro.args.args} - {"www_authenticate_challenges", "bazel_tags", "is_bzlmod"}
rule = next(n for n in pull.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "oci_pull_repository")
rule_attrs = {ast.literal_eval(k) for k in rule.value.keywords[[k.arg for k in rule.value.keywords].index("attrs")].value.keys}
rule_attrs = {a for a in rule_attrs if not a.startswith("_")} - {"alias_name"}
for missing in sorted((macro_args | rule_attrs) - tag_attrs):
    problems.append("rules/extensions.bzl: oci.pull has no attribute %s (oci_pull takes it)" % missing)

# Every deb_packages hub of WORKSPACE is a deb.packages tag of MODULE.bazel with the same lock,
# and deb.packages takes every attribute deb_packages does.
workspace = parse(os.path.join(ROOT, "WORKSPACE"))
ws_hubs = {kw(c, "name"): kw(c, "lock") for c in calls(workspace, "deb_packages")}
module_hubs = {kw(c, "name"): kw(c, "lock") for c in calls(module, "packages") if getattr(c.func, "value", None) is not None and getattr(c.func.value, "id", "") == "deb"}
for name, lock in sorted(ws_hubs.items()):
    if module_hubs.get(name) != lock:
        problems.append("MODULE.bazel has no deb.packages(name = %r, lock = %r) (WORKSPACE's deb_packages declares it)" % (name, lock))
deb_repos = parse(os.path.join(ROOT, "rules", "private", "deb_repositories.bzl"))
hub_rule = next(n for n in deb_repos.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "deb_packages")
hub_attrs = {ast.literal_eval(k) for k in hub_rule.value.keywords[[k.arg for k in hub_rule.value.keywords].index("attrs")].value.keys}
deb_tag_attrs = set()
for assign in [n for n in extensions.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "_deb_packages"]:
    attrs = next(k.value for k in assign.value.keywords if k.arg == "attrs")
    deb_tag_attrs = {ast.literal_eval(k) for k in attrs.keys}
for missing in sorted(hub_attrs - deb_tag_attrs):
    problems.append("rules/extensions.bzl: deb.packages has no attribute %s (deb_packages takes it)" % missing)

# BUILD files load what Bazel 9 does not provide.
files = subprocess.run(["git", "-C", ROOT, "ls-files", "-co", "--exclude-standard", "*BUILD", "*BUILD.bazel", "*.bzl"],
                       capture_output=True, text=True, check=True).stdout.split()
for rel in files:
    path = os.path.join(ROOT, rel)
    if not os.path.exists(path):
        continue
    text = open(path, encoding="utf-8").read()
    loaded = set()
    for m in re.finditer(r'load\(\s*"([^"]+)"((?:\s*,\s*(?:\w+\s*=\s*)?"[^"]+")+)', text):
        for sym in re.findall(r'"(\w+)"', m.group(2)):
            loaded.add(sym)
    for rule_name, bzl in LOADED_RULES.items():
        # A call at the start of a line (BUILD) or through native. (macros) needs the load.
        if re.search(r'^\s*%s\(' % rule_name, text, re.M) and rule_name not in loaded:
            problems.append("%s: %s() without load(\"%s\", \"%s\") (Bazel 9 has no built-in %s)" % (rel, rule_name, bzl, rule_name, rule_name))
        if re.search(r'native\.%s\(' % rule_name, text):
            problems.append("%s: native.%s() (gone in Bazel 9; load it from %s)" % (rel, rule_name, bzl))

for p in problems:
    print("FAIL:", p)
if problems:
    sys.exit(1)
print("ok: MODULE.bazel matches the WORKSPACE macros; oci.pull covers oci_pull; deb.packages covers deb_packages (%d hub(s)); %d BUILD/.bzl files load their rules" % (len(ws_hubs), len(files)))
