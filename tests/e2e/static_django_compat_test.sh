#!/usr/bin/env bash
# Compatibility of `stowage static` with Debian's real Django 3.2 `collectstatic` and WhiteNoise 6.0
# (CompressedManifestStaticFilesStorage): the same inputs (our fixture tree with nested CSS imports,
# fonts, images and source maps, a prefixed source, a shadowed duplicate, and django.contrib.admin's
# own static files) must give the same file names, the same staticfiles.json "paths", the same
# bytes in every file (a .gz written by libdeflate: the same contents), and .gz/.br variants
# that decompress to their originals. Also checks that
# the tree does not depend on the thread count or the umask, in both WhiteNoise modes.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=/usr/bin/python3
bazel build //builder:stowage >/dev/null 2>&1 || { echo "FAIL: bazel build //builder:stowage"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/static-compat.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp bazel-bin/builder/stowage "$tmp/stowage"

fixtures="$PWD/tests/static/fixtures"
admin_src=$($PY -c 'import django.contrib.admin, os; print(os.path.join(os.path.dirname(django.contrib.admin.__file__), "static"))')
# Django's own admin files, copied so both tools read the same bytes from a private tree.
cp -rL "$admin_src" "$tmp/admin_static"

mkdir -p "$tmp/proj"
cat >"$tmp/proj/compat_settings.py" <<PYEOF
import os
SECRET_KEY = "static-compat-test-only"
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
]
STATIC_URL = "/static/"
STATIC_ROOT = os.environ["COMPAT_STATIC_ROOT"]
STATICFILES_DIRS = ["$fixtures/app", ("vendor", "$fixtures/vendor"), "$fixtures/extra"]
STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
WHITENOISE_KEEP_ONLY_HASHED_FILES = os.environ.get("COMPAT_KEEP_ONLY") == "1"
PYEOF

write_spec() {  # $1 = spec path, $2 = keep_only_hashed_files (true/false)
  cat >"$1" <<JSON
{"django_version": "3.2", "static_url": "/static/", "keep_only_hashed_files": $2,
 "sources": [
  {"dirs": [["", "$fixtures/app"]]},
  {"prefix": "vendor", "dirs": [["", "$fixtures/vendor"]]},
  {"dirs": [["", "$fixtures/extra"]]},
  {"dirs": [["", "$tmp/admin_static"]]}
 ]}
JSON
}

compare() {  # $1 = Django's STATIC_ROOT, $2 = ours, $3 = our manifest copy
  $PY scripts/lib/compare_static_trees.py "$1" "$2" "$3"
}

# Bad input: a CSS reference to a missing file fails with the file, line and name, and leaves
# neither the tree, nor the manifest, nor a temporary directory behind.
mkdir -p "$tmp/bad/css"
printf 'a{}\n.b{background:url(../img/nope.png)}\n' >"$tmp/bad/css/broken.css"
echo "{\"sources\": [{\"dirs\": [[\"\", \"$tmp/bad\"]]}]}" >"$tmp/bad_spec.json"
mkdir "$tmp/bad_out"
if "$tmp/stowage" static --spec="$tmp/bad_spec.json" --out="$tmp/bad_out/tree" \
    --manifest="$tmp/bad_out/staticfiles.json" 2>"$tmp/bad_stderr"; then
  echo "FAIL: a missing referenced file must fail"; exit 1
fi
grep -q "'css/broken.css' line 2 references '../img/nope.png'.*The file 'img/nope.png' could not be found" \
  "$tmp/bad_stderr" || { cat "$tmp/bad_stderr"; echo "FAIL: unclear error for a missing file"; exit 1; }
[[ -z $(ls -A "$tmp/bad_out") ]] || { ls -la "$tmp/bad_out"; echo "FAIL: a failed run left files behind"; exit 1; }
echo "{\"strict\": false, \"sources\": [{\"dirs\": [[\"\", \"$tmp/bad\"]]}]}" >"$tmp/lax_spec.json"
"$tmp/stowage" static --spec="$tmp/lax_spec.json" --out="$tmp/bad_out/tree" 2>"$tmp/lax_stderr" \
  || { cat "$tmp/lax_stderr"; echo "FAIL: strict=false must not fail"; exit 1; }
grep -q "warning: 'css/broken.css' line 2" "$tmp/lax_stderr" || { echo "FAIL: no warning with strict=false"; exit 1; }
echo "== errors: missing reference fails cleanly (strict) or warns (strict=false)"

for keep in 0 1; do
  keep_json=false; [[ $keep == 1 ]] && keep_json=true
  echo "== keep_only_hashed_files=$keep_json"
  COMPAT_STATIC_ROOT="$tmp/django_$keep" COMPAT_KEEP_ONLY=$keep DJANGO_SETTINGS_MODULE=compat_settings \
    PYTHONPATH="$tmp/proj" $PY -m django collectstatic --noinput -v0 \
    || { echo "FAIL: Django collectstatic failed"; exit 1; }
  write_spec "$tmp/spec_$keep.json" $keep_json
  "$tmp/stowage" static --spec="$tmp/spec_$keep.json" --out="$tmp/ours_$keep" \
    --manifest="$tmp/ours_$keep.json" 2>"$tmp/stderr_$keep" \
    || { cat "$tmp/stderr_$keep"; echo "FAIL: stowage static failed"; exit 1; }
  grep -q "Found another file with the destination path 'css/base.css'" "$tmp/stderr_$keep" \
    || { cat "$tmp/stderr_$keep"; echo "FAIL: no warning for the shadowed css/base.css"; exit 1; }
  compare "$tmp/django_$keep" "$tmp/ours_$keep" "$tmp/ours_$keep.json"

  # Determinism: other thread counts and umasks give the same bytes and modes (checked once).
  [[ $keep == 0 ]] || continue
  for variant in "1 077" "3 002"; do
    set -- $variant
    out="$tmp/det_${keep}_$1_$2"
    (umask "$2" && "$tmp/stowage" static --spec="$tmp/spec_$keep.json" --out="$out" --threads="$1" 2>/dev/null)
    diff -r "$tmp/ours_$keep" "$out" >/dev/null || { echo "FAIL: tree differs with --threads=$1 umask $2"; exit 1; }
    a=$(cd "$tmp/ours_$keep" && find . -printf '%m %y %p\n' | sort | sha256sum)
    b=$(cd "$out" && find . -printf '%m %y %p\n' | sort | sha256sum)
    [[ "$a" == "$b" ]] || { echo "FAIL: modes differ with umask $2"; exit 1; }
  done
  echo "  identical across --threads=1/3 (and the default) and umask 077/002/022"
done
echo "PASS: static_django_compat"
