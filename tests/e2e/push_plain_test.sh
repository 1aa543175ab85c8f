#!/usr/bin/env bash
# stowage push over plain HTTP to a real docker-registry on 127.0.0.1:
# - a fresh push arrives intact (skopeo pulls back the same manifest and blob digests);
# - a re-push of the unchanged image sends only HEAD requests (plus the GET /v2/ ping);
# - changing one layer uploads exactly that layer and the config;
# - chunked uploads (forced by a small threshold) give the same blobs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh

build_stowage
PORT=$(free_port)
start_registry reg "$PORT"
REPO=127.0.0.1:$PORT/test/app

echo "== fresh push"
make_image "$WORK/img1" 1,2,3 --layer-size 300000
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO" --tag v1 --tag latest $(push_args "$WORK/img1") \
  >"$WORK/push1.out" 2>"$WORK/push1.err" || { cat "$WORK/push1.err"; fail "fresh push"; }
cat "$WORK/push1.out"
want="$REPO@$(cat "$WORK/img1/digest")"
[[ "$(tail -n 1 "$WORK/push1.out")" == "$want" ]] || fail "last line is not $want"
[[ $(summary_field "$WORK/push1.out" blobs_pushed) == 4 ]] || fail "expected 4 blobs pushed"
grep -q '^pushed sha256:' "$WORK/push1.err" || fail "no 'pushed' progress lines"

echo "== skopeo pulls back the same digests"
skopeo copy --quiet --src-tls-verify=false "docker://$REPO:v1" "oci:$WORK/back:v1" >/dev/null
back_manifest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$WORK/back/index.json")
[[ "$back_manifest" == "$(cat "$WORK/img1/digest")" ]] || fail "skopeo saw manifest $back_manifest"
for f in "$WORK"/img1/layer*.tar.gz "$WORK/img1/config.json"; do
  d=$(sha256sum "$f" | cut -d' ' -f1)
  cmp -s "$f" "$WORK/back/blobs/sha256/$d" || fail "blob $f differs after the round trip"
done
skopeo inspect --tls-verify=false "docker://$REPO:latest" | grep -q "$(cat "$WORK/img1/digest")" \
  || fail "tag latest does not point at the pushed digest"

echo "== no-change re-push: only HEAD requests"
# shellcheck disable=SC2046
"$STOWAGE" push --verbose --repository "$REPO" --tag v1 --tag latest $(push_args "$WORK/img1") \
  >"$WORK/push2.out" 2>"$WORK/push2.err" || { cat "$WORK/push2.err"; fail "re-push"; }
tail -n 3 "$WORK/push2.out"
methods=$(grep -E '^> (GET|HEAD|POST|PUT|PATCH|DELETE) ' "$WORK/push2.err" | awk '{print $2, $3}' | grep -v '^GET https://' || true)
echo "$methods" | sed 's/^/   /'
non_head=$(echo "$methods" | grep -v '^HEAD ' | grep -vc '^GET http://127.0.0.1:[0-9]*/v2/$' || true)
[[ "$non_head" == 0 ]] || fail "re-push sent requests other than HEAD and the ping"
heads=$(echo "$methods" | grep -c '^HEAD ')
# 4 blobs + the manifest by digest + 2 tags.
[[ "$heads" == 7 ]] || fail "expected 7 HEAD requests, saw $heads"
[[ $(summary_field "$WORK/push2.out" uploaded_bytes) == 0 ]] || fail "re-push uploaded bytes"
[[ $(summary_field "$WORK/push2.out" requests) == 8 ]] || fail "expected 8 requests in the summary"

echo "== one layer changed: uploads that layer and the config"
make_image "$WORK/img2" 1,9,3 --layer-size 300000
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO" --tag v2 $(push_args "$WORK/img2") \
  >"$WORK/push3.out" 2>"$WORK/push3.err" || { cat "$WORK/push3.err"; fail "changed push"; }
cat "$WORK/push3.out"
want_bytes=$(( $(file_size "$WORK/img2/layer1.tar.gz") + $(file_size "$WORK/img2/config.json") ))
got=$(summary_field "$WORK/push3.out" uploaded_bytes)
[[ "$got" == "$want_bytes" ]] || fail "uploaded $got bytes, expected layer+config = $want_bytes"
[[ $(summary_field "$WORK/push3.out" config_bytes) == $(file_size "$WORK/img2/config.json") ]] \
  || fail "config bytes"
skopeo inspect --tls-verify=false "docker://$REPO:v1" | grep -q "$(cat "$WORK/img1/digest")" \
  || fail "v1 moved"

echo "== chunked uploads"
make_image "$WORK/img3" 4,5 --layer-size 2500000
# shellcheck disable=SC2046
"$STOWAGE" push --repository "$REPO-chunked" --tag v1 --chunk-threshold 1000000 \
  --chunk-size 600000 --jobs 2 $(push_args "$WORK/img3") \
  >"$WORK/push4.out" 2>"$WORK/push4.err" || { cat "$WORK/push4.err"; fail "chunked push"; }
