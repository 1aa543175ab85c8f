#!/usr/bin/env bash
# Hermetic actions (issue 8): every stowage build action
#  - carries no `local`, `no-sandbox`, `no-cache` or `no-remote` execution requirement (only
#    `bazel run` launchers such as push run outside the sandbox, and those are not actions);
#  - builds under --spawn_strategy=sandboxed with --incompatible_strict_action_env (.bazelrc);
#  - reads nothing it does not declare: the whole workspace directory and $HOME are blocked
#    inside the sandbox, so an action that reached for a source file by absolute path fails.
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

echo "== sandboxed build with the workspace and \$HOME hidden from actions"
# A separate output base so every action really runs (no action cache), sharing nothing.
ob=$(mktemp -d /tmp/stowage-hermetic.XXXXXX)
trap 'bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true; rm -rf "$ob"' EXIT
targets=$(bazel query 'kind("oci_layer|oci_image|static_assets|oci_layout|oci_tarball|heroku_app|compose_file", //examples/...)' 2>/dev/null | tr '\n' ' ')
[[ -n "$targets" ]] || { echo "no example targets found"; exit 1; }
bazel --output_base="$ob" build --disk_cache= \
  --spawn_strategy=sandboxed --incompatible_strict_action_env \
  --sandbox_block_path="$ROOT" --sandbox_block_path="$HOME" \
  $targets 2>&1 | tail -3
echo "hermetic: OK"
