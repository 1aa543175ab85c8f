#!/usr/bin/env bash
# golden_digests.sh check|update STOWAGE DIGESTS OUTPUT...
#
# Hashes every golden output (files, and every file inside a tree artifact) plus the golden
# layer written by the tool run directly at 1 and 8 threads, then
#   check:  compares each digest with DIGESTS; any difference fails and names the output;
#   update: rewrites DIGESTS in the workspace (under `bazel run`, see scripts/update_goldens.sh).
# Paths are runfiles-relative (the working directory is the runfiles root).
set -euo pipefail
mode=$1 stowage=$2 digests=$3
shift 3
readonly PREFIX=tests/golden/

work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/golden.XXXXXX")
trap 'rm -rf "$work"' EXIT

# What a moved digest means for users, by output name.
describe() {
  case "$1" in
    layer_gzip_default.*) echo "a gzip layer at the default level" ;;
    layer_gzip_*.tar.gz) local l=${1#layer_gzip_}; echo "a gzip layer at level ${l%%.*}" ;;
    layer_zstd_default.*) echo "a zstd layer at the default level" ;;
    layer_zstd_*.tar.zst) local l=${1#layer_zstd_}; echo "a zstd layer at level ${l%%.*}" ;;
    layer_tar.tar) echo "an uncompressed layer: the tar stream, which is every layer's diff_id" ;;
    layer_static.*) echo "the layer of collected static files" ;;
    layer_*.descriptor.json) echo "a layer descriptor (its digests and sizes)" ;;
    cli/*)
      local v=${1#cli/} t=${1#*.threads}
      v=${v%%.*} t=${t%%.*}
      echo "a ${v%%_*} layer at level ${v#*_} written by 'stowage layer --threads $t'" ;;
    static/*.gz) echo "a WhiteNoise .gz variant of a static file" ;;
    static/*.br) echo "a WhiteNoise .br variant of a static file" ;;
    static/staticfiles.json | static.staticfiles.json) echo "Django's staticfiles.json manifest" ;;
    static/*) echo "a collected (hashed) static file" ;;
    heroku/*) echo "a Heroku file ($(basename "$1"))" ;;
    compose/*) echo "a Compose file ($(basename "$1"))" ;;
    image*) echo "an image's config, manifest or descriptor" ;;
    tarball*) echo "a docker-archive/OCI tarball" ;;
    *) echo "a stowage output" ;;
  esac
}

names=()
declare -A file_of=()
add() {  # add NAME FILE
  [[ -z "${file_of[$1]:-}" ]] || { echo "golden: two outputs are named $1" >&2; exit 1; }
  names+=("$1")
  file_of[$1]=$2
}

for out in "$@"; do
  [[ "$out" == "$PREFIX"* ]] || { echo "golden: $out is not under $PREFIX" >&2; exit 1; }
  if [[ -d "$out" ]]; then
    while IFS= read -r f; do
      add "${f#"$PREFIX"}" "$f"
    done < <(find -L "$out" -type f | LC_ALL=C sort)
  else
    add "${out#"$PREFIX"}" "$out"
  fi
done

# The tool run directly: the same layer at 1 and 8 compression threads must give the bytes
# the rule gave at this machine's core count (STOWAGE_THREADS and SOURCE_DATE_EPOCH unset).
mkdir -p "$work/cli"
for variant in "gzip default" "zstd default" "zstd 19"; do
  read -r compression level <<<"$variant"
  ext=.tar.gz
  [[ "$compression" == zstd ]] && ext=.tar.zst
  flags=(--compression "$compression")
  [[ "$level" == default ]] || flags+=(--level "$level")
  for threads in 1 8; do
    name="cli/${compression}_${level}.threads${threads}${ext}"
    env -u STOWAGE_THREADS -u SOURCE_DATE_EPOCH "$stowage" layer --spec "${PREFIX}cli/layer.json" \
      "${flags[@]}" --threads "$threads" --output "$work/$name" \
      --descriptor "$work/$name.descriptor.json" >/dev/null
    add "$name" "$work/$name"
  done
done

actual=$work/actual.txt
for name in "${names[@]}"; do
  printf '%s  %s\n' "$(sha256sum <"${file_of[$name]}" | cut -d' ' -f1)" "$name"
done | LC_ALL=C sort -k2 >"$actual"

if [[ "$mode" == update ]]; then
  [[ -n "${BUILD_WORKSPACE_DIRECTORY:-}" ]] || {
    echo "golden: update runs under 'bazel run //tests/golden:update'" >&2
    exit 2
  }
  dest="$BUILD_WORKSPACE_DIRECTORY/${PREFIX}digests.txt"
  # Compared before writing: under `bazel run`, DIGESTS may be a link to $dest itself.
  changes=$(diff <(grep -v '^#' "$dest") "$actual" | sed -n 's/^> [0-9a-f]*  /  /p' || true)
  {
    echo "# Golden digests (sha256  output): tests/golden/BUILD.bazel, docs/golden.md."
    echo "# Regenerate with scripts/update_goldens.sh, in the commit that moves them."
    cat "$actual"
  } >"$dest.tmp"
  mv "$dest.tmp" "$dest"
  if [[ -z "$changes" ]]; then
    echo "golden: $(wc -l <"$actual") digests, none changed"
  else
    echo "golden: rewrote $dest; new or changed:"
    echo "$changes"
  fi
  exit 0
fi

echo "golden: the tool is $(readlink -f "$stowage")"
declare -A want=()
while read -r digest name; do
  [[ -z "$digest" || "$digest" == "#"* ]] && continue
  want[$name]=$digest
done <"$digests"

failed=0
moved=0
while read -r digest name; do
  if [[ -z "${want[$name]:-}" ]]; then
    echo "FAIL: $name has no golden digest (sha256:$digest): new outputs get one with scripts/update_goldens.sh"
    failed=1
  elif [[ "${want[$name]}" != "$digest" ]]; then
    echo "FAIL: golden digest moved: $name, $(describe "$name"): was sha256:${want[$name]}, now sha256:$digest"
    failed=1
    moved=1
  fi
  unset "want[$name]"
done <"$actual"
for name in "${!want[@]}"; do
  echo "FAIL: $name has a golden digest but was not built (rename or removal: scripts/update_goldens.sh)"
  failed=1
done
if ((moved)); then
  echo "Users' digests change with these outputs: every such file, layer or image they build gets new"
  echo "bytes and a new digest (a re-push and a cache miss for everyone). If that is deliberate, run"
  echo "scripts/update_goldens.sh and commit tests/golden/digests.txt in the same commit, and say so in"
  echo "the release notes; if not, the change (or a library on the library path) moved a byte."
fi
if ((failed)); then
  exit 1
fi
echo "golden: $(wc -l <"$actual") outputs, every digest as pinned"
