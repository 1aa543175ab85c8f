#!/usr/bin/env bash
# The native bookstore example in a real Docker engine (issue 15): Debian's dockerd (vfs, no
# iptables, no default bridge, its own roots, socket and network namespace; scripts/lib/dockerd.sh)
# does what a user's engine does with our outputs:
#  1. push to a docker-registry (`bazel run //:push`: the index), `docker pull` by the index's
#     digest: the engine picks linux/amd64, the image ID is the config digest Bazel wrote, and
#     the pulled image runs (release command, then the server as its non-root user; pages,
#     security headers and the X-Forwarded-Proto redirect answer);
#  2. `bazel run //examples/bookstore:load` (oci_load): the loaded image is the same image;
#  3. Heroku's build path: `docker build` of the generated Dockerfile (FROM repo@digest), then the
#     release command and heroku.yml's web command under /bin/sh with Heroku's $PORT;
#  4. `docker-compose up` of the generated compose.yaml + compose.prod.yaml, with the db service on
#     the PostgreSQL image stowage builds from pinned packages (when that image target exists),
#     the release command through `docker-compose run`, the book list through the web service's
#     published port, `docker-compose down -v`.
# Skips with a message only when the kernel refuses to run dockerd. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh
source scripts/lib/dockerd.sh
source scripts/lib/docker_e2e.sh
export PATH=/usr/bin:$PATH  # Debian's docker CLI, the one the docker.io package ships

docker_e2e_init bookstore-docker

repo=127.0.0.1:5000/bookstore  # the default BOOKSTORE_REPOSITORY (.bazelrc): the engine's registry
D=(--define=BOOKSTORE_REPOSITORY=$repo)

echo "== build: image, push launcher, oci_load, Heroku and Compose manifests"
logged bazel build "${D[@]}" //examples/bookstore:image //examples/bookstore:load \
  //examples/bookstore:heroku //examples/bookstore:compose
logged bazel run "${D[@]}" --script_path="$work/push.sh" //examples/bookstore:push
bin=$ROOT/bazel-bin/examples/bookstore
config_digest="sha256:$(sha256sum "$bin/image.config.json" | cut -d' ' -f1)"
# //:push pushes the index (linux/amd64 + linux/arm64); the Dockerfile names :image, its amd64
# entry, by its own digest (heroku_app deploys exactly the image it was given).
image_ref="$repo@sha256:$(sha256sum "$bin/image.manifest.json" | cut -d' ' -f1)"

echo "== start dockerd"
docker_e2e_start_engine bookstore_docker bookstore-e2e

secret=$(openssl rand -hex 32)
https=(-H "X-Forwarded-Proto: https")
get() { in_docker_net curl -sf "${https[@]}" "$@"; }

