#!/usr/bin/env bash
# Bazel 7 to 9 without a newer Bazel (none is reachable here): MODULE.bazel declares what the
# WORKSPACE macros do at the pinned versions, oci.pull takes every oci_pull argument, every
# BUILD file loads the rules Bazel 9 stops providing (scripts/lib/check_module.py); and
# rules/extensions.bzl and MODULE.bazel pass buildifier's lint when npm can fetch it.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 scripts/lib/check_module.py .
if timeout 300 npx --yes @bazel/buildifier --version >/dev/null 2>&1; then
  timeout 300 npx --yes @bazel/buildifier --mode=check --lint=warn --warnings=-module-docstring MODULE.bazel rules/extensions.bzl
  echo "ok: buildifier accepts MODULE.bazel and rules/extensions.bzl"
else
  echo "note: buildifier (npm) not reachable; skipped its lint"
fi
echo "PASS bazel_compat"
