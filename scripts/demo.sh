#!/usr/bin/env bash
# The main job until a real node is at hand: bring up the simulated Proxmox host and walk through pxdeploy on it:
# a container from a spec, then a blue/green instance installed, updated and rolled back. KEEP=1 leaves both running.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/test/pvesim/bin:$PATH"
export PXDEPLOY_ROOT=${PXDEPLOY_ROOT:-/var/tmp/pxdeploy-demo}
px() { echo; echo "\$ pxdeploy $*"; node bin/pxdeploy.js "$@"; }
step() { printf '\n=== %s\n' "$*"; }

[[ $(id -u) == 0 ]] || { echo "demo: run as root (it starts real LXC containers)" >&2; exit 2; }
[[ -d node_modules ]] || npm ci
bash scripts/host-deps.sh
npm run build --silent

step "simulated Proxmox VE node (pvesim: real LXC, bridge vmbr0 10.203.0.1/24, local registry)"
bash scripts/pvesim-setup.sh
cleanup() { [[ ${KEEP:-0} == 1 ]] || bash scripts/pvesim-teardown.sh; }
trap cleanup EXIT
pvesm status
pveam list local

step "pxdeploy validates a container spec before touching anything"
px --version
px validate -f examples/ct.yaml
px validate -f test/fixtures/config/bad.yaml || echo "(exit $? — every problem reported at once, nothing ran)"

step "pxdeploy creates a container from a spec (examples/ct.yaml): first the plan, then for real"
mkdir -p /srv/web/www && echo '<h1>served by a pxdeploy CT</h1>' > /srv/web/www/index.html
pct destroy 203 --force 1 --purge 1 >/dev/null 2>&1 || true
px ct create -f examples/ct.yaml --dry-run
px ct create -f examples/ct.yaml
echo; echo "\$ curl -s http://10.203.0.20/"; curl -s http://10.203.0.20/

step "idempotent: the same spec again changes nothing"
px ct create -f examples/ct.yaml
px ct show 203
px ct list

step "the audit trail: one line per host command and file change, then the outcome"
echo; echo "\$ cat $PXDEPLOY_ROOT/var/log/pxdeploy/ct-web.log"; cut -c1-160 "$PXDEPLOY_ROOT/var/log/pxdeploy/ct-web.log"

step "blue/green: install the notes instance, update to green, roll back (scripts/demo-bluegreen.sh)"
PVESIM_SKIP_SETUP=1 bash scripts/demo-bluegreen.sh

step "operation locks"
px lock status

[[ ${KEEP:-0} == 1 ]] || px ct destroy 203 --force --yes

step "done"
