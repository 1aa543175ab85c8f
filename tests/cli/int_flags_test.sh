#!/usr/bin/env bash
# int_flags_test.sh STOWAGE: integer flags are range-checked before they are narrowed, so an
# out-of-range value is one clear error, never silently wrapped to a valid one
# (2^32 + 6 is not level 6, 2^32 + 2 is not 2 threads).
set -euo pipefail
stowage=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "${TEST_TMPDIR:-$(mktemp -d)}"
mkdir -p tree && echo hello >tree/a.txt && tar -cf in.tar -C tree a.txt

refused() {  # refused FLAG ARGS...: stowage ARGS fails with one error line naming FLAG
  local flag=$1
  shift
  if "$stowage" "$@" >out.txt 2>err.txt; then
    fail "stowage $* succeeded (the value wrapped?)"
  fi
  grep -q "^stowage: error: .*--$flag" err.txt || fail "stowage $*: no error naming --$flag: $(cat err.txt)"
}
base=(tar-layer --tar in.tar --descriptor d.json --output out.tar.gz --compression gzip)
"$stowage" "${base[@]}" --level 6 --threads 2 || fail "a valid level and thread count failed"
refused level "${base[@]}" --level 4294967302
refused level "${base[@]}" --level -4294967290
refused threads "${base[@]}" --threads 4294967298
refused threads "${base[@]}" --threads -1
echo PASS