# serve NAME IMAGE [docker run args...] -- [command...]: runs IMAGE detached on the test network
# with port 8000 published (inside the engine's namespace) and waits for it to answer.
serve() {
  local name=$1 image=$2
  shift 2
  local opts=() cmd=()
  while (($#)) && [[ $1 != -- ]]; do opts+=("$1"); shift; done
  (($#)) && shift
  cmd=("$@")
  "$DOCKER" run -d --name "$name" --network bookstore-e2e -p 8000:8000 -e SECRET_KEY="$secret" \
    "${opts[@]}" "$image" "${cmd[@]}" >/dev/null || fail "docker run $image"
  if ! wait_for_docker_net_http http://127.0.0.1:8000/healthz 30; then
    "$DOCKER" logs "$name" 2>&1 | tail -n 20
    fail "$name did not answer on its published port"
  fi
}
unserve() { "$DOCKER" rm -f "$1" >/dev/null; }

check_site() {  # the pages, the security block and the proxy redirect, through the published port
  local body h loc
  body=$(get http://127.0.0.1:8000/) || fail "GET / failed"
  grep -q "/books/1/" <<<"$body" || fail "the book list does not link to a book"
  get http://127.0.0.1:8000/books/1/ | grep -q "<h1" || fail "the detail page does not render"
  h=$(in_docker_net curl -s -o /dev/null -D - "${https[@]}" http://127.0.0.1:8000/ | tr -d '\r')
  grep -qi "^Strict-Transport-Security: max-age=31536000; includeSubDomains; preload" <<<"$h" || fail "no HSTS: $h"
  grep -qi "^X-Frame-Options: DENY" <<<"$h" || fail "no X-Frame-Options: DENY"
  loc=$(in_docker_net curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "X-Forwarded-Proto: http" http://127.0.0.1:8000/books/1/)
  [[ "$loc" == "301 https://127.0.0.1:8000/books/1/" ]] || fail "plain HTTP behind the proxy: $loc"
}

uid_of() {  # the uid the container's main process runs as, read from /proc on this host
  local pid
  pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$1")
  awk '/^Uid:/ { print $2 }' "/proc/$pid/status"
}

echo "== 1. push, docker pull by digest, run"
push_and_pull "$work/push.sh" "$repo" "$config_digest"
logged "$DOCKER" run --rm -v bookstore-data:/app/data "$ref" migrate
serve pulled "$ref" -v bookstore-data:/app/data --
check_site
uid=$(uid_of pulled)
[[ "$uid" == 10001 ]] || fail "the server runs as uid $uid, want 10001"
unserve pulled
echo "   pulled $ref (ID = config digest); migrate, then the server as uid $uid: pages, HSTS, DENY, 301 to https"

echo "== 2. oci_load: bazel run //examples/bookstore:load"
logged "$DOCKER" rmi "$ref"
STOWAGE_LOADER=$DOCKER logged bazel run "${D[@]}" //examples/bookstore:load
id=$("$DOCKER" image inspect -f '{{.Id}}' bookstore:latest) || fail "no bookstore:latest after oci_load"
[[ "$id" == "$config_digest" ]] || fail "loaded image ID $id is not the config digest"
serve loaded bookstore:latest -v bookstore-data:/app/data --
check_site
unserve loaded
echo "   bookstore:latest is $id and serves the same site"

echo "== 3. Heroku's build path: docker build of the generated Dockerfile"
logged "$DOCKER" rmi bookstore:latest
# FROM alone adds nothing: what Heroku builds is the image Bazel built and this test ran.
heroku_docker_build "$bin/heroku" "$image_ref" bookstore-heroku:e2e "$config_digest"
yaml_get() { /usr/bin/python3 -c 'import sys, yaml, json; d = yaml.safe_load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2], {}, {"d": d})))' "$work/heroku/heroku.yml" "$1"; }
release=$(yaml_get 'd["release"]["command"]')
web=$(yaml_get 'd["run"]["web"]' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin))')
mapfile -t release_argv < <(/usr/bin/python3 -c 'import json,sys; print("\n".join(json.loads(sys.argv[1])))' "$release")
logged "$DOCKER" run --rm -v heroku-data:/app/data --entrypoint "${release_argv[0]}" bookstore-heroku:e2e "${release_argv[@]:1}"
# A dyno runs heroku.yml's command with /bin/sh -c and a $PORT of Heroku's choosing.
"$DOCKER" run -d --name heroku --network bookstore-e2e -p 8000:5123 -e PORT=5123 -e SECRET_KEY="$secret" \
  -v heroku-data:/app/data --entrypoint /bin/sh bookstore-heroku:e2e -c "$web" >/dev/null || fail "docker run (heroku web)"
wait_for_docker_net_http http://127.0.0.1:8000/healthz 30 || { "$DOCKER" logs heroku 2>&1 | tail; fail "the web process does not listen on \$PORT"; }
check_site
unserve heroku
echo "   built $built from FROM $repo@…; release ${release_argv[*]}; web \"$web\" on \$PORT=5123"

echo "== 4. docker-compose up: compose.yaml + compose.prod.yaml"
pg_target=//examples/postgres:load
if ! bazel query "$pg_target" >/dev/null 2>&1; then
  echo "   not run: no $pg_target (the PostgreSQL image built from pinned packages) in this tree"
else
  db_image=$(compose_db_image "$bin/compose")
  STOWAGE_LOADER=$DOCKER logged bazel run "${D[@]}" "$pg_target" -- --quiet
  "$DOCKER" image inspect "$db_image" >/dev/null 2>&1 || fail "the PostgreSQL image is not tagged $db_image"
  compose=(docker-compose -p bookstore-e2e -f "$work/compose/compose.yaml" -f "$work/compose/compose.prod.yaml")
  export SECRET_KEY=$secret
  logged "${compose[@]}" up -d
  # The release command, as a one-off container of the web service (its network, its env).
  logged "${compose[@]}" run --rm web migrate
  wait_for_docker_net_http http://127.0.0.1:8000/healthz 60 || { "${compose[@]}" logs --tail 20 >&2; fail "the web service did not answer"; }
  check_site
  body=$(get http://127.0.0.1:8000/api/books)
  /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["count"] >= 1, d' "$body" || fail "no books from PostgreSQL"
  compose_down bookstore-e2e "${compose[@]}"
  [[ -z "$("$DOCKER" ps -aq)" ]] || fail "containers left after down -v"
  echo "   web on $db_image: migrate, book list through the web service; down -v left nothing"
fi

echo "PASS bookstore_docker"