[[ $(grep '^summary:' "$WORK/push4.out" | grep -o 'PATCH=[0-9]*') == "PATCH=10" ]] \
  || fail "expected 10 PATCH requests: $(grep '^summary:' "$WORK/push4.out")"
skopeo copy --quiet --src-tls-verify=false "docker://$REPO-chunked:v1" "oci:$WORK/back3:v1" >/dev/null
for f in "$WORK"/img3/layer*.tar.gz; do
  d=$(sha256sum "$f" | cut -d' ' -f1)
  cmp -s "$f" "$WORK/back3/blobs/sha256/$d" || fail "chunked blob $f differs"
done

echo "== a wrong blob is an error, not an upload"
cp "$WORK/img1/layer0.tar.gz" "$WORK/bad.tar.gz"
cp "$WORK/img2/layer1.tar.gz" "$WORK/img1-badlayer.tar.gz"
sed "s#$WORK/img3/layer0.tar.gz#$WORK/img1/layer0.tar.gz#" "$WORK/img3/layers.flags" >"$WORK/img3/bad.flags"
if "$STOWAGE" push --repository "$REPO-bad" --manifest "$WORK/img3/manifest.json" \
  --config "$WORK/img3/config.json" $(sed 's/^/--layer /' "$WORK/img3/bad.flags") \
  >"$WORK/bad.out" 2>"$WORK/bad.err"; then
  fail "a blob that does not match its descriptor was pushed"
fi
grep -q "does not match\|descriptor says" "$WORK/bad.err" || { cat "$WORK/bad.err"; fail "unclear error"; }
if curl -sf -o /dev/null "http://127.0.0.1:$PORT/v2/test/app-bad/manifests/$(cat "$WORK/img3/digest")"; then
  fail "manifest went up although a blob was wrong"
fi
echo "== oci_push: bazel run with default tags, then with overrides"
bazel run //tests/registry:push_fixture -- --repository "127.0.0.1:$PORT/test/bazel" \
  >"$WORK/b1.out" 2>"$WORK/b1.err" || { cat "$WORK/b1.err"; fail "bazel run push_fixture"; }
fixture_digest=$(sha256sum tests/registry/testdata/manifest.json | cut -d' ' -f1)
[[ "$(tail -n 1 "$WORK/b1.out")" == "127.0.0.1:$PORT/test/bazel@sha256:$fixture_digest" ]] || fail "oci_push last line"
grep -q "tags moved: fixture,from-file;" "$WORK/b1.out" || fail "default tags (remote_tags + remote_tags_file)"
bazel run //tests/registry:push_fixture -- --repository "127.0.0.1:$PORT/test/bazel" --tag override \
  >"$WORK/b2.out" 2>"$WORK/b2.err" || { cat "$WORK/b2.err"; fail "bazel run with --tag"; }
grep -q "tags moved: override; unchanged: none" "$WORK/b2.out" || fail "--tag did not replace the default tags"
echo "== oci_push with stamp = True: {KEY} in tags from the workspace status"
printf '#!/bin/sh\necho STABLE_TEST_REVISION 0a1b2c3\n' >"$WORK/status.sh" && chmod +x "$WORK/status.sh"
bazel run --stamp --workspace_status_command="$WORK/status.sh" //tests/registry:push_fixture_stamped \
  -- --repository "127.0.0.1:$PORT/test/stamped" >"$WORK/b3.out" 2>"$WORK/b3.err" ||
  { cat "$WORK/b3.err"; fail "bazel run push_fixture_stamped"; }
grep -q "tags moved: rev-0a1b2c3,latest;" "$WORK/b3.out" || { cat "$WORK/b3.out"; fail "stamped tag"; }
curl -sf -o /dev/null -H "Accept: application/vnd.oci.image.manifest.v1+json" \
  "http://127.0.0.1:$PORT/v2/test/stamped/manifests/rev-0a1b2c3" || fail "the stamped tag is not in the registry"
# The same tags without stamping information: one clear line, nothing pushed under a raw "{".
if "$STOWAGE" push --repository "127.0.0.1:$PORT/test/stamped" --tag 'rev-{STABLE_TEST_REVISION}' \
  --manifest tests/registry/testdata/manifest.json --config tests/registry/testdata/config.json \
  >"$WORK/b4.out" 2>"$WORK/b4.err"; then fail "an unstamped {KEY} tag was accepted"; fi
