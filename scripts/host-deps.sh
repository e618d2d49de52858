#!/bin/bash
# Installs the Debian packages pxdeploy runs on the host and its unit tests exercise (pigz, zstd, git, …); idempotent.
# pvesim's own packages (lxc, skopeo, umoci, nginx, …) are installed by scripts/pvesim-setup.sh.
# Without root it only says what is missing: the tests that need a tool then fail with its name.
set -euo pipefail
PACKAGES=(pigz zstd git xz-utils tar gzip coreutils curl groff-base)
missing=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) != 0 ]]; then echo "host-deps: missing ${missing[*]} (run as root to install them)" >&2; exit 0; fi
echo "host-deps: installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
