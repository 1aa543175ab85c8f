#!/usr/bin/env bash
# End-to-end checks of oci_image / oci_layout / oci_tarball / oci_image_index output with
# third-party readers: oci-image-tool, skopeo and umoci. Also: bad inputs fail with clear
# errors, and the same image built from another checkout path gives the same digests.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d "${TMPDIR:-/tmp}/stowage-image-e2e.XXXXXX")
copy_output_base=""
cleanup() {
  if [[ -n "$copy_output_base" && -d "$work/copy" ]]; then
    (cd "$work/copy" && bazel --output_base="$copy_output_base" shutdown >/dev/null 2>&1) || true
    chmod -R u+w "$copy_output_base" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

echo "== building tests/image"
bazel build //tests/image/... >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "bazel build //tests/image/..."; }
bin=$(bazel info bazel-bin 2>/dev/null)/tests/image
digest_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$1"; }

# --- OCI image layout ------------------------------------------------------------------------
layout="$bin/app_layout"
oci-image-tool validate --type image --ref name=app "$layout" >"$work/validate.log" 2>&1 \
  || { cat "$work/validate.log"; fail "oci-image-tool rejects $layout"; }
oci-image-tool validate --type manifest "$layout/blobs/sha256/$(digest_of "$bin/app.descriptor.json" | cut -d: -f2)" >/dev/null \
  || fail "oci-image-tool rejects the app manifest"
oci-image-tool validate --type config "$bin/app.config.json" >/dev/null || fail "oci-image-tool rejects the app config"
pass "oci-image-tool validates the layout, manifest and config"

inspect=$(skopeo inspect "oci:$layout:app")
want=$(digest_of "$bin/app.descriptor.json")
got=$(jq -r .Digest <<<"$inspect")
[[ "$got" == "$want" ]] || fail "skopeo sees digest $got, the rule wrote $want"
[[ $(jq -r '.Layers | length' <<<"$inspect") == 3 ]] || fail "skopeo sees $(jq '.Layers|length' <<<"$inspect") layers, want 3"
jq -e '.Env | index("PATH=/app/bin:/usr/local/bin:/usr/bin:/bin")' <<<"$inspect" >/dev/null \
  || fail "env merge/expansion not visible to skopeo: $(jq -c .Env <<<"$inspect")"
skopeo inspect --config "oci:$layout:app" | jq -e '.config.ExposedPorts["8080/tcp"] and .config.User == "1000:1000" and .config.WorkingDir == "/app" and (.history | length) == 3' >/dev/null \
  || fail "config fields as read by skopeo: $(skopeo inspect --config "oci:$layout:app")"
pass "skopeo inspect oci:$layout:app"

skopeo copy -q "oci:$layout:app" "docker-archive:$work/copied.tar:stowage/app:copied" >/dev/null
skopeo inspect "docker-archive:$work/copied.tar" | jq -e '.Layers | length == 3' >/dev/null || fail "skopeo copy to docker-archive"
pass "skopeo copy oci: -> docker-archive:"

# umoci applies the layers: /etc/gone is deleted by a whiteout, /data's old contents by an
# opaque directory marker; nothing else changes.
expected_tree() {
  cat <<'TREE'
app
app/main.sh
bin
bin/hello
data
data/new
etc
etc/app.conf
etc/keep
TREE
}
umoci unpack --rootless --image "$layout:app" "$work/bundle" >"$work/umoci.log" 2>&1 || { cat "$work/umoci.log"; fail "umoci unpack"; }
(cd "$work/bundle/rootfs" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$work/tree.txt"
diff <(expected_tree) "$work/tree.txt" || fail "umoci rootfs differs from the expected tree (whiteout/opaque)"
[[ $(cat "$work/bundle/rootfs/data/new") == new && $(cat "$work/bundle/rootfs/etc/keep") == kept ]] || fail "file contents in the rootfs"
pass "umoci unpack: rootfs equals the expected tree (whiteout and opaque directory applied)"

# An image whose top layer comes from `stowage layer` (oci_layer).
umoci unpack --rootless --image "$bin/site_layout:site" "$work/site" >/dev/null 2>&1 || fail "umoci unpack site"
[[ -x "$work/site/rootfs/srv/serve.sh" && $(cat "$work/site/rootfs/srv/site/index.html") == "<h1>hello</h1>" ]] \
  || fail "oci_layer files missing from the unpacked site image"
skopeo inspect "oci:$bin/site_zstd_layout:zstd" | jq -e '.Layers | length == 4' >/dev/null || fail "skopeo on a zstd image"
skopeo copy -q "oci:$bin/site_zstd_layout:zstd" "oci:$work/zstd_copy:zstd" >/dev/null || fail "skopeo copy of a zstd image"
pass "oci_layer layers (gzip via umoci, zstd via skopeo)"

# --- docker-archive + OCI layout tarball --------------------------------------------------------
tarball="$bin/app_tarball.tar"
skopeo inspect "docker-archive:$tarball" | jq -e '.Layers | length == 3' >/dev/null || fail "skopeo inspect docker-archive:$tarball"
mkdir "$work/tarball_layout" && tar -xf "$tarball" -C "$work/tarball_layout"
skopeo inspect "oci:$work/tarball_layout:v1" | jq -e --arg d "$want" '.Digest == $d' >/dev/null \
  || fail "the tarball's OCI layout does not hold the image"
jq -e '.[0].RepoTags == ["stowage.test/app:v1"]' "$work/tarball_layout/manifest.json" >/dev/null || fail "RepoTags"
for entry in $(tar -tf "$tarball"); do
  [[ "$entry" == blobs/* || "$entry" == index.json || "$entry" == manifest.json || "$entry" == oci-layout || "$entry" == repositories ]] \
    || fail "unexpected tar entry $entry"
done
tar -tvf "$tarball" | awk '{print $4}' | sort -u | grep -qx 1970-01-01 || fail "tar mtimes are not 0"
pass "oci_tarball is a docker-archive and an OCI layout"

# --- Docker format --------------------------------------------------------------------------
# containers/image looks OCI layouts up by tag only for OCI media types, so the Docker-format
# layout is read without a tag (it holds one image).
skopeo inspect --raw "oci:$bin/app_docker_layout" | jq -e '.mediaType == "application/vnd.docker.distribution.manifest.v2+json" and .config.mediaType == "application/vnd.docker.container.image.v1+json" and (.layers[0].mediaType == "application/vnd.docker.image.rootfs.diff.tar.gzip")' >/dev/null \
  || fail "Docker media types in the docker-format layout"
skopeo inspect "oci:$bin/app_docker_layout" | jq -e --arg d "$(digest_of "$bin/app_docker.descriptor.json")" '.Digest == $d' >/dev/null || fail "docker layout digest"
skopeo inspect "docker-archive:$bin/app_docker_tarball.tar" | jq -e '.Layers | length == 3' >/dev/null || fail "docker tarball"
skopeo copy -q "docker-archive:$bin/app_docker_tarball.tar" "oci:$work/from_docker:app" >/dev/null || fail "skopeo copy docker-archive -> oci"
umoci unpack --rootless --image "$work/from_docker:app" "$work/docker_bundle" >/dev/null 2>&1 || fail "umoci unpack of the docker image"
(cd "$work/docker_bundle/rootfs" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) | diff <(expected_tree) - \
  || fail "docker-format rootfs differs"
pass "docker format: Docker media types, skopeo and umoci read it"

skopeo inspect --raw "oci:$bin/oci_over_docker_layout:mixed" | jq -e '.mediaType == "application/vnd.oci.image.manifest.v1+json" and (.layers | map(.mediaType) | unique == ["application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip"])' >/dev/null \
  || fail "an OCI image over a Docker base: layer media types not mapped to OCI"
umoci unpack --rootless --image "$bin/oci_over_docker_layout:mixed" "$work/mixed" >/dev/null 2>&1 || fail "umoci unpack of the OCI-over-Docker image"
[[ -f "$work/mixed/rootfs/srv/serve.sh" && ! -e "$work/mixed/rootfs/etc/gone" ]] || fail "OCI-over-Docker rootfs"
pass "OCI image over a Docker base: media types mapped, unpacks"

# --- image index ----------------------------------------------------------------------------
oci-image-tool validate --type image --ref name=multi "$bin/multi_layout" >/dev/null 2>&1 || fail "oci-image-tool rejects the index layout"
skopeo inspect --raw "oci:$bin/multi_layout:multi" | jq -e '.mediaType == "application/vnd.oci.image.index.v1+json" and (.manifests | map(.platform.architecture) == ["amd64","arm64"]) and .manifests[1].platform.variant == "v8"' >/dev/null \
  || fail "index platforms"
skopeo --override-arch arm64 --override-variant v8 inspect "oci:$bin/multi_layout:multi" | jq -e '.Architecture == "arm64"' >/dev/null || fail "skopeo picks arm64 from the index"
pass "oci_image_index: platforms, readable by skopeo and oci-image-tool"

# --- time and stamping ----------------------------------------------------------------------
cat >"$work/status.sh" <<'STATUS'
#!/bin/sh
echo "STABLE_GIT_COMMIT 0123456789abcdef"
echo "STABLE_GIT_URL https://git.example/stowage"
STATUS
chmod +x "$work/status.sh"
bazel build --action_env=SOURCE_DATE_EPOCH=1700000000 --workspace_status_command="$work/status.sh" \
  //tests/image:base //tests/image:app_stamped >"$work/stamp.log" 2>&1 || { tail -20 "$work/stamp.log"; fail "stamped build"; }
jq -e '.created == "2023-11-14T22:13:20Z" and (.history | all(.created == "2023-11-14T22:13:20Z"))' "$bin/base.config.json" >/dev/null \
  || fail "SOURCE_DATE_EPOCH not used: $(jq -c .created "$bin/base.config.json")"
jq -e '.annotations["org.opencontainers.image.created"] == "2023-11-14T22:13:20Z"' "$bin/base.manifest.json" >/dev/null || fail "created annotation"
jq -e '.annotations["org.opencontainers.image.revision"] == "0123456789abcdef" and .annotations["org.opencontainers.image.source"] == "https://git.example/stowage" and .annotations["org.opencontainers.image.created"] != "1970-01-01T00:00:00Z"' "$bin/app_stamped.manifest.json" >/dev/null \
  || fail "stamped annotations: $(jq -c .annotations "$bin/app_stamped.manifest.json")"
jq -e '.config.Labels["vcs-ref"] == "0123456789abcdef"' "$bin/app_stamped.config.json" >/dev/null || fail "stamped label"
pass "SOURCE_DATE_EPOCH and stamping (created, revision, source, {KEY} labels)"
# Back to the default configuration for the checks below.
bazel build //tests/image/... >/dev/null 2>&1

# --- bad input: clear errors ------------------------------------------------------------------
expect_error() {
  local target=$1 pattern=$2
  if bazel build "//tests/image/bad:$target" >"$work/bad.log" 2>&1; then fail "$target built but must fail"; fi
  grep -qE -- "$pattern" "$work/bad.log" || { tail -5 "$work/bad.log"; fail "$target: no error matching /$pattern/"; }
}
expect_error tampered_layout "stowage: error: blob .*tampered.tar.gz has digest sha256:[0-9a-f]+ .* but its descriptor says"
expect_error tampered_tarball "stowage: error: blob .*tampered.tar.gz has digest"
expect_error bad_port 'invalid exposed port "http"'
expect_error bad_env "environment variable without a name"
expect_error bad_tag 'invalid tag "bad tag!"'
expect_error bad_repo_tag 'invalid image reference "Uppercase/App:1"'
expect_error not_a_layer_descriptor 'does not describe a layer: mediaType "application/vnd.oci.image.config.v1\+json"'
expect_error not_a_layer_target "does not have mandatory providers: 'LayerInfo'"
expect_error zstd_in_docker "zstd layers need format"
expect_error on_malformed_base "rootfs.diff_ids: expected an array, got a string \(in the base config\)"
[[ -z "$(ls -A "$bin/bad/tampered_layout" 2>/dev/null)" ]] || fail "a failed layout left files behind"
pass "bad inputs fail with clear errors"

# Determinism across checkout paths and output bases is checked, for these targets too, by
# tests/e2e/reproducible_build_test.sh, which pays for one full rebuild for all such checks.
echo "image_readers_test: all checks passed"
