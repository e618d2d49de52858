#!/usr/bin/env bash
# The blue/green part of the demo (scripts/demo.sh runs it; it also runs alone): install the notes instance of
# examples/instances/demo.yaml, show it answering, update it to green (v2, data kept), status, roll back.
# Sets up pvesim only when it is not up (PVESIM_SKIP_SETUP=1 to never touch it); KEEP=1 leaves the instance running.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/test/pvesim/bin:$PATH"
export PXDEPLOY_ROOT=${PXDEPLOY_ROOT:-/var/tmp/pxdeploy-demo}
export NOTES_DIST=${NOTES_DIST:-$PXDEPLOY_ROOT/var/lib/pxdeploy/artifacts/notes}
ID=notes-demo IP=10.203.0.60 VMID=460
px() { echo; echo "\$ pxdeploy $*"; node bin/pxdeploy.js "$@"; }
step() { printf '\n=== %s\n' "$*"; }
show() { echo "\$ curl -s $*"; curl -s "$@"; echo; }

[[ $(id -u) == 0 ]] || { echo "demo: run as root (it starts real LXC containers)" >&2; exit 2; }
[[ -d node_modules ]] || npm ci
[[ -d dist ]] || npm run build --silent
if [[ ${PVESIM_SKIP_SETUP:-0} != 1 ]] && ! pvesm status >/dev/null 2>&1; then bash scripts/pvesim-setup.sh; fi

step "the demo app's releases (apps/notes): 1.0.0, 2.0.0 (adds a schema migration), 3.0.0 (fails /health)"
apps/notes/build.sh "$NOTES_DIST"

step "install: a Debian CT, blue = 1.0.0 as systemd units, nginx on 80/443, health gate"
node bin/pxdeploy.js uninstall "$ID" --yes >/dev/null 2>&1 || true
px install "$ID" -f examples/instances/demo.yaml
show -X POST -d 'written under v1' "http://$IP/api/v1/notes"
show -i "http://$IP/api/v1/info"

step "update to green: SQLite backup, deploy 2.0.0 on the idle colour, migration, health gate, zero-drop switch"
px update "$ID" --release 2.0.0 --color green
show "http://$IP/api/v1/notes"
show "http://$IP/api/v1/info"
px status "$ID"

step "rollback to blue (1.0.0 keeps working on the v2 schema)"
px rollback "$ID"
show "http://$IP/api/v1/info"
px status "$ID"

step "a broken release (3.0.0) is refused by the health gate: exit 10, nothing switched"
px update "$ID" --release 3.0.0 || echo "(exit $? — 1.0.0 on blue still serves)"
show "http://$IP/api/v1/info"

px health "$ID"
px logs "$ID" -n 12

if [[ ${KEEP:-0} == 1 ]]; then
  step "left running: http://$IP/ and https://$IP/ (self-signed); \`pxdeploy status $ID\` with PXDEPLOY_ROOT=$PXDEPLOY_ROOT"
else
  px uninstall "$ID" --yes
fi
