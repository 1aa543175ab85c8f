#!/usr/bin/env bash
# The hermetic C++ toolchain (stowage_cc_toolchain, docs/toolchain.md) from a user's workspace:
#  1. With the host's C/C++ headers (/usr/include), gcc's own directory (/usr/lib/gcc), the
#     host compiler and binutils (/usr/bin/{gcc,g++,cc,c++,as,ld,...}) and the host's crt
#     objects and development libraries (crt*.o, libc.so, libm.so, libc_nonshared.a) hidden by
#     bwrap (tmpfs / /dev/null over them), a C and C++ binary builds (no cache: every action
#     runs), runs, says it was compiled by the pinned gcc, and every path in its .d dependency
#     files is the workspace's own or inside the toolchain's repository.
#     The same for linux/arm64 with the cross compiler: an AArch64 binary whose headers are the
#     arm64 sysroot's, which prints the same under qemu-aarch64-static -L <that sysroot>.
#  2. Outside the sandbox, a header from the host (an absolute #include, or -isystem /usr/include)
#     fails the build: the toolchain's built-in include directories are only the repository's,
#     so Bazel's inclusion check rejects any other header ("undeclared inclusion"), and an
#     include directory outside the execution root is refused before compiling.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

work=$(mktemp -d "${TMPDIR:-/tmp}/stowage-cc-toolchain.XXXXXX")
chmod 755 "$work"
ws=$work/ws
B=(bazel --batch --output_base="$work/ob")
cleanup() {
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $work" >&2; else chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$ws/leak"
cat >"$ws/WORKSPACE" <<EOF
workspace(name = "cc_user")

local_repository(name = "stowage", path = "$ROOT")

load("@stowage//rules:repositories.bzl", "stowage_cc_toolchain", "stowage_dependencies")

stowage_dependencies()

stowage_cc_toolchain()
EOF
grep -E '^build --(cxxopt|incompatible_strict_action_env|spawn_strategy|nosandbox_debug)' \
  "$ROOT/.bazelrc" >"$ws/.bazelrc"
cat >>"$ws/.bazelrc" <<'EOF'
build --incompatible_enable_cc_toolchain_resolution
build --platforms=@stowage//rules/cc:debian12_amd64
# Every action runs here: nothing comes from a cache filled by a build that could see the host.
build --disk_cache=
build --noremote_accept_cached
# No host compiler is even configured: only the pinned one can build anything here.
build --repo_env=BAZEL_DO_NOT_DETECT_CPP_TOOLCHAIN=1
EOF
touch "$ws/BUILD.bazel"
cat >"$ws/leak/BUILD.bazel" <<'EOF'
load("@rules_cc//cc:defs.bzl", "cc_binary")

cc_binary(name = "absolute", srcs = ["absolute.c"])

cc_binary(name = "isystem", srcs = ["isystem.c"], copts = ["-isystem", "/usr/include"])
EOF
# zlib.h is on the host (zlib1g-dev) and not in the toolchain's packages.
printf '#include "/usr/include/zlib.h"\nint main(void) { return 0; }\n' >"$ws/leak/absolute.c"
printf '#include <zlib.h>\nint main(void) { return 0; }\n' >"$ws/leak/isystem.c"
[[ -f /usr/include/zlib.h ]] || fail "this check needs the host's /usr/include/zlib.h (zlib1g-dev)"

echo "== 1. build with the host's toolchain files hidden"
hide=(--tmpfs /usr/include --tmpfs /usr/lib/gcc)
for f in /usr/bin/{gcc,g++,cc,c++,cpp,as,ld,ld.bfd,ld.gold,ar} /usr/bin/x86_64-linux-gnu-{gcc,g++,cpp,as,ld,ld.bfd,ar}{,-12} \
  /usr/lib/x86_64-linux-gnu/{crt1.o,crti.o,crtn.o,Scrt1.o,libc.so,libm.so,libc_nonshared.a}; do
  [[ -e "$f" ]] || continue
  real=$(realpath "$f")
  [[ " ${hide[*]} " == *" $real "* ]] || hide+=(--ro-bind /dev/null "$real")
done
sandboxed() { bwrap --dev-bind / / "${hide[@]}" --die-with-parent "$@"; }
[[ -z "$(sandboxed ls -A /usr/include)" ]] || fail "bwrap did not hide /usr/include"
sandboxed sh -c '! echo "int main(){}" | gcc -x c - -o /dev/null' 2>/dev/null || fail "the host gcc still works under bwrap"
start=$(date +%s)
(cd "$ws" && sandboxed "${B[@]}" build @stowage//tests/cc_toolchain:hello) >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log"; fail "build with the host's files hidden"; }
echo "   built in $(($(date +%s) - start)) s (fetch of the toolchain included unless the repository cache had it)"
grep -q "Compiling external/stowage/tests/cc_toolchain/hello.cc" "$work/build.log" ||
  grep -q "processes: .*linux-sandbox\|processes: .*local" "$work/build.log" || fail "no action ran: $(tail -n 3 "$work/build.log")"
bin=$(cd "$ws" && "${B[@]}" info bazel-bin 2>/dev/null)
out=$("$bin/external/stowage/tests/cc_toolchain/hello")
[[ "$out" == $'hello 4096\ngcc 12.2' ]] || fail "hello printed: $out"
readelf -p .comment "$bin/external/stowage/tests/cc_toolchain/hello" | grep -q 'GCC: (Debian 12.2.0-14+deb12u1) 12.2.0' ||
  fail "hello was not compiled by the pinned gcc: $(readelf -p .comment "$bin/external/stowage/tests/cc_toolchain/hello")"

echo "== the .d files name only the workspace's and the toolchain's files"
mapfile -t dfiles < <(find "$bin/external/stowage/tests/cc_toolchain/_objs" -name '*.d')
((${#dfiles[@]} == 2)) || fail "expected 2 .d files, found ${#dfiles[@]}"
deps=$(cat "${dfiles[@]}" | tr ' \\' '\n\n' | grep -v ':$' | grep -v '^$')
n=$(grep -c . <<<"$deps")
bad=$(grep -v -e '^external/stowage_cc_debian12_amd64/root/usr/' -e '^external/stowage/tests/cc_toolchain/' <<<"$deps" | grep -v '^bazel-out/.*\.o$' || true)
[[ -z "$bad" ]] || fail "paths outside the toolchain in the .d files: $bad"
for want in include/c++/12/iostream include/stdio.h include/linux/limits.h lib/gcc/x86_64-linux-gnu/12/include/stddef.h; do
  grep -qx "external/stowage_cc_debian12_amd64/root/usr/$want" <<<"$deps" || fail "no $want in the .d files"
done
echo "   $n headers and sources, all from the toolchain's packages or the workspace"

echo "== the same for linux/arm64 (the cross compiler), run under qemu-aarch64-static"
(cd "$ws" && sandboxed "${B[@]}" build --platforms=@stowage//rules/cc:debian12_arm64 \
  --symlink_prefix=arm64- @stowage//tests/cc_toolchain:hello) >"$work/arm64.log" 2>&1 ||
  { tail -n 40 "$work/arm64.log"; fail "arm64 build with the host's files hidden"; }
arm64_bin=$ws/arm64-bin/external/stowage/tests/cc_toolchain/hello
machine=$(readelf -h "$arm64_bin" | sed -n 's/^ *Machine: *//p')
[[ "$machine" == AArch64 ]] || fail "the arm64 hello is for $machine"
readelf -p .comment "$arm64_bin" | grep -q 'GCC: (Debian 12.2.0-14' || fail "arm64 hello: $(readelf -p .comment "$arm64_bin")"
arm64_root=$(cd "$ws" && "${B[@]}" info output_base 2>/dev/null)/external/stowage_cc_debian12_arm64/root
out=$(qemu-aarch64-static -L "$arm64_root" "$arm64_bin")
[[ "$out" == $'hello 4096\ngcc 12.2' ]] || fail "arm64 hello printed: $out"
mapfile -t dfiles < <(find "$ws/arm64-bin/external/stowage/tests/cc_toolchain/_objs" -name '*.d')
bad=$(cat "${dfiles[@]}" | tr ' \\' '\n\n' | grep -v ':$' | grep -v '^$' |
  grep -v -e '^external/stowage_cc_debian12_arm64/root/usr/' -e '^external/stowage/tests/cc_toolchain/' -e '^bazel-out/.*\.o$' || true)
[[ -z "$bad" ]] || fail "arm64: paths outside the toolchain in the .d files: $bad"
grep -qx "external/stowage_cc_debian12_arm64/root/usr/include/aarch64-linux-gnu/bits/wordsize.h" \
  < <(cat "${dfiles[@]}" | tr ' \\' '\n\n') || fail "arm64: the C library's arm64 headers are not what it compiled against"
echo "   AArch64 binary from the pinned cross gcc; prints the same under qemu"

echo "== 2. a host header fails the build"
if (cd "$ws" && "${B[@]}" build --keep_going //leak:all) >"$work/leak.log" 2>&1; then
  fail "//leak built with host headers"
fi
grep -A3 "undeclared inclusion(s) in rule '//leak:absolute'" "$work/leak.log" | grep -q "'/usr/include/zlib.h'" ||
  { tail -n 30 "$work/leak.log"; fail "//leak:absolute did not fail for including the host's /usr/include/zlib.h"; }
grep -q "Compiling leak/isystem.c failed: The include path '/usr/include' references a path outside of the execution root" "$work/leak.log" ||
  { tail -n 30 "$work/leak.log"; fail "//leak:isystem did not fail for its -isystem /usr/include"; }
echo "PASS: cc_toolchain"
