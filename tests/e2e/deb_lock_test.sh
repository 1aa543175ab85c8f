#!/usr/bin/env bash
# `stowage deb lock` against a Debian archive built here and served on loopback (no real
# mirror): resolution (alternatives, virtual packages, Multi-Arch, architecture all, cycles,
# two architectures), the lockfile's contents and bytes, updates that say what changed,
# --check, mirrors from apt's configuration (one-line and deb822) and from STOWAGE_DEB_MIRRORS,
# and the errors: a signature by another key, indexes that do not match the signed Release, a
# dependency nobody provides.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/lib/services.sh
source tests/deb/local_mirror.sh

work=$(mktemp -d /tmp/stowage-deb-lock.XXXXXX)
MIRROR_PID=
cleanup() {
  mirror_stop
  [[ -d "${other:-}" ]] && GNUPGHOME=$other gpgconf --kill gpg-agent 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

bazel build //builder:stowage >/dev/null 2>&1
stowage=$ROOT/bazel-bin/builder/stowage

echo "== a test archive on loopback"
mirror_init "$work/mirror"
for arch in amd64 arm64; do
  make_deb libbase1 1.0 $arch 'Multi-Arch: same\nDepends: libcycle1' /usr/lib/libbase.so.1=base >/dev/null
  make_deb libcycle1 1.0 $arch 'Multi-Arch: same\nDepends: libbase1 (>= 1.0)' >/dev/null
  make_deb app 1.0 $arch 'Pre-Depends: libbase1 (>= 1.0)\nDepends: tool | othertool, mail-transport-agent, pyish:any, data' \
    /usr/bin/app=app >/dev/null
  make_deb othertool 1.0 $arch '' >/dev/null
  make_deb pyish 3.11 $arch 'Multi-Arch: allowed' >/dev/null
  make_deb exim-t 4.96 $arch 'Provides: mail-transport-agent' >/dev/null
  make_deb broken 1.0 $arch 'Depends: app, nobody-has-this (>= 2)' >/dev/null
done
make_deb tool 2.0 all 'Multi-Arch: foreign' >/dev/null
make_deb data 1.0 all '' /usr/share/data/d=data >/dev/null
mirror_publish testing amd64 arm64
mirror_serve

lock=$work/deb.lock.json
run_lock() {  # run_lock ARGS...: the lock with the test archive's key; output in $work/out
  "$stowage" deb lock --lockfile "$lock" --suite testing --package app --keyring "$MIRROR_KEYRING" \
    --apt-config "$work/no-apt" "$@" >"$work/out" 2>"$work/err"
}

echo "== first lock, two architectures"
run_lock --mirror "$MIRROR_URL" --arch amd64 --arch arm64 || { cat "$work/err"; fail "lock failed"; }
cat "$work/out"
grep -q "^amd64: + app 1.0$" "$work/out" || fail "no '+ app' line"
grep -q "^arm64: + libbase1 1.0$" "$work/out" || fail "no arm64 section"
grep -q "^wrote $lock: 14 packages" "$work/out" || fail "expected 7 packages per architecture"
grep -q "verified $MIRROR_URL/dists/testing/InRelease$" "$work/err" || fail "InRelease not verified"
/usr/bin/python3 - "$lock" "$MIRROR_DIR" <<'PY' || fail "lockfile contents"
import hashlib, json, os, sys
lock = json.load(open(sys.argv[1]))
amd = lock["architectures"]["amd64"]
assert sorted(amd) == ["app", "data", "exim-t", "libbase1", "libcycle1", "pyish", "tool"], sorted(amd)
app = amd["app"]
# Pre-Depends and Depends; "tool | othertool" took tool; the virtual MTA its one provider.
assert app["depends"] == ["data", "exim-t", "libbase1", "pyish", "tool"], app["depends"]
assert app["requested"] is True and "requested" not in amd["libbase1"]
assert amd["libbase1"]["depends"] == ["libcycle1"] and amd["libcycle1"]["depends"] == ["libbase1"]
assert amd["tool"]["architecture"] == "all" and amd["tool"]["multiArch"] == "foreign"
assert amd["libbase1"]["multiArch"] == "same"
for arch, packages in lock["architectures"].items():
    for name, p in packages.items():
        path = os.path.join(sys.argv[2], p["filename"])
        data = open(path, "rb").read()
        assert p["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert p["size"] == len(data), name
        assert p["suite"] == "testing" and p["component"] == "main"
assert lock["inputs"]["packages"] == ["app"] and lock["inputs"]["architectures"] == ["amd64", "arm64"]
PY
! grep -q "127.0.0.1" "$lock" || fail "the lockfile names a host"
cp "$lock" "$work/first.json"

echo "== the same inputs again: no changes, same bytes"
run_lock --mirror "$MIRROR_URL" --arch amd64 --arch arm64 || { cat "$work/err"; fail "relock failed"; }
grep -q "^no changes: 14 packages" "$work/out" || { cat "$work/out"; fail "expected no changes"; }
cmp -s "$lock" "$work/first.json" || fail "the lockfile changed"
run_lock --mirror "$MIRROR_URL" --arch amd64 --arch arm64 --check || fail "--check on an up-to-date lock"
# Named in another order, and twice: the same lock, byte for byte.
run_lock --mirror "$MIRROR_URL" --arch arm64 --arch amd64 --arch arm64 --package app --check ||
  { cat "$work/out" "$work/err"; fail "--check with the architectures in another order"; }

echo "== a new version on the mirror: the update says what changed"
make_deb libbase1 1.1 amd64 'Multi-Arch: same\nDepends: libcycle1' /usr/lib/libbase.so.1=base11 >/dev/null
mirror_publish testing amd64 arm64
if run_lock --mirror "$MIRROR_URL" --arch amd64 --arch arm64 --check; then fail "--check passed on an outdated lock"; fi
grep -q "is out of date" "$work/err" || fail "no out-of-date message: $(cat "$work/err")"
cmp -s "$lock" "$work/first.json" || fail "--check wrote the lockfile"
run_lock --mirror "$MIRROR_URL" --arch amd64 --arch arm64 || { cat "$work/err"; fail "update failed"; }
cat "$work/out"
grep -q "^amd64: upgraded libbase1 1.0 -> 1.1$" "$work/out" || fail "no upgrade line"
[[ $(grep -c '^a\|^arm' "$work/out") == 1 ]] || fail "only libbase1 should have changed"
grep -q "^updated $lock" "$work/out" || fail "no 'updated' line"

echo "== mirrors from apt's configuration: one-line and deb822 formats, and STOWAGE_DEB_MIRRORS"
mkdir -p "$work/apt1/sources.list.d" "$work/apt2/sources.list.d"
echo "deb [signed-by=$MIRROR_KEYRING] $MIRROR_URL testing main" >"$work/apt1/sources.list"
printf 'Types: deb\nURIs: %s/\nSuites: testing\nComponents: main\nSigned-By: %s\n' \
  "$MIRROR_URL" "$MIRROR_KEYRING" >"$work/apt2/sources.list.d/test.sources"
"$stowage" deb lock --lockfile "$lock" --suite testing --package app --arch amd64 --arch arm64 \
  --apt-config "$work/apt1" >"$work/out" 2>&1 || { cat "$work/out"; fail "one-line sources"; }
grep -q "^no changes" "$work/out" || fail "one-line sources: $(cat "$work/out")"
"$stowage" deb lock --lockfile "$lock" --suite testing --package app --arch amd64 --arch arm64 \
  --apt-config "$work/apt2" >"$work/out" 2>&1 || { cat "$work/out"; fail "deb822 sources"; }
grep -q "^no changes" "$work/out" || fail "deb822 sources: $(cat "$work/out")"
STOWAGE_APT_CONFIG_DIR=$work/apt2 "$stowage" deb lock --lockfile "$lock" --suite testing --package app \
  --arch amd64 --arch arm64 >"$work/out" 2>&1 || { cat "$work/out"; fail "STOWAGE_APT_CONFIG_DIR"; }
grep -q "^no changes" "$work/out" || fail "STOWAGE_APT_CONFIG_DIR: $(cat "$work/out")"
STOWAGE_DEB_MIRRORS="testing=$MIRROR_URL" run_lock --arch amd64 --arch arm64 ||
  { cat "$work/err"; fail "STOWAGE_DEB_MIRRORS"; }
grep -q "^no changes" "$work/out" || fail "STOWAGE_DEB_MIRRORS: $(cat "$work/out")"
if run_lock --arch amd64; then fail "locked with no mirror at all"; fi
grep -q "no mirror serves suite \"testing\"" "$work/err" || fail "no-mirror message: $(cat "$work/err")"

echo "== errors"
# A dependency nobody provides: the chain is named.
if run_lock --mirror "$MIRROR_URL" --arch amd64 --package broken; then fail "locked a broken package"; fi
grep -q 'cannot satisfy "nobody-has-this (>= 2)" of broken 1.0, requested' "$work/err" ||
  fail "missing-dependency message: $(cat "$work/err")"
# Signed by another key.
other=$work/other
mkdir -p "$other" && chmod 700 "$other"
GNUPGHOME=$other gpg --batch --quiet --passphrase '' --quick-gen-key "other <o@localhost>" ed25519 sign never 2>/dev/null
GNUPGHOME=$other gpg --batch --quiet --export >"$other/keyring.gpg"
if "$stowage" deb lock --lockfile "$lock" --suite testing --package app --keyring "$other/keyring.gpg" \
  --mirror "$MIRROR_URL" >"$work/out" 2>"$work/err"; then fail "accepted an InRelease signed by another key"; fi
grep -q "does not verify against the trusted keys" "$work/err" || fail "signature message: $(cat "$work/err")"
# One compressed index stale: the next listed form is used, as apt does.
cp "$MIRROR_DIR/dists/testing/main/binary-amd64/Packages.xz" "$work/Packages.xz"
echo garbage >"$MIRROR_DIR/dists/testing/main/binary-amd64/Packages.xz"
run_lock --mirror "$MIRROR_URL" --arch amd64 || { cat "$work/err"; fail "no fallback to Packages.gz"; }
grep -q "binary-amd64/Packages.gz (.*SHA-256 checked)" "$work/err" || fail "Packages.gz not used"
# Every form tampered with: the lock fails and the lockfile stays as it was.
cp "$lock" "$work/before-tamper.json"
for f in "$MIRROR_DIR"/dists/testing/main/binary-amd64/Packages*; do echo garbage >"$f"; done
if run_lock --mirror "$MIRROR_URL" --arch amd64; then fail "accepted indexes that do not match the Release file"; fi
grep -q "matches its signed Release file" "$work/err" || fail "tamper message: $(cat "$work/err")"
cmp -s "$lock" "$work/before-tamper.json" || fail "a failed lock changed the lockfile"
compgen -G "$lock.tmp.*" >/dev/null && fail "a failed lock left a temporary file behind"
echo "PASS"
