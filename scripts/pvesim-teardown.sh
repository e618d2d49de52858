#!/bin/bash
# Tears the pvesim test host down to a clean slate (CTs, CT configs and volumes, registry + proxy, mirror HTTP, dnsmasq, vmbr0) and keeps $PVESIM_CACHE; idempotent.
#
# Stops only what this pvesim root started: processes by the pids in $PVESIM_ROOT/run, containers
# under $PVESIM_ROOT/lxc, their leftover host-side veths; vmbr0 only once nothing is attached. Templates of the pveam catalog stay in local's
# template/cache; everything else under $PVESIM_ROOT/storage/* is removed.
# Env: PVESIM_ROOT (/var/lib/pvesim)  PVESIM_CACHE (/var/cache/pvesim)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PVESIM_ROOT=${PVESIM_ROOT:-/var/lib/pvesim}
export PVESIM_CACHE=${PVESIM_CACHE:-/var/cache/pvesim}
ROOT=$PVESIM_ROOT
BRIDGE=vmbr0

now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
T_ALL=$(now)
step() {
  local title=$1 t0; shift
  echo "==> $title" >&2
  t0=$(now)
  "$@"
  echo "    ok: $title ($(dt "$t0" "$(now)")s)" >&2
}
info() { echo "    $*" >&2; }

