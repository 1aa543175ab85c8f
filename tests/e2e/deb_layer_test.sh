#!/usr/bin/env bash
# Locked Debian packages in a user's workspace, from an archive built here and served on
# loopback: deb_packages fetches each .deb pinned by sha256 into Bazel's repository cache (a
# second clone with the same cache downloads nothing, even with the mirror gone), deb_layer
# builds layers that are reproducible, carry dpkg's status records (dpkg-query --admindir lists
# the image's packages), merged /usr and the CA bundle update-ca-certificates would write; and
# the errors: two packages shipping one path, a .deb whose bytes changed on the mirror, a
# version the mirror no longer has, an unknown data.tar compression.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh
source tests/deb/local_mirror.sh

work=$(mktemp -d /tmp/stowage-deb-layer.XXXXXX)
B1=(bazel --output_base="$work/ob1")
B2=(bazel --output_base="$work/ob2")
cleanup() {
  (cd "$work/ws1" 2>/dev/null && "${B1[@]}" shutdown) >/dev/null 2>&1 || true
  (cd "$work/ws2" 2>/dev/null && "${B2[@]}" shutdown) >/dev/null 2>&1 || true
  mirror_stop
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

bazel build //builder:stowage >/dev/null 2>&1
stowage=$ROOT/bazel-bin/builder/stowage

echo "== a test archive on loopback"
mirror_init "$work/mirror"
certs=()
for c in $(ls /usr/share/ca-certificates/mozilla/*.crt | LC_ALL=C sort | head -5); do
  # $(cat) drops the final newline: the bundle must add it back, as update-ca-certificates does.
  certs+=("/usr/share/ca-certificates/mozilla/$(basename "$c")=$(cat "$c")")
done
make_deb ca-certificates 1.0 all 'Multi-Arch: foreign' "${certs[@]}" /etc/ssl/certs/.placeholder= >/dev/null
make_deb libfoo1 1.0 amd64 'Multi-Arch: same' /usr/lib/x86_64-linux-gnu/libfoo.so.1=foo \
  /lib/x86_64-linux-gnu/libfoo-old.so.1=old >/dev/null
make_deb hello 1.0 amd64 'Depends: libfoo1 (>= 1.0)' "/bin/hello=#!/bin/sh
echo hello" /etc/hello.conf=greeting=hi "/DEBIAN/conffiles=/etc/hello.conf
" >/dev/null
make_deb clash-a 1.0 amd64 '' /usr/share/clash/file=a >/dev/null
make_deb clash-b 1.0 amd64 '' /usr/share/clash/file=b >/dev/null
make_deb vanish 1.0 amd64 '' /usr/share/vanish=v >/dev/null
make_deb badsum 1.0 amd64 '' /usr/share/badsum=original >/dev/null
odd=$(make_deb oddz 1.0 amd64 '' /usr/share/oddz=z)
(cd "$work" && mkdir odd && cd odd && ar x "$odd" && mv data.tar.xz data.tar.lz4 && rm "$odd" &&
  ar rc "$odd" debian-binary control.tar.xz data.tar.lz4)
mirror_publish bookworm amd64
mirror_serve

mkdir -p "$work/ws1"
"$stowage" deb lock --lockfile "$work/ws1/deb.lock.json" --suite bookworm --arch amd64 \
  --mirror "$MIRROR_URL" --keyring "$MIRROR_KEYRING" --apt-config "$work/no-apt" \
  --package hello --package ca-certificates --package clash-a --package clash-b \
  --package vanish --package badsum --package oddz >/dev/null 2>"$work/lock.err" ||
  { cat "$work/lock.err"; fail "lock"; }

# After locking, the mirror changes under the lock: one .deb vanishes, another is rebuilt.
rm "$MIRROR_DIR"/pool/main/vanish_1.0_amd64.deb
rm "$MIRROR_DIR"/pool/main/badsum_1.0_amd64.deb
make_deb badsum 1.0 amd64 '' /usr/share/badsum=tampered >/dev/null

cat >"$work/ws1/WORKSPACE" <<WS
workspace(name = "debtest")
local_repository(name = "stowage", path = "$ROOT")
load("@stowage//rules:repositories.bzl", "deb_packages", "stowage_dependencies")
stowage_dependencies()
deb_packages(name = "debs", lock = "//:deb.lock.json")
load("@debs//:repositories.bzl", debs = "repositories")
debs()
WS
cat >"$work/ws1/BUILD.bazel" <<'BUILD'
load("@stowage//rules:defs.bzl", "deb_layer", "deb_lock", "oci_image", "oci_layout")
deb_lock(
    name = "lock",
    lockfile = "deb.lock.json",
    suites = ["bookworm"],
    packages = ["hello", "ca-certificates", "clash-a", "clash-b", "vanish", "badsum", "oddz"],
)
deb_layer(name = "base", packages = ["@debs//amd64:libfoo1"])
deb_layer(
    name = "app",
    below = [":base"],
    packages = ["@debs//amd64:hello", "@debs//amd64:ca-certificates"],
)
oci_image(name = "image", layers = [":base", ":app"], entrypoint = ["/bin/hello"])
oci_layout(name = "layout", image = ":image", hardlink = False)
deb_layer(name = "clash", packages = ["@debs//amd64:clash-a", "@debs//amd64:clash-b"])
deb_layer(name = "vanished", packages = ["@debs//amd64:vanish"])
deb_layer(name = "badsum", packages = ["@debs//amd64:badsum"])
deb_layer(name = "oddz", packages = ["@debs//amd64:oddz"])
BUILD
# What a rule above deb_layer (an SBOM writer) reads from its providers.
cat >"$work/ws1/package_list.bzl" <<'BZL'
load("@stowage//rules:providers.bzl", "DebLayerInfo")

def _line(p):
    return " ".join([p.name, p.version, p.architecture, p.source, p.sha256, p.deb.basename])

def _impl(ctx):
    info = ctx.attr.layer[DebLayerInfo]
    out = ctx.actions.declare_file(ctx.label.name + ".txt")
    ctx.actions.write(out, "layer:\n%s\nall:\n%s\n" % (
        "\n".join([_line(p) for p in info.layer_packages]),
        "\n".join(sorted([_line(p) for p in info.packages.to_list()])),
    ))
    return [DefaultInfo(files = depset([out]))]

package_list = rule(implementation = _impl, attrs = {"layer": attr.label(providers = [DebLayerInfo])})
BZL
cat >>"$work/ws1/BUILD.bazel" <<'BUILD'
load(":package_list.bzl", "package_list")
package_list(name = "app_packages", layer = ":app")
BUILD
cp .bazelrc "$work/ws1/.bazelrc"
cp -a "$work/ws1" "$work/ws2"
repocache=$work/repository-cache
# The workspaces build the stowage tool, which links @stowage_tool_libs: pinned Debian 12 -dev
# packages and zstd's source, fetched from the real mirror. This test's mirrors are fake or dead,
# so each repository cache starts with those files, copied by sha256 from this repository's
# cache (the `bazel build` above fetched them); the fake mirror then serves only its own .debs.
root_cache=$(bazel info repository_cache 2>/dev/null)/content_addressable/sha256
seed_tool_libs() {  # seed_tool_libs CACHE
  local sha dir
  for sha in $(python3 - "$ROOT" <<'PY'
import json, re, sys
root = sys.argv[1]
lock = json.load(open(root + "/third_party/tool_libs/debian12.lock.json"))
for record in lock["architectures"]["amd64"].values():
    print(record["sha256"])
for sha in re.findall(r'"([0-9a-f]{64})"', open(root + "/rules/private/tool_libs_repository.bzl").read()):
    print(sha)
PY
  ); do
    [[ -f $root_cache/$sha/file ]] || continue  # locked but not fetched (runtime packages, libzstd-dev)
    dir=$1/content_addressable/sha256/$sha
    mkdir -p "$dir"
    cp -l "$root_cache/$sha/file" "$dir/file" 2>/dev/null || cp "$root_cache/$sha/file" "$dir/file"
  done
}
for c in "$repocache" "$work/cache-apt" "$work/cache-attr"; do seed_tool_libs "$c"; done
debs_fetched() { grep -c 'GET /pool/.*\.deb' "$MIRROR_DIR/http.log" || true; }

echo "== build the image: packages fetched once from the mirror"
(cd "$work/ws1" && STOWAGE_DEB_MIRRORS=$MIRROR_URL "${B1[@]}" build --repository_cache="$repocache" \
  :layout :base :app) >"$work/build1.log" 2>&1 || { tail -30 "$work/build1.log"; fail "build"; }
first=$(debs_fetched)
[[ $first == 3 ]] || fail "expected 3 .deb downloads (libfoo1, hello, ca-certificates), got $first"
# The mirror came from the environment: no file Bazel keeps for the repositories names it
# (their trees, generated BUILD files and marker files).
names_mirror() {  # names_mirror OUTPUT_BASE HUB: the files of HUB's repositories naming the mirror
  grep -rlsF "${MIRROR_URL#http://}" "$1/external/$2" "$1"/external/"$2"__* "$1"/external/@"$2"*.marker || true
}
[[ -z $(names_mirror "$work/ob1" debs) ]] || fail "a repository file names the mirror: $(names_mirror "$work/ob1" debs)"

lock_sha() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["architectures"]["amd64"][sys.argv[2]]["sha256"])' "$work/ws1/deb.lock.json" "$1"; }
(cd "$work/ws1" && STOWAGE_DEB_MIRRORS=$MIRROR_URL "${B1[@]}" build --repository_cache="$repocache" :app_packages) \
  >"$work/list.log" 2>&1 || { tail -20 "$work/list.log"; fail "a rule reading DebLayerInfo"; }
[[ "$(cat "$work/ws1/bazel-bin/app_packages.txt")" == "layer:
ca-certificates 1.0 all ca-certificates $(lock_sha ca-certificates) package.deb
hello 1.0 amd64 hello $(lock_sha hello) package.deb
all:
ca-certificates 1.0 all ca-certificates $(lock_sha ca-certificates) package.deb
hello 1.0 amd64 hello $(lock_sha hello) package.deb
libfoo1 1.0 amd64 libfoo1 $(lock_sha libfoo1) package.deb" ]] || fail "DebLayerInfo: $(cat "$work/ws1/bazel-bin/app_packages.txt")"

echo "== a second clone with the same repository cache and the mirror unreachable: 0 downloads"
(cd "$work/ws2" && STOWAGE_DEB_MIRRORS=http://127.0.0.1:9/dead "${B2[@]}" build \
  --repository_cache="$repocache" :layout :base :app) >"$work/build2.log" 2>&1 ||
  { tail -30 "$work/build2.log"; fail "second clone"; }
[[ $(debs_fetched) == "$first" ]] || fail "the second clone downloaded from the mirror"
echo "   second clone: $(( $(debs_fetched) - first )) .deb downloads"

echo "== bazel run //:lock -- --check, from a subdirectory: the lock is up to date"
mkdir -p "$work/ws1/sub"
(cd "$work/ws1/sub" && "${B1[@]}" run //:lock -- --check --mirror "$MIRROR_URL" --keyring "$MIRROR_KEYRING" \
  --apt-config "$work/no-apt") >"$work/run-lock.log" 2>&1 || { tail -5 "$work/run-lock.log"; fail "bazel run //:lock"; }
grep -q "deb.lock.json is up to date: 8 packages" "$work/run-lock.log" || fail "lock --check: $(tail -3 "$work/run-lock.log")"

echo "== the mirror from apt's configuration (STOWAGE_APT_CONFIG_DIR) or the hub's mirrors attribute"
# Two more hubs on the same lock, each fetching into a fresh repository cache: one finds the
# mirror in a deb822 .sources file of an apt configuration directory, one in its attribute.
apt=$work/apt
mkdir -p "$apt/sources.list.d"
printf 'Types: deb\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: %s\n' \
  "$MIRROR_URL" "$MIRROR_KEYRING" >"$apt/sources.list.d/test.sources"
cat >>"$work/ws1/WORKSPACE" <<WS
deb_packages(name = "debs_apt", lock = "//:deb.lock.json")
load("@debs_apt//:repositories.bzl", debs_apt = "repositories")
debs_apt()
deb_packages(name = "debs_attr", lock = "//:deb.lock.json", mirrors = ["bookworm=$MIRROR_URL"])
load("@debs_attr//:repositories.bzl", debs_attr = "repositories")
debs_attr()
WS
cat >>"$work/ws1/BUILD.bazel" <<'BUILD'
deb_layer(name = "hello_apt", packages = ["@debs_apt//amd64:hello"])
deb_layer(name = "hello_attr", packages = ["@debs_attr//amd64:hello"])
deb_layer(name = "hello_env", packages = ["@debs//amd64:hello"])
BUILD
before=$(debs_fetched)
(cd "$work/ws1" && env -u STOWAGE_DEB_MIRRORS STOWAGE_APT_CONFIG_DIR="$apt" "${B1[@]}" build \
  --repository_cache="$work/cache-apt" :hello_apt) >"$work/build-apt.log" 2>&1 ||
  { tail -20 "$work/build-apt.log"; fail "build through apt's configuration"; }
[[ $(( $(debs_fetched) - before )) == 2 ]] || fail "expected 2 downloads (hello, libfoo1) through apt's configuration"
[[ -z $(names_mirror "$work/ob1" debs_apt) ]] || fail "a repository file names apt's mirror: $(names_mirror "$work/ob1" debs_apt)"
before=$(debs_fetched)
(cd "$work/ws1" && env -u STOWAGE_DEB_MIRRORS STOWAGE_APT_CONFIG_DIR="$work/no-apt" "${B1[@]}" build \
  --repository_cache="$work/cache-attr" :hello_attr :hello_env) >"$work/build-attr.log" 2>&1 ||
  { tail -20 "$work/build-attr.log"; fail "build through the mirrors attribute"; }
[[ $(( $(debs_fetched) - before )) == 2 ]] || fail "expected 2 downloads (hello, libfoo1) through the mirrors attribute"
for l in hello_apt hello_attr; do
  cmp -s "$work/ws1/bazel-bin/$l.tar.gz" "$work/ws1/bazel-bin/hello_env.tar.gz" || fail "$l differs from the same packages fetched otherwise"
done
echo "   apt's configuration: 2 downloads, the mirror in no repository file; mirrors attribute: 2; same layer"

echo "== the layers are the same bytes in both clones"
for l in base app; do
  cmp -s "$work/ws1/bazel-bin/$l.descriptor.json" "$work/ws2/bazel-bin/$l.descriptor.json" ||
    fail "layer $l differs between the clones"
  cmp -s "$work/ws1/bazel-bin/$l.tar.gz" "$work/ws2/bazel-bin/$l.tar.gz" || fail "blob $l differs"
done

echo "== what is in the image"
umoci unpack --rootless --image "$work/ws1/bazel-bin/layout:latest" "$work/bundle" >/dev/null 2>&1 ||
  umoci unpack --rootless --image "$work/ws1/bazel-bin/layout" "$work/bundle" >/dev/null
rootfs=$work/bundle/rootfs
[[ -L $rootfs/bin && $(readlink "$rootfs/bin") == usr/bin ]] || fail "/bin is not a link to usr/bin"
[[ -L $rootfs/lib && $(readlink "$rootfs/lib") == usr/lib ]] || fail "/lib is not a link to usr/lib"
[[ -f $rootfs/usr/lib/x86_64-linux-gnu/libfoo-old.so.1 ]] || fail "/lib content not under /usr/lib"
[[ -x $rootfs/usr/bin/hello ]] || fail "no executable /usr/bin/hello"
out=$(dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f '${Package} ${Version} ${Status}\n' | sort)
echo "$out" | sed 's/^/   /'
[[ "$out" == "ca-certificates 1.0 install ok installed
hello 1.0 install ok installed
libfoo1 1.0 install ok installed" ]] || fail "dpkg-query --admindir does not list the image's packages"
dpkg --admindir="$rootfs/var/lib/dpkg" -L hello | grep -qx /bin/hello || fail "dpkg -L hello"
dpkg-query --admindir="$rootfs/var/lib/dpkg" -s hello | grep -q "^ /etc/hello.conf " || fail "no Conffiles"
for p in hello ca-certificates; do
  [[ -f $rootfs/var/lib/dpkg/status.d/$p ]] || fail "no status.d record for $p"
done
# As distroless-aware scanners read it: status.d alone, one deb822 paragraph per file.
python3 - "$rootfs/var/lib/dpkg/status.d" <<'PY' || fail "status.d is not what scanners read"
import os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    paragraphs = [p for p in open(os.path.join(d, name)).read().split("\n\n") if p.strip()]
    assert len(paragraphs) == 1, (name, len(paragraphs))
    fields = {k: v.strip() for k, v in (l.split(":", 1) for l in paragraphs[0].split("\n") if l and l[0] not in " \t")}
    assert fields["Package"] == name and fields["Status"] == "install ok installed", (name, fields)
    assert fields["Version"] == "1.0" and fields["Architecture"] in ("amd64", "all"), (name, fields)
PY
mkdir -p "$work/scan"
for f in "$rootfs"/var/lib/dpkg/status.d/*; do cat "$f"; echo; done >"$work/scan/status"
[[ $(dpkg-query --admindir="$work/scan" -W -f '${Package} ${Version} ${Status}\n' | sort) == "$out" ]] ||
  fail "status.d alone does not list the image's packages"
[[ -f $rootfs/var/lib/dpkg/status.d/libfoo1 ]] || fail "no status.d record for libfoo1 (lower layer)"
tar tzf "$work/ws1/bazel-bin/app.tar.gz" | grep -q "status.d/libfoo1" && fail "the upper layer repeats libfoo1"
tar tzf "$work/ws1/bazel-bin/app.tar.gz" | grep -q "libfoo.so" && fail "the upper layer repeats libfoo1's files"

echo "== the CA bundle is what update-ca-certificates writes from the same certificates"
ref=$work/ca-ref
mkdir -p "$ref/etc" "$ref/certs"
deb=$(ls "$MIRROR_DIR"/pool/main/ca-certificates_*.deb)
dpkg-deb -x "$deb" "$ref/pkg"
(cd "$ref/pkg/usr/share/ca-certificates" && find . -name '*.crt' | sed 's|^\./||' | LC_ALL=C sort) >"$ref/ca-certificates.conf"
update-ca-certificates --certsconf "$ref/ca-certificates.conf" --certsdir "$ref/pkg/usr/share/ca-certificates" \
  --localcertsdir "$ref/none" --etccertsdir "$ref/certs" --hooksdir "$ref/none" >/dev/null 2>&1 ||
  fail "update-ca-certificates failed"
cmp "$ref/certs/ca-certificates.crt" "$rootfs/etc/ssl/certs/ca-certificates.crt" ||
  fail "the CA bundle differs from update-ca-certificates'"

echo "== errors"
expect_failure() {  # expect_failure TARGET TEXT
  if (cd "$work/ws1" && STOWAGE_DEB_MIRRORS=$MIRROR_URL "${B1[@]}" build --repository_cache="$repocache" "$1") \
    >"$work/err.log" 2>&1; then fail "$1 built"; fi
  grep -q "$2" "$work/err.log" || { grep -E "ERROR|error" "$work/err.log" | head -5; fail "$1: no '$2'"; }
  echo "   $1: $(grep -o "$2.\{0,60\}" "$work/err.log" | head -1)..."
}
expect_failure :clash "package clash-a 1.0 (amd64) and package clash-b 1.0 (amd64) both ship /usr/share/clash/file with different contents"
expect_failure :badsum "deb package badsum 1.0 (amd64): the mirror serves other bytes than the lock pins"
expect_failure :vanished "deb package vanish 1.0 (amd64) is not on the mirror(s) any more"
grep -q "re-lock (bazel run the deb_lock target that writes //:deb.lock.json)" "$work/err.log" ||
  fail "the vanished-version error does not say how to fix it"
expect_failure :oddz "deb package oddz 1.0 (amd64): its data member is data.tar.lz4, a compression"
echo "PASS"
