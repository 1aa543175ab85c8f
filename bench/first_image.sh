#!/usr/bin/env bash
# Benchmark: a new user's first hour. An empty workspace outside this repository uses stowage
# through local_repository, as the README says, with its own output base and no disk cache
# (the machine is otherwise warm: Bazel installed and its server binary extracted, Debian
# packages present). Timed, one after the other in the same output base:
#   1. `bazel build //:image`   a cc_binary in an image (compiles the stowage tool)
#   2. `bazel run //:push`      the first push to a registry on loopback
#   3. the same push with `--action_env=SOURCE_DATE_EPOCH=...`, what older docs suggested for
#      the creation time: it must not compile the tool again
# and the number of C++ compile actions each step ran (from Bazel's "processes" line).
#
# Usage: bench/first_image.sh [STOWAGE_SOURCE_DIR]   (default: this checkout; writes
# bench/results/first_image.txt). Pass another checkout (e.g. `git archive` of an older commit)
# to compare before/after.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SRC=$(cd "${1:-$ROOT}" && pwd)
source scripts/lib/services.sh
mkdir -p bench/results
results=bench/results/first_image.txt

work=$(mktemp -d "${TMPDIR:-/tmp}/stowage-first-image.XXXXXX")
ws=$work/ws
B=(bazel --output_base="$work/ob" --max_idle_secs=60)
cleanup() {
  (cd "$ws" 2>/dev/null && "${B[@]}" shutdown) >/dev/null 2>&1 || true
  [[ -n "${REGISTRY_PID:-}" ]] && kill "$REGISTRY_PID" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$ws"
cat >"$ws/WORKSPACE" <<EOF
workspace(name = "first_hour")
local_repository(name = "stowage", path = "$SRC")
load("@stowage//rules:repositories.bzl", "stowage_dependencies")
stowage_dependencies()
load("@stowage//rules/private:runtime_closure.bzl", "runtime_closure")
runtime_closure(name = "runtime")   # the README's; loaded from rules/private so older checkouts work
EOF
cat >"$ws/BUILD.bazel" <<'EOF'
load("@rules_cc//cc:defs.bzl", "cc_binary")
load("@stowage//rules:defs.bzl", "oci_image", "oci_layer", "oci_push")

cc_binary(name = "hello", srcs = ["hello.cc"])

oci_layer(
    name = "runtime_layer",
    srcs = ["@runtime//:rootfs"],
    strip_prefix = "/rootfs",
    symlinks = {"/lib64": "usr/lib64"},
)

oci_layer(name = "app_layer", srcs = [":hello"], package_dir = "/app")

oci_image(
    name = "image",
    layers = [":runtime_layer", ":app_layer"],
    entrypoint = ["/app/hello"],
)

oci_push(name = "push", image = ":image", repository = "")
EOF
echo 'int main() { return 0; }' >"$ws/hello.cc"
# The README's advice: copy stowage's .bazelrc build lines.
grep -E '^build --(cxxopt|host_cxxopt|incompatible_strict_action_env|spawn_strategy|nosandbox_debug|incompatible_override_toolchain_transition)' \
  "$SRC/.bazelrc" >"$ws/.bazelrc"

start_registry "$work/registry"

step() {  # step NAME COMMAND...: runs it in the workspace, prints seconds and compile count
  local name=$1 start end log=$work/$1.log
  shift
  start=$(date +%s.%N)
  (cd "$ws" && "$@") >"$log" 2>&1 || { tail -n 30 "$log"; echo "step $name failed" >&2; exit 1; }
  end=$(date +%s.%N)
  local compiles
  compiles=$(grep -oE 'Compiling [^ ]+' "$log" | wc -l || true)
  local procs
  procs=$(grep -oE '[0-9]+ processes?:.*' "$log" | tail -1 || true)
  printf '%-28s %7.1f s   %s\n' "$name" "$(echo "$end - $start" | bc)" "$procs"
}

{
  echo "first_image: stowage from $SRC ($(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo "no git"))"
  echo "$(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg); disk cache off"
  step "1 first image" "${B[@]}" build --disk_cache= //:image
  step "2 first push" "${B[@]}" run --disk_cache= //:push -- --repository "$REGISTRY_ADDR/hello" --tag v1
  step "3 push, new --action_env" "${B[@]}" run --disk_cache= --action_env=SOURCE_DATE_EPOCH=1700000000 //:push -- --repository "$REGISTRY_ADDR/hello" --tag v2
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results"
