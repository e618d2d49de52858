#!/usr/bin/env bash
# The main job until a real node is at hand: bring up the simulated Proxmox host and walk through pxdeploy on it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/test/pvesim/bin:$PATH"
export PXDEPLOY_ROOT=${PXDEPLOY_ROOT:-/var/tmp/pxdeploy-demo}
px() { echo; echo "\$ pxdeploy $*"; node bin/pxdeploy.js "$@"; }
step() { printf '\n=== %s\n' "$*"; }

[[ $(id -u) == 0 ]] || { echo "demo: run as root (it starts real LXC containers)" >&2; exit 2; }
[[ -d node_modules ]] || npm ci
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

step "pxdeploy reads the node through pct (here: a container pvesim runs on real LXC)"
host() { echo; echo "\$ $*"; "$@"; }
host pct create 9300 local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst --hostname demo-web --memory 256 \
  --net0 name=eth0,bridge=vmbr0,ip=10.203.0.90/24,gw=10.203.0.1 --storage local-lvm
host pct start 9300
host pct exec 9300 -- systemctl is-system-running
echo; echo "\$ curl -s -o /dev/null -w '%{http_code}' http://10.203.0.90/"; curl -s -o /dev/null -w 'HTTP %{http_code}\n' http://10.203.0.90/
px ct list
px ct list --json
host pct destroy 9300 --force

step "operation locks"
px lock status

step "done"
