# The steps the Docker end-to-end tests share (tests/e2e/bookstore_docker_test.sh and
# tests/e2e/django_bookstore_test.sh): a work directory and a cleanup that stops the engine,
# fail/logged, the engine with its registry and a user-defined network (a skip only when the
# kernel refuses the engine), a push then `docker pull` by digest, an image loaded under the
# name a Compose file uses, Heroku's `docker build` of the generated Dockerfile, and the end of a
# Compose run. The tests keep their own checks; this file holds the plumbing between them.
# Source it after services.sh and dockerd.sh.
#
#   docker_e2e_init NAME                 work=$(mktemp ...), trap cleanup EXIT
#   docker_e2e_start_engine TEST NETWORK dockerd + registry + `docker network create NETWORK`
#   push_and_pull PUSH_SCRIPT REPO DIGEST  sets ref (REPO@sha256:...), its ID must be DIGEST
#   heroku_docker_build DIR REF TAG DIGEST copies DIR's Dockerfile + heroku.yml, builds TAG

# docker_e2e_init NAME: a work directory ($work, world-readable: containers of the images'
# non-root users read what the tests put there) removed at exit with the engine stopped first;
# KEEP_WORK=1 keeps it.
docker_e2e_init() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/stowage-$1.XXXXXX")
  chmod 755 "$work"
  trap docker_e2e_cleanup EXIT
}

docker_e2e_cleanup() {
  local pid
  # Steps a test runs in the background (docker_e2e_background) end with the engine.
  for pid in "${DOCKER_E2E_JOBS[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_dockerd
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
DOCKER_E2E_JOBS=()

fail() {
  echo "FAIL: $*" >&2
  [[ -f "$work/last.log" ]] && tail -n 20 "$work/last.log" >&2
  exit 1
}

# logged COMMAND...: its output goes to last.log, shown on failure.
logged() { "$@" >"$work/last.log" 2>&1 || fail "$*"; }

# docker_e2e_background LOG COMMAND...: runs COMMAND in the background with its output in LOG;
# its pid is in $! and in DOCKER_E2E_JOBS (killed at exit if it is still running).
docker_e2e_background() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  DOCKER_E2E_JOBS+=($!)
}

# docker_e2e_start_engine TEST NETWORK: the engine (exits 0 with "SKIP: TEST: why" when the
# kernel refuses it), the registry in its namespace (DOCKER_REGISTRY) and a user-defined network.
docker_e2e_start_engine() {
  local test=$1 network=$2 rc=0
  # The engine's data in memory (dockerd.sh): what vfs copies and deletes for every layer and
  # container was most of these tests' time on disk. DOCKERD_TMPFS_SIZE= keeps it on disk.
  DOCKERD_TMPFS_SIZE=${DOCKERD_TMPFS_SIZE-6g} start_dockerd "$work/docker" || rc=$?
  if ((rc == 2)); then
    echo "SKIP: $test: $DOCKERD_SKIP_REASON"
    exit 0
  fi
  ((rc == 0)) || fail "dockerd did not start"
  start_docker_registry || fail "no registry in the engine's namespace"
  "$DOCKER" network create "$network" >/dev/null || fail "docker network create $network"
  echo "   $("$DOCKER" version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}')"
}

# push_and_pull PUSH_SCRIPT REPO DIGEST: runs the oci_push launcher (bazel run --script_path) in
# the engine's namespace, then `docker pull` of the reference it printed; the pulled image's ID
# must be DIGEST (the config digest Bazel wrote). Sets ref.
push_and_pull() {
  local push=$1 repo=$2 digest=$3 id
  in_docker_net "$push" --repository "$repo" --tag latest >"$work/push.log" 2>&1 || { cat "$work/push.log"; fail "push"; }
  ref=$(grep -E "^$repo@sha256:[0-9a-f]{64}$" "$work/push.log" | tail -n 1)
  [[ -n "$ref" ]] || fail "push printed no reference"
  logged "$DOCKER" pull "$ref"
  id=$("$DOCKER" image inspect -f '{{.Id}}' "$ref")
  [[ "$id" == "$digest" ]] || fail "pulled image ID $id is not the config digest $digest"
}

# heroku_docker_build DIR REF TAG DIGEST: Heroku's build path. Copies DIR's Dockerfile and
# heroku.yml to $work/heroku, checks the Dockerfile is FROM REF, removes REF from the engine (a
# Heroku builder has nothing: the build pulls it from the registry) and `docker build`s TAG,
# whose ID must be DIGEST (FROM alone adds nothing). Sets built.
heroku_docker_build() {
  local dir=$1 ref=$2 tag=$3 digest=$4
  mkdir -p "$work/heroku"
  cp "$dir/Dockerfile" "$dir/heroku.yml" "$work/heroku/"
  grep -qx "FROM $ref" "$work/heroku/Dockerfile" || fail "the Dockerfile is not FROM the pushed digest: $(grep FROM "$work/heroku/Dockerfile")"
  if "$DOCKER" image inspect "$ref" >/dev/null 2>&1; then logged "$DOCKER" rmi "$ref"; fi
  logged "$DOCKER" build -t "$tag" "$work/heroku"
  built=$("$DOCKER" image inspect -f '{{.Id}}' "$tag")
  [[ "$built" == "$digest" ]] || fail "docker build made $built, not the pushed image $digest"
}

# compose_db_image DIR: copies DIR's compose.yaml and compose.prod.yaml to $work/compose and
# prints the db service's image (the name //examples/postgres:load tags).
compose_db_image() {
  mkdir -p "$work/compose"
  cp "$1/compose.yaml" "$1/compose.prod.yaml" "$work/compose/"
  /usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["services"]["db"]["image"])' "$work/compose/compose.yaml"
}

# compose_down PROJECT COMPOSE...: `docker-compose down -v`; then no container and no volume of
# PROJECT may be left.
compose_down() {
  local project=$1
  shift
  logged "$@" down -v
  [[ -z "$("$DOCKER" ps -aq --filter label=com.docker.compose.project="$project")" ]] || fail "containers left after down -v"
  [[ -z "$("$DOCKER" volume ls -q --filter label=com.docker.compose.project="$project")" ]] || fail "volumes left after down -v"
}
