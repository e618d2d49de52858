#!/bin/bash
# Starts/stops pvesim's DHCP server: a dnsmasq bound to vmbr0 only, leasing 10.203.0.150-249, no DNS: dhcp.sh start|stop|status
#
# Files under $PVESIM_ROOT/run/dhcp/: dnsmasq.pid, dnsmasq.leases (dnsmasq's lease file: `expiry mac ip
# hostname client-id` per line), dnsmasq.log. It hands out the router option 10.203.0.1 (the host, which
# neither forwards nor NATs: CTs still reach nothing beyond the bridge) and no DNS server (--port=0).
# Env: PVESIM_ROOT (default /var/lib/pvesim).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/daemon.sh"
NAME=dnsmasq

ROOT=${PVESIM_ROOT:-/var/lib/pvesim}
BRIDGE=vmbr0
HOST_IP=10.203.0.1
RANGE=10.203.0.150,10.203.0.249,255.255.255.0,12h
DIR=$ROOT/run/dhcp
PID=$DIR/dnsmasq.pid
LEASES=$DIR/dnsmasq.leases

log() { echo "    [dhcp] $*" >&2; }

# alive: the pid in $PID runs dnsmasq with our pid file (so a recycled pid is never ours)
alive() {
  local pid
  [[ -s $PID ]] || return 1
  pid=$(< "$PID")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--pid-file=$PID"
}

start() {
  if alive; then log "dnsmasq already running (pid $(< "$PID"))"; return; fi
  ip -o -4 addr show dev "$BRIDGE" 2>/dev/null | grep -qF " $HOST_IP/" || { echo "dhcp.sh: $BRIDGE has no $HOST_IP" >&2; exit 1; }
  mkdir -p "$DIR"
  touch "$LEASES"
  # dnsmasq drops to user nobody after start; the lease file is rewritten through its open descriptor
  dnsmasq --conf-file=/dev/null --port=0 --interface="$BRIDGE" --bind-interfaces --except-interface=lo \
    --dhcp-range="$RANGE" --dhcp-leasefile="$LEASES" --dhcp-authoritative --pid-file="$PID" \
    --user=nobody --group=nogroup --log-dhcp --log-facility="$DIR/dnsmasq.log" < /dev/null
  local i
  for ((i = 0; i < 100; i++)); do alive && break; sleep 0.02; done
  alive || { tail -n 20 "$DIR/dnsmasq.log" >&2 2>/dev/null; echo "dhcp.sh: dnsmasq did not start" >&2; exit 1; }
  log "dnsmasq on $BRIDGE (pid $(< "$PID")), leases ${RANGE%,*,*} in $LEASES"
}

daemon_main "${1:-}"
