#!/usr/bin/env bash
# `stowage static` quotes file names and CSS references in its warnings. Both come from trees
# others wrote (third-party packages): a warning must never print a terminal escape raw.
set -euo pipefail
stowage=$1
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/static-warn.XXXXXX")
esc=$'\x1b'
bel=$'\x07'
mkdir -p "$work/a" "$work/b"
# A reference to a file that does not exist (a warning quoting the url), and two sources with
# the same destination (a warning quoting both paths), each carrying escapes.
printf 'body{background:url("%s]0;owned%s.png")}\n' "$esc" "$bel" >"$work/a/site.css"
printf 'x' >"$work/a/dup${esc}[2J.txt"
printf 'y' >"$work/b/dup${esc}[2J.txt"
# (JSON spells the escape \u001b.)
dup='dup\u001b[2J.txt'
cat >"$work/spec.json" <<JSON
{"django_version":"3.2","strict":false,"gzip":false,"brotli":false,"static_url":"/static/",
 "sources":[{"label":"//app:a","files":[["css/site.css","$work/a/site.css"],
                                        ["$dup","$work/a/$dup"]]},
            {"label":"//app:b","files":[["$dup","$work/b/$dup"]]}]}
JSON
"$stowage" static --spec "$work/spec.json" --out "$work/out" 2>"$work/err" ||
  fail "stowage static failed: $(cat "$work/err")"
grep -q 'stowage: warning: .*references' "$work/err" || fail "no warning for the missing reference: $(cat "$work/err")"
grep -q 'stowage: warning: Found another file' "$work/err" || fail "no warning for the duplicate: $(cat "$work/err")"
if grep -q "$esc" "$work/err"; then fail "a raw ESC byte was printed: $(cat -v "$work/err")"; fi
if grep -q "$bel" "$work/err"; then fail "a raw BEL byte was printed: $(cat -v "$work/err")"; fi
grep -qF '\x1b' "$work/err" || fail "the escape is not shown escaped: $(cat -v "$work/err")"
echo PASS
