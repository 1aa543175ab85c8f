# Third-party verifiers for the supply-chain tests: Debian 13's cosign and skopeo, pinned in
# tests/verifiers/debian13.lock.json and fetched by Bazel (sha256-checked, through the
# repository cache) into one tree. Source this file, then call `load_verifiers`: it sets
#   COSIGN    cosign 2.5 (needs glibc >= 2.34: runs on this host's loader)
#   SKOPEO13  skopeo 1.18 (needs glibc >= 2.38: run by Debian 13's own loader and libraries)
# Why not the host's skopeo: Debian 12's is built with sigstore verification patched out
# ("Debian-local change: sigstore disabled"), so it cannot judge our signatures.
lock_version() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["architectures"]["amd64"][sys.argv[2]]["version"])' \
    tests/verifiers/debian13.lock.json "$1"
}

load_verifiers() {
  local log=${WORK:-/tmp}/verifiers.build.log root
  bazel build @verifier_debs//amd64:rootfs >"$log" 2>&1 ||
    { tail -n 30 "$log"; echo "verifiers: fetching Debian 13's cosign and skopeo failed" >&2; return 1; }
  root=$(bazel info output_base 2>/dev/null)/external/verifier_debs__amd64_rootfs/root
  local loader=$root/usr/lib64/ld-linux-x86-64.so.2 libs=$root/usr/lib/x86_64-linux-gnu
  [[ -x $root/usr/bin/cosign && -x $root/usr/bin/skopeo && -e $loader ]] ||
    { echo "verifiers: $root lacks cosign, skopeo or its loader" >&2; return 1; }
  local dir=${WORK:-/tmp}/verifiers
  mkdir -p "$dir/home"
  COSIGN=$dir/cosign SKOPEO13=$dir/skopeo
  # cosign keeps a cache and TUF root under $HOME: the test's scratch directory, not the user's
  # (and only for cosign: bazel finds its output base through $HOME).
  printf '#!/bin/bash\nHOME=%q exec %q "$@"\n' "$dir/home" "$root/usr/bin/cosign" >"$COSIGN"
  # skopeo reads /etc/containers by default; every call here passes its own --policy and
  # --registries.d, so nothing of the host's configuration decides.
  printf '#!/bin/bash\nexec %q --library-path %q %q "$@"\n' "$loader" "$libs" "$root/usr/bin/skopeo" >"$SKOPEO13"
  chmod +x "$COSIGN" "$SKOPEO13"
  echo "   verifiers: Debian 13's cosign $(lock_version cosign) and skopeo $(lock_version skopeo)"
}
