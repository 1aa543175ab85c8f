# Shared helpers for tests/e2e/push_*_test.sh and pull_*_test.sh (sourced, not run).
# Each test gets a temp dir ($WORK), a private copy of the stowage binary ($STOWAGE), and
# registries on 127.0.0.1 with random free ports, all stopped by the EXIT trap.

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stowage-e2e.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  # KEEP_WORK=1 keeps the temp dir (logs) for debugging.
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# STOWAGE_BINARY=PATH runs a test against that binary instead of building one (to check that a
# new test fails on an older build).
build_stowage() {
  if [[ -n "${STOWAGE_BINARY:-}" ]]; then
    cp "$STOWAGE_BINARY" "$WORK/stowage"
    STOWAGE="$WORK/stowage"
    return
  fi
  bazel build //builder:stowage >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; fail "bazel build"; }
  cp "$(bazel info bazel-bin 2>/dev/null)/builder/stowage" "$WORK/stowage"
  STOWAGE="$WORK/stowage"
}

# wait_http URL [curl args...]: waits (at most 15 s) until URL answers at all.
wait_http() {
  local url=$1
  shift
  for _ in $(seq 1 150); do
    if curl -s -o /dev/null "$@" "$url"; then return 0; fi
    sleep 0.1
  done
  fail "nothing answers at $url"
}

# wait_port PORT: waits (at most 15 s) until 127.0.0.1:PORT accepts connections.
wait_port() {
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  fail "nothing listens on 127.0.0.1:$1"
}

# start_registry NAME PORT [EXTRA_YAML_FILE]: docker-registry with filesystem storage in
# $WORK/NAME, log in $WORK/NAME.log. Extra YAML is appended (auth, tls under http: ...).
start_registry() {
  local name=$1 port=$2 extra=${3:-}
  mkdir -p "$WORK/$name"
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: info"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $WORK/$name"
    echo "  delete:"
    echo "    enabled: true"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    [[ -n "$extra" ]] && cat "$extra"
  } >"$WORK/$name.yml"
  docker-registry serve "$WORK/$name.yml" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  wait_port "$port"
}

# make_image DIR SEEDS [extra make_image.py args]: a test image (see make_image.py).
make_image() {
  local dir=$1 seeds=$2
  shift 2
  python3 tests/registry/make_image.py "$dir" --seeds "$seeds" "$@"
}

# push_args DIR: the --manifest/--config/--layer flags for an image made by make_image.
push_args() {
  local dir=$1
  echo "--manifest $dir/manifest.json --config $dir/config.json"
  sed 's/^/--layer /' "$dir/layers.flags"
}

# summary_field OUTPUT_FILE NAME: a value from the push's "summary:" line.
summary_field() {
  grep '^summary:' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

file_size() { stat -c %s "$1"; }

# build_resolve_shim: compiles tests/registry/resolve_shim.c into $WORK/resolve_shim.so. Run a
# command under `with_names NAMES CMD...` to have NAMES (comma-separated) resolve to 127.0.0.1
# and every other name fail: "another host" without any real outside address.
build_resolve_shim() {
  cc -shared -fPIC -O1 -o "$WORK/resolve_shim.so" tests/registry/resolve_shim.c -ldl \
    || fail "cannot compile the resolver shim"
}
with_names() {
  local names=$1
  shift
  LD_PRELOAD="$WORK/resolve_shim.so" STOWAGE_TEST_LOOPBACK_NAMES="$names" "$@"
}
