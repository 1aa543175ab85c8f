#!/usr/bin/env bash
# Installs the Debian packages stowage needs (scripts/debian-packages.txt). Idempotent: when
# every package is present it touches nothing and takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

list=scripts/debian-packages.txt
missing=()
drift=()
optional=()
while read -r name version only; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
  if [[ "$have" != "install ok installed "* ]]; then
    if [[ "$only" == only-for:* ]]; then optional+=("$name ${only#only-for:}"); else missing+=("$name"); fi
  elif [[ "${have##* }" != "$version" ]]; then
    drift+=("$name ${have##* } (tested with $version)")
  fi
done < "$list"

export DEBIAN_FRONTEND=noninteractive
apt_get=(apt-get)
[[ $(id -u) -ne 0 ]] && apt_get=(sudo apt-get)
if ((${#missing[@]} + ${#optional[@]})); then
  "${apt_get[@]}" update -qq
fi
# Packages one command alone needs: installed when this release's archive has them.
for entry in "${optional[@]}"; do
  name=${entry%% *}
  if [[ -n "$(apt-cache show --no-all-versions "$name" 2>/dev/null | sed -n 's/^Package: //p')" ]]; then
    missing+=("$name")
  else
    echo "setup: note: $name is not in this release's archive; only ${entry#* } needs it"
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for d in "${drift[@]}"; do echo "setup: note: $d"; done
# The Debian postgresql package starts a cluster service we never use; tests start their own.
exit 0
