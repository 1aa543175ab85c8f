#!/usr/bin/env bash
# Checks the static_assets rule end to end inside Bazel: names, prefixes, first-wins, ignored
# files, rewritten references, compressed variants, the manifest output and StaticAssetsInfo.
set -euo pipefail
cd "${TEST_SRCDIR}/${TEST_WORKSPACE}/tests/static"
fail() { echo "FAIL: $*"; exit 1; }
tree=fixture_static
[[ -d $tree ]] || fail "no tree artifact"
cmp -s fixture_static.staticfiles.json $tree/staticfiles.json || fail "manifest output differs from the tree's"
grep -q '"version": "1.0"' $tree/staticfiles.json || fail "not a Django 3.2 manifest"
for name in css/site.css css/base.css css/components/buttons.css img/logo.png js/app.js \
    vendor/vendor.css vendor/README extra.css empty.txt; do
  [[ -f $tree/$name ]] || fail "missing $name"
  grep -q "\"$name\": " $tree/staticfiles.json || fail "$name not in the manifest"
done
for name in .hidden notes.txt~; do
  [[ ! -e $tree/$name ]] || fail "$name should have been ignored"
done
cmp -s $tree/css/base.css fixtures/app/css/base.css || fail "css/base.css: the first source must win"
logo_hash=$(md5sum fixtures/app/img/logo.png | cut -c1-12)
[[ -f $tree/img/logo.$logo_hash.png ]] || fail "no hashed copy img/logo.$logo_hash.png"
site=$(sed -n 's/.*"css\/site.css": "\([^"]*\)".*/\1/p' $tree/staticfiles.json)
grep -q "url(\"../img/logo.$logo_hash.png\")" "$tree/$site" || fail "$site does not reference the hashed logo"
grep -q 'url(/media/uploads/x.png)' "$tree/$site" || fail "$site: an absolute URL outside STATIC_URL changed"
for f in css/site.css js/vendor/lib.min.js; do
  [[ -f $tree/$f.gz && -f $tree/$f.br ]] || fail "no .gz/.br for $f"
  cmp -s <(gzip -dc $tree/$f.gz) $tree/$f || fail "$f.gz does not decompress to $f"
done
[[ ! -e $tree/img/logo.png.gz ]] || fail "png must not be compressed"
[[ ! -e $tree/robots.txt.gz ]] || fail "a 3-byte file cannot compress to 95%"
grep -qx 'root_path=/app/staticfiles' fixture_static_info.txt || fail "StaticAssetsInfo.root_path"
diff -r $tree fixture_static_unsharded >/dev/null || fail "precompressed shards changed the tree"

only=fixture_static_hashed_only
grep -q '"version": "1.1", "hash": "' $only/staticfiles.json || fail "not a Django 4.2 manifest"
[[ ! -e $only/css/site.css && -f $only/img/logo.$logo_hash.png ]] || fail "keep_only_hashed_files"
[[ -z $(find $only -name '*.br') ]] || fail "brotli = False still wrote .br files"
[[ -n $(find $only -name '*.gz') ]] || fail "no .gz files"
echo PASS
