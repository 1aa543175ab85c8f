#!/usr/bin/env bash
# The bookstore server is compiled by the hermetic toolchain against exactly the libraries its
# runtime layer ships (issue 13; docs/toolchain.md, "Your server against its runtime's libraries"):
#  1. In an output base of its own, with no disk cache (every server action runs), the image
#     builds inside bwrap with the host's C/C++ headers (/usr/include), gcc's directory
#     (/usr/lib/gcc), the host's compilers and binutils and its crt objects and libc/libm link
#     scripts hidden: no host compiler could build it.
#  2. Every header the server's and its libraries' objects were compiled from (their .d files) is
#     the workspace's or in the toolchain's sysroot; every file the linker opened (-Wl,--trace)
#     is in the sysroot or an object Bazel built.
#  3. Each shared library the server needs (DT_NEEDED) is, byte for byte, the file the runtime
#     layer ships under the same name and the one the linker was given: one lockfile
#     (examples/bookstore/debian12.lock.json) decided both.
#  4. The server in that image answers: its layers unpacked into a root, the entrypoint run under
#     bwrap as the config says, after `migrate` GET / gives the book list.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/stowage-bookstore-toolchain.XXXXXX")
chmod 755 "$work"
app_pid=
cleanup() {
  [[ -n "$app_pid" ]] && kill "$app_pid" 2>/dev/null || true
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $work" >&2; else chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The test's own output base (and no convenience symlinks: the tree's bazel-bin stays as it is).
B=(bazel --batch --output_base="$work/ob")
BUILD=(build --symlink_prefix=/)
triple=x86_64-linux-gnu
repo=bookstore_cc_amd64
image=//examples/bookstore:image

echo "== the image once outside the sandbox: the stowage tool (host compiler) is not what is tested"
"${B[@]}" "${BUILD[@]}" "$image" >"$work/tool.log" 2>&1 || { tail -n 30 "$work/tool.log"; fail "first build"; }

echo "== 1. the image, with the host's toolchain files hidden"
hide=(--tmpfs /usr/include --tmpfs /usr/lib/gcc)
for f in /usr/bin/{gcc,g++,cc,c++,cpp,as,ld,ld.bfd,ld.gold,ar} /usr/bin/x86_64-linux-gnu-{gcc,g++,cpp,as,ld,ld.bfd,ar}{,-12} \
  /usr/lib/$triple/{crt1.o,crti.o,crtn.o,Scrt1.o,libc.so,libm.so,libc_nonshared.a}; do
  [[ -e "$f" ]] || continue
  real=$(realpath "$f")
  [[ " ${hide[*]} " == *" $real "* ]] || hide+=(--ro-bind /dev/null "$real")
done
sandboxed() { bwrap --dev-bind / / "${hide[@]}" --die-with-parent "$@"; }
[[ -z "$(sandboxed ls -A /usr/include)" ]] || fail "bwrap did not hide /usr/include"
sandboxed sh -c '! echo "int main(){}" | gcc -x c - -o /dev/null' 2>/dev/null || fail "the host gcc still works under bwrap"
# A define and the linker's trace give every compile and link of the image's C++ code a new
# action key: all of them run again here (the tool, in the execution configuration, does not).
start=$(date +%s)
sandboxed "${B[@]}" "${BUILD[@]}" --disk_cache= --noremote_accept_cached --noshow_progress \
  --copt=-DSTOWAGE_TOOLCHAIN_TEST=1 --linkopt=-Wl,--trace --execution_log_json_file="$work/exec.json" \
  "$image" //examples/bookstore:layout >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log"; fail "the image did not build with the host's toolchain files hidden"; }
echo "   built in $(($(date +%s) - start)) s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
ran=$(python3 - "$work/exec.json" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
dec = json.JSONDecoder()
i, n = 0, 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    entry, i = dec.raw_decode(text, i)
    if entry.get("mnemonic") == "CppCompile" and not entry.get("remoteCacheHit") and \
            any("/examples/bookstore/" in o.get("path", "") and o.get("path", "").endswith(".o")
                for o in entry.get("actualOutputs", [])):
        n += 1
print(n)
EOF
)
((ran >= 10)) || fail "only $ran of the server's compile actions ran in the sandboxed build"
echo "   $ran of the server's compile actions ran there"

# The server and runtime layer the image holds: built in the image platform's configuration.
out=$work/ob/execroot/stowage/bazel-out
server=$(find "$out" -path '*-ST-*/bin/examples/bookstore/bookstore' -type f | head -1)
[[ -x "$server" ]] || fail "no server binary built for the image's platform under $out"
bindir=${server%/examples/bookstore/bookstore}
sysroot=$work/ob/external/$repo/root

echo "== 2. headers and libraries came from the sysroot"
mapfile -t dfiles < <(find "$bindir/examples/bookstore/_objs" "$bindir/builder" -name '*.d')
((${#dfiles[@]} >= 10)) || fail "expected the server's .d files, found ${#dfiles[@]}"
deps=$(cat "${dfiles[@]}" | tr ' \\' '\n\n' | grep -v ':$' | grep -v '^$' | sort -u)
bad=$(grep -v -e "^external/$repo/root/usr/" -e '^examples/bookstore/' -e '^builder/' <<<"$deps" | grep -v '^bazel-out/.*\.o$' || true)
[[ -z "$bad" ]] || fail "headers from outside the sysroot and the workspace: $(head -5 <<<"$bad")"
for want in absl/strings/str_cat.h microhttpd.h postgresql/libpq-fe.h sqlite3.h openssl/evp.h nlohmann/json.hpp kainjow/mustache.hpp; do
  grep -qx "external/$repo/root/usr/include/$want" <<<"$deps" || fail "no $want from the sysroot in the .d files"
done
echo "   $(grep -c . <<<"$deps") headers and sources: the workspace's or the sysroot's"
# ld's --trace lines: "<file>" or "(<archive>)<member>", after the "mode" line. Bazel's own
# progress lines ("[219 / 220] Writing ...") can still land inside that block: they are not ld's.
trace=$(sed -n '/^INFO: From Linking examples\/bookstore\/bookstore/,/^\(INFO\|Target\|ERROR\)/p' "$work/build.log" |
  grep -v -E -e '^INFO' -e '^Target' -e ': mode ' -e '^\[[0-9,]+ / [0-9,]+\]' | sed -e 's/^(\(.*\)).*/\1/' | grep . | sort -u)
[[ -n "$trace" ]] || fail "no ld --trace output for the server's link in the build log"
bad=$(grep -v -e "^external/$repo/root/usr/lib" -e '^bazel-out/' <<<"$trace" || true)
[[ -z "$bad" ]] || fail "the linker read files outside the sysroot: $(head -5 <<<"$bad")"
echo "   $(grep -c "^external/$repo/" <<<"$trace") of the linker's inputs from the sysroot, the rest built by Bazel"

echo "== 3. the libraries the server needs are the runtime layer's own files"
layer=$(find "$bindir/examples/bookstore" -maxdepth 1 -name 'runtime_layer*.tar.gz' | head -1)
[[ -f "$layer" ]] || fail "no runtime layer blob in $bindir"
mkdir -p "$work/runtime"
tar -xzf "$layer" -C "$work/runtime"
mapfile -t needed < <(readelf -d "$server" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
((${#needed[@]} >= 8)) || fail "the server needs only ${#needed[@]} libraries: ${needed[*]}"
for so in "${needed[@]}"; do
  shipped=$work/runtime/usr/lib/$triple/$so
  linked=$sysroot/usr/lib/$triple/$so
  [[ -f "$shipped" ]] || fail "the runtime layer has no $so"
  [[ -f "$linked" ]] || fail "the sysroot has no $so"
  [[ $(sha256sum <"$shipped") == $(sha256sum <"$linked") ]] || fail "$so in the runtime layer differs from the one linked"
done
echo "   ${#needed[@]} libraries (${needed[*]:0:4} ...): identical in the sysroot and the layer"
readelf -p .comment "$server" | grep -q 'GCC: (Debian 12.2.0-14+deb12u1) 12.2.0' || fail "not compiled by the pinned gcc"

echo "== 4. the image runs"
# The layout's image (Docker media types, Heroku's): its layers unpacked in order into a root,
# the entrypoint run under bwrap as its config says.
lay=$out/k8-fastbuild/bin/examples/bookstore/layout
mkdir -p "$work/root"
python3 - "$lay" "$work/root" "$work/run.args" <<'EOF'
import json, os, subprocess, sys
lay, root, argsfile = sys.argv[1:]
blob = lambda d: os.path.join(lay, "blobs", *d.split(":", 1))
manifest = json.load(open(blob(json.load(open(os.path.join(lay, "index.json")))["manifests"][0]["digest"])))
for layer in manifest["layers"]:
    subprocess.run(["tar", "--no-same-owner", "-xzf", blob(layer["digest"]), "-C", root], check=True)
c = json.load(open(blob(manifest["config"]["digest"])))["config"]
with open(argsfile, "w") as f:
    for kv in c.get("Env", []):
        f.write("ENV\t" + kv + "\n")
    f.write("CWD\t" + c.get("WorkingDir", "/") + "\n")
    for a in c.get("Entrypoint", []) + c.get("Cmd", []):
        f.write("ARG\t" + a + "\n")
EOF
port=$(free_port)
run=(bwrap --bind "$work/root" / --proc /proc --dev /dev --tmpfs /tmp --unshare-all --share-net
  --unshare-user --uid 10001 --gid 10001 --die-with-parent --clearenv)
argv=()
while IFS=$'\t' read -r kind value; do
  case $kind in
    ENV) run+=(--setenv "${value%%=*}" "${value#*=}") ;;
    CWD) run+=(--chdir "$value") ;;
    ARG) argv+=("$value") ;;
  esac
done <"$work/run.args"
run+=(--setenv PORT "$port" --setenv SECRET_KEY toolchain-test-secret-0123456789abcdef)
"${run[@]}" -- "${argv[0]}" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; fail "migrate"; }
"${run[@]}" -- "${argv[@]}" >"$work/app.log" 2>&1 &
app_pid=$!
wait_for_http "http://127.0.0.1:$port/healthz" 60 || { cat "$work/app.log"; fail "the server did not start"; }
page=$(curl -fsS -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/") || { cat "$work/app.log"; fail "GET / failed"; }
grep -q "/books/1/" <<<"$page" || fail "GET / is not the book list: $(head -c 300 <<<"$page")"
echo "   GET / answered the book list ($(wc -c <<<"$page") bytes)"
echo "PASS: bookstore_toolchain"
