#!/usr/bin/env bash
# The stowage tool is one configured target, so it is compiled once, whatever a build holds:
# the bookstore's :image (oci_image(platform)), its :index (linux/amd64 + linux/arm64), the
# golden outputs (no platform) and `bazel run //builder:stowage`. Without the toolchain's
# incoming transition (rules/private/platforms.bzl) each platform transition carried into the
# execution configuration gave the tool a configuration, and a compile, of its own (three here).
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
targets='deps(//examples/bookstore:index) + deps(//examples/bookstore:image) + deps(//tests/golden:golden_digests_test) + deps(//builder:stowage)'
bazel cquery "$targets" >"$out" 2>"$out.err" || { tail -n 20 "$out.err"; rm -f "$out.err"; fail "bazel cquery"; }
rm -f "$out.err"
configs=$(grep -E '^//builder:stowage_from_source \(' "$out" | sort -u)
count=$(grep -c . <<<"$configs" || true)
[[ "$count" == 1 ]] || fail "the tool is configured $count times (one compile each):"$'\n'"$configs"
config=$(sed -E 's/.*\((.*)\)/\1/' <<<"$configs")
described=$(bazel config "$config" 2>/dev/null)
grep -q 'is exec configuration: true' <<<"$described" ||
  fail "the tool's configuration $config is not an execution configuration"
echo "   one configuration ($config, execution) for the tool"
echo "PASS tool_compiled_once"
