#!/bin/sh
# build.sh - make the notes release artifacts: OUTDIR/notes-<ver>.tar.gz + .sha256 for 1.0.0, 2.0.0, 3.0.0, byte-reproducible.
# usage: apps/notes/build.sh OUTDIR [VERSION...]
# One source tree (src/); a release differs only by its VERSION file, which the scripts read (see src/lib/common.sh).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [VERSION...]" >&2; exit 2; }
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
mkdir -p "$1"
out=$(CDPATH= cd -- "$1" && pwd)
shift
[ $# -gt 0 ] || set -- 1.0.0 2.0.0 3.0.0
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM

for version in "$@"; do
  root=$stage/$version
  mkdir -p "$root"
  cp -R "$here/src/bin" "$here/src/lib" "$here/src/cgi" "$root/"
  printf '%s\n' "$version" > "$root/VERSION"
  # Modes are set, not inherited from the checkout's umask, so every machine packs the same bytes.
  find "$root" -type d -exec chmod 0755 {} +
  find "$root" -type f -exec chmod 0644 {} +
  chmod 0755 "$root"/bin/* "$root"/cgi/*.cgi "$root/lib/http-adapter"
  archive=notes-$version.tar.gz
  (cd "$root" && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \
    -cf - VERSION bin cgi lib) | gzip -n -9 > "$out/$archive.tmp"
  mv -f "$out/$archive.tmp" "$out/$archive"
  (cd "$out" && sha256sum "$archive" > "$archive.sha256.tmp" && mv -f "$archive.sha256.tmp" "$archive.sha256")
  echo "$out/$archive"
done
