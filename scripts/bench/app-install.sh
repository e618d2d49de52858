#!/bin/bash
# Bench: `pxdeploy app install demo` until healthy vs the same skopeo + pct + curl steps in a plain script, same run; prints both and the ratio.
# Needs a running pvesim (never sets it up). Uses vmids 403/404 and IPs 10.203.0.52/.53; destroys both CTs at the end.
# RUNS=N rounds (default 3); the best of each side is compared, since the host is shared and noisy.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$REPO/test/pvesim/bin:$PATH"
RUNS=${RUNS:-${ROUNDS:-3}}
CACHE=$(pvesm path local:vztmpl/x.tar | xargs dirname)
ROOT=$(mktemp -d); chmod 755 "$ROOT"
cleanup() { pct destroy 403 --force 1 --purge 1 >/dev/null 2>&1 || true; pct destroy 404 --force 1 --purge 1 >/dev/null 2>&1 || true; rm -rf "$ROOT" "$CACHE/bench_app.tar"; }
trap cleanup EXIT

now() { date +%s.%N; }

wait_http() { # url: until 200, at most 60 s
  for _ in $(seq 1 600); do [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1") == 200 ]] && return 0; sleep 0.1; done
  return 1
}

plain() {
  rm -f "$CACHE/bench_app.tar"
  skopeo copy -q --src-tls-verify=false docker://127.0.0.1:5000/demo/app:1.0 "oci-archive:$CACHE/bench_app.tar"
  pct create 404 local:vztmpl/bench_app.tar --hostname bench-plain --cores 1 --memory 128 --rootfs local-lvm:1 \
    --net0 name=eth0,bridge=vmbr0,ip=10.203.0.53/24,gw=10.203.0.1 --unprivileged 1 >/dev/null
  pct start 404
  wait_http http://10.203.0.53:3456/health
}

tool() {
  rm -rf "$ROOT/var" "$CACHE/app_1.0.tar"
  node "$REPO/bin/pxdeploy.js" app install demo --hostname bench-tool --set GREETING=hi --vmid 403 --ip 10.203.0.52/24 --gateway 10.203.0.1 >/dev/null 2>&1
}

best_plain=999; best_tool=999
for i in $(seq 1 "$RUNS"); do
  pct destroy 404 --force 1 --purge 1 >/dev/null 2>&1 || true
  t0=$(now); plain; t1=$(now)
  p=$(echo "$t1 - $t0" | bc)
  PXDEPLOY_ROOT=$ROOT pct destroy 403 --force 1 --purge 1 >/dev/null 2>&1 || true
  t0=$(now); PXDEPLOY_ROOT=$ROOT tool; t1=$(now)
  x=$(echo "$t1 - $t0" | bc)
  printf 'round %d: plain script %.2f s, pxdeploy app install %.2f s\n' "$i" "$p" "$x"
  best_plain=$(echo "if ($p < $best_plain) $p else $best_plain" | bc)
  best_tool=$(echo "if ($x < $best_tool) $x else $best_tool" | bc)
done
printf 'best: plain %.2f s, pxdeploy %.2f s, ratio %.2f (target <= 1.2)\n' "$best_plain" "$best_tool" "$(echo "scale=4; $best_tool / $best_plain" | bc)"