grep -q 'names {STABLE_TEST_REVISION}, which needs stamping' "$WORK/b4.err" || { cat "$WORK/b4.err"; fail "unstamped tag error"; }
echo "== an index (two images) from a --spec file"
make_image "$WORK/amd" 41 --layer-size 50000
make_image "$WORK/arm" 41,42 --layer-size 50000
python3 - "$WORK" <<'PY'
import hashlib, json, os, sys
work = sys.argv[1]
entries, images = [], []
for name, arch in (("amd", "amd64"), ("arm", "arm64")):
    d = os.path.join(work, name)
    m = open(os.path.join(d, "manifest.json"), "rb").read()
    entries.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": len(m),
                    "digest": "sha256:" + hashlib.sha256(m).hexdigest(),
                    "platform": {"architecture": arch, "os": "linux"}})
    layers = [dict(zip(("descriptor", "blob"), l.strip().split("=")))
              for l in open(os.path.join(d, "layers.flags")) if l.strip()]
    images.append({"manifest": os.path.join(d, "manifest.json"),
                   "config": os.path.join(d, "config.json"), "layers": layers})
index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                    "manifests": entries}, separators=(",", ":")).encode()
open(os.path.join(work, "index.json"), "wb").write(index)
open(os.path.join(work, "index.digest"), "w").write("sha256:" + hashlib.sha256(index).hexdigest())
json.dump({"index": os.path.join(work, "index.json"), "images": images},
          open(os.path.join(work, "spec.json"), "w"))
PY
"$STOWAGE" push --repository "$REPO-multi" --tag v1 --spec "$WORK/spec.json" \
  >"$WORK/i.out" 2>"$WORK/i.err" || { cat "$WORK/i.err"; fail "index push"; }
[[ "$(tail -n 1 "$WORK/i.out")" == "$REPO-multi@$(cat "$WORK/index.digest")" ]] || fail "index digest"
[[ $(summary_field "$WORK/i.out" manifests_put) == 3 ]] || fail "expected 2 manifests + the index"
[[ $(summary_field "$WORK/i.out" blobs_pushed) == 4 ]] || fail "shared layer not deduplicated"
skopeo inspect --tls-verify=false --raw "docker://$REPO-multi:v1" | cmp -s - "$WORK/index.json" \
  || fail "the registry's index differs"
skopeo copy --quiet --src-tls-verify=false --override-arch arm64 "docker://$REPO-multi:v1" "oci:$WORK/arm-back:v1" >/dev/null
echo "== oci_image / oci_image_index targets through oci_push"
for t in push_app push_app_docker push_multi; do
  repo="127.0.0.1:$PORT/test/${t//_/-}"
  bazel run "//tests/registry:$t" -- --repository "$repo" >"$WORK/$t.out" 2>"$WORK/$t.err" \
    || { cat "$WORK/$t.err"; fail "bazel run $t"; }
  ref=$(tail -n 1 "$WORK/$t.out")
  tag=$(grep -o 'tags moved: [a-z]*' "$WORK/$t.out" | cut -d' ' -f3)
  raw_digest=$(skopeo inspect --tls-verify=false --raw "docker://$repo:$tag" | sha256sum | cut -d' ' -f1)
  [[ "$ref" == "$repo@sha256:$raw_digest" ]] || fail "$t: registry has sha256:$raw_digest, push said $ref"
  skopeo copy --quiet --all --src-tls-verify=false "docker://$repo:$tag" "oci:$WORK/$t-back:$tag" >/dev/null \
    || fail "$t: skopeo cannot copy what was pushed"
done
skopeo inspect --tls-verify=false --raw "docker://127.0.0.1:$PORT/test/push-app-docker:docker" \
  | grep -q 'application/vnd.docker.distribution.manifest.v2+json' || fail "docker media type lost"
echo "== stowage pull picks a platform from the pushed index"
"$STOWAGE" pull --repository "127.0.0.1:$PORT/test/push-multi" --tag multi --platform linux/arm64 \
  --output "$WORK/pulled-arm" >"$WORK/pull.out" 2>"$WORK/pull.err" || { cat "$WORK/pull.err"; fail "pull arm64"; }
grep -q '"architecture":"arm64"' "$WORK/pulled-arm/descriptor.json" || fail "not the arm64 image"
want=$(skopeo inspect --tls-verify=false --raw "docker://127.0.0.1:$PORT/test/push-multi:multi" \
  | python3 -c 'import json,sys; print([m["digest"] for m in json.load(sys.stdin)["manifests"] if m["platform"]["architecture"]=="arm64"][0])')
[[ "$(cat "$WORK/pull.out")" == "$want" ]] || fail "pulled $(cat "$WORK/pull.out"), the index says $want"
if "$STOWAGE" pull --repository "127.0.0.1:$PORT/test/push-multi" --tag multi --platform linux/s390x \
  --output "$WORK/pulled-s390x" 2>"$WORK/pull2.err"; then fail "pulled a platform the index lacks"; fi
grep -q "no linux/s390x image in the index" "$WORK/pull2.err" || fail "unclear platform error"
echo "PASS push_plain"
