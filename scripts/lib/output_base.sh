# Bazel output bases for the other build configurations (--config=asan, --config=fuzz).
# Each configuration gets its own output base, so switching between them never discards the
# main build's analysis cache; the shared --disk_cache (if any) still serves all of them.
# Source it.

# output_base_for NAME: beside this workspace's default output base, which Bazel names by the
# MD5 of the workspace path: <output user root>/<md5>-NAME (STOWAGE_<NAME>_OUTPUT_BASE
# overrides it, e.g. STOWAGE_ASAN_OUTPUT_BASE). Computed, so no Bazel server is started for it.
output_base_for() {
  local name=$1 var override hash
  var="STOWAGE_$(echo "$name" | tr '[:lower:]' '[:upper:]')_OUTPUT_BASE"
  override=${!var:-}
  if [[ -n "$override" ]]; then
    echo "$override"
    return
  fi
  hash=$(printf '%s' "$(pwd -P)" | md5sum | cut -d' ' -f1)
  echo "${XDG_CACHE_HOME:-$HOME/.cache}/bazel/_bazel_$(id -un)/$hash-$name"
}

# bazel_in NAME ARGS...: runs bazel in NAME's output base. The server exits after 15 idle
# minutes: it holds memory that the main build and other work need more.
bazel_in() {
  local name=$1
  shift
  bazel --output_base="$(output_base_for "$name")" --max_idle_secs=900 "$@"
}

# workspace_targets: "//..." spelled as one pattern per top-level package tree. A second output
# base cannot use //... itself: it would descend into the main build's convenience symlinks
# (bazel-bin, bazel-<workspace>), which only the main server knows to skip.
# A tree counts only for BUILD files outside .bazelignore's paths (bench/results holds copies of
# system trees with BUILD files in them; `//bench/...` would then match nothing and fail).
workspace_targets() {
  local d line
  local prune=()
  if [[ -f .bazelignore ]]; then
    while IFS= read -r line; do
      line=${line%/}
      [[ -z $line || $line == \#* ]] && continue
      prune+=(-path "./$line" -prune -o)
    done <.bazelignore
  fi
  [[ -f BUILD.bazel || -f BUILD ]] && echo "//:all"
  for d in */; do
    d=${d%/}
    [[ -L $d || $d == bazel-* ]] && continue
    if [[ -n $(find "./$d" "${prune[@]}" \( -name BUILD.bazel -o -name BUILD \) -print -quit) ]]; then
      echo "//$d/..."
    fi
  done
}
