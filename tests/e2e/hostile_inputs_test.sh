#!/usr/bin/env bash
# Linear work on hostile specs and trees (issue 11, "hangs and unbounded resources" and "wrong
# output"), through the real binary, each run under a time limit and a 4 GiB address-space limit
# (peak_rss_kb), so a regression fails here instead of taking the machine down:
#  - a 4 MB layer or static spec of deeply nested paths is refused with one line and costs
#    megabytes, not gigabytes (before: 6 GB and more, then an abort);
#  - the same image path from two large files is compared by streaming (before: both read whole);
#  - a symlink DAG in a layer tree or a static directory is refused (before: exponential walk);
#  - CSS with a million "url(" and no ")" is processed in linear time (before: quadratic);
#  - a FIFO or /dev/zero as a static `files` entry is refused at once (before: hang / growth);
#  - .wh.* names in a tree are refused, not silently turned into whiteouts;
#  - NUL bytes in names are refused.
# The bounds are on memory (peak RSS, which a loaded machine does not change); the time limit is
# only a hang guard, generous for a loaded 2-core CI machine (every run here takes seconds).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib/cli_checks.sh
cd "$WORK"

# A hang guard, not a timing: a run that gets here is stuck (a FIFO read, an exponential walk).
HANG_GUARD_S=${HANG_GUARD_S:-300}

# expect_refused MAX_RSS_KB NEEDLE ARGS...: stowage ARGS fails with one error line holding
# NEEDLE, within MAX_RSS_KB of peak memory (and before the hang guard).
expect_refused() {
  local limit="$HANG_GUARD_S" max_kb="$1" needle="$2"
  shift 2
  local rc kb before=$failures
  read -r rc kb < <(peak_rss_kb "$limit" "$@")
  local err
  err=$(cat "$WORK/run.err")
  if [[ $rc == 0 ]]; then
    fail "stowage $1 succeeded, expected: $needle"
  elif [[ $rc == 124 ]]; then
    fail "stowage $1 ran past ${limit}s (expected: $needle)"
  else
    [[ "$(grep -c 'stowage: error:' <<<"$err")" == 1 ]] || fail "stowage $1: not one error line: ${err:0:300}"
    [[ "$err" == *"$needle"* ]] || fail "stowage $1: expected \"$needle\", got: ${err:0:300}"
  fi
  ((${kb:-0} <= max_kb)) || fail "stowage $1 ($needle): peak RSS ${kb} KB, more than ${max_kb} KB"
  [[ $failures != "$before" ]] || echo "ok: $1 refused ($needle), peak RSS ${kb} KB"
}

echo x > a.txt
: > empty

# ---- deep image paths in a layer spec -------------------------------------------------------
python3 - <<'EOF'
import json
deep = "a/" * (2 * 1024 * 1024 - 2) + "x"          # one 4 MB path
json.dump({"entries": [{"type": "file", "source": "a.txt", "path": deep}]}, open("deep.json", "w"))
many = ["d%d/" % i + "a/" * 1995 + "x" for i in range(1000)]   # 1000 paths of 4 KB, 2000 deep
json.dump({"entries": [{"type": "file", "source": "a.txt", "path": p} for p in many]},
          open("many.json", "w"))
json.dump({"brotli": False, "sources": [{"files": [[deep + ".css", "a.txt"]]}]},
          open("static_deep.json", "w"))
json.dump({"brotli": False, "sources": [{"files": [[p + ".css", "a.txt"] for p in many]}]},
          open("static_many.json", "w"))
EOF
expect_refused 204800 "more than the 4096 an image path may have" \
  layer --spec deep.json --output l.tgz --descriptor l.json
expect_refused 819200 "add up to more than 268435456 bytes" \
  layer --spec many.json --output l.tgz --descriptor l.json
expect_refused 204800 "more than the 4096 a path may have" \
  static --spec static_deep.json --out tree
expect_refused 819200 "add up to more than 268435456 bytes" \
  static --spec static_many.json --out tree
[[ ! -e l.tgz && ! -e l.json && ! -e tree ]] || fail "refused runs left outputs"

# ---- the same image path from two large files: compared by streaming --------------------------
truncate -s 512M big1 big2           # sparse: no disk used
echo '{"entries":[{"type":"file","source":"big1","path":"data"},{"type":"file","source":"big2","path":"data"}]}' > same.json
read -r rc kb < <(peak_rss_kb "$HANG_GUARD_S" layer --spec same.json --output same.tgz --descriptor same.json.d \
  --compression gzip --level 1 --threads 2)
