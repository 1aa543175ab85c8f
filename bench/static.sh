#!/usr/bin/env bash
# `stowage static` against Django's `collectstatic` with WhiteNoise's
# CompressedManifestStaticFilesStorage on the same tree: django.contrib.admin's static files plus
# COPIES prefixed copies of them (each copy's compressible files get a distinct comment so no
# two copies share bytes), once with brotli (quality 11 on both sides) and once without (WhiteNoise
# run with a `brotli` module that fails to import). Each tool runs once per mode; prints a table
# with ratios and writes it to bench/results/static.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
copies=${COPIES:-4}
bazel build -c opt //builder:stowage >/dev/null 2>&1 || { echo "bazel build failed"; exit 1; }
# Both trees live on tmpfs by default: on this VM's ext4 disk, creating the 3,541 output files
# costs each tool a time that swings several-fold with how many inodes were deleted recently
# (perf: ext4's inode allocator), which measures the disk's history, not the tools. Set
# STATIC_BENCH_DIR=/tmp (or any directory) to measure on a disk instead.
bench_dir=${STATIC_BENCH_DIR:-/dev/shm}
# Fall back to $TMPDIR when the directory is missing or too small (a container's 64 MB /dev/shm).
if [[ ! -d "$bench_dir" || ! -w "$bench_dir" ]] ||
  (($(df --output=avail -k "$bench_dir" | tail -1) < 512 * 1024)); then
  bench_dir=${TMPDIR:-/tmp}
fi
tmp=$(mktemp -d "$bench_dir/static-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp bazel-bin/builder/stowage "$tmp/stowage"

admin_src=$($PY -c 'import django.contrib.admin, os; print(os.path.join(os.path.dirname(django.contrib.admin.__file__), "static"))')
dirs_py=""
spec_sources="{\"dirs\": [[\"\", \"$tmp/admin\"]]}"
cp -rL "$admin_src" "$tmp/admin"
for i in $(seq 1 "$copies"); do
  cp -rL "$admin_src" "$tmp/copy$i"
  find "$tmp/copy$i" -type f \( -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.txt' -o -name '*.md' \) \
    -exec sh -c 'printf "\n/* copy %s */\n" "$0" >>"$1"' "$i" {} \;
  dirs_py+="(\"copy$i\", \"$tmp/copy$i\"), "
  spec_sources+=", {\"prefix\": \"copy$i\", \"dirs\": [[\"\", \"$tmp/copy$i\"]]}"
done
files=$(find "$tmp/admin" "$tmp"/copy* -type f | wc -l)
bytes=$(du -sb "$tmp/admin" "$tmp"/copy* | awk '{s += $1} END {printf "%.1f", s / 1048576}')

mkdir -p "$tmp/proj" "$tmp/nobrotli"
cat >"$tmp/proj/bench_settings.py" <<PYEOF
import os
SECRET_KEY = "static-bench-only"
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "/static/"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
STATICFILES_DIRS = [$dirs_py"$tmp/admin"]
STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
PYEOF
# WhiteNoise writes .br only when `import brotli` succeeds; this module makes it fail.
echo 'raise ImportError("brotli disabled for the benchmark")' >"$tmp/nobrotli/brotli.py"
for b in true false; do
  echo "{\"brotli\": $b, \"sources\": [$spec_sources]}" >"$tmp/spec_$b.json"
done

# Each run prints "wall cpu" seconds (cpu = user + sys, all threads).
timed() {  # $1 = label, then the command
  local label=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$tmp/time_$label" "$@"
  awk '{printf "%.2f %.2f", $1, $2 + $3}' "$tmp/time_$label"
}
run_django() {  # $1 = label, $2 = out dir, $3 = extra PYTHONPATH entry
  BENCH_STATIC_ROOT="$2" DJANGO_SETTINGS_MODULE=bench_settings PYTHONPATH="$3$tmp/proj" \
    timed "$1" $PY -m django collectstatic --noinput -v0
}
run_stowage() {  # $1 = label, $2 = out dir, $3 = spec
  timed "$1" "$tmp/stowage" static --spec="$3" --out="$2"
}

read -r django_br django_br_cpu <<<"$(run_django django_br "$tmp/django_br" "")"
read -r ours_br ours_br_cpu <<<"$(run_stowage ours_br "$tmp/ours_br" "$tmp/spec_true.json")"
read -r django_nobr django_nobr_cpu <<<"$(run_django django_nobr "$tmp/django_nobr" "$tmp/nobrotli:")"
read -r ours_nobr ours_nobr_cpu <<<"$(run_stowage ours_nobr "$tmp/ours_nobr" "$tmp/spec_false.json")"

# Same outputs, or the comparison means nothing.
for mode in br nobr; do
  a=$(cd "$tmp/django_$mode" && find . -type f | sort | sha256sum)
  b=$(cd "$tmp/ours_$mode" && find . -type f | sort | sha256sum)
  [[ "$a" == "$b" ]] || { echo "outputs differ in mode $mode"; exit 1; }
done
[[ -z $(find "$tmp/django_nobr" -name '*.br') ]] || { echo "WhiteNoise still wrote .br files"; exit 1; }
out_files=$(find "$tmp/ours_br" -type f | wc -l)

ratio() { echo "$1 / $2" | bc -l; }
mkdir -p bench/results
{
  echo "static: $files input files ($bytes MiB: django.contrib.admin static + $copies distinct copies) -> $out_files output files"
  echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; stowage uses every core, Django one"
  echo "trees on $(df --output=fstype "$tmp" | tail -1) ($bench_dir)"
  printf '%-26s %14s %14s %9s %14s %14s %9s\n' "mode" "collectstatic" "stowage" "speedup" \
    "collectstatic" "stowage" "cpu ratio"
  printf '%-26s %14s %14s %9s %14s %14s %9s\n' "" "wall" "wall" "(wall)" "cpu" "cpu" ""
  printf '%-26s %13.2fs %13.2fs %8.1fx %13.2fs %13.2fs %8.1fx\n' "brotli q11 + gzip -9" \
    "$django_br" "$ours_br" "$(ratio "$django_br" "$ours_br")" \
    "$django_br_cpu" "$ours_br_cpu" "$(ratio "$django_br_cpu" "$ours_br_cpu")"
  printf '%-26s %13.2fs %13.2fs %8.1fx %13.2fs %13.2fs %8.1fx\n' "gzip -9 only (no brotli)" \
    "$django_nobr" "$ours_nobr" "$(ratio "$django_nobr" "$ours_nobr")" \
    "$django_nobr_cpu" "$ours_nobr_cpu" "$(ratio "$django_nobr_cpu" "$ours_nobr_cpu")"
  echo "(both trees hold the same file names in each mode; cpu = user + sys over all threads)"
} | tee bench/results/static.txt
