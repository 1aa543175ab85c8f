#!/usr/bin/env bash
# The library-swap check (docs/hermetic.md): the tool's bytes must not depend on the host's
# shared libraries. Every golden output is rebuilt by the same tool binary with Debian 13's
# shared libraries first on its library path (--extra_toolchains=//tests/golden:debian13_libs)
# and must keep its recorded digest; debian13_loader_test proves those libraries are the ones
# glibc loads. Debian 13's packages come pinned from tests/golden/debian13_libs.lock.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*"; exit 1; }

log=$(mktemp /tmp/stowage-library-swap.XXXXXX)
trap 'rm -f "$log"' EXIT
bazel test --extra_toolchains=//tests/golden:debian13_libs --test_output=errors --noshow_progress \
  //tests/golden:golden_digests_test //tests/golden:debian13_loader_test >"$log" 2>&1 ||
  { tail -40 "$log"; fail "a golden digest moved, or Debian 13's libraries were not the ones loaded"; }

# The wrapper is a toolchain's binary, so its files are built in an exec configuration.
dirs=$(ls -t bazel-out/*/bin/tests/golden/debian13_libdirs.txt 2>/dev/null | head -n 1 || true)
[[ -n $dirs ]] || fail "debian13_libdirs.txt was not built: the swap toolchain was not used"
for pkg in libzstd1 zlib1g libbrotli1; do
  grep -q "golden_debian13_libs__amd64__$pkg/" "$dirs" || fail "$pkg's directory is not on the swapped library path: $(cat "$dirs")"
done
echo "   Debian 13 library directories used:"
grep -v '^#' "$dirs" | sed 's/^/     /'
grep '^# left out' "$dirs" | sed 's/^/   /' || true
echo "PASS library_swap"
