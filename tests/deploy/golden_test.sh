#!/usr/bin/env bash
# golden_test.sh GOLDEN_FILE GENERATED...: each generated file must equal the golden file with
# the same name (in GOLDEN_FILE's directory), byte for byte.
set -euo pipefail
golden_dir=$(dirname "$1")
shift
for generated in "$@"; do
  golden="$golden_dir/$(basename "$generated")"
  if ! diff -u "$golden" "$generated"; then
    echo "FAIL: $generated differs from $golden (update the golden file if the change is intended)"
    exit 1
  fi
  echo "ok: $(basename "$generated")"
done
