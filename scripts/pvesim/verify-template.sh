#!/bin/bash
# Boots a CT template under plain LXC (privileged and unprivileged): systemd `running`, HTTP 200 on :80, graceful stop: verify-template.sh TEMPLATE.tar.{zst,xz}
#
# Uses the LXC config pvesim's pct must generate (test/pvesim/README.md, "LXC config pvesim must
# generate"), a throwaway lxcpath and throwaway CTs on vmbr0 (10.203.0.250/.251), destroyed at the end.
# Templates without systemd (busybox) skip the systemd check.
# Env: PVESIM_VERIFY_MODES="priv unpriv" (default both), PVESIM_VERIFY_KEEP=1 (leave CTs for debugging),
#      PVESIM_VERIFY_EXTRA='lxc.key = value<newline>...' (appended to each config, e.g. cgroup limits).
set -euo pipefail

TPL=${1:?usage: verify-template.sh TEMPLATE.tar.zst}
CACHE=${PVESIM_CACHE:-/var/cache/pvesim}
MODES=${PVESIM_VERIFY_MODES:-priv unpriv}
BR=vmbr0
mkdir -p "$CACHE/work"
LXCP=$(mktemp -d "$CACHE/work/verify.XXXXXX")
chmod 0711 "$LXCP"   # the unprivileged CT's root (uid 100000) must traverse it
cd /
FAILED=0

log() { echo "    [verify] $*" >&2; }
names=()
cleanup() {
  local n
  if [[ ${PVESIM_VERIFY_KEEP:-0} == 1 ]]; then log "PVESIM_VERIFY_KEEP=1: leaving ${names[*]} in $LXCP"; return; fi
  for n in "${names[@]}"; do
    lxc-stop -P "$LXCP" -n "$n" -k >/dev/null 2>&1 || true
    lxc-destroy -P "$LXCP" -n "$n" >/dev/null 2>&1 || true
  done
  rm -rf "$LXCP"
}
trap cleanup EXIT

ip link show "$BR" >/dev/null 2>&1 || { log "bridge $BR missing (run scripts/pvesim-setup.sh)"; exit 1; }

# write_config NAME ROOTFS UNPRIV IP MAC VETH
write_config() {
  local name=$1 rootfs=$2 unpriv=$3 ip=$4 mac=$5 veth=$6
  {
    echo "lxc.arch = amd64"
    echo "lxc.uts.name = $name"
    echo "lxc.include = /usr/share/lxc/config/debian.common.conf"
    [[ $unpriv == 1 ]] && echo "lxc.include = /usr/share/lxc/config/debian.userns.conf"
    [[ $unpriv == 1 ]] && printf '%s\n' "lxc.idmap = u 0 100000 65536" "lxc.idmap = g 0 100000 65536"
    [[ -d /sys/kernel/security/apparmor ]] || echo "lxc.apparmor.profile = unconfined"
    echo "lxc.tty.max = 2"
    echo "lxc.pty.max = 1024"
    echo "lxc.rootfs.path = dir:$rootfs"
    echo "lxc.net.0.type = veth"
    echo "lxc.net.0.link = $BR"
    echo "lxc.net.0.flags = up"
    echo "lxc.net.0.name = eth0"
    echo "lxc.net.0.hwaddr = $mac"
    echo "lxc.net.0.veth.pair = $veth"
    echo "lxc.net.0.ipv4.address = $ip/24"
    echo "lxc.net.0.ipv4.gateway = 10.203.0.1"
    echo "lxc.log.file = $LXCP/$name.log"
    echo "lxc.log.level = WARN"
    [[ -z ${PVESIM_VERIFY_EXTRA:-} ]] || printf '%s\n' "$PVESIM_VERIFY_EXTRA"
  }
}

# boot_check MODE SUFFIX
boot_check() {
  local mode=$1 n=$2 name="verify-$1" unpriv=0 ip=10.203.0.$2 state=n/a i code t0 t1 stop
  [[ $mode == unpriv ]] && unpriv=1
  names+=("$name")
  t0=$(date +%s.%N)
  mkdir -p "$LXCP/$name/rootfs"
  write_config "$name" "$LXCP/$name/rootfs" "$unpriv" "$ip" "$(printf '02:00:0a:cb:00:%02x' "$n")" "vpvesimv$n" > "$LXCP/$name.conf"
  lxc-create -P "$LXCP" -n "$name" -t none -f "$LXCP/$name.conf" >/dev/null
  if [[ $unpriv == 1 ]]; then
    # as pct does: unpack inside the CT's user namespace so files belong to the mapped ids
    chown 100000:100000 "$LXCP/$name/rootfs"; chmod 0711 "$LXCP/$name"
    lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- \
      tar -xpf "$TPL" -C "$LXCP/$name/rootfs" --numeric-owner --xattrs --xattrs-include='security.capability' \
      --warning=no-xattr-write
  else
    tar -xpf "$TPL" -C "$LXCP/$name/rootfs" --numeric-owner --xattrs --xattrs-include='security.capability'
  fi
  ip neigh flush to "$ip" dev "$BR" 2>/dev/null || true
  lxc-start -P "$LXCP" -n "$name" -d
  # systemd needs a moment before its socket answers; then wait for the boot to settle
  [[ -e $LXCP/$name/rootfs/lib/systemd/systemd ]] && state=$(timeout 60 lxc-attach -P "$LXCP" -n "$name" --clear-env -- /bin/sh -c \
    'i=0; while [ ! -S /run/systemd/private ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; systemctl is-system-running --wait' 2>&1) || true
  code=000
  for ((i = 0; i < 50; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://$ip/") || true
    [[ $code == 200 ]] && break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  if [[ $state != running && $state != n/a ]]; then
    lxc-attach -P "$LXCP" -n "$name" --clear-env -- systemctl --failed --no-legend >&2 || true
    lxc-attach -P "$LXCP" -n "$name" --clear-env -- systemctl list-jobs --no-legend >&2 || true
  fi
  # graceful stop with LXC's default halt signal (SIGPWR): must not need the kill fallback
  stop=ok
  if ! lxc-stop -P "$LXCP" -n "$name" --nokill -t 15; then stop=failed; lxc-stop -P "$LXCP" -n "$name" -k || true; fi
  log "$mode: systemctl is-system-running=$state, http://$ip/ -> $code, boot+checks $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')s, graceful stop $stop in $(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
  [[ ($state == running || $state == n/a) && $code == 200 && $stop == ok ]] || FAILED=1
}

n=250
for m in $MODES; do boot_check "$m" "$n"; n=$((n + 1)); done
exit "$FAILED"
