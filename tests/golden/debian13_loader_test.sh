#!/usr/bin/env bash
# debian13_loader_test.sh STOWAGE: run by tests/e2e/library_swap_test.sh with
# --extra_toolchains=//tests/golden:debian13_libs, so STOWAGE is //tests/golden:debian13_stowage.
# Proves the swap is real: glibc's loader maps Debian 13's libzstd, libz and libbrotli (libcurl
# loads them) from the Debian 13 packages' directories into the tool's process, not the host's,
# and none of the libraries the tool links statically is loaded as a shared library at all.
set -euo pipefail
tool=$1
case "$(readlink -f "$tool")" in
  */tests/golden/debian13_stowage.sh) ;;
  *) echo "FAIL: $tool is $(readlink -f "$tool"), not tests/golden/debian13_stowage.sh: run me with --extra_toolchains=//tests/golden:debian13_libs"; exit 1 ;;
esac
log=$(mktemp "${TEST_TMPDIR:-/tmp}/ld_debug.XXXXXX")
LD_DEBUG=libs "$tool" --help >/dev/null 2>"$log" || true
loaded=$(sed -n 's/.*calling init: //p' "$log" | LC_ALL=C sort -u)
[[ -n "$loaded" ]] || { echo "FAIL: LD_DEBUG=libs showed no library initialised"; head -n 20 "$log"; exit 1; }
echo "$loaded" | sed 's/^/loaded: /'
for lib in libzstd.so.1 libz.so.1 libbrotlidec.so.1 libbrotlicommon.so.1; do
  path=$(grep -E "/$lib\$" <<<"$loaded" || true)
  [[ -n "$path" ]] || { echo "FAIL: $lib was not loaded at all (libcurl should load it)"; exit 1; }
  [[ "$path" == *golden_debian13_libs__amd64__* ]] ||
    { echo "FAIL: $lib came from $path, not from Debian 13's package: LD_LIBRARY_PATH was not used"; exit 1; }
done
for lib in libdeflate libarchive libyaml-cpp libre2 libabsl_ liblzma liblz4 libbz2; do
  if grep -q "/$lib" <<<"$loaded"; then
    echo "FAIL: $(grep "/$lib" <<<"$loaded" | head -n 1) was loaded: the tool must link $lib statically"
    exit 1
  fi
done
echo "PASS: Debian 13's libzstd, libz and libbrotli loaded; nothing linked statically loaded again"
