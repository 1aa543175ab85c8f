#!/usr/bin/env bash
# rules_oci_compat_test.sh IMAGE_FILES(3) DOCKER_IMAGE_FILES(3) DIGEST_FILE TAR TAR_GZ TAR_ZST
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
pick() {  # pick SUFFIX FILES...: the file ending in SUFFIX
  local suffix=$1 f
  shift
  for f in "$@"; do [[ "$f" == *"$suffix" ]] && { echo "$f"; return; }; done
  fail "no *$suffix in $*"
}
image=("$1" "$2" "$3")
docker=("$4" "$5" "$6")
digest_file=$7 tar=$8 tar_gz=$9 tar_zst=${10}
flat=("${11}" "${12}") relative=("${13}" "${14}")
config=$(pick .config.json "${image[@]}")
manifest=$(pick .manifest.json "${image[@]}")
descriptor=$(pick .descriptor.json "${image[@]}")
sha() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }

python3 - "$config" "$manifest" "$(sha "$tar")" "$(sha "$tar_gz")" "$(sha "$tar_zst")" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
manifest = json.load(open(sys.argv[2]))
tar, tar_gz, tar_zst = sys.argv[3:6]
def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
c = config["config"]
check(config["created"] == "2024-01-31T12:00:00.000Z", "created from the file: %r" % config.get("created"))
check("GREETING=hello world" in c["Env"] and "URL=https://example.invalid/?a=b" in c["Env"], "env file: %r" % c.get("Env"))
check(c["Labels"] == {"org.opencontainers.image.title": "compat"}, "labels file: %r" % c.get("Labels"))
check(c["Entrypoint"] == ["/bin/sh", "-c"], "entrypoint file: %r" % c.get("Entrypoint"))
check(c["Cmd"] == ["echo hi"], "cmd list: %r" % c.get("Cmd"))
check(c["ExposedPorts"] == {"8080/tcp": {}}, "exposed_ports: %r" % c.get("ExposedPorts"))
layers = manifest["layers"]
check(len(layers) == 4, "four tars, four layers: %d" % len(layers))
types = [l["mediaType"].rsplit(".", 1)[-1] for l in layers]
check(types == ["tar", "tar+gzip", "tar+zstd", "tar+gzip"], "media types: %r" % types)
# Kept compressions: the tar file itself is the blob.
check([l["digest"] for l in layers[:3]] == [tar, tar_gz, tar_zst], "kept tars are their own blobs")
# The same tar contents in every layer: one diff_id four times.
diff_ids = config["rootfs"]["diff_ids"]
check(len(set(diff_ids)) == 1 and diff_ids[0] == tar, "diff_ids: %r" % diff_ids)
PY

dconfig=$(pick .config.json "${docker[@]}")
dmanifest=$(pick .manifest.json "${docker[@]}")
python3 - "$dconfig" "$dmanifest" "$(sha "$tar_gz")" "$(sha "$tar_zst")" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
manifest = json.load(open(sys.argv[2]))
def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
check(config["created"] == "2023-11-14T22:13:20Z", "created value: %r" % config.get("created"))
types = [l["mediaType"] for l in manifest["layers"]]
check(types == ["application/vnd.docker.image.rootfs.diff.tar.gzip"] * 2, "docker media types: %r" % types)
check(manifest["layers"][0]["digest"] == sys.argv[3], "the gzip tar is kept")
check(manifest["layers"][1]["digest"] != sys.argv[4], "the zstd tar is recompressed")
check(len(set(config["rootfs"]["diff_ids"])) == 1, "same contents, same diff_id")
PY

want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["digest"])' "$descriptor")
[[ "$(cat "$digest_file")" == "$want" ]] || fail "image.digest holds '$(cat "$digest_file")', want $want"
[[ "$want" == "$(sha "$manifest")" ]] || fail "the digest is not the manifest's"
# Sources in Bazel's sandbox are symlinks: a pkg_tar-like tar must hold the files themselves.
types=$(tar -tvf "$tar" | grep -v '^d' | cut -c1 | sort -u | tr -d '\n')
[[ "$types" == "-" ]] || fail "the tar holds non-regular entries ($types): $(tar -tvf "$tar")"
echo "ok: rules_oci-style image"

listing() { tar -tf "$(pick .tar "$@")" | sed 's#^\./##' | grep -v '/$' | sort | tr '\n' ' '; }
[[ "$(listing "${flat[@]}")" == "opt/app.conf opt/hello.txt " ]] || fail "flatten: $(listing "${flat[@]}")"
[[ "$(listing "${relative[@]}")" == "opt/files/app/hello.txt opt/files/etc/app.conf " ]] \
  || fail "package-relative: $(listing "${relative[@]}")"
echo "ok: flatten = True maps like pkg_tar"
