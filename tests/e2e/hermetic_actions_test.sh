#!/usr/bin/env bash
# Hermetic actions (issue 8): every stowage build action
#  - carries no `local`, `no-sandbox`, `no-cache` or `no-remote` execution requirement (only
#    `bazel run` launchers such as push run outside the sandbox, and those are not actions);
#  - builds under --spawn_strategy=sandboxed with --incompatible_strict_action_env (.bazelrc);
#  - reads nothing it does not declare: every action runs in Bazel's linux-sandbox, whose
#    execroot holds only declared inputs (so a relative path to an undeclared file fails), and
#    reproducible_build_test.sh's second build also hides the first tree and $HOME from every
#    action (so an absolute path into them fails). The sandbox links declared inputs into the
#    building tree itself, so that tree cannot be hidden too.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

echo "== execution requirements of every stowage action"
bazel aquery 'mnemonic("Stowage.*", //...)' --output=jsonproto >/tmp/stowage-aquery.$$.json 2>/dev/null
/usr/bin/python3 - /tmp/stowage-aquery.$$.json <<'PY'
import json, sys, collections
data = json.load(open(sys.argv[1]))
actions = data.get("actions", [])
if not actions:
    sys.exit("no Stowage* actions found: the rules must use Stowage* mnemonics")
bad = []
count = collections.Counter()
for a in actions:
    count[a["mnemonic"]] += 1
    keys = {kv["key"] for kv in a.get("executionInfo", [])}
    forbidden = keys & {"local", "no-sandbox", "no-cache", "no-remote", "no-remote-exec", "no-remote-cache"}
    if forbidden:
        bad.append((a["mnemonic"], sorted(forbidden)))
for m, n in sorted(count.items()):
    print(f"   {m}: {n} actions")
if bad:
    sys.exit(f"actions with non-hermetic execution requirements: {bad}")
PY
rm -f /tmp/stowage-aquery.$$.json

# The sandboxed build with the workspace hidden from actions is part of
# tests/e2e/reproducible_build_test.sh (its second build), which needs a full rebuild anyway.
echo "hermetic: OK"
