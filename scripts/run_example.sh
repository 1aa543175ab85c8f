#!/usr/bin/env bash
# The main job (`make run`): build the bookstore example image, push it, write its deploy
# manifests to deploy/, then run the pushed image locally the way a container runtime would and
# make a first request.
#
#   STOWAGE_REGISTRY=host:port  push there (credentials from ~/.docker/config.json as usual);
#                               unset: start Debian's docker-registry on loopback, storage kept
#                               in .stowage/registry so the next run uploads only what changed.
#   STOWAGE_INSECURE=1          plain HTTP to a non-loopback registry (loopback is always plain).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/setup.sh
source scripts/lib/services.sh

state=$ROOT/.stowage
mkdir -p "$state"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# 1. A registry.
if [[ -n "${STOWAGE_REGISTRY:-}" ]]; then
  registry=$STOWAGE_REGISTRY
  echo "== registry: $registry (from STOWAGE_REGISTRY)"
else
  start_registry "$state/registry"
  pids+=("$REGISTRY_PID")
  registry=$REGISTRY_ADDR
  echo "== registry: started docker-registry on $registry (storage in .stowage/registry)"
fi
repository=$registry/bookstore
tls_flags=()
[[ -n "${STOWAGE_INSECURE:-}" ]] && tls_flags+=(--insecure)

# 2. Build and push. Everything is built by Bazel; the push uploads only missing blobs.
echo "== bazel run //:push -- --repository $repository --tag latest"
bazel run --define=BOOKSTORE_REPOSITORY="$repository" //:push -- \
  --repository "$repository" --tag latest "${tls_flags[@]}" | tee "$state/push.log"
ref=$(grep -E "^${repository}@sha256:[0-9a-f]{64}$" "$state/push.log" | tail -1)
[[ -n "$ref" ]] || { echo "push did not print the pushed reference"; exit 1; }

# 3. Deploy manifests from the same targets.
echo "== deploy manifests -> deploy/"
bazel build --define=BOOKSTORE_REPOSITORY="$repository" \
  //examples/bookstore:heroku //examples/bookstore:compose >/dev/null 2>"$state/deploy-build.log" ||
  { cat "$state/deploy-build.log"; exit 1; }
rm -rf deploy && mkdir -p deploy
for t in //examples/bookstore:heroku //examples/bookstore:compose; do
  for f in $(bazel_outputs "$t" --define=BOOKSTORE_REPOSITORY="$repository"); do
    cp "$f" deploy/
  done
done
chmod u+w deploy/*
ls -1 deploy | sed 's/^/   deploy\//'

# 4. Run the pushed image locally: pull it back, unpack it, start its entrypoint under bwrap.
echo "== run $ref under bwrap"
run=$state/run
rm -rf "$run" && mkdir -p "$run"
skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$run/layout:latest" >/dev/null
umoci unpack --rootless --image "$run/layout:latest" "$run/bundle" >/dev/null
port=$(free_port)
# The image runs as in production (its ENVIRONMENT); a throwaway SECRET_KEY, never printed.
app_env=(PORT="$port" SECRET_KEY="$(openssl rand -base64 48 | tr -d '\n')")
/usr/bin/python3 scripts/lib/run_bundle.py --layout="$run/layout:latest" "$run/bundle" "${app_env[@]}" \
  -- migrate >"$run/migrate.log" 2>&1 || { cat "$run/migrate.log"; exit 1; }
/usr/bin/python3 scripts/lib/run_bundle.py "$run/bundle" "${app_env[@]}" >"$run/app.log" 2>&1 &
pids+=("$!")
url=http://127.0.0.1:$port/
wait_for_http "$url" 30
echo "   app:  $url  (log: .stowage/run/app.log)"
# In production the app redirects plain HTTP to HTTPS, trusting X-Forwarded-Proto from the
# proxy in front of it (Heroku's router): ask as that proxy would for an HTTPS visitor.
echo "== first request: GET $url with X-Forwarded-Proto: https (as Heroku's router sends)"
curl -s -D - -o "$run/first.html" -H "X-Forwarded-Proto: https" "$url" | tr -d '\r' | sed 's/^/   /'
echo "   page title: $(grep -o '<title>[^<]*</title>' "$run/first.html" | head -1 | sed 's/<[^>]*>//g')"
echo "   plain HTTP: $(curl -s -o /dev/null -w '%{http_code} -> %{redirect_url}' -H 'X-Forwarded-Proto: http' "$url")"
echo
echo "pushed:    $ref"
echo "manifests: deploy/ (heroku.yml, Dockerfile, compose.yaml, compose.prod.yaml)"
if [[ -t 0 && -z "${CI:-}" ]]; then
  echo "The app keeps running at $url; press Ctrl-C to stop it."
  wait
fi
