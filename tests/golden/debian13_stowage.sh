#!/usr/bin/env bash
# The stowage tool with Debian 13's shared libraries first on the library path (the library-swap
# check, tests/e2e/library_swap_test.sh). debian13_libdirs.txt lists their directories, relative
# to the runfiles root; the tool itself is //builder:stowage_from_source, unchanged.
set -euo pipefail
self="${BASH_SOURCE[0]}"
runfiles="${self}.runfiles"
[[ -d "$runfiles" ]] || runfiles="${RUNFILES_DIR:-${TEST_SRCDIR:-}}"
[[ -d "$runfiles" ]] || { echo "debian13_stowage: no runfiles next to $self" >&2; exit 2; }
runfiles=$(cd "$runfiles" && pwd)
path=""
while IFS= read -r dir; do
  [[ -n "$dir" && "$dir" != "#"* ]] || continue
  path="${path:+$path:}$runfiles/$dir"
done <"$runfiles/stowage/tests/golden/debian13_libdirs.txt"
[[ -n "$path" ]] || { echo "debian13_stowage: debian13_libdirs.txt names no directory" >&2; exit 2; }
export LD_LIBRARY_PATH="$path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "$runfiles/stowage/builder/stowage_from_source" "$@"
