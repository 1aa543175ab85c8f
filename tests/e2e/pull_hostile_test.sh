#!/usr/bin/env bash
# `stowage pull` (the real binary) from a registry on loopback that serves hostile JSON
# (tests/registry/testdata/hostile): every manifest, index and config with a wrong type, a
# lying size, too many layers or a NUL is refused with exactly one "stowage: error:" line and
# exit 1 (never an abort: before, several of these died of SIGABRT from nlohmann's type_error),
# and leaves no pull.json and no temp file. Then a pull whose download threads the system
# refuses (RLIMIT_NPROC for an otherwise idle uid): one error line, exit 1, nothing left.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/registry/e2e_lib.sh
build_stowage
FIXTURES=tests/registry/testdata/hostile

python3 tests/registry/hostile_registry.py "$FIXTURES" "$WORK/port" &
PIDS+=($!)
for _ in $(seq 1 100); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
wait_port "$PORT"

digest_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }

# pull_case FIXTURE EXPECTED_TEXT: refused, one error line containing EXPECTED_TEXT.
pull_case() {
  local fixture=$1 want=$2 out="$WORK/out-$1" rc=0
  "$STOWAGE" pull --repository "127.0.0.1:$PORT/hostile/app" --digest "$(digest_of "$FIXTURES/$fixture")" \
    --output "$out" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  [[ $rc -eq 1 ]] || { cat "$WORK/stderr"; fail "$fixture: exit $rc, want 1"; }
  local errors
  errors=$(grep -c '^stowage: error: ' "$WORK/stderr" || true)
  [[ $errors -eq 1 ]] || { cat "$WORK/stderr"; fail "$fixture: $errors error lines"; }
  ! grep -qE 'terminate called|what\(\)|internal error' "$WORK/stderr" || fail "$fixture: crashed"
  grep -qF -- "$want" "$WORK/stderr" || { cat "$WORK/stderr"; fail "$fixture: no \"$want\""; }
  [[ ! -e "$out/pull.json" ]] || fail "$fixture: pull.json written"
  if [[ -d "$out" ]] && find "$out" -name '*tmp*' | grep -q .; then fail "$fixture: temp file left"; fi
  echo "   ok $fixture: $(sed -n 's/^stowage: error: //p' "$WORK/stderr" | cut -c1-110)"
}

echo "== the valid fixture pulls (the server works)"
"$STOWAGE" pull --repository "127.0.0.1:$PORT/hostile/app" \
  --digest "$(digest_of "$FIXTURES/manifest_valid.json")" --output "$WORK/valid" >/dev/null 2>"$WORK/stderr" \
  || { cat "$WORK/stderr"; fail "the valid fixture did not pull"; }
[[ -s "$WORK/valid/pull.json" ]] || fail "no pull.json for the valid fixture"

echo "== hostile manifests, indexes and configs"
pull_case manifest_schema_version_string.json "schemaVersion: expected an integer, got a string"
pull_case manifest_layer_media_type_number.json "layers[0].mediaType: expected a string, got an integer"
pull_case manifest_layers_object.json "layers: expected an array, got an object"
pull_case manifest_config_string.json "config: expected an object, got a string"
pull_case manifest_size_string.json "layers[0].size: expected an integer, got a string"
pull_case manifest_size_negative.json "layers[0].size: expected an integer from 0"
pull_case manifest_size_float.json "layers[0].size: expected an integer, got a number"
pull_case manifest_urls_not_strings.json "layers[0].urls[0]: expected a string"
pull_case manifest_annotation_nul.json "NUL byte"
pull_case manifest_digest_escape.json 'invalid digest "sha256:\x1b[31mred"'
pull_case manifest_layer_not_tar.json "is not a tar layer"
pull_case manifest_duplicate_digest_sizes.json "is listed with sizes 12 and 13"
pull_case manifest_config_too_large.json "a config of 1099511627776 bytes is over the limit"
pull_case manifest_not_object.json "expected an object, got an array"
pull_case manifest_deeply_nested.json "nested more than"
pull_case manifest_truncated.json "malformed JSON"
pull_case index_platform_string.json "manifests[0].platform: expected an object, got a string"
pull_case index_platform_os_number.json "manifests[0].platform.os: expected a string"
pull_case index_entry_not_object.json "manifests[0]: expected an object, got a string"
pull_case index_entry_size_string.json "manifests[0].size: expected an integer, got a string"
pull_case index_manifests_object.json "manifests: expected an array, got an object"
pull_case index_child_too_large.json "a manifest of 1073741824 bytes is over the limit"
pull_case manifest_config_diff_ids_object.json "rootfs.diff_ids: expected an array, got an object"
pull_case manifest_config_rootfs_string.json "rootfs: expected an object, got a string"
pull_case manifest_config_diff_id_number.json "rootfs.diff_ids[0]: expected a string"
pull_case manifest_config_diff_ids_missing_one.json "diff_ids lists 0 layers but the manifest 1"
pull_case manifest_config_architecture_list.json "architecture: expected a string, got an array"

