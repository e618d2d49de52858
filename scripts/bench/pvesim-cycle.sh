#!/bin/bash
# Times pvesim's create→start→exec→stop→destroy cycle (busybox, OCI app, Debian) against plain LXC doing the same work.
#
# Figures, not pass/fail (target: a cycle ≤ 5 s). The reference is the same cycle done directly with
# lxc-usernsexec tar / umoci + lxc-start -d + lxc-attach + lxc-stop -k + rm, measured in the same run, so
# the ratio shows pvesim's own overhead (node start-up, config handling, waits for init/systemd).
# Needs root and a set-up pvesim (scripts/pvesim-setup.sh); uses CT 9190 / 10.203.0.29 and removes it.
# Env: RUNS (default 3), KINDS (default "busybox oci debian"), PVESIM_ROOT.
set -euo pipefail
shopt -s inherit_errexit

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH=$HERE/test/pvesim/bin:$PATH
ROOT=${PVESIM_ROOT:-/var/lib/pvesim}
RUNS=${RUNS:-3}
KINDS=${KINDS:-busybox oci debian}
VMID=9190
IP=10.203.0.29
CACHE=$ROOT/storage/local/template/cache
# the reference CT lives on the same file system as pvesim's local-lvm volumes
LVM=$(awk '/^lvmthin: local-lvm/ { s = 1 } s && $1 == "path" { print $2; exit }' "$ROOT/etc/pve/storage.cfg")
REF=$(mktemp -d "${LVM:-$ROOT/storage/local-lvm}/.bench.XXXXXX")
chmod 0711 "$REF"
cd /

now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
. "$HERE/scripts/bench/lib/median.sh"

cleanup() {
  pct destroy "$VMID" --force --purge >/dev/null 2>&1 || true
  lxc-stop -P "$REF" -n ref -k >/dev/null 2>&1 || true
  rm -rf "$REF"
}
trap cleanup EXIT

template_of() {
  case $1 in
    busybox) echo "local:vztmpl/busybox-1.35-default_20251101_amd64.tar.xz" ;;
    debian) echo "local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst" ;;
    oci) echo "local:vztmpl/pvesim-bench-app_1.0.tar" ;;
  esac
}

probe_of() { # the command exec runs: systemd must be up for Debian, anything for the others
  case $1 in debian) echo "systemctl is-system-running" ;; *) echo "true" ;; esac
}

# pvesim_cycle KIND -> "create start exec stop destroy total" (seconds)
pvesim_cycle() {
  local kind=$1 t0 t1 t2 t3 t4 t5
  t0=$(now)
  pct create "$VMID" "$(template_of "$kind")" --storage local-lvm --hostname bench \
    --net0 "name=eth0,bridge=vmbr0,ip=$IP/24,gw=10.203.0.1" >/dev/null
  t1=$(now); pct start "$VMID"
  t2=$(now); pct exec "$VMID" -- $(probe_of "$kind") >/dev/null
  t3=$(now); pct stop "$VMID"
  t4=$(now); pct destroy "$VMID" >/dev/null
  t5=$(now)
  echo "$(dt "$t0" "$t1") $(dt "$t1" "$t2") $(dt "$t2" "$t3") $(dt "$t3" "$t4") $(dt "$t4" "$t5") $(dt "$t0" "$t5")"
}

# lxc_cycle KIND -> total seconds of the same work with plain LXC tools
lxc_cycle() {
  local kind=$1 t0 dir=$REF/ref rootfs=$REF/ref/rootfs archive
  archive=$CACHE/${2##*/}
  t0=$(now)
  mkdir -p "$dir"
  if [[ $kind == oci ]]; then
    mkdir -p "$REF/layout" && tar -xf "$archive" -C "$REF/layout"
    jq '.manifests[0].annotations["org.opencontainers.image.ref.name"] = "ref"' "$REF/layout/index.json" > "$REF/index.json"
    mv "$REF/index.json" "$REF/layout/index.json"
    umoci unpack --uid-map 0:100000:65536 --gid-map 0:100000:65536 --image "$REF/layout:ref" "$REF/bundle" >/dev/null
    mv "$REF/bundle/rootfs" "$rootfs"
  else
    mkdir -p "$rootfs" && chown 100000:100000 "$rootfs"
    lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- tar -xpf "$archive" -C "$rootfs" --numeric-owner \
      --xattrs --xattrs-include=security.capability --warning=no-xattr-write --exclude './dev/*'
  fi
  {
    echo "lxc.include = /usr/share/lxc/config/common.conf"
    echo "lxc.include = /usr/share/lxc/config/userns.conf"
    echo "lxc.idmap = u 0 100000 65536"
    echo "lxc.idmap = g 0 100000 65536"
    echo "lxc.apparmor.profile = unconfined"
    echo "lxc.rootfs.path = dir:$rootfs"
    echo "lxc.net.0.type = veth"
    echo "lxc.net.0.link = vmbr0"
    echo "lxc.net.0.flags = up"
    echo "lxc.net.0.ipv4.address = $IP/24"
    [[ $kind == oci ]] && echo "lxc.init.cmd = /app/start.sh"
  } > "$dir/config"
  lxc-start -P "$REF" -n ref -d
  if [[ $kind == debian ]]; then
    lxc-attach -P "$REF" -n ref --clear-env -- sh -c 'while [ ! -S /run/systemd/private ]; do sleep 0.02; done; systemctl is-system-running --wait' >/dev/null || true
  else
    lxc-attach -P "$REF" -n ref --clear-env -- true
  fi
  lxc-stop -P "$REF" -n ref -k
  rm -rf "$dir" "$REF/layout" "$REF/bundle"
  dt "$t0" "$(now)"
}

pct destroy "$VMID" --force --purge >/dev/null 2>&1 || true
if [[ " $KINDS " == *" oci "* ]]; then
  t0=$(now)
  skopeo copy -q --src-tls-verify=false docker://127.0.0.1:5000/demo/app:1.0 "oci-archive:$CACHE/pvesim-bench-app_1.0.tar"
  echo "oci: skopeo copy docker://127.0.0.1:5000/demo/app:1.0 → oci-archive: $(dt "$t0" "$(now)") s (not part of the cycle)"
fi

printf '\n%-8s %8s %8s %8s %8s %8s %8s   %9s %6s\n' kind create start exec stop destroy total plain-lxc ratio
for kind in $KINDS; do
  rows=() refs=()
  for ((i = 0; i < RUNS; i++)); do
    row=$(pvesim_cycle "$kind") || { echo "pvesim cycle for $kind failed" >&2; exit 1; }
    ref=$(lxc_cycle "$kind" "$(template_of "$kind")") || { echo "plain LXC cycle for $kind failed" >&2; exit 1; }
    rows+=("$row") refs+=("$ref")
  done
  med=()
  for col in 1 2 3 4 5 6; do med+=("$(printf '%s\n' "${rows[@]}" | awk -v c="$col" '{ print $c }' | median)"); done
  ref=$(printf '%s\n' "${refs[@]}" | median)
  printf '%-8s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f   %9.3f %6.2f\n' "$kind" "${med[@]}" "$ref" "$(awk -v a="${med[5]}" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')"
done
echo
echo "median of $RUNS runs, seconds; exec = '$(probe_of debian)' for debian (systemd up), 'true' otherwise."
rm -f "$CACHE/pvesim-bench-app_1.0.tar"
