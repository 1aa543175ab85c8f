#!/usr/bin/env bash
# debian13_libdirs.sh OUT FILE...: the library directories (runfiles-relative) of the Debian 13
# packages FILE... come from, one per package, for debian13_stowage.sh. A package whose
# libraries need a newer glibc than this host's is left out (the host's loader refuses them:
# Debian 13's libcurl4t64, libssl3t64, libarchive13t64, libre2-11 and libabsl need glibc 2.38,
# Debian 12 has 2.36); debian13_libdirs.txt says which, and the swap check requires zstd, zlib
# and brotli in any case.
set -euo pipefail
out=$1
shift
host=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
host_minor=${host#2.}
declare -A dirs=()
for f in "$@"; do
  case "$f" in *.so*) ;; *) continue ;; esac
  [[ -f "$f" ]] || continue
  # external/REPO/root/usr/lib/TRIPLE/libx.so.N -> REPO/root/usr/lib/TRIPLE
  rel=${f#external/}
  dirs[$(dirname "$rel")]=1
done
[[ ${#dirs[@]} -gt 0 ]] || { echo "debian13_libdirs: no shared library among the inputs" >&2; exit 1; }
{
  echo "# Debian 13 library directories, host glibc $host"
  for d in $(printf '%s\n' "${!dirs[@]}" | LC_ALL=C sort); do
    need=$(objdump -T "external/$d"/*.so* 2>/dev/null | grep -o 'GLIBC_2\.[0-9]*' | sort -t. -k2,2n -u | tail -n 1 || true)
    need_minor=${need#GLIBC_2.}
    if [[ -n "$need" && "$need_minor" -gt "$host_minor" ]]; then
      echo "# left out: $d needs $need"
    else
      echo "$d"
    fi
  done
} >"$out"