echo "== a pull whose threads the system refuses"
# RLIMIT_NPROC counts every process and thread of the real uid: an unused uid at a limit of
# one has its main thread and nothing more (root ignores the limit, so drop to that uid).
UID_FREE=65534
if [[ $(ps -u "$UID_FREE" -o pid= | wc -l) -ne 0 ]]; then
  echo "   skipped: uid $UID_FREE has processes, the limit would not be exact"
else
  mkdir -p "$WORK/layout/blobs/sha256" "$WORK/nproc-out"
  for f in "$FIXTURES"/*; do cp "$f" "$WORK/layout/blobs/sha256/$(sha256sum "$f" | cut -d' ' -f1)"; done
  chmod -R a+rX "$WORK"
  chown "$UID_FREE" "$WORK/nproc-out"
  rc=0
  setpriv --reuid="$UID_FREE" --regid="$UID_FREE" --clear-groups \
    prlimit --nproc=1 -- "$STOWAGE" pull --layout "$WORK/layout" \
    --digest "$(digest_of "$FIXTURES/manifest_valid.json")" --output "$WORK/nproc-out/o" \
    >/dev/null 2>"$WORK/stderr" || rc=$?
  [[ $rc -eq 1 ]] || { cat "$WORK/stderr"; fail "thread limit: exit $rc, want 1"; }
  grep -q '^stowage: error: cannot start a download thread: Resource temporarily unavailable' \
    "$WORK/stderr" || { cat "$WORK/stderr"; fail "thread limit: not one clear error line"; }
  [[ ! -e "$WORK/nproc-out/o/pull.json" ]] || fail "thread limit: pull.json written"
  ! find "$WORK/nproc-out" -name '*tmp*' | grep -q . || fail "thread limit: temp file left"
  echo "   ok: $(sed -n 's/^stowage: error: //p' "$WORK/stderr" | cut -c1-110)"

  echo "== a layer whose compression threads the system refuses"
  echo hello >"$WORK/nproc-out/f"
  printf '{"compression":"gzip","threads":4,"entries":[{"type":"file","source":"%s","path":"x"}]}' \
    "$WORK/nproc-out/f" >"$WORK/nproc-out/spec.json"
  chown "$UID_FREE" "$WORK/nproc-out"/*
  rc=0
  setpriv --reuid="$UID_FREE" --regid="$UID_FREE" --clear-groups \
    prlimit --nproc=1 -- "$STOWAGE" layer --spec "$WORK/nproc-out/spec.json" \
    --output "$WORK/nproc-out/blob" --descriptor "$WORK/nproc-out/desc.json" \
    >/dev/null 2>"$WORK/stderr" || rc=$?
  [[ $rc -eq 1 ]] || { cat "$WORK/stderr"; fail "layer under a thread limit: exit $rc, want 1"; }
  grep -q '^stowage: error: cannot start a gzip worker thread' "$WORK/stderr" \
    || { cat "$WORK/stderr"; fail "layer under a thread limit: not one clear error line"; }
  [[ -z "$(ls "$WORK/nproc-out" | grep -v '^f$\|^spec.json$\|^o$')" ]] \
    || fail "layer under a thread limit left $(ls "$WORK/nproc-out")"
  echo "   ok: $(sed -n 's/^stowage: error: //p' "$WORK/stderr" | cut -c1-110)"
fi
echo "PASS pull_hostile"
