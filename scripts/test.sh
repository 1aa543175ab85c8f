#!/usr/bin/env bash
# Runs every test: `bazel test //...` (GoogleTest units and Bazel-run checks), then each
# end-to-end script in tests/e2e/*_test.sh (they start their own registry, database, etc.).
# Ends with one line "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
failures=()
logdir=$(mktemp -d "${TMPDIR:-/tmp}/stowage-test.XXXXXX")

echo "== bazel test //..."
bazel test //... --test_summary=short 2>&1 | tee "$logdir/bazel.log" | grep -E "^(//|ERROR|FAIL|Executed)" || true
bazel_rc=${PIPESTATUS[0]}
bp=$(grep -cE '^//\S+\s+(\(cached\) )?PASSED' "$logdir/bazel.log" || true)
bf=$(grep -cE '^//\S+\s+(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD|INCOMPLETE)' "$logdir/bazel.log" || true)
passed=$((passed + bp))
failed=$((failed + bf))
if [[ $bazel_rc -ne 0 && $bf -eq 0 ]]; then
  # The build itself broke before any test could report.
  failed=$((failed + 1))
  failures+=("bazel test //... (exit $bazel_rc, see $logdir/bazel.log)")
fi
while read -r t; do failures+=("$t"); done < <(grep -oE '^//\S+\s+(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$logdir/bazel.log" || true)

# The incompatible flags later Bazel versions turned on (.bazelrc, docs/bazel.md): the same
# tests, mostly cached (these flags change no action's command line).
echo "== bazel test --config=future //..."
if bazel test --config=future //... --test_summary=short >"$logdir/bazel-future.log" 2>&1; then
  passed=$((passed + 1))
  echo "   PASSED"
else
  failed=$((failed + 1))
  failures+=("bazel test --config=future //... (see $logdir/bazel-future.log)")
  grep -E "^(ERROR|FAIL)" "$logdir/bazel-future.log" | head -n 10 | sed 's/^/   | /'
fi

# End-to-end checks: each prints its own detail; a 25-minute bound keeps CI from hanging (the reproducibility check rebuilds everything from scratch twice).
filter="${STOWAGE_E2E_FILTER:-}"
for t in tests/e2e/*_test.sh; do
  [[ -e "$t" ]] || continue
  [[ -n "$filter" && "$t" != *"$filter"* ]] && continue
  name=$(basename "$t" .sh)
  echo "== e2e $name"
  start=$(date +%s)
  if timeout 1500 bash "$t" >"$logdir/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "   PASSED in $(( $(date +%s) - start ))s"
  else
    failed=$((failed + 1))
    failures+=("e2e $name")
    echo "   FAILED in $(( $(date +%s) - start ))s; last lines of $logdir/$name.log:"
    tail -n 25 "$logdir/$name.log" | sed 's/^/   | /'
  fi
done

for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
