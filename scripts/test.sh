#!/usr/bin/env bash
# Runs every test: `bazel test //...` (GoogleTest units and Bazel-run checks, fuzz corpora
# replayed), each fuzz target briefly (scripts/fuzz.sh --smoke: clang, libFuzzer, ASan, UBSan),
# then each end-to-end script in tests/e2e/*_test.sh (they start their own registry, database,
# etc.), and the whole Bazel suite again under ASan + UBSan (--config=asan: a second full build,
# about 14 min on a cold 2-core machine, then only what changed).
# Ends with one line "N passed, N failed" and exits non-zero when anything failed.
# STOWAGE_SKIP_FUZZ=1 leaves the fuzz targets out, STOWAGE_SKIP_ASAN=1 the sanitizer suite
# (for a quick local loop; CI runs both).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/output_base.sh
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

# print_failed_test_logs BAZEL_LOG: the tail of each failed test's own log, so a run elsewhere
# (CI) shows why, not only where the log was.
print_failed_test_logs() {
  local log
  while read -r log; do
    echo "---- tail of $log"
    tail -n 60 "$log" 2>/dev/null || echo "(log not readable)"
  done < <(grep -oE '^FAIL: //\S+ \(see \S+\)' "$1" | sed -E 's/.*\(see (\S+)\)/\1/' || true)
}

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
print_failed_test_logs "$logdir/bazel.log"

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

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own output base so
# the main build's cache survives. Each test counts again, as "asan //...".
if [[ -z "${STOWAGE_SKIP_ASAN:-}" ]]; then
  echo "== bazel test --config=asan //... (output base $(output_base_for asan))"
  start=$(date +%s)
  # shellcheck disable=SC2046
  bazel_in asan test --config=asan --test_summary=short $(workspace_targets) 2>&1 | tee "$logdir/asan.log" | grep -E "^(//|ERROR|FAIL|Executed)" || true
  asan_rc=${PIPESTATUS[0]}
  ap=$(grep -cE '^//\S+\s+(\(cached\) )?PASSED' "$logdir/asan.log" || true)
  af=$(grep -cE '^//\S+\s+(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD|INCOMPLETE)' "$logdir/asan.log" || true)
  passed=$((passed + ap))
  failed=$((failed + af))
  if [[ $asan_rc -ne 0 && $af -eq 0 ]]; then
    failed=$((failed + 1))
    failures+=("bazel test --config=asan //... (exit $asan_rc, see $logdir/asan.log)")
  fi
  while read -r t; do failures+=("asan $t"); done < <(grep -oE '^//\S+\s+(FAILED|TIMEOUT|NO STATUS|FAILED TO BUILD)' "$logdir/asan.log" || true)
  print_failed_test_logs "$logdir/asan.log"
  echo "   asan suite took $(( $(date +%s) - start ))s"
fi

# Every fuzz target: its checked-in corpus through libFuzzer (clang, ASan, UBSan), then a few
# seconds of mutation. Each target counts once.
if [[ -z "${STOWAGE_SKIP_FUZZ:-}" ]]; then
  echo "== fuzz targets (scripts/fuzz.sh --smoke, ${FUZZ_SMOKE_SECONDS:-5}s each)"
  start=$(date +%s)
  bash scripts/fuzz.sh --smoke 2>&1 | tee "$logdir/fuzz.log" | sed -n '/^   /p;/^fuzz:/p'
  fuzz_line=$(tail -n 1 "$logdir/fuzz.log")
  if [[ $fuzz_line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  else
    failed=$((failed + 1))
    failures+=("fuzz (see $logdir/fuzz.log)")
  fi
  while read -r t; do failures+=("fuzz $t"); done < <(awk '$2 == "FAILED" {print $1}' "$logdir/fuzz.log")
  echo "   fuzz targets took $(( $(date +%s) - start ))s"
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
