#!/usr/bin/env bash
# The tutorial's Django bookstore (examples/django_bookstore), built by stowage from pinned Debian
# packages, run by a real Docker engine (scripts/lib/dockerd.sh: vfs, no iptables, no default
# bridge, its own roots, socket and network namespace) and by docker-compose (issue 15):
#  1. push to a registry in the engine's namespace, `docker pull` by digest (the image ID is the
#     config digest Bazel wrote);
#  2. Heroku's build path: `docker build` of the generated Dockerfile after the pulled image is
#     removed (the build pulls it again; the same image ID);
#  3. Django's own `manage.py collectstatic` inside the image, into a scratch directory: the same
#     names, staticfiles.json and bytes as the static layer stowage built (read from the layer
#     blob itself), the admin's files included. It is the slowest step (Python compresses every
#     file), so its container runs while steps 4 to 7 do and is compared at the end;
#  4. the release command (`python manage.py migrate`), then Gunicorn as the image's non-root
#     user, named in /etc/passwd after base-passwd's accounts and owning its home: the book
#     list, a book's page, the admin login, sign-up (a POST with its CSRF token creates an
#     account) and a hashed admin stylesheet served by WhiteNoise (immutable, br);
#  5. `stowage check --url` against the container (HSTS, the X-Forwarded-Proto redirect, secure
#     cookies, DENY, nosniff, no debug 404) and `manage.py check --deploy` inside it: no issue;
#  6. the Heroku-built image: the release command and heroku.yml's web command under /bin/sh
#     with Heroku's $PORT;
#  7. `docker-compose up` of compose.yaml + compose.prod.yaml with the db service on the
#     PostgreSQL image stowage builds from pinned packages (//examples/postgres:load, loaded in
#     the background from step 1 on), the release command through `docker-compose run`, the
#     book list through the web service (its rows read from PostgreSQL), `docker-compose down -v`.
# Skips with a message only when the kernel refuses to run dockerd. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh
source scripts/lib/dockerd.sh
source scripts/lib/docker_e2e.sh
export PATH=/usr/bin:$PATH  # Debian's docker CLI and Python

docker_e2e_init django
t0=$(date +%s)
step() { echo "== $* (at $(($(date +%s) - t0))s)"; }

repo=127.0.0.1:5000/django-bookstore  # the default DJANGO_BOOKSTORE_REPOSITORY (.bazelrc)
D=(--define=DJANGO_BOOKSTORE_REPOSITORY=$repo)
P=//examples/django_bookstore

step "build: image, static layer, push and load launchers, Heroku and Compose manifests"
logged bazel build "${D[@]}" //builder:stowage $P:image $P:static_layer $P:heroku $P:compose //examples/postgres:load
logged bazel run "${D[@]}" --script_path="$work/push.sh" $P:push
logged bazel run --script_path="$work/postgres_load.sh" //examples/postgres:load
stowage=$ROOT/bazel-bin/builder/stowage
bin=$ROOT/bazel-bin/examples/django_bookstore
config_digest="sha256:$(sha256sum "$bin/image.config.json" | cut -d' ' -f1)"

# The static layer as the image has it, unpacked while the engine starts.
mkdir -p "$work/collected" "$work/layer"
chmod 777 "$work/collected"  # the image's user (uid 10001) writes it
blob=$(ls "$bin"/static_layer.tar*)  # the layer blob oci_image references (tar+gzip)
docker_e2e_background "$work/layer.log" tar -xf "$blob" -C "$work/layer"
untar=$!

step "start dockerd"
docker_e2e_start_engine django_bookstore django-e2e
secret=$(openssl rand -base64 48 | tr -d '\n/+=')
https=(-H "X-Forwarded-Proto: https")
base=http://127.0.0.1:8000

step "1. push, docker pull by digest"
push_and_pull "$work/push.sh" "$repo" "$config_digest"
echo "   $ref (ID = config digest, $("$DOCKER" image inspect -f '{{.Size}}' "$ref") bytes unpacked)"
# Compose's database image, loaded while the steps before Compose run.
docker_e2e_background "$work/postgres_load.log" env STOWAGE_LOADER="$DOCKER" "$work/postgres_load.sh" --quiet
postgres_load=$!

step "2. Heroku's build path: docker build of the generated Dockerfile"
grep -q "^# the release phase does not run collectstatic" "$bin/heroku/heroku.yml" || fail "heroku.yml does not say collectstatic ran at build time"
heroku_docker_build "$bin/heroku" "$ref" django-heroku:e2e "$config_digest"
echo "   built $built after removing $ref (the build pulled it again)"

