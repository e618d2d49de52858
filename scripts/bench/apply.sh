#!/bin/bash
# Times `pxdeploy apply` of a 6-service stack (--parallel 1 and --parallel 2) against the same clones made one
# after another by a plain shell script, in the same run.
#
# Figures, not pass/fail. The template (CT 972, built once by the first, untimed apply) stays; each timed
# run starts from no services and ends with all six running with their static IPs:
#   apply -p1 / -p2 : `pxdeploy apply -f stack.yaml --yes --parallel N` (plan, then per service: pct clone
#                     --full, pct set net0/tags/memory/cores, start, wait for the address and systemd,
#                     new machine identity), the 6 clones independent of each other;
#   script         : for each service in turn, the same pct clone, pct set, pct start, then polling for the
#                     address and systemd (what an admin's deploy-all bash does, minus the identity step).
# The ratios say what the plan, locks and records cost (p1 vs script) and what parallelism buys (p2 vs p1)
# on this 2-core VM. Runs alternate so drift on the host hits all three alike.
# Needs root and a set-up pvesim; uses CTs 280–285 and template 972, IPs 10.203.0.120–125, and removes
# them. Env: RUNS (default 3), BUILD=0 to skip `npm run build`.
set -euo pipefail
shopt -s inherit_errexit

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH=$HERE/test/pvesim/bin:$PATH
RUNS=${RUNS:-3}
TPL=972
IDS=(280 281 282 283 284 285)
WORK=$(mktemp -d)
export PXDEPLOY_ROOT=$WORK/root

cat > "$WORK/tpl.yaml" <<YAML
version: "1.0"
container:
  hostname: bench-tpl
  template: debian-12
  resources: { cores: 1, memory: 256, swap: 0, disk: 2 }
YAML
{
  echo "name: bench"
  echo "resources:"
  echo "  tpl: { kind: template, file: $WORK/tpl.yaml, vmid: $TPL, storage: local-hdd }"
  for i in "${!IDS[@]}"; do
    echo "  svc$i: { kind: clone, template: tpl, vmid: ${IDS[$i]}, storage: local-lvm, ip: 10.203.0.12$i/24, gateway: 10.203.0.1, memory: 256, cores: 1 }"
  done
} > "$WORK/stack.yaml"

now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
. "$HERE/scripts/bench/lib/median.sh"
destroy_services() {
  for id in "${IDS[@]}"; do pct destroy "$id" --force 1 --purge 1 >/dev/null 2>&1 || true; rm -f "$PXDEPLOY_ROOT/var/lib/pxdeploy/containers/$id.json"; done
}
trap 'destroy_services; pct destroy "$TPL" --force 1 --purge 1 >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

plain_script() {
  for i in "${!IDS[@]}"; do
    id=${IDS[$i]}; ip=10.203.0.12$i
    pct clone "$TPL" "$id" --hostname "svc$i" --full 1 --storage local-lvm >/dev/null
    pct set "$id" --net0 "name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=$ip/24" --tags "pxstack-bench" --memory 256 --cores 1
    pct start "$id"
    until pct exec "$id" -- ip -4 -o addr show dev eth0 | grep -q "inet $ip/"; do sleep 0.2; done
    until pct exec "$id" -- systemctl is-system-running 2>/dev/null | grep -qE '^(running|degraded)$'; do sleep 0.2; done
  done
}
px_apply() { node "$HERE/bin/pxdeploy.js" apply -f "$WORK/stack.yaml" --yes --parallel "$1" >"$WORK/apply.out" 2>&1 || { cat "$WORK/apply.out" >&2; exit 1; }; }

[[ ${BUILD:-1} == 0 ]] || (cd "$HERE" && npm run build --silent)
destroy_services
pct destroy "$TPL" --force 1 --purge 1 >/dev/null 2>&1 || true
t0=$(now); px_apply 2; t1=$(now); destroy_services
echo "template build + first apply (untimed reference): $(dt "$t0" "$t1")s"
: > "$WORK/p1"; : > "$WORK/p2"; : > "$WORK/script"
for _ in $(seq "$RUNS"); do
  t0=$(now); px_apply 1; t1=$(now); destroy_services; dt "$t0" "$t1" >> "$WORK/p1"; echo >> "$WORK/p1"
  t0=$(now); px_apply 2; t1=$(now); destroy_services; dt "$t0" "$t1" >> "$WORK/p2"; echo >> "$WORK/p2"
  t0=$(now); plain_script; t1=$(now); destroy_services; dt "$t0" "$t1" >> "$WORK/script"; echo >> "$WORK/script"
done
p1=$(grep . "$WORK/p1" | median); p2=$(grep . "$WORK/p2" | median); sc=$(grep . "$WORK/script" | median)
echo "runs: $RUNS (median wall time, 6 clones: clone → set → start → address → systemd)"
echo "  pxdeploy apply --parallel 1 : ${p1}s   (all: $(grep . "$WORK/p1" | tr '\n' ' '))"
echo "  pxdeploy apply --parallel 2 : ${p2}s   (all: $(grep . "$WORK/p2" | tr '\n' ' '))"
echo "  script, one after another   : ${sc}s   (all: $(grep . "$WORK/script" | tr '\n' ' '))"
awk -v a="$p1" -v b="$sc" 'BEGIN { printf "  ratio p1 vs script         : %.2f (overhead %+.0f %%)\n", a / b, (a / b - 1) * 100 }'
awk -v a="$p2" -v b="$sc" 'BEGIN { printf "  ratio p2 vs script         : %.2f\n", a / b }'
awk -v a="$p2" -v b="$p1" 'BEGIN { printf "  ratio p2 vs p1             : %.2f\n", a / b }'
