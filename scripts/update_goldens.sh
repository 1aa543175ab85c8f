#!/usr/bin/env bash
# Regenerates tests/golden/digests.txt from a build of the golden outputs (docs/golden.md).
# Run it in the commit that deliberately moves an output byte, and commit the new digests
# with the change: users' digests move with them.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bazel run //tests/golden:update "$@"