step "3. manage.py collectstatic inside the image (runs while steps 4 to 7 do)"
"$DOCKER" run -d --name collectstatic -e SECRET_KEY="$secret" -e STATIC_ROOT=/scratch -v "$work/collected:/scratch" \
  "$ref" python manage.py collectstatic --noinput >/dev/null || fail "docker run collectstatic"

step "4. release command, then Gunicorn"
logged "$DOCKER" run --rm -e SECRET_KEY="$secret" -v django-data:/app/data "$ref" python manage.py migrate --noinput
grep -q "Applying books.0002_seed_books... OK" "$work/last.log" || fail "migrate did not seed the books"
"$DOCKER" run -d --name web --network django-e2e -p 8000:8000 -e SECRET_KEY="$secret" \
  -v django-data:/app/data "$ref" >/dev/null || fail "docker run"
wait_for_docker_net_http "$base/" 60 || { "$DOCKER" logs web 2>&1 | tail; fail "Gunicorn did not answer"; }
pid=$("$DOCKER" inspect -f '{{.State.Pid}}' web)
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[[ "$uid" == 10001 ]] || fail "Gunicorn runs as uid $uid, want 10001"
grep -q gunicorn "/proc/$pid/cmdline" || fail "the container's process is not Gunicorn: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
# The account as the image's /etc/passwd and /etc/group name it (deb_layer's users, after
# base-passwd's entries): its name, group, home (a directory it owns), and the system accounts.
who=$("$DOCKER" exec web python -c 'import os, pwd, grp; u = pwd.getpwuid(os.getuid())
print(u.pw_name, grp.getgrgid(os.getgid()).gr_name, u.pw_dir, os.stat(u.pw_dir).st_uid, u.pw_shell,
      pwd.getpwnam("root").pw_uid, grp.getgrnam("nogroup").gr_gid)') || fail "no passwd entry for the server's uid"
[[ "$who" == "django django /home/django 10001 /usr/sbin/nologin 0 65534" ]] || fail "the image's accounts: $who"

get() { in_docker_net curl -sf "${https[@]}" "$@"; }
check_site() {  # the book list, a book, the admin login, a hashed admin stylesheet
  local list detail css h
  list=$(get "$base/books/") || fail "GET /books/ failed"
  grep -q "Django for Professionals" <<<"$list" || fail "the book list lacks a seeded book"
  detail=$(grep -o 'href="/books/[0-9a-f-]\{36\}/"' <<<"$list" | head -n 1 | cut -d'"' -f2)
  [[ -n "$detail" ]] || fail "the list links to no book page"
  get "$base$detail" | grep -q "Author: " || fail "the book page does not render"
  get "$base/admin/login/" | grep -q 'name="password"' || fail "the admin login does not render"
  css=$(get "$base/admin/login/" | grep -o '/static/admin/css/base\.[0-9a-f]\{12\}\.css' | head -n 1)
  [[ -n "$css" ]] || fail "the admin page does not link its hashed stylesheet"
  h=$(in_docker_net curl -s -o /dev/null -D - "${https[@]}" -H "Accept-Encoding: br" "$base$css" | tr -d '\r')
  grep -qi "^Cache-Control: max-age=315360000, public, immutable" <<<"$h" || fail "$css is not immutable: $h"
  grep -qi "^Content-Encoding: br" <<<"$h" || fail "$css: no brotli variant served"
  echo "   /books/, $detail, /admin/login/, $css (immutable, br)"
}
check_site

# Sign-up as the tutorial has it: GET the form (CSRF cookie and token), POST it back over
# "HTTPS" (Django checks the Referer of secure requests), then the account exists.
jar=$work/cookies
form=$(in_docker_net curl -sf -c "$jar" "${https[@]}" "$base/accounts/signup/") || fail "GET sign-up"
token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' <<<"$form" | cut -d'"' -f4)
[[ -n "$token" ]] || fail "the sign-up form has no CSRF token"
code=$(in_docker_net curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$jar" "${https[@]}" \
  -H "Referer: https://127.0.0.1:8000/accounts/signup/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=reader" \
  --data-urlencode "email=reader@example.invalid" --data-urlencode "password1=a-Long-pass-phrase-42" \
  --data-urlencode "password2=a-Long-pass-phrase-42" "$base/accounts/signup/")
[[ "$code" == "302 "* && "$code" == *"/accounts/login/" ]] || fail "sign-up POST gave $code, want 302 to the login page"
"$DOCKER" exec web python manage.py shell -c \
  'from django.contrib.auth import get_user_model; assert get_user_model().objects.filter(username="reader").exists()' ||
  fail "the signed-up account is not in the database"
echo "   sign-up: POST with CSRF token -> $code; the account exists"

step "5. deployment checks against the running container"
in_docker_net "$stowage" check --url "$base/" >"$work/check.log" 2>&1 || { cat "$work/check.log"; fail "stowage check --url found errors"; }
sed 's/^/   /' "$work/check.log" | tail -n 5
"$DOCKER" exec web python manage.py check --deploy --fail-level WARNING >"$work/deploy.log" 2>&1 ||
  { cat "$work/deploy.log"; fail "manage.py check --deploy reported warnings"; }
grep -q "System check identified no issues" "$work/deploy.log" || { cat "$work/deploy.log"; fail "check --deploy: unexpected output"; }
echo "   manage.py check --deploy (production settings): $(cat "$work/deploy.log")"
"$DOCKER" rm -f web >/dev/null

step "6. the Heroku-built image: release, then the web process on \$PORT"
mapfile -t release < <(/usr/bin/python3 -c 'import sys, yaml; print("\n".join(yaml.safe_load(open(sys.argv[1]))["release"]["command"]))' "$work/heroku/heroku.yml")
web=$(/usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["run"]["web"])' "$work/heroku/heroku.yml")
logged "$DOCKER" run --rm -e SECRET_KEY="$secret" -v heroku-data:/app/data django-heroku:e2e "${release[@]}"
"$DOCKER" run -d --name heroku --network django-e2e -p 8000:5123 -e PORT=5123 -e SECRET_KEY="$secret" \
  -v heroku-data:/app/data --entrypoint /bin/sh django-heroku:e2e -c "$web" >/dev/null || fail "docker run (heroku web)"
wait_for_docker_net_http "$base/" 60 || { "$DOCKER" logs heroku 2>&1 | tail; fail "the web process does not listen on \$PORT"; }
get "$base/books/" | grep -q "Django for Professionals" || fail "the Heroku-built web process does not list books"
"$DOCKER" rm -f heroku >/dev/null
echo "   release: ${release[*]}; web: $web (PORT=5123)"

step "7. docker-compose up: compose.yaml + compose.prod.yaml, PostgreSQL from pinned packages"
db_image=$(compose_db_image "$bin/compose")
wait "$postgres_load" || { cat "$work/postgres_load.log"; fail "loading //examples/postgres:load"; }
"$DOCKER" image inspect "$db_image" >/dev/null 2>&1 || fail "the PostgreSQL image is not tagged $db_image"
compose=(docker-compose -p django-e2e -f "$work/compose/compose.yaml" -f "$work/compose/compose.prod.yaml")
export SECRET_KEY=$secret
logged "${compose[@]}" up -d
logged "${compose[@]}" run --rm web python manage.py migrate --noinput
wait_for_docker_net_http "$base/" 60 || { "${compose[@]}" logs --tail 20 >&2; fail "the web service did not answer"; }
check_site
rows=$("${compose[@]}" exec -T db psql -U postgres -d postgres -tAc "select count(*) from books_book") || fail "psql in the db service"
[[ "$rows" -ge 3 ]] || fail "the books are not in PostgreSQL ($rows rows)"
compose_down django-e2e "${compose[@]}"
echo "   web + db ($db_image): migrate, $rows books read from PostgreSQL through the web service; down -v left nothing"

step "3. (end) collectstatic in the image vs the static layer stowage built"
status=$(timeout 600 "$DOCKER" wait collectstatic) || fail "collectstatic did not end within 600s"
"$DOCKER" logs collectstatic >"$work/last.log" 2>&1
[[ "$status" == 0 ]] || fail "collectstatic exited with $status"
grep -q "static files copied to '/scratch'" "$work/last.log" || fail "collectstatic did not report its copy"
"$DOCKER" rm collectstatic >/dev/null
wait "$untar" || { cat "$work/layer.log"; fail "unpacking $blob"; }
/usr/bin/python3 scripts/lib/compare_static_trees.py "$work/collected" "$work/layer/app/staticfiles" ||
  fail "Django's collectstatic in the image differs from the static layer"
[[ -f "$work/layer/app/staticfiles/admin/css/base.css" ]] || fail "the admin's static files are not in the layer"
echo "   $(grep -o "[0-9]* static files copied to '/scratch'[^.]*" "$work/last.log"): the same tree as the layer"

echo "PASS django_bookstore (in $(($(date +%s) - t0))s)"
