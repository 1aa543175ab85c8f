#!/usr/bin/env bash
# End-to-end for compose_file: Debian's docker-compose (v1.29, schema-validating, no engine
# needed) must accept compose.yaml alone and with the compose.prod.yaml override, only when
# SECRET_KEY is set (the ${SECRET_KEY:?...} interpolation); the merged production config pins
# the digest, turns DEBUG off, restarts unless-stopped and mounts no source; `stowage check`
# finds nothing to object to in either file.
set -euo pipefail
cd "$(dirname "$0")/../.."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deploy_compose.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

bazel build //builder:stowage //tests/deploy:bookstore_compose >"$tmp/bazel.log" 2>&1 \
  || { tail -40 "$tmp/bazel.log"; fail "bazel build"; }
bin=$(bazel info bazel-bin 2>/dev/null)
stowage="$bin/builder/stowage"
cp "$bin/tests/deploy/bookstore_compose/compose.yaml" "$bin/tests/deploy/bookstore_compose/compose.prod.yaml" "$tmp/"
chmod u+w "$tmp"/*.yaml
touch "$tmp/.env"  # env_file must exist for docker-compose
export REPO="$PWD"
cd "$tmp"

grep -q '^version:' compose.yaml compose.prod.yaml && fail "obsolete version: key generated"

# Without SECRET_KEY both must fail, naming the variable.
for files in "-f compose.yaml" "-f compose.yaml -f compose.prod.yaml"; do
  # shellcheck disable=SC2086
  if env -u SECRET_KEY docker-compose $files config >"$tmp/out" 2>&1; then
    fail "docker-compose $files config passed without SECRET_KEY"
  fi
  grep -q "SECRET_KEY must be set" "$tmp/out" || fail "unexpected error: $(cat "$tmp/out")"
  echo "ok: docker-compose $files config refuses to run without SECRET_KEY"
done

# With it, both validate against the schema.
export SECRET_KEY="e2e-only-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
docker-compose -f compose.yaml config >dev.merged.yaml || fail "compose.yaml does not validate"
docker-compose -f compose.prod.yaml config >/dev/null || fail "compose.prod.yaml alone does not validate"
docker-compose -f compose.yaml -f compose.prod.yaml config >prod.merged.yaml \
  || fail "compose.yaml + compose.prod.yaml does not validate"
echo "ok: docker-compose config accepts compose.yaml, compose.prod.yaml, and the two together"

/usr/bin/python3 - <<'PY' || fail "merged configs are not what they should be"
import json, yaml
digest = json.load(open("%s/tests/deploy/fixtures/good_descriptor.json" % __import__("os").environ["REPO"]))["digest"]
dev = yaml.safe_load(open("dev.merged.yaml"))
prod = yaml.safe_load(open("prod.merged.yaml"))
web, db = dev["services"]["web"], dev["services"]["db"]
assert web["image"] == "127.0.0.1:5000/bookstore:dev", web["image"]
assert web["environment"]["DEBUG"] == "1" and web["environment"]["ENVIRONMENT"] == "development"
assert web["depends_on"]["db"]["condition"] == "service_healthy", web["depends_on"]
assert db["healthcheck"]["test"][1].startswith("pg_isready"), db["healthcheck"]
assert "postgres_data" in dev["volumes"]
pweb = prod["services"]["web"]
assert pweb["image"] == "127.0.0.1:5000/bookstore@" + digest, pweb["image"]
env = pweb["environment"]
assert env["ENVIRONMENT"] == "production" and env["DEBUG"] == "False", env
assert pweb["restart"] == "unless-stopped" and prod["services"]["db"]["restart"] == "unless-stopped"
assert env["SECRET_KEY"] and env["SECRET_KEY"] != "${SECRET_KEY:?SECRET_KEY must be set}"
for service in prod["services"].values():
    for volume in service.get("volumes", []):
        spec = volume if isinstance(volume, str) else volume.get("source", "") + ":" + volume.get("type", "")
        assert not spec.startswith((".", "/", "~")) and ":bind" not in spec, volume
print("ok: merged production config: digest pinned, DEBUG False, restart unless-stopped, no bind mounts")
PY

"$stowage" check --compose compose.yaml --compose compose.prod.yaml --fail-on info \
  || fail "stowage check objects to the generated Compose files"
# ...and does object to a hand-written production file with a literal secret and DEBUG on.
cat >bad.prod.yaml <<'YAML'
version: "3.8"
services:
  web:
    image: bookstore
    environment:
      ENVIRONMENT: production
      DEBUG: "True"
      SECRET_KEY: "a-literal-key-in-git"
    volumes:
      - .:/code
YAML
out=$("$stowage" check --compose bad.prod.yaml --fail-on never)
for id in STW003 STW004 STW011 STW012; do
  grep -q " $id " <<<"$out" || fail "stowage check missed $id in bad.prod.yaml: $out"
done
grep -q "a-literal-key-in-git" <<<"$out" && fail "the secret value was printed"
echo "ok: stowage check flags a literal secret, DEBUG on, version: and a bind mount"
echo "PASS deploy_compose_test"
