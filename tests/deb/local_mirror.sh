# A throwaway Debian archive on loopback for tests: .debs made with dpkg-deb, Packages indexes
# by dpkg-scanpackages, a Release file with SHA-256 sums, InRelease clearsigned by a key made
# for the test, served by python3's http.server on 127.0.0.1. Tests never need a real mirror.
# Source it (after scripts/lib/services.sh); the caller owns the directory and cleans up.

# mirror_init DIR: an empty archive in DIR and a fresh signing key; sets MIRROR_DIR and
# MIRROR_KEYRING (the binary public keyring that verifies it).
mirror_init() {
  MIRROR_DIR=$1
  mkdir -p "$MIRROR_DIR/pool/main" "$MIRROR_DIR/gnupg"
  chmod 700 "$MIRROR_DIR/gnupg"
  export GNUPGHOME=$MIRROR_DIR/gnupg
  gpg --batch --quiet --passphrase '' --quick-gen-key "stowage test archive <test@localhost>" \
    ed25519 sign never 2>/dev/null
  MIRROR_KEYRING=$MIRROR_DIR/keyring.gpg
  gpg --batch --quiet --export >"$MIRROR_KEYRING"
}

# make_deb NAME VERSION ARCH "CONTROL LINES" [PATH=CONTENT...]: builds a .deb into the pool.
# CONTROL LINES are extra control fields ("Depends: x\nProvides: y"); each PATH=CONTENT is a
# file of the package (PATH absolute; CONTENT written with printf %s, "->TARGET" makes a symlink;
# a CONTENT starting with "#!" makes an executable, mode 0755).
make_deb() {
  local name=$1 version=$2 arch=$3 extra=$4
  shift 4
  local stage
  stage=$(mktemp -d "$MIRROR_DIR/stage.XXXXXX")
  mkdir -p "$stage/DEBIAN"
  {
    echo "Package: $name"
    echo "Version: $version"
    echo "Architecture: $arch"
    echo "Maintainer: stowage tests <test@localhost>"
    echo "Description: test package $name"
    [[ -n "$extra" ]] && printf '%b\n' "$extra"
  } >"$stage/DEBIAN/control"
  local spec path content
  for spec in "$@"; do
    path=${spec%%=*}
    content=${spec#*=}
    mkdir -p "$stage$(dirname "$path")"
    if [[ "$content" == "->"* ]]; then
      ln -s "${content#->}" "$stage$path"
    else
      printf '%s' "$content" >"$stage$path"
      [[ "$content" == "#!"* ]] && chmod 755 "$stage$path"
    fi
  done
  local out="$MIRROR_DIR/pool/main/${name}_${version}_${arch}.deb"
  SOURCE_DATE_EPOCH=1 dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
  rm -rf "$stage"
  echo "$out"
}

# mirror_publish SUITE ARCH...: writes dists/SUITE/main/binary-ARCH/Packages{,.xz,.gz} for every
# .deb in the pool, the Release file and the InRelease signed with the test key.
mirror_publish() {
  local suite=$1
  shift
  local dists=$MIRROR_DIR/dists/$suite arch
  rm -rf "$dists"
  for arch in "$@"; do
    mkdir -p "$dists/main/binary-$arch"
    (cd "$MIRROR_DIR" && dpkg-scanpackages --arch "$arch" pool /dev/null 2>/dev/null) \
      >"$dists/main/binary-$arch/Packages"
    xz -k "$dists/main/binary-$arch/Packages"
    gzip -kn "$dists/main/binary-$arch/Packages"
  done
  {
    echo "Origin: stowage-test"
    echo "Suite: $suite"
    echo "Codename: $suite"
    echo "Architectures: $*"
    echo "Components: main"
    echo "SHA256:"
    (cd "$dists" && for f in main/binary-*/Packages*; do
      printf ' %s %s %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$f"
    done)
  } >"$dists/Release"
  GNUPGHOME=$MIRROR_DIR/gnupg gpg --batch --quiet --yes --clearsign -o "$dists/InRelease" \
    "$dists/Release"
}

# mirror_serve: python3 -m http.server over MIRROR_DIR on a free loopback port; sets MIRROR_URL
# and MIRROR_PID (the caller kills it).
mirror_serve() {
  local port
  port=$(free_port)
  (cd "$MIRROR_DIR" && exec /usr/bin/python3 -m http.server --bind 127.0.0.1 "$port") \
    >"$MIRROR_DIR/http.log" 2>&1 &
  MIRROR_PID=$!
  MIRROR_URL=http://127.0.0.1:$port
  wait_for_http "$MIRROR_URL/" 30
}

# mirror_stop: stops the server and the test key's gpg-agent, if any.
mirror_stop() {
  [[ -n "${MIRROR_PID:-}" ]] && kill "$MIRROR_PID" 2>/dev/null || true
  MIRROR_PID=
  [[ -n "${MIRROR_DIR:-}" && -d "$MIRROR_DIR/gnupg" ]] &&
    GNUPGHOME=$MIRROR_DIR/gnupg gpgconf --kill gpg-agent 2>/dev/null || true
}
