#!/usr/bin/env bash
# help_test.sh STOWAGE: every subcommand answers --help, -h and `stowage help CMD` with its usage
# and a one-line description of every flag (exit 0); unknown commands and flags still fail;
# relative path arguments resolve against BUILD_WORKING_DIRECTORY (as under `bazel run`).
set -euo pipefail
stowage=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "${TEST_TMPDIR:-$(mktemp -d)}"

"$stowage" --help >general.txt || fail "stowage --help exited $?"
"$stowage" help >general2.txt || fail "stowage help exited $?"
cmp -s general.txt general2.txt || fail "stowage help differs from stowage --help"
commands=$(sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' general.txt)
n=$(echo "$commands" | wc -w)
((n >= 14)) || fail "only $n commands listed: $commands"

for c in $commands; do
  "$stowage" "$c" --help >"$c.help" 2>"$c.err" || fail "stowage $c --help exited non-zero: $(cat "$c.err")"
  [[ ! -s "$c.err" ]] || fail "stowage $c --help wrote to stderr: $(cat "$c.err")"
  head -1 "$c.help" | grep -q "^usage: stowage $c " || fail "stowage $c --help: no usage line: $(head -1 "$c.help")"
  grep -q -- "-h, --help" "$c.help" || fail "stowage $c --help does not list --help"
  if grep -q "(no description)" "$c.help"; then
    fail "stowage $c has flags without a description: $(grep "(no description)" "$c.help")"
  fi
  flags=$(grep -cE '^  --[a-z]' "$c.help" || true)
  "$stowage" "$c" -h >"$c.h" || fail "stowage $c -h exited non-zero"
  "$stowage" help "$c" >"$c.helpcmd" || fail "stowage help $c exited non-zero"
  cmp -s "$c.help" "$c.h" || fail "stowage $c -h differs from --help"
  cmp -s "$c.help" "$c.helpcmd" || fail "stowage help $c differs from stowage $c --help"
  # --help wins over a mistake elsewhere on the line.
  "$stowage" "$c" --no-such-flag --help >/dev/null || fail "stowage $c --no-such-flag --help failed"
  echo "ok: $c ($flags flags)"
done

# The flags each command really takes are the ones its help lists (spot checks).
grep -q -- "--repository HOST" push.help || fail "push --help does not list --repository"
grep -q -- "--retries N" push.help || fail "push --help does not list the registry client flags"
grep -q -- "--retries N" pull.help || fail "pull --help does not list the registry client flags"
grep -q -- "--list-rules" check.help || fail "check --help does not list --list-rules"
# A command with subcommands lists them; each subcommand has its own help.
if grep -q "^  lock " deb.help; then
  "$stowage" deb lock --help >deb-lock.help || fail "stowage deb lock --help exited non-zero"
  head -1 deb-lock.help | grep -q "^usage: stowage deb lock " || fail "deb lock usage: $(head -1 deb-lock.help)"
  grep -q -- "--lockfile FILE" deb-lock.help || fail "deb lock --help does not list --lockfile"
  ! grep -q "(no description)" deb-lock.help || fail "deb lock has flags without a description"
fi

if "$stowage" no-such-command >/dev/null 2>err.txt; then fail "an unknown command succeeded"; fi
grep -q 'unknown command "no-such-command"' err.txt || fail "unknown command message: $(cat err.txt)"
if "$stowage" help no-such-command >/dev/null 2>err.txt; then fail "help of an unknown command succeeded"; fi
if "$stowage" digest --no-such-flag x >/dev/null 2>err.txt; then fail "an unknown flag succeeded"; fi
grep -q "unknown flag --no-such-flag" err.txt || fail "unknown flag message: $(cat err.txt)"

# `bazel run @stowage//builder:stowage -- digest relative/path` runs in the runfiles tree; the
# path is the user's, relative to where bazel ran.
mkdir -p user/sub elsewhere
printf 'hello\n' >user/sub/file.txt
want=$(sha256sum user/sub/file.txt | cut -d' ' -f1)
user=$PWD/user
got=$(cd elsewhere && BUILD_WORKING_DIRECTORY="$user" "$stowage" digest sub/file.txt)
[[ "$got" == "sha256:$want  $PWD/user/sub/file.txt" ]] || fail "digest under BUILD_WORKING_DIRECTORY: $got"
echo "ok: BUILD_WORKING_DIRECTORY"
