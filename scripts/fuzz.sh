#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (docs/fuzzing.md), built with --config=fuzz
# (clang-14, libFuzzer, ASan, UBSan) in their own Bazel output base.
#
#   scripts/fuzz.sh [TARGET...]          fuzz each target for $FUZZ_SECONDS (default 60) with
#                                        a corpus kept in .stowage/fuzz/corpus/TARGET (grows
#                                        from run to run; seeded from tests/fuzz/corpus)
#   scripts/fuzz.sh --smoke [TARGET...]  replay each target's checked-in corpus, then mutate
#                                        it for $FUZZ_SMOKE_SECONDS (default 5) in a scratch
#                                        copy: what `make test` runs
#   scripts/fuzz.sh --merge [TARGET...]  add to each target's checked-in corpus the inputs of
#                                        its working corpus that reach new edges (libFuzzer
#                                        -merge=1 -use_counters=0, smallest first), so every fresh
#                                        machine and `bazel test //...` replay what fuzzing found
#
# TARGET is a name such as css_fuzzer (default: every target). Crashing inputs are kept in
# .stowage/fuzz/crashes/TARGET/ (smoke: in the log directory). Prints one line per target
# (executions, corpus size, crashes) and ends with "N passed, N failed" (failed: targets that
# crashed, hung or ran out of memory); exits non-zero when any failed.
# FUZZ_JOBS=N runs N targets at once (default 1); FUZZ_NICE (default 19) is their niceness.
# Real runs are also logged in .stowage/fuzz/history.tsv (date, target, seconds, executions,
# corpus size, crash files this run added).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/output_base.sh

