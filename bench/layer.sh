#!/usr/bin/env bash
# Layer benchmark: one layer from a real tree that every fresh machine with stowage's packages
# has (Python's standard library and site packages, OpenJDK 17, /usr/include, /usr/share/doc:
# hundreds of MB, tens of thousands of files), built by
#   - stowage layer (gzip, then zstd): one pass, both digests included;
#   - tar --sort=name | gzip -6 -n, then sha256 of the blob and of the decompressed tar
#     (the digest + diff_id passes every non-streaming pipeline needs);
#   - the best one-pass shell pipeline: tar --sort=name | tee >(sha256sum) | pigz -p<cores> -6 -n
#     | tee out | sha256sum (diff_id and digest while compressing, as stowage does);
#   - bsdtar -cz, plus both passes (what rules_oci's tar toolchain runs);
#   - umoci insert into an empty image (its own gzip and digests);
#   - tar | sha256sum alone: the floor for reading and hashing the tree, stowage zstd's yardstick.
# Each is run RUNS times; the best wall time is kept (the machine is shared). Prints wall and
# CPU seconds, output size, peak RSS, and each peer's wall time as a ratio to stowage gzip's.
#
# Usage: bench/layer.sh [RUNS]   (default 2; writes bench/results/layer.txt)
# LAYER_BENCH_DIRS overrides the source directories (absolute paths, space-separated).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
results=bench/results/layer.txt
work=bench/results/layer_bench
mkdir -p "$work" bench/results
cores=$(nproc)

dirs=(${LAYER_BENCH_DIRS:-/usr/lib/python3 /usr/lib/python3.11 /usr/lib/jvm/java-17-openjdk-amd64 /usr/include /usr/share/doc})
for d in "${dirs[@]}"; do [[ -d "$d" ]] || { echo "bench/layer: no directory $d" >&2; exit 1; }; done

# Every tool reads the same staged copy, so relative names and file sets are identical.
tree=$work/tree
if [[ ! -f "$work/tree.v2" ]]; then
  echo "== staging ${dirs[*]} into $tree (once)"
  rm -rf "$tree"
  mkdir -p "$tree"
  for d in "${dirs[@]}"; do
    mkdir -p "$tree$(dirname "$d")"
    cp -a "$d" "$tree$(dirname "$d")/"
  done
  # stowage follows symlinks in a source tree (Bazel's sandbox presents inputs as links) while
  # tar and umoci store them as links; without links every tool packs the same bytes.
  find "$tree" -type l -delete
  touch "$work/tree.v2"
fi
files=$(find "$tree" -type f | wc -l)
mb=$(du -sm --apparent-size "$tree" | cut -f1)

echo "== building stowage (-c opt)"
bazel build -c opt //builder:stowage >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
stowage=$(bazel info -c opt bazel-bin 2>/dev/null)/builder/stowage
cp "$stowage" "$work/stowage"
stowage=$work/stowage

for c in gzip zstd; do
  printf '{"compression":"%s","entries":[{"type":"tree","source":"%s","path":"/"}]}' \
    "$c" "$(realpath "$tree")" >"$work/spec.$c.json"
done

# The commands, each run by bash -c under /usr/bin/time. `out` is the blob they write.
out=$work/out.blob
declare -A cmd
cmd[stowage_gzip]="'$stowage' layer --spec '$work/spec.gzip.json' --output '$out' --descriptor '$work/desc.json'"
cmd[stowage_zstd]="'$stowage' layer --spec '$work/spec.zstd.json' --output '$out' --descriptor '$work/desc.json'"
tar_c="tar --create --sort=name --format=pax --numeric-owner --owner=0 --group=0 --mtime=@0 --directory='$tree' ."
passes="sha256sum '$out' >/dev/null"
cmd[tar_gzip6]="$tar_c | gzip -6 -n >'$out' && $passes && gzip -dc '$out' | sha256sum >/dev/null"
# `wait $!` waits for the diff_id's sha256sum (the process substitution) too.
cmd[tar_pigz]="$tar_c | tee >(sha256sum >'$work/diff_id') | pigz -p$cores -6 -n | tee '$out' | sha256sum >'$work/digest'; wait \$!"
cmd[bsdtar]="bsdtar --create --gzip --format=pax --uid 0 --gid 0 --numeric-owner --directory='$tree' --file='$out' . && $passes && gzip -dc '$out' | sha256sum >/dev/null"
cmd[umoci_insert]="rm -rf '$work/oci' && umoci init --layout '$work/oci' && umoci new --image '$work/oci:b' && umoci insert --image '$work/oci:b' '$tree' / && du -b \$(ls -S '$work'/oci/blobs/sha256/* | head -1) | cut -f1 >'$work/umoci.size'"
cmd[tar_sha256]="$tar_c | sha256sum >/dev/null"
order=(stowage_gzip stowage_zstd tar_gzip6 tar_pigz bsdtar umoci_insert tar_sha256)

declare -A wall cpu rss size
for name in "${order[@]}"; do
  echo "== $name"
  for ((r = 1; r <= runs; r++)); do
    rm -f "$out"
    sync
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" bash -c "${cmd[$name]}" >/dev/null 2>"$work/err" ||
      { cat "$work/err"; echo "bench/layer: $name failed" >&2; exit 1; }
    read -r e u s m <"$work/time"
    if [[ -z "${wall[$name]:-}" ]] || (($(echo "$e < ${wall[$name]}" | bc))); then
      wall[$name]=$e
      cpu[$name]=$(echo "$u + $s" | bc)
      rss[$name]=$((m / 1024))
    fi
  done
  case $name in
    umoci_insert) size[$name]=$(cat "$work/umoci.size") ;;
    tar_sha256) size[$name]=- ;;
    *) size[$name]=$(stat -c %s "$out") ;;
  esac
  [[ $name == stowage_gzip ]] && entries=$(jq .entries "$work/desc.json")
done
rm -rf "$out" "$work/oci"

ratio() { echo "scale=2; $1 / $2" | bc; }
{
  echo "layer from ${mb} MB in ${files} files (${entries} entries): ${dirs[*]}"
  echo "best of $runs runs, $cores cores; ratio = wall time / stowage gzip's (zstd row: / tar|sha256's)"
  printf '%-14s %9s %9s %12s %9s %8s %7s\n' tool wall_s cpu_s bytes vs_gzip6 rss_MB ratio
  for name in "${order[@]}"; do
    sz=${size[$name]}
    vs=-
    [[ $sz != - ]] && vs=$(printf '%+.1f%%' "$(echo "scale=4; ($sz - ${size[tar_gzip6]}) * 100 / ${size[tar_gzip6]}" | bc)")
    base=${wall[stowage_gzip]}
    [[ $name == stowage_zstd ]] && base=${wall[tar_sha256]}
    printf '%-14s %9s %9s %12s %9s %8s %7s\n' "$name" "${wall[$name]}" "${cpu[$name]}" "$sz" "$vs" \
      "${rss[$name]}" "$(ratio "${wall[$name]}" "$base")"
  done
  echo
  echo "tar_pigz is the one-pass pipeline: tar | tee >(sha256sum) | pigz -p$cores -6 -n | tee out | sha256sum"
  echo "targets: tar_pigz ratio >= 3.00; stowage_gzip vs_gzip6 within 5%; stowage_zstd ratio <= 1.50; stowage rss < 200 MB"
} | tee "$results"
