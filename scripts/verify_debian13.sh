#!/usr/bin/env bash
# `make verify`: the proof on another distribution (issues 12 and 13). In a Debian 13 (trixie)
# root made with debootstrap from the mirror this machine's apt configuration names, set up with
# the project's own scripts/setup.sh, a clean Bazel (no disk cache shared with this host) builds
# the tool, runs its tests (`bazel test //...`, the golden digests among them) and builds the
# bookstore's index for linux/amd64 and linux/arm64; every blob of that index layout must be
# byte-identical to this host's build.
#
#   STOWAGE_VERIFY_ROOT=DIR   where the trixie root lives (default .stowage/verify/trixie; kept
#                             between runs, so a second run skips debootstrap and setup)
#   STOWAGE_VERIFY_FRESH=1    remove the root first
#
# Ends with one line "verify: N passed, N failed" and exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/setup.sh
command -v debootstrap >/dev/null || { echo "verify: debootstrap is missing (scripts/setup.sh installs it)" >&2; exit 1; }

root=${STOWAGE_VERIFY_ROOT:-$ROOT/.stowage/verify/trixie}
log_dir=$ROOT/.stowage/verify/logs
mkdir -p "$log_dir"
passed=0
failed=0
failures=()
step() {  # step NAME COMMAND...: runs COMMAND, its output in $log_dir/NAME.log, timed
  local name=$1 start rc
  shift
  start=$(date +%s)
  echo "== $name"
  set +e
  "$@" >"$log_dir/$name.log" 2>&1
  rc=$?
  set -e
  if ((rc == 0)); then
    passed=$((passed + 1))
    echo "   ok ($(($(date +%s) - start)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "   FAILED ($(($(date +%s) - start)) s); last lines of $log_dir/$name.log:"
    # Mirror host names stay out of the terminal (apt's lines name them).
    tail -n 25 "$log_dir/$name.log" | sed -E -e 's#(https?|ftp)://[^/ ]+#\1://<mirror>#g' -e 's/^/   | /'
  fi
  return $rc
}
finish() {
  echo "verify: $passed passed, $failed failed${failures[*]:+ (${failures[*]})}"
  ((failed == 0))
}

# The mirrors apt names for this machine's main and security suites, read here and never
# printed or written anywhere but the root's own apt configuration.
apt_uris() {  # apt_uris SECURITY(0|1)
  cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v want="$1" '
    /^URIs:/ { uris = $0; sub(/^URIs:[ \t]*/, "", uris) }
    /^Suites:/ { sec = ($0 ~ /-security/) ? 1 : 0; if (sec == want && uris != "") { print uris; exit } }'
}
main_uri=$(apt_uris 0 | awk '{print $1}')
security_uri=$(apt_uris 1 | awk '{print $1}')
[[ -n "$main_uri" ]] || { echo "verify: no Debian mirror in /etc/apt/sources.list.d/*.sources" >&2; exit 1; }

if [[ -n "${STOWAGE_VERIFY_FRESH:-}" && -d "$root" ]]; then rm -rf "$root"; fi
make_root() {
  if [[ ! -f "$root/etc/debian_version" ]] || ! grep -q '^13' "$root/etc/debian_version"; then
    rm -rf "$root"
    mkdir -p "$root"
    debootstrap --variant=minbase trixie "$root" "$main_uri"
  fi
  rm -f "$root/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: trixie trixie-updates\nComponents: main\n' "$main_uri"
    if [[ -n "$security_uri" ]]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: trixie-security\nComponents: main\n' "$security_uri"
    fi
  } >"$root/etc/apt/sources.list.d/debian.sources"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  cat "$root/etc/debian_version"
}

# This checkout's committed files (HEAD) and nothing else, as a fresh clone would have them.
copy_source() {
  rm -rf "$root/src"
  mkdir -p "$root/src"
  git archive HEAD | tar -x -C "$root/src"
}

# in_root COMMAND: runs COMMAND with bash in the root as root (bwrap; Bazel inside uses its
# processwrapper sandbox). The host's network is shared (the mirror); nothing else of the host.
in_root() {
  bwrap --bind "$root" / --proc /proc --dev /dev --cap-add ALL \
    --setenv HOME /root --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --setenv DEBIAN_FRONTEND noninteractive --setenv LANG C.UTF-8 --chdir /src \
    /bin/bash -c "$1"
}

# No disk cache: every action runs in the root, with the root's compiler for the host tool.
B="bazel --output_user_root=/root/.cache/bazel build --disk_cache= --repository_cache=/root/.cache/bazel-repo"
T="bazel --output_user_root=/root/.cache/bazel test --disk_cache= --repository_cache=/root/.cache/bazel-repo"

step root make_root || { finish; exit 1; }
step source copy_source || { finish; exit 1; }
step setup in_root "apt-get update -qq && bash scripts/setup.sh" || { finish; exit 1; }
step tool in_root "$B //builder:stowage && ldd bazel-bin/builder/stowage" || { finish; exit 1; }
step tests in_root "$T //..." || true
step index in_root "$B //examples/bookstore:index_layout" || { finish; exit 1; }

host_layout() {
  bazel build //examples/bookstore:index_layout
  echo "$(bazel info bazel-bin 2>/dev/null)/examples/bookstore/index_layout"
}
compare() {
  local host theirs
  host=$(host_layout | tail -n 1)
  theirs=$(in_root "readlink -f bazel-bin/examples/bookstore/index_layout" | tail -n 1)
  /usr/bin/python3 scripts/lib/compare_layouts.py "$host" "$root$theirs"
}
step compare compare || true
finish
