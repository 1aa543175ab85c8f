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
trap 'rm -f "$out" "$out.err"' EXIT
targets='deps(//examples/bookstore:index) + deps(//examples/bookstore:image) + deps(//tests/golden:golden_digests_test) + deps(//builder:stowage)'
# One line per configured instance of the tool: whether its configuration is an execution one and
# the platform it names. One query, no `bazel config` afterwards: that second command depends on
# the server still holding the query's configurations, and failed silently in CI.
expr='"exec=%s platforms=%s" % (build_options(target)["//command_line_option:is exec configuration"], build_options(target)["//command_line_option:platforms"]) if str(target.label) == "//builder:stowage_from_source" else ""'
bazel cquery "$targets" --output=starlark --starlark:expr="$expr" >"$out" 2>"$out.err" ||
  { tail -n 20 "$out.err"; fail "bazel cquery"; }
configs=$(grep . "$out" || true)
count=$(grep -c . <<<"$configs" || true)
[[ "$count" == 1 ]] || fail "the tool is configured $count times (one compile each):"$'\n'"$configs"
[[ "$configs" == exec=True* ]] || fail "the tool's one configuration is not an execution configuration: $configs"
echo "   one configuration for the tool ($configs)"
echo "PASS tool_compiled_once"
