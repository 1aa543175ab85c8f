#!/usr/bin/env bash
# A new user's first hour, outside this repository (issue 14), in one Bazel output base:
#  1. The README's way: a workspace in a temp dir with local_repository(name = "stowage") and
#     stowage_dependencies(); a cc_binary in an image (runtime_closure's :layer), built, pushed
#     to a docker-registry on loopback, pulled back with skopeo, unpacked with umoci and run
#     under bwrap. The tool is compiled once for every use (actions, oci_push,
#     deploy_check_test, `bazel run @stowage//builder:stowage`), and --action_env does not
#     change its build; bazel run resolves relative paths where bazel ran; --help works.
#  2. The same workspace as a rules_oci user has it, with only the load lines changed and
#     stowage under another repository name, the tool a pinned prebuilt binary
#     (stowage_prebuilt_toolchain): oci_pull(image = ..., platforms = ...), base = "@base",
#     oci_image(tars = [a pkg_tar-like tar], created = file, env = file), oci_push with
#     repository_file and a remote_tags file, oci_load into a real dockerd (vfs storage, its own
#     roots and socket; skipped with a message only when the kernel refuses to start it), and an
#     oci_layer over a tar failing with the fix. Nothing of stowage is compiled in this part
#     (oci_pull's `puller` is the prebuilt tool too).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/stowage-new-user.XXXXXX")
chmod 755 "$work"
ws=$work/ws
B=(bazel --output_base="$work/ob" --max_idle_secs=300)
dockerd_pid=
cleanup() {
  (cd "$ws" 2>/dev/null && "${B[@]}" shutdown) >/dev/null 2>&1 || true
  [[ -n "${REGISTRY_PID:-}" ]] && kill "$REGISTRY_PID" 2>/dev/null || true
  if [[ -n "$dockerd_pid" ]]; then
    kill "$dockerd_pid" 2>/dev/null || true
    timeout 20 tail --pid="$dockerd_pid" -f /dev/null 2>/dev/null || true
  fi
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
in_ws() { (cd "$ws" && "$@"); }
log_of() { echo "$work/$1.log"; }
run_logged() {  # run_logged NAME COMMAND...: runs in the workspace; on failure shows the log
  local name=$1
  shift
  in_ws "$@" >"$(log_of "$name")" 2>&1 || { tail -n 40 "$(log_of "$name")"; fail "$name: $*"; }
}

start_registry "$work/registry"
REG=$REGISTRY_ADDR

# --- 1. The README's way --------------------------------------------------------------------
mkdir -p "$ws/app" "$ws/sub"
cat >"$ws/WORKSPACE" <<EOF
workspace(name = "first_hour")

local_repository(name = "stowage", path = "$ROOT")

load("@stowage//rules:repositories.bzl", "stowage_dependencies")

stowage_dependencies()

load("@stowage//rules:defs.bzl", "runtime_closure")

# libc, libstdc++ and the loader of this machine: enough for a C++ binary.
runtime_closure(name = "runtime")
EOF
# "Copy .bazelrc's build lines" (README).
grep -E '^build --(cxxopt|host_cxxopt|incompatible_strict_action_env|spawn_strategy|nosandbox_debug|incompatible_override_toolchain_transition)' \
  "$ROOT/.bazelrc" >"$ws/.bazelrc"
cat >"$ws/app/hello.cc" <<'EOF'
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

int main() {
  const char* greeting = std::getenv("GREETING");
  std::printf("hello from stowage: %s\n", greeting ? greeting : "(no GREETING)");
  std::ifstream file("/app/greeting.txt");
  std::string line;
  if (std::getline(file, line)) std::printf("file says: %s\n", line.c_str());
  return 0;
}
EOF
cat >"$ws/BUILD.bazel" <<'EOF'
load("@rules_cc//cc:defs.bzl", "cc_binary")
load("@stowage//rules:defs.bzl", "deploy_check_test", "oci_image", "oci_image_index", "oci_layer", "oci_push")

cc_binary(
    name = "hello",
    srcs = ["app/hello.cc"],
)

oci_layer(
    name = "app_layer",
    srcs = [":hello"],
    package_dir = "/app",
)

oci_image(
    name = "image",
    created = "1700000000",
    entrypoint = ["/app/hello"],
    env = {"GREETING": "from the README"},
    layers = [
        "@runtime//:layer",
        ":app_layer",
    ],
    user = "65534:65534",
)

oci_push(
    name = "push",
    image = ":image",
    remote_tags = ["v1"],
    repository = "$(REPO)",
)

deploy_check_test(
    name = "check",
    fail_on = "never",
    image = ":image",
)

# A two-platform index (the arm64 entry is only a label here), for oci_pull(platforms = ...).
oci_image(
    name = "image_arm64",
    architecture = "arm64",
    entrypoint = ["/app/hello"],
    layers = [":app_layer"],
)

oci_image_index(
    name = "index",
    images = [
        ":image",
        ":image_arm64",
    ],
)

oci_push(
    name = "push_index",
    image = ":index",
    remote_tags = ["multi"],
    repository = "$(REPO)",
)
EOF
echo "hello file" >"$ws/sub/file.txt"

echo "== 1. README workspace: build, push, check"
run_logged build1 "${B[@]}" build //:image
# No --define=REPO: only the push needs it, and says so (the build above did not break).
if in_ws "${B[@]}" run //:push >"$(log_of nodefine)" 2>&1; then fail "push without --define=REPO succeeded"; fi
grep -q 'needs --define=REPO=' "$(log_of nodefine)" || { tail -5 "$(log_of nodefine)"; fail "no --define hint"; }
run_logged push1 "${B[@]}" run --define=REPO="$REG/newuser/hello" //:push
ref=$(grep -E "^$REG/newuser/hello@sha256:[0-9a-f]{64}$" "$(log_of push1)" | tail -1)
[[ -n "$ref" ]] || { cat "$(log_of push1)"; fail "push printed no reference"; }
digest=${ref#*@}
echo "   pushed $ref"
run_logged push_index "${B[@]}" run --define=REPO="$REG/newuser/hello" //:push_index
index_ref=$(grep -E "^$REG/newuser/hello@sha256:[0-9a-f]{64}$" "$(log_of push_index)" | tail -1)
[[ -n "$index_ref" ]] || { cat "$(log_of push_index)"; fail "the index push printed no reference"; }
run_logged test1 "${B[@]}" test //:check

echo "== the tool is compiled once, whatever --action_env says"
run_logged help "${B[@]}" run @stowage//builder:stowage -- push --help
bazel_out=$(in_ws "${B[@]}" info output_path 2>/dev/null)
# Every configuration the tool could be built in has its own bazel-out/<config>/bin: one binary
# means one build for actions, oci_push, deploy_check_test and `bazel run` alike.
tools() { find "$bazel_out" -path '*/bin/external/stowage/builder/stowage_from_source' -type f | sort; }
[[ $(tools | wc -l) == 1 ]] || fail "the tool was built $(tools | wc -l) times: $(tools)"
tool_bin=$(tools)
before=$(stat -c '%i %Y' "$tool_bin")
run_logged stamped "${B[@]}" build --action_env=SOURCE_DATE_EPOCH=1 --action_env=FOO=bar --define=REPO=x //:image //:push
run_logged stamped_test "${B[@]}" test --action_env=SOURCE_DATE_EPOCH=1 --action_env=FOO=bar //:check
[[ $(tools | wc -l) == 1 && "$(stat -c '%i %Y' "$tool_bin")" == "$before" ]] \
  || fail "--action_env rebuilt the tool: $(tools)"
echo "   one build of the tool (in $(echo "$tool_bin" | sed -E 's#.*/bazel-out/([^/]+)/.*#\1#')); --action_env leaves it alone"

echo "== bazel run @stowage//builder:stowage: help, and paths relative to where bazel ran"
grep -q -- "--repository HOST" "$(log_of help)" || fail "push --help: $(tail -3 "$(log_of help)")"
got=$(cd "$ws/sub" && "${B[@]}" run @stowage//builder:stowage -- digest file.txt 2>/dev/null | tail -1)
[[ "$got" == "sha256:$(sha256sum "$ws/sub/file.txt" | cut -d' ' -f1)  $ws/sub/file.txt" ]] \
  || fail "digest of a relative path: $got"
echo "   ok"

echo "== pull back with skopeo, unpack with umoci, run under bwrap"
skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$work/layout:latest"
umoci unpack --rootless --image "$work/layout:latest" "$work/bundle" >/dev/null
out=$(/usr/bin/python3 scripts/lib/run_bundle.py "$work/bundle" 2>&1) || fail "the image did not run: $out"
[[ "$out" == "hello from stowage: from the README" ]] || fail "unexpected output: $out"
created=$(skopeo inspect --tls-verify=false --config "docker://$ref" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["created"])')
[[ "$created" == "2023-11-14T22:13:20Z" ]] || fail "created: $created"
echo "   $out"

# --- 2. rules_oci style, another repository name, a prebuilt tool ----------------------------
echo "== 2. rules_oci-style BUILD file, stowage as @rules_stowage, prebuilt tool"
tool=$(readlink -f "$ws/bazel-bin/external/stowage/builder/stowage")
[[ -x "$tool" ]] || fail "no tool at $tool"
mkdir -p "$work/prebuilt"
cp "$tool" "$work/prebuilt/stowage-linux-amd64"
tool_sha=$(sha256sum "$work/prebuilt/stowage-linux-amd64" | cut -d' ' -f1)
cat >"$ws/WORKSPACE" <<EOF
workspace(name = "first_hour")

local_repository(name = "rules_stowage", path = "$ROOT")

load("@rules_stowage//rules:defs.bzl", "stowage_prebuilt_toolchain")

# A pinned prebuilt tool (sha256-checked), registered first: nothing is compiled.
stowage_prebuilt_toolchain(
    name = "stowage_prebuilt",
    sha256 = "$tool_sha",
    urls = ["file://$work/prebuilt/stowage-linux-amd64"],
)

register_toolchains("@stowage_prebuilt//:toolchain")

load("@rules_stowage//rules:repositories.bzl", "stowage_dependencies")

stowage_dependencies()

load("@rules_stowage//rules:defs.bzl", "oci_pull")

# rules_oci's form: image with a digest, platforms.
oci_pull(
    name = "base",
    image = "$REG/newuser/hello@$digest",
    platforms = ["linux/amd64"],
    # The prebuilt tool pulls too (default: \`stowage pull\` compiled with the host g++).
    puller = "@stowage_prebuilt//:stowage",
)

# Two platforms from an index: @multi selects the target platform's (linux/amd64 here).
oci_pull(
    name = "multi",
    image = "$index_ref",
    platforms = [
        "linux/amd64",
        "linux/arm64",
    ],
    puller = "@stowage_prebuilt//:stowage",
)
EOF
mkdir -p "$ws/files/app"
echo "the greeting file" >"$ws/files/app/greeting.txt"
printf 'GREETING=from rules_oci\n' >"$ws/env.txt"
printf '%s\n' "$REG/newuser/compat" >"$ws/repository.txt"
printf 'latest\nv2\n' >"$ws/tags.txt"
# The BUILD file of a rules_oci user; only the load line differs from theirs.
cat >"$ws/BUILD.bazel" <<'EOF'
load("@rules_stowage//rules:defs.bzl", "oci_image", "oci_layer", "oci_load", "oci_push")  # was: load("@rules_oci//oci:defs.bzl", ...)

# What pkg_tar would make (files under app/, uncompressed).
genrule(
    name = "app_tar",
    srcs = ["files/app/greeting.txt"],
    outs = ["app.tar"],
    cmd = "tar --create --dereference --file=$@ --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner " +
          "--directory=$$(dirname $(location files/app/greeting.txt))/.. app",
)

genrule(
    name = "created",
    outs = ["created.txt"],
    cmd = "echo 2024-01-31T12:00:00Z > $@",
)

oci_image(
    name = "image",
    base = "@base",
    created = ":created",
    env = "env.txt",
    tars = [":app_tar"],
)

oci_push(
    name = "push",
    image = ":image",
    remote_tags = "tags.txt",
    repository_file = "repository.txt",
)

oci_image(
    name = "from_index",
    base = "@multi",
)

oci_load(
    name = "load",
    image = ":image",
    repo_tags = ["newuser/compat:latest"],
)

# The plausible mistake: a tar where a layer was meant.
oci_layer(
    name = "tar_as_layer",
    srcs = [":app_tar"],
    tags = ["manual"],
)
EOF
run_logged build2 "${B[@]}" build //:image //:push //:load //:from_index
built=$(find "$bazel_out" -path '*/external/rules_stowage/builder/*' \( -name '*.o' -o -name stowage_from_source \) | wc -l)
[[ $built == 0 ]] || fail "$built objects of the tool were built with a prebuilt toolchain"
echo "   built with the prebuilt tool; no compile action of stowage"
arch=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["architecture"])' "$ws/bazel-bin/from_index.config.json")
[[ "$arch" == amd64 ]] || fail "base = \"@multi\" picked $arch, want the target platform's amd64"
[[ -f "$work/ob/external/multi/linux_arm64/pull.json" ]] || fail "the arm64 image of @multi was not pulled"
echo "   oci_pull(platforms = [amd64, arm64]): base = \"@multi\" is the amd64 image"

run_logged push2 "${B[@]}" run //:push
ref2=$(grep -E "^$REG/newuser/compat@sha256:[0-9a-f]{64}$" "$(log_of push2)" | tail -1)
[[ -n "$ref2" ]] || { cat "$(log_of push2)"; fail "the rules_oci-style push printed no reference"; }
for t in latest v2; do
  d=$(skopeo inspect --tls-verify=false "docker://$REG/newuser/compat:$t" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')
  [[ "$d" == "${ref2#*@}" ]] || fail "tag $t from tags.txt is $d, want ${ref2#*@}"
done
skopeo copy --quiet --src-tls-verify=false "docker://$ref2" "oci:$work/layout2:latest"
umoci unpack --rootless --image "$work/layout2:latest" "$work/bundle2" >/dev/null
out=$(/usr/bin/python3 scripts/lib/run_bundle.py "$work/bundle2" 2>&1) || fail "the rules_oci-style image did not run: $out"
[[ "$out" == "hello from stowage: from rules_oci"$'\n'"file says: the greeting file" ]] || fail "unexpected output: $out"
cfg=$(skopeo inspect --tls-verify=false --config "docker://$ref2")
created=$(echo "$cfg" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["created"])')
[[ "$created" == "2024-01-31T12:00:00Z" ]] || fail "created from the file: $created"
layers=$(skopeo inspect --tls-verify=false "docker://$ref2" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Layers"]))')
[[ $layers == 3 ]] || fail "want 3 layers (two from @base, one tar), got $layers"
tar_digest="sha256:$(sha256sum "$ws/bazel-bin/app.tar" | cut -d' ' -f1)"
skopeo inspect --tls-verify=false --raw "docker://$ref2" | grep -q "$tar_digest" || fail "the tar is not its own layer blob"
echo "   pushed $ref2 (tags latest, v2), pulled, ran: ${out//$'\n'/ | }"

if in_ws "${B[@]}" build //:tar_as_layer >"$(log_of tar_as_layer)" 2>&1; then fail "an oci_layer over a tar built"; fi
grep -q 'is a tar archive; oci_layer would put the archive file itself into the image. To use its contents as a layer, pass it to oci_image(tars = ' \
  "$(log_of tar_as_layer)" || { tail -5 "$(log_of tar_as_layer)"; fail "no fix in the tar-as-layer error"; }
echo "   an oci_layer over a tar fails with the fix"

echo "== oci_load into a real dockerd"
d=$work/docker
mkdir -p "$d"
dockerd --storage-driver vfs --iptables=false --bridge=none --data-root "$d/data" --exec-root "$d/exec" \
  --pidfile "$d/dockerd.pid" -H "unix://$d/docker.sock" >"$d/dockerd.log" 2>&1 &
dockerd_pid=$!
export DOCKER_HOST="unix://$d/docker.sock"
up=0
for _ in $(seq 1 150); do
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then break; fi
  if docker version >/dev/null 2>&1; then up=1; break; fi
  sleep 0.2
done
if ((up == 0)); then
  echo "SKIP: oci_load into dockerd: dockerd did not start here (last lines of its log below)"
  tail -n 5 "$d/dockerd.log" | sed 's/^/   | /'
  if ! grep -qiE "operation not permitted|permission denied|not supported|cgroup|kernel" "$d/dockerd.log"; then
    fail "dockerd failed for a reason other than the kernel refusing it"
  fi
else
  run_logged load "${B[@]}" run //:load
  id=$(docker image inspect --format '{{.Id}}' newuser/compat:latest) || fail "no newuser/compat:latest in docker"
  config_digest="sha256:$(sha256sum "$ws/bazel-bin/image.config.json" | cut -d' ' -f1)"
  [[ "$id" == "$config_digest" ]] || fail "docker's image ID $id is not the config digest $config_digest"
  echo "   docker load: newuser/compat:latest is $id"
fi
echo "PASS new_user"
