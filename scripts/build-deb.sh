#!/usr/bin/env bash
# Builds pxdeploy_<version>_amd64.deb for a Proxmox VE node: the compiled code with its production node_modules
# under /usr/lib/pxdeploy, /usr/bin/pxdeploy, the man page and bash completion generated from the binary itself.
#
# Usage: bash scripts/build-deb.sh [OUTDIR]   (default: dist-deb/; SKIP_BUILD=1 packages the existing dist/). Needs dpkg-deb and gzip; no root (files are root-owned in the package).
# The package depends on nodejs >= 20: PVE 8 (Debian 12) ships nodejs 18, so install Node 20 from NodeSource first there.
# Architecture is the build machine's: better-sqlite3 is a native module.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-dist-deb}
VERSION=$(node -p 'require("./package.json").version')
ARCH=$(dpkg --print-architecture)
[[ -d node_modules ]] || { echo "build-deb: run npm ci first" >&2; exit 1; }
# SKIP_BUILD=1 packages dist/ as it is (the tests do, beside other tests running the binary).
if [[ ${SKIP_BUILD:-0} != 1 ]]; then npm run build >/dev/null; fi
[[ -f dist/main.js ]] || { echo "build-deb: no dist/main.js (npm run build)" >&2; exit 1; }

stage=$(mktemp -d /tmp/pxdeploy-deb.XXXXXX)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/pxdeploy_${VERSION}_${ARCH}
lib=$pkg/usr/lib/pxdeploy
mkdir -p "$lib" "$pkg/usr/bin" "$pkg/usr/share/man/man1" "$pkg/usr/share/bash-completion/completions" "$pkg/usr/share/doc/pxdeploy" "$pkg/DEBIAN"

# The code and what it reads at run time (catalog, systemd units), then the production dependencies only.
cp -a bin dist packages systemd package.json package-lock.json "$lib/"
cp -a node_modules "$lib/"
(cd "$lib" && npm prune --omit=dev --no-audit --no-fund >/dev/null 2>&1)
# better-sqlite3 needs only its compiled addon and lib/ at run time, not its sqlite sources or object files.
rm -rf "$lib/node_modules/better-sqlite3/deps" "$lib/node_modules/better-sqlite3/src" \
  "$lib/node_modules/better-sqlite3/build/Release/obj" "$lib/node_modules/better-sqlite3/build/Release/obj.target" \
  "$lib/node_modules/better-sqlite3/build/Release/.deps" "$lib/node_modules/better-sqlite3/build/deps"
find "$lib/node_modules" -type d -empty -delete # scope folders of pruned dev packages
ln -s ../lib/pxdeploy/bin/pxdeploy.js "$pkg/usr/bin/pxdeploy"

# Generated from the staged binary, so they list exactly what this build has.
"$lib/bin/pxdeploy.js" completion bash >"$pkg/usr/share/bash-completion/completions/pxdeploy"
node --input-type=module -e '
  const lib = process.argv[1];
  const { buildProgram } = await import(`${lib}/dist/cli/program.js`);
  const { createIo } = await import(`${lib}/dist/cli/io.js`);
  const { renderManPage } = await import(`${lib}/dist/cli/manpage.js`);
  process.stdout.write(renderManPage(buildProgram(createIo(), process.argv[2]), process.argv[2], process.argv[3]));
' "$lib" "$VERSION" "$(date -u -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)" +%Y-%m-%d)" | gzip -9n >"$pkg/usr/share/man/man1/pxdeploy.1.gz"
cp README.md "$pkg/usr/share/doc/pxdeploy/"
printf 'pxdeploy %s\nLicense: MIT\n' "$VERSION" >"$pkg/usr/share/doc/pxdeploy/copyright"

cat >"$pkg/DEBIAN/control" <<EOF
Package: pxdeploy
Version: $VERSION
Architecture: $ARCH
Maintainer: pxdeploy developers <pxdeploy@localhost>
Section: admin
Priority: optional
Depends: nodejs (>= 20), skopeo, tar, gzip
Recommends: pigz, zstd
Installed-Size: $(du -sk "$pkg/usr" | cut -f1)
Homepage: https://github.com/pxdeploy/pxdeploy
Description: deployment agent for Proxmox VE nodes
 Creates LXC containers from a YAML spec, runs OCI images from an app catalog,
 runs blue/green app instances with a health-gated nginx switch, takes tar.gz
 backups that GNU tools can read, and keeps an inventory of the cluster, all
 through the node's own pct, pveam, pvesm, pvesh and skopeo.
EOF

mkdir -p "$OUT"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$OUT/" >/dev/null
deb=$OUT/pxdeploy_${VERSION}_${ARCH}.deb
echo "$deb ($(du -h "$deb" | cut -f1), installed $(du -sh "$pkg/usr" | cut -f1))"