[[ $rc == 0 ]] || fail "two identical files on one path: exit $rc: $(head -c 300 run.err)"
((kb < 262144)) || fail "comparing two 512 MiB files took ${kb} KB (both read whole?)"
echo "two identical 512 MiB files on one path: exit $rc, peak RSS ${kb} KB"
printf 'y' | dd of=big2 bs=1 seek=$((512 * 1024 * 1024 - 1)) conv=notrunc status=none
expect_refused 262144 "given twice" layer --spec same.json --output s2.tgz --descriptor s2.json

# ---- symlink DAGs: d0/{a,b} -> d1, d1/{a,b} -> d2, ... (2^25 paths; before: 45 s and 270 MB of
# walking, then a misleading "symlink loop" from the kernel's limit on nested lookups) ----------
mkdir -p dag/d25 && echo leaf > dag/d25/leaf
for i in $(seq 0 24); do
  mkdir -p "dag/d$i"
  ln -s "../d$((i + 1))" "dag/d$i/a"
  ln -s "../d$((i + 1))" "dag/d$i/b"
done
echo '{"entries":[{"type":"tree","source":"dag/d0","path":"app"}]}' > dag.json
expect_refused 204800 "expand exponentially" layer --spec dag.json --output d.tgz --descriptor d.json
echo "{\"brotli\":false,\"sources\":[{\"dirs\":[[\"\",\"$WORK/dag/d0\"]]}]}" > static_dag.json
expect_refused 204800 "expand exponentially" static --spec static_dag.json --out tree

# ---- CSS: a million "url(" without ")" --------------------------------------------------------
mkdir -p css
python3 -c 'open("css/app.css", "w").write("a{b:" + "url(" * 1000000 + "\n}")'
echo "{\"brotli\":false,\"gzip\":false,\"sources\":[{\"files\":[[\"app.css\",\"$WORK/css/app.css\"]]}]}" > css.json
read -r rc kb < <(peak_rss_kb "$HANG_GUARD_S" static --spec css.json --out csstree)
[[ $rc == 0 ]] || fail "CSS with a million url( and no ): exit $rc: $(head -c 300 run.err)"
[[ -f csstree/staticfiles.json ]] || fail "no static tree for the CSS"
echo "a million url( without ): exit $rc, peak RSS ${kb} KB"

# ---- special files as static `files` entries ---------------------------------------------------
mkfifo fifo
for special in "$WORK/fifo" /dev/zero; do
  echo "{\"brotli\":false,\"sources\":[{\"files\":[[\"x.js\",\"$special\"]]}]}" > special.json
  expect_refused 204800 "not a regular file" static --spec special.json --out tree
done
[[ -p fifo && ! -e tree ]] || fail "the FIFO was changed or a tree left"

# ---- .wh.* names in a tree: refused, not whiteouts ----------------------------------------------
mkdir -p wh/etc && : > wh/etc/.wh.passwd && echo ok > wh/ok
echo '{"entries":[{"type":"tree","source":"wh","path":""}]}' > wh.json
expect_refused 204800 "named like a whiteout" layer --spec wh.json --output w.tgz --descriptor w.json
echo '{"entries":[{"type":"file","source":"empty","path":"etc/.wh.motd"}]}' > wh2.json
expect_refused 204800 "named like a whiteout" layer --spec wh2.json --output w.tgz --descriptor w.json
echo '{"entries":[{"type":"file","source":"empty","path":"etc/.wh.motd","whiteout":true}]}' > wh3.json
"$STOWAGE" layer --spec wh3.json --output w.tgz --descriptor w.json --compression none
tar -tf w.tgz | grep -qx 'etc/.wh.motd' || fail "an asked-for whiteout is missing"

# ---- NUL bytes in names -----------------------------------------------------------------------
echo '{"entries":[{"type":"file","source":"a.txt","path":"app/x\u0000y"}]}' > nul.json
expect_refused 204800 "NUL byte" layer --spec nul.json --output n.tgz --descriptor n.json
echo '{"entries":[{"type":"symlink","path":"app/l","target":"x\u0000y"}]}' > nul2.json
expect_refused 204800 "NUL byte" layer --spec nul2.json --output n.tgz --descriptor n.json
echo "{\"brotli\":false,\"sources\":[{\"files\":[[\"x\\u0000.css\",\"$WORK/a.txt\"]]}]}" > nul3.json
expect_refused 204800 "NUL byte" static --spec nul3.json --out tree

no_temporaries
[[ $failures == 0 ]] || exit 1
echo "PASS: hostile_inputs_test"
