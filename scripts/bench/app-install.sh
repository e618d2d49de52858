#!/bin/bash
# Bench: `pxdeploy app install demo` until healthy vs plain scripts (the same host commands; bare skopeo + pct + curl), same run.
# Needs a running pvesim (never sets it up). Uses vmids 403/404 and IPs 10.203.0.52/.53; destroys both CTs at the end.
#   same commands: the host commands pxdeploy's operation log shows, one after another — skopeo inspect, the
#                  preflight reads (pvesh cluster resources, node status and network, pvesm status and path),
#                  skopeo copy, the image re-pack that bakes the app's env in (tar -x, tar -c), pct create,
#                  the pct config read-back, pct start, then curl until /health answers;
#   bare:          skopeo copy, pct create, pct start, curl — checks nothing and leaves the app without its env.
# The ratio against "same commands" is pxdeploy's own overhead (node start-up, validation, lock, state, log);
# the target (≤ 1.2 ×) is measured against it. RUNS=N rounds (default 3); the best of each side is compared,
# since the host is shared and noisy.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$REPO/test/pvesim/bin:$PATH"
RUNS=${RUNS:-${ROUNDS:-3}}
CACHE=$(pvesm path local:vztmpl/x.tar | xargs dirname)
ROOT=$(mktemp -d); chmod 755 "$ROOT"
WORK=$(mktemp -d)
cleanup() { pct destroy 403 --force 1 --purge 1 >/dev/null 2>&1 || true; pct destroy 404 --force 1 --purge 1 >/dev/null 2>&1 || true; rm -rf "$ROOT" "$WORK" "$CACHE/bench_app.tar"; }
trap cleanup EXIT
IMAGE=docker://127.0.0.1:5000/demo/app:1.0
NET=name=eth0,bridge=vmbr0,ip=10.203.0.53/24,gw=10.203.0.1

now() { date +%s.%N; }

wait_http() { # url: until 200, at most 60 s
  for _ in $(seq 1 600); do [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1") == 200 ]] && return 0; sleep 0.1; done
  return 1
}

bare() {
  rm -f "$CACHE/bench_app.tar"
  skopeo copy -q --src-tls-verify=false "$IMAGE" "oci-archive:$CACHE/bench_app.tar"
  pct create 404 local:vztmpl/bench_app.tar --hostname bench-plain --cores 1 --memory 128 --rootfs local-lvm:1 --net0 "$NET" --unprivileged 1 >/dev/null
  pct start 404
  wait_http http://10.203.0.53:3456/health
}

same() {
  rm -rf "$CACHE/bench_app.tar" "$WORK/derive" "$WORK/app.tar"
  skopeo inspect --no-tags --tls-verify=false "$IMAGE" >/dev/null
  pvesh get /cluster/resources --type vm --output-format json >/dev/null
  pvesh get /nodes/localhost/status --output-format json >/dev/null
  pvesh get /nodes/localhost/network --output-format json >/dev/null
  pvesm status --content rootdir >/dev/null
  pvesm path local:vztmpl/bench_app.tar >/dev/null
  skopeo copy -q --src-tls-verify=false "$IMAGE" "oci-archive:$CACHE/bench_app.tar"
  mkdir -p "$WORK/derive"
  tar -xf "$CACHE/bench_app.tar" -C "$WORK/derive"
  tar -cf "$WORK/app.tar" --owner=0 --group=0 --numeric-owner -C "$WORK/derive" oci-layout index.json blobs
  pct create 404 "$WORK/app.tar" --hostname bench-plain --cores 1 --memory 128 --rootfs local-lvm:1 --net0 "$NET" --unprivileged 1 >/dev/null
  pct config 404 >/dev/null
  pct start 404
  wait_http http://10.203.0.53:3456/health
}

tool() {
  rm -rf "$ROOT/var" "$CACHE/app_1.0.tar"
  node "$REPO/bin/pxdeploy.js" app install demo --hostname bench-tool --set GREETING=hi --vmid 403 --ip 10.203.0.52/24 --gateway 10.203.0.1 >/dev/null 2>&1
}

timed() { local t0 t1; t0=$(now); "$@"; t1=$(now); echo "$t1 - $t0" | bc; }
best() { sort -n | head -1; }

: > "$WORK/px"; : > "$WORK/same"; : > "$WORK/bare"
for i in $(seq 1 "$RUNS"); do
  pct destroy 404 --force 1 --purge 1 >/dev/null 2>&1 || true
  b=$(timed bare); echo "$b" >> "$WORK/bare"
  pct destroy 404 --force 1 --purge 1 >/dev/null 2>&1 || true
  s=$(timed same); echo "$s" >> "$WORK/same"
  PXDEPLOY_ROOT=$ROOT pct destroy 403 --force 1 --purge 1 >/dev/null 2>&1 || true
  x=$(PXDEPLOY_ROOT=$ROOT timed tool); echo "$x" >> "$WORK/px"
  printf 'round %d: pxdeploy %.2f s, same commands %.2f s, bare %.2f s\n' "$i" "$x" "$s" "$b"
done
px=$(best < "$WORK/px"); sm=$(best < "$WORK/same"); br=$(best < "$WORK/bare")
printf 'best: pxdeploy app install %.2f s, script with the same commands %.2f s, bare script %.2f s\n' "$px" "$sm" "$br"
awk -v a="$px" -v b="$sm" 'BEGIN { printf "ratio vs same commands: %.2f (target <= 1.2)\n", a / b }'
awk -v a="$px" -v b="$br" 'BEGIN { printf "ratio vs bare script:   %.2f (the bare script checks nothing and starts the app without its env)\n", a / b }'
