# Shared helpers for the e2e scripts that run the stowage binary on hostile inputs and outputs
# (outputs_test.sh, hostile_inputs_test.sh); sourced, not run. Gives $WORK (removed on exit),
# $STOWAGE, fail, refused, no_temporaries and peak_rss_kb.
#
#   STOWAGE_BIN=path  runs the checks against another build (an older one, to see them fail)
#   KEEP_GOING=1      reports every failing check instead of stopping at the first

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
  [[ -n "${KEEP_GOING:-}" ]] || exit 1
}

if [[ -z "${STOWAGE_BIN:-}" ]]; then
  bazel build //builder:stowage >/dev/null 2>&1 || { bazel build //builder:stowage; fail "build"; }
fi
STOWAGE="${STOWAGE_BIN:-$(bazel info bazel-bin 2>/dev/null)/builder/stowage}"
[[ -x "$STOWAGE" ]] || fail "no stowage binary at $STOWAGE"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stowage-cli-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# refused NEEDLE ARGS...: stowage ARGS must fail with exactly one error line containing NEEDLE.
refused() {
  local needle="$1"
  shift
  local err
  if err=$("$STOWAGE" "$@" 2>&1); then
    fail "stowage $* succeeded, expected: $needle"
    return 0
  fi
  [[ "$(printf '%s\n' "$err" | grep -c 'stowage: error:')" == 1 ]] || fail "not one error line: $err"
  [[ "$err" == *"$needle"* ]] || fail "stowage $*: expected \"$needle\", got: ${err:0:300}"
}

# no_temporaries [DIR]: nothing named like stowage's temporaries is left under DIR.
no_temporaries() {
  local left
  left=$(find "${1:-.}" \( -name '*.tmp.*' -o -name '*.old.*' \) -print | head -5)
  [[ -z "$left" ]] || fail "temporaries left behind: $left"
}

# peak_rss_kb LIMIT_SECONDS ARGS...: runs stowage ARGS under a time limit and a 4 GiB address
# space limit (so an unbounded build cannot take the machine down); prints "RC PEAK_RSS_KB".
peak_rss_kb() {
  local limit="$1"
  shift
  local rc=0
  timeout "$limit" prlimit --as=$((4 << 30)) /usr/bin/time -f %M -o "$WORK/rss" \
    "$STOWAGE" "$@" >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?
  echo "$rc $(tail -n 1 "$WORK/rss" 2>/dev/null || echo 0)"
}
