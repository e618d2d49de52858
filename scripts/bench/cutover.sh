#!/usr/bin/env bash
# cutover.sh - wrk (keep-alive) against a real notes instance's nginx on pvesim during `pxdeploy update` and `rollback`,
# then the same load across a plain `nginx -s reload` switch for comparison. Prints figures, not pass/fail.
# Per phase: requests served, non-2xx, socket errors (connect/read/write/timeout); for update/rollback also the
# command's duration and the time from its start until the new version answers through nginx.
# Env: VMID=462 IP=10.203.0.62 CONN=8 THREADS=2 TIMEOUT=30 (wrk's per-request timeout, s) KEEP=1 (leave the instance), PXDEPLOY_ROOT (default: a temp dir).
# Needs: pvesim running (the lead's), wrk (apt-get install wrk when missing), curl. Traffic only to 10.203.0.x.
set -euo pipefail
cd "$(dirname "$0")/../.."
VMID=${VMID:-462} IP=${IP:-10.203.0.62} CONN=${CONN:-8} THREADS=${THREADS:-2} TIMEOUT=${TIMEOUT:-30} ID=notes-bench
export PATH="$PWD/test/pvesim/bin:$PATH"
export PXDEPLOY_ROOT=${PXDEPLOY_ROOT:-$(mktemp -d -t cutover-bench.XXXXXX)}
WORK=$(mktemp -d -t cutover-work.XXXXXX)
export NOTES_DIST=$WORK/dist
PIDS=()
px() { node bin/pxdeploy.js "$@"; }
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ ${KEEP:-0} != 1 ]]; then px uninstall "$ID" --yes --purge-backups >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
[[ -f bin/pxdeploy.js && -d dist ]] || npx tsc -p tsconfig.json >/dev/null || true

apps/notes/build.sh "$NOTES_DIST" >/dev/null
cat > "$WORK/$ID.yaml" <<YAML
app: notes
version: "1.0.0"
container:
  vmid: $VMID
  hostname: notes-bench
  template: debian-12
  resources: { cores: 1, memory: 512, disk: 4 }
  storage_pool: local-lvm
  network: { bridge: vmbr0, ip: $IP/24, gateway: 10.203.0.1 }
  features: { nesting: true }
sources:
  backend: { artifact: "$NOTES_DIST/notes-{version}.tar.gz", sha256_file: "$NOTES_DIST/notes-{version}.tar.gz.sha256" }
  mcp: { artifact: "$NOTES_DIST/notes-{version}.tar.gz", sha256_file: "$NOTES_DIST/notes-{version}.tar.gz.sha256" }
health: { timeout: 30, interval: 0.3 }
YAML
px status "$ID" >/dev/null 2>&1 || px install "$ID" -f "$WORK/$ID.yaml" >/dev/null
URL=http://$IP/health

now() { date +%s.%N; }
version_now() { curl -s -o /dev/null -m 5 -w '%header{x-notes-version}' "$URL" || true; }

# wrk for $1 seconds in the background; its report lands in $2.
load() { wrk -t"$THREADS" -c"$CONN" -d"$1"s --timeout "${TIMEOUT}s" "$URL" > "$2" 2>&1 & PIDS+=($!); LOAD_PID=$!; }
figures() { # report file -> "requests non2xx socket_errors"
  local f=$1 req non sock
  req=$(awk '/requests in/ {print $1}' "$f")
  non=$(awk '/Non-2xx/ {print $NF}' "$f"); non=${non:-0}
  sock=$(awk '/Socket errors/ {gsub(",", ""); s=0; for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) s+=$i; print s}' "$f"); sock=${sock:-0}
  echo "$req $non $sock"
}

# One pxdeploy switch under load: prints phase, figures, command time, time until $2 answers.
measured() {
  local phase=$1 want=$2; shift 2
  load 40 "$WORK/$phase.wrk"
  sleep 3
  local t0 t1 seen=''
  t0=$(now)
  ( for _ in $(seq 900); do [[ $(version_now) == "$want" ]] && { now > "$WORK/$phase.seen"; break; }; sleep 0.1; done ) & PIDS+=($!)
  "$@" >/dev/null
  t1=$(now)
  wait "${PIDS[-1]}" 2>/dev/null || true
  seen=$(cat "$WORK/$phase.seen" 2>/dev/null || echo "$t1")
  wait "$LOAD_PID" || true
  read -r req non sock < <(figures "$WORK/$phase.wrk")
  printf '%-10s requests %6s  non-2xx %3s  socket-errors %3s  command %5.1fs  new-version-after %5.1fs\n' \
    "$phase" "$req" "$non" "$sock" "$(echo "$t1 - $t0" | bc)" "$(echo "$seen - $t0" | bc)"
  grep -E 'Socket errors' "$WORK/$phase.wrk" || true
}

echo "notes instance $ID (CT $VMID) at $URL; wrk -t$THREADS -c$CONN --timeout ${TIMEOUT}s keep-alive; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
cur=$(version_now)
target=2.0.0; [[ $cur == 2.0.0 ]] && target=1.0.0
measured update "$target" px update "$ID" --release "$target"
measured rollback "$cur" px rollback "$ID"

# Reference: the same load across two switches done the naive way (link + `nginx -s reload`), no pxdeploy involved.
live=$(pct exec "$VMID" -- readlink /etc/notes/frontend/live)
other=green; [[ $live == green ]] && other=blue
px update "$ID" --release "$target" >/dev/null   # both colours healthy, so the reload switch has somewhere to go
live=$(pct exec "$VMID" -- readlink /etc/notes/frontend/live); other=green; [[ $live == green ]] && other=blue
load 20 "$WORK/reload.wrk"
for c in "$other" "$live"; do
  sleep 6
  pct exec "$VMID" -- sh -c "ln -sfn $c /etc/notes/frontend/live.next && mv -fT /etc/notes/frontend/live.next /etc/notes/frontend/live && nginx -s reload"
done
wait "$LOAD_PID" || true
read -r req non sock < <(figures "$WORK/reload.wrk")
printf '%-10s requests %6s  non-2xx %3s  socket-errors %3s  (two switches, each with nginx -s reload)\n' reload "$req" "$non" "$sock"
grep -E 'Socket errors' "$WORK/reload.wrk" || true
