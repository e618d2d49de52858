#!/bin/bash
# Times `pxdeploy ct create` (no provisioning) against the same pct commands in a plain shell script, in the same run.
#
# Figures, not pass/fail (target: pxdeploy's overhead ≤ 10 %). Two scripts, each what an admin's bash
# would do, measured in the same run:
#   same commands: the host commands pxdeploy runs, one after another — the preflight reads (pvesh
#                  cluster resources, node status and network, pvesm status, pveam list), pct create
#                  with the same options, pct start, then polling for the address and systemd;
#   bare:          only pct create, pct start and the polling (no checks at all).
# The ratio against "same commands" is pxdeploy's own overhead (node start-up, validation, lock,
# state and log writes, minus what it saves by asking the reads in parallel). Runs alternate so
# drift on the host hits all three alike.
# Needs root and a set-up pvesim; uses CT 9191 / 10.203.0.28 and removes it. Env: RUNS (default 5).
set -euo pipefail
shopt -s inherit_errexit

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH=$HERE/test/pvesim/bin:$PATH
RUNS=${RUNS:-5}
VMID=9191
IP=10.203.0.28
TEMPLATE=local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst
WORK=$(mktemp -d)
export PXDEPLOY_ROOT=$WORK/root
cat > "$WORK/ct.yaml" <<YAML
version: "1.0"
container:
  vmid: $VMID
  hostname: bench-create
  template: debian-12
  resources: { cores: 1, memory: 256, disk: 2 }
  storage_pool: local-lvm
  network: { ip: $IP/24, gateway: 10.203.0.1 }
YAML

now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
. "$HERE/scripts/bench/lib/median.sh"
destroy() { pct destroy "$VMID" --force 1 --purge 1 >/dev/null 2>&1 || true; rm -rf "$PXDEPLOY_ROOT"; }
trap 'destroy; rm -rf "$WORK"' EXIT

checks() {
  pvesh get /cluster/resources --type vm --output-format json >/dev/null
  pvesh get /nodes/localhost/status --output-format json >/dev/null
  pvesm status --content rootdir >/dev/null
  pvesh get /nodes/localhost/network --output-format json >/dev/null
  pveam list local >/dev/null
}

plain_script() {
  pct create "$VMID" "$TEMPLATE" --hostname bench-create --cores 1 --memory 256 --swap 512 --rootfs local-lvm:2 \
    --net0 "name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=$IP/24" --unprivileged 1 --onboot 0 --tags pxdeploy >/dev/null
  pct start "$VMID"
  until pct exec "$VMID" -- ip -4 -o addr show dev eth0 | grep -q "inet $IP/"; do sleep 0.2; done
  until pct exec "$VMID" -- systemctl is-system-running 2>/dev/null | grep -qE '^(running|degraded)$'; do sleep 0.2; done
}

[[ ${BUILD:-1} == 0 ]] || (cd "$HERE" && npm run build --silent)
destroy
: > "$WORK/px"; : > "$WORK/same"; : > "$WORK/bare"
for i in $(seq "$RUNS"); do
  t0=$(now); node "$HERE/bin/pxdeploy.js" ct create -f "$WORK/ct.yaml" >/dev/null; t1=$(now); destroy
  dt "$t0" "$t1" >> "$WORK/px"; echo >> "$WORK/px"
  t0=$(now); checks; plain_script; t1=$(now); destroy
  dt "$t0" "$t1" >> "$WORK/same"; echo >> "$WORK/same"
  t0=$(now); plain_script; t1=$(now); destroy
  dt "$t0" "$t1" >> "$WORK/bare"; echo >> "$WORK/bare"
done
px=$(grep . "$WORK/px" | median); same=$(grep . "$WORK/same" | median); bare=$(grep . "$WORK/bare" | median)
echo "runs: $RUNS (median wall time, create → start → address → systemd)"
echo "  pxdeploy ct create          : ${px}s   (all: $(grep . "$WORK/px" | tr '\n' ' '))"
echo "  script, same host commands  : ${same}s   (all: $(grep . "$WORK/same" | tr '\n' ' '))"
echo "  script, bare create + start : ${bare}s   (all: $(grep . "$WORK/bare" | tr '\n' ' '))"
awk -v a="$px" -v b="$same" 'BEGIN { printf "  ratio vs same commands      : %.2f (overhead %+.0f %%)\n", a / b, (a / b - 1) * 100 }'
awk -v a="$px" -v b="$bare" 'BEGIN { printf "  ratio vs bare script        : %.2f (overhead %+.0f %%)\n", a / b, (a / b - 1) * 100 }'