mode=fuzz
case "${1:-}" in
  --smoke | --merge)
    mode=${1#--}
    shift
    ;;
esac
seconds=${FUZZ_SECONDS:-60}
[[ $mode == smoke ]] && seconds=${FUZZ_SMOKE_SECONDS:-5}
jobs=${FUZZ_JOBS:-1}
niceness=${FUZZ_NICE:-19}
state=.stowage/fuzz
logdir=$(mktemp -d "${TMPDIR:-/tmp}/stowage-fuzz.XXXXXX")

targets=("$@")
if ((${#targets[@]} == 0)); then
  while read -r label; do targets+=("${label##*:}"); done < <(
    bazel_in fuzz query 'attr(tags, "fuzz_target", tests(//tests/fuzz/...))' 2>/dev/null)
fi
if ((${#targets[@]} == 0)); then
  echo "fuzz: no fuzz targets found (bazel query failed?)"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== fuzz: building ${#targets[@]} targets with --config=fuzz (output base $(output_base_for fuzz))"
labels=()
for t in "${targets[@]}"; do labels+=("//tests/fuzz:$t"); done
if ! nice -n "$niceness" bash -c 'source scripts/lib/output_base.sh; bazel_in fuzz build --config=fuzz "$@"' _ "${labels[@]}" \
  >"$logdir/build.log" 2>&1; then
  tail -n 30 "$logdir/build.log" | sed 's/^/   | /'
  echo "fuzz: the build failed (see $logdir/build.log)"
  echo "0 passed, 1 failed"
  exit 1
fi
bin=$(bazel_in fuzz info --config=fuzz bazel-bin 2>/dev/null)

symbolizer=$(command -v llvm-symbolizer-14 || echo /usr/lib/llvm-14/bin/llvm-symbolizer)
export ASAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_one TARGET: fuzzes one target; writes $logdir/TARGET.result ("ok|crash SUMMARY").
run_one() {
  local t=$1 seeds=tests/fuzz/corpus/$1 corpus crashes dict log
  log=$logdir/$t.log
  if [[ $mode == smoke ]]; then
    corpus=$logdir/$t.corpus
    crashes=$logdir/$t.crashes
  else
    corpus=$state/corpus/$t
    crashes=$state/crashes/$t
  fi
  mkdir -p "$corpus" "$crashes"
  # Inputs an earlier run left are not this run's findings (they stay until someone moves them).
  local before
  before=$(find "$crashes" -type f | wc -l)
  # Absolute: the fuzzer runs in its runfiles directory.
  corpus=$(realpath "$corpus")
  crashes=$(realpath "$crashes")
  seeds=$(realpath "$seeds")
  dict=()
  if [[ -f tests/fuzz/dicts/$t.dict ]]; then
    cat tests/fuzz/dicts/common.dict "tests/fuzz/dicts/$t.dict" >"$logdir/$t.dict"
    dict=(-dict="$logdir/$t.dict")
  elif [[ -f tests/fuzz/dicts/common.dict ]]; then
    dict=(-dict="$(realpath tests/fuzz/dicts/common.dict)")
  fi
  # Smoke runs use a fixed seed, so `make test` mutates the same way every time (a failure
  # there reproduces); real runs explore from a fresh seed and take longer inputs.
  local extra=(-seed="${FUZZ_SMOKE_SEED:-1}")
  [[ $mode == fuzz ]] && extra=(-max_len="${FUZZ_MAX_LEN:-65536}")
  # The runfiles directory is the working directory Bazel would give the test.
  (cd "$bin/tests/fuzz/$t.runfiles/stowage" 2>/dev/null || cd "$bin/tests/fuzz"
    nice -n "$niceness" "$bin/tests/fuzz/$t" -max_total_time="$seconds" -timeout=25 \
      -rss_limit_mb=2560 -print_final_stats=1 -artifact_prefix="$crashes/" \
      "${dict[@]}" "${extra[@]}" "$corpus" "$seeds" \
      </dev/null >"$log" 2>&1)
  local rc=$? runs size found
  runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}' | tail -1)
  size=$(find "$corpus" -type f | wc -l)
  found=$(($(find "$crashes" -type f | wc -l) - before))
  if [[ $mode == fuzz ]]; then
    # A ledger of real runs: date, target, seconds, executions, corpus size, new crash files.
    mkdir -p "$state"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${runs:-0}" "$size" \
      "$found" >>"$state/history.tsv"
  fi
  if [[ $rc -eq 0 && $found -eq 0 ]]; then
    echo "ok ${runs:-0} $size" >"$logdir/$t.result"
  else
    local summary
    summary=$(grep -m1 -E '^SUMMARY:|ERROR: libFuzzer|invariant broken|==ERROR' "$log" | cut -c1-160)
    echo "crash ${runs:-0} $size ${summary:-exit $rc}" >"$logdir/$t.result"
  fi
}

# merge_one TARGET: folds the working corpus into the seeds; writes $logdir/TARGET.result.
merge_one() {
  local t=$1 seeds=tests/fuzz/corpus/$1 corpus=$state/corpus/$1 log=$logdir/$1.log before after
  if [[ ! -d $corpus ]]; then
    echo "crash 0 0 no working corpus in $corpus (run scripts/fuzz.sh $t first)" >"$logdir/$t.result"
    return
  fi
  mkdir -p "$seeds"
  before=$(find "$seeds" -type f | wc -l)
  seeds=$(realpath "$seeds")
  corpus=$(realpath "$corpus")
  (cd "$bin/tests/fuzz/$t.runfiles/stowage" 2>/dev/null || cd "$bin/tests/fuzz"
    nice -n "$niceness" "$bin/tests/fuzz/$t" -merge=1 -use_counters=0 -timeout=25 -rss_limit_mb=2560 \
      -max_len="${FUZZ_MAX_LEN:-65536}" "$seeds" "$corpus" </dev/null >"$log" 2>&1)
  local rc=$?
  after=$(find "$seeds" -type f | wc -l)
  if [[ $rc -eq 0 ]]; then
    echo "ok $((after - before)) $after" >"$logdir/$t.result"
  else
    echo "crash 0 $after merge failed (exit $rc), see $log" >"$logdir/$t.result"
  fi
}

if [[ $mode == merge ]]; then
  echo "== fuzz: merge working corpora into tests/fuzz/corpus (logs in $logdir)"
  passed=0
  failed=0
  for t in "${targets[@]}"; do
    merge_one "$t"
    read -r verdict added size summary <"$logdir/$t.result"
    if [[ $verdict == ok ]]; then
      passed=$((passed + 1))
      printf '   %-28s MERGED  %5s new inputs, seeds %5s\n' "$t" "$added" "$size"
    else
      failed=$((failed + 1))
      printf '   %-28s FAILED  %s\n' "$t" "$summary"
    fi
  done
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit
fi

echo "== fuzz: $mode, ${seconds}s per target, $jobs at a time (logs in $logdir)"
running=0
for t in "${targets[@]}"; do
  if [[ ! -x "$bin/tests/fuzz/$t" ]]; then
    echo "crash 0 0 no such fuzz target" >"$logdir/$t.result"
    continue
  fi
  run_one "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
done
wait

passed=0
failed=0
for t in "${targets[@]}"; do
  read -r verdict runs size summary <"$logdir/$t.result"
  if [[ $verdict == ok ]]; then
    passed=$((passed + 1))
    printf '   %-28s PASSED  %10s execs, corpus %5s\n' "$t" "$runs" "$size"
  else
    failed=$((failed + 1))
    printf '   %-28s FAILED  %10s execs: %s\n' "$t" "$runs" "$summary"
    if [[ $mode == smoke ]]; then
      echo "      inputs: $logdir/$t.crashes/  log: $logdir/$t.log"
    else
      echo "      inputs: $state/crashes/$t/  log: $logdir/$t.log"
    fi
  fi
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
