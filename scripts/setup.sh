#!/usr/bin/env bash
# Installs the Debian packages stowage needs (scripts/debian-packages.txt). Idempotent: when
# every package is present it touches nothing and takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

list=scripts/debian-packages.txt
missing=()
drift=()
while read -r name version; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
  if [[ "$have" != "install ok installed "* ]]; then
    missing+=("$name")
  elif [[ "${have##* }" != "$version" ]]; then
    drift+=("$name ${have##* } (tested with $version)")
  fi
done < "$list"

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_get=(apt-get)
  [[ $(id -u) -ne 0 ]] && apt_get=(sudo apt-get)
  "${apt_get[@]}" update -qq
  "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for d in "${drift[@]}"; do echo "setup: note: $d"; done
# The Debian postgresql package starts a cluster service we never use; tests start their own.
exit 0
