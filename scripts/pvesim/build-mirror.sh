#!/bin/bash
# Builds pvesim's local Debian package mirror (a flat apt repository) from mirror-packages.txt: build-mirror.sh MIRROR_DIR
#
# The host's apt resolves the whole dependency closure of the listed packages (Depends + PreDepends,
# no Recommends) and downloads what is not in MIRROR_DIR yet; apt-ftparchive writes Packages(.gz) and
# Release. CTs use it as `deb [trusted=yes] http://10.203.0.1/debian ./`. Host and template are both
# bookworm, so the closure fits the template.
# Env: PVESIM_MIRROR_PACKAGES (default: mirror-packages.txt next to this script).
set -euo pipefail

OUT=${1:?usage: build-mirror.sh MIRROR_DIR}
LIST=${PVESIM_MIRROR_PACKAGES:-$(dirname "${BASH_SOURCE[0]}")/mirror-packages.txt}
log() { echo "    [mirror] $*" >&2; }

mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$LIST" | grep -v '^$')
((${#wanted[@]})) || { echo "no packages in $LIST" >&2; exit 1; }
mkdir -p "$OUT"

# real package names of the closure (virtual packages show up as <name> and are left out)
mapfile -t closure < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances "${wanted[@]}" | grep -E '^[a-z0-9]' | sort -u)
# what apt would fetch: 'URI' FILE SIZE HASH; skip files already in the mirror
mapfile -t uris < <(apt-get download --print-uris "${closure[@]}" 2>/dev/null)
missing=()
for line in "${uris[@]}"; do
  read -r _ file _ <<< "$line"
  [[ -s $OUT/$file ]] || missing+=("${file%%_*}")
done
log "${#wanted[@]} packages, closure ${#closure[@]} .debs, ${#missing[@]} to download"
if ((${#missing[@]})); then
  (cd "$OUT" && apt-get download -q -o APT::Sandbox::User=root "${missing[@]}" > /dev/null)
fi
# drop .debs that are no longer part of the closure (an older version, a removed package)
declare -A keep=()
for line in "${uris[@]}"; do read -r _ file _ <<< "$line"; keep[$file]=1; done
for f in "$OUT"/*.deb; do
  [[ -e $f && -z ${keep[$(basename "$f")]:-} ]] && { rm -f "$f"; log "dropped $(basename "$f")"; }
done
(
  cd "$OUT"
  apt-ftparchive packages . > Packages.tmp 2>/dev/null
  mv -f Packages.tmp Packages
  gzip -9nc Packages > Packages.gz
  apt-ftparchive -o APT::FTPArchive::Release::Origin=pvesim -o APT::FTPArchive::Release::Label=pvesim \
    release . > Release.tmp
  mv -f Release.tmp Release
)
log "done: $(ls "$OUT"/*.deb | wc -l) .debs, $(du -sh "$OUT" | cut -f1)"