[[ $(id -u) == 0 ]] || { echo "pvesim-teardown: must run as root" >&2; exit 1; }
[[ $ROOT == /* && $ROOT != / ]] || { echo "pvesim-teardown: PVESIM_ROOT must be an absolute path other than /" >&2; exit 1; }

# umount_under DIR: lazily unmount whatever is still mounted below DIR (deepest first)
umount_under() {
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null && info "unmounted $m"
  done < <(awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
}

stop_containers() {
  local dir name n=0
  [[ -d $ROOT/lxc ]] || { info "no $ROOT/lxc"; return; }
  cd /
  for dir in "$ROOT"/lxc/*/; do
    [[ -d $dir ]] || continue
    name=$(basename "$dir")
    if [[ -e $dir/config ]]; then
      lxc-stop -P "$ROOT/lxc" -n "$name" -k >/dev/null 2>&1 || true   # not running is fine
      lxc-destroy -P "$ROOT/lxc" -n "$name" >/dev/null 2>&1 || true
    fi
    umount_under "${dir%/}"
    rm -rf --one-file-system "${dir%/}"
    n=$((n + 1))
  done
  info "removed $n container(s) from $ROOT/lxc"
  remove_verify_leftovers
}

# throwaway CTs a crashed or PVESIM_VERIFY_KEEP=1 run of scripts/pvesim/verify-template.sh left in the cache
remove_verify_leftovers() {
  local d c
  for d in "$PVESIM_CACHE"/work/verify.*/; do
    [[ -d $d ]] || continue
    for c in "$d"*/; do
      [[ -e $c/config ]] || continue
      lxc-stop -P "${d%/}" -n "$(basename "$c")" -k >/dev/null 2>&1 || true
      lxc-destroy -P "${d%/}" -n "$(basename "$c")" >/dev/null 2>&1 || true
    done
    umount_under "${d%/}"
    rm -rf --one-file-system "${d%/}"
    info "removed template-verify leftovers ${d%/}"
  done
}

remove_ct_configs() {
  local f n=0
  for f in "$ROOT"/etc/pve/nodes/*/lxc/*; do
    [[ -e $f || -L $f ]] || continue
    rm -rf "$f"; n=$((n + 1))
  done
  info "removed $n CT config file(s)"
}

# Everything in the storages except the pveam catalog's templates in local's template/cache.
remove_volumes() {
  local keep=() s e t n=0
  # the templates setup put into local (etc/pveam/preinstalled); a `pveam download`ed one goes
  if [[ -s $ROOT/etc/pveam/preinstalled ]]; then
    while read -r t; do [[ -n $t ]] && keep+=("$t"); done < "$ROOT/etc/pveam/preinstalled"
  elif [[ -s $ROOT/etc/pveam/available.tsv ]]; then
    while IFS=$'\t' read -r _ t _; do [[ -n $t ]] && keep+=("$t"); done < "$ROOT/etc/pveam/available.tsv"
  fi
  [[ -d $ROOT/storage ]] || { info "no $ROOT/storage"; return; }
  umount_under "$ROOT/storage"
  for s in "$ROOT"/storage/*/; do
    s=${s%/}
    for e in "$s"/* "$s"/.[!.]* "$s"/dump/* "$s"/dump/.[!.]* "$s"/template/* "$s"/template/cache/* "$s"/template/cache/.[!.]*; do
      [[ -e $e || -L $e ]] || continue
      case $e in
        "$s/dump" | "$s/template" | "$s/template/cache") continue ;;
        "$s"/template/cache/*) [[ " ${keep[*]} " == *" $(basename "$e") "* ]] && continue ;;
      esac
      rm -rf --one-file-system "$e"; n=$((n + 1))
    done
  done
  mkdir -p "$ROOT/storage/local/dump"
  info "removed $n volume/backup/archive entr(y/ies); kept catalog templates: ${keep[*]:-none}"
}

stop_processes() {
  bash "$HERE/pvesim/registry.sh" stop
  bash "$HERE/pvesim/mirror-http.sh" stop
  bash "$HERE/pvesim/dhcp.sh" stop
}

clean_run() {
  # The task index describes tasks of CTs that are gone now.
  if [[ -d $ROOT/var/log/pve/tasks ]]; then rm -rf "$ROOT/var/log/pve/tasks"; info "removed the task index"; fi
  [[ -d $ROOT/run ]] || return 0
  find "$ROOT/run" -mindepth 1 -delete
  info "emptied $ROOT/run"
}

# Our leftover host-side veths: veth<vmid>i<N> of the vmids this root had (and the verifier's vpvesimv*)
# whose peer is NOT inside some container's netns (no link-netnsid: a half-set-up pair left by a failed
# start). A veth whose peer is alive belongs to a running CT, i.e. not to us once ours are stopped: the
# host may run CTs of other pvesim roots on the same bridge. vmbr0 itself goes only when nothing else
# is attached to it.
remove_network() {
  local line ifc vmid n=0 users
  while read -r line; do
    ifc=$(awk -F': ' '{ print $2 }' <<< "$line"); ifc=${ifc%%@*}
    [[ $line == *link-netnsid* ]] && continue
    if [[ $ifc =~ ^veth([0-9]+)i[0-9]+$ ]]; then
      vmid=${BASH_REMATCH[1]}
      [[ " ${OUR_VMIDS[*]} " == *" $vmid "* ]] || continue
    elif [[ $ifc != vpvesimv* ]]; then
      continue
    fi
    ip link del "$ifc" 2>/dev/null && { info "deleted leftover $ifc"; n=$((n + 1)); }
  done < <(ip -o -d link show type veth 2>/dev/null)
  ((n > 0)) || info "no leftover veths"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then info "no bridge $BRIDGE"; return; fi
  users=$(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//' | paste -sd' ')
  if [[ -n $users ]]; then
    info "kept bridge $BRIDGE: still used by $users (containers outside $ROOT)"
  else
    ip link del "$BRIDGE"
    info "deleted bridge $BRIDGE"
  fi
}

# vmids this root knows (CT configs and LXC dirs), collected before anything is removed
OUR_VMIDS=()
for f in "$ROOT"/etc/pve/nodes/*/lxc/*.conf "$ROOT"/lxc/*/; do
  f=$(basename "$f" .conf)
  [[ $f =~ ^[0-9]+$ ]] && OUR_VMIDS+=("$f")
done

echo "pvesim teardown: root=$ROOT (cache $PVESIM_CACHE is kept)" >&2
step "containers" stop_containers
step "CT configs" remove_ct_configs
step "volumes" remove_volumes
step "registry, mirror HTTP, DHCP" stop_processes
step "runtime files" clean_run
step "network ($BRIDGE, veths)" remove_network
echo "pvesim torn down in $(dt "$T_ALL" "$(now)")s" >&2
