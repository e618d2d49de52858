#!/bin/bash
# Brings up the pvesim test host (packages, subids, vmbr0, $PVESIM_ROOT tree, templates, demo OCI images, registry); idempotent, run as root.
#
# Layout contract: test/pvesim/README.md. Caches in $PVESIM_CACHE survive scripts/pvesim-teardown.sh,
# so a second run only re-checks and takes seconds.
# Env: PVESIM_ROOT (/var/lib/pvesim)  PVESIM_NODE (pve)  PVESIM_CACHE (/var/cache/pvesim)
#      PVESIM_SKIP_VERIFY=1  skip the boot test of a freshly built Debian template
#      PVESIM_REBUILD=1      rebuild templates, images and the Debian mirror even if the cache is current
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB=$HERE/pvesim
export PVESIM_ROOT=${PVESIM_ROOT:-/var/lib/pvesim}
export PVESIM_NODE=${PVESIM_NODE:-pve}
export PVESIM_CACHE=${PVESIM_CACHE:-/var/cache/pvesim}
ROOT=$PVESIM_ROOT
NODE=$PVESIM_NODE
CACHE=$PVESIM_CACHE
BRIDGE=vmbr0
BRIDGE_ADDR=10.203.0.1/24
SUBID=root:100000:65536
TEMPLATE=debian-12-standard_12.12-1_amd64.tar.zst
BB_TEMPLATE=busybox-1.35-default_20251101_amd64.tar.xz
REGISTRY=127.0.0.1:5000
# (no busybox-static here: the static busybox comes from the mirror's .deb, whatever busybox flavour the host has)
PACKAGES=(lxc lxc-templates uidmap skopeo umoci debootstrap docker-registry nginx-light wrk jq curl
  iproute2 zstd xz-utils openssl tar coreutils procps debian-archive-keyring apt-utils dnsmasq-base)
# a catalog template pveam lists but setup does not put into local's template cache (`pveam download` test)
AVAIL_ONLY=debian-12-standard_12.7-1_amd64.tar.zst
MIRROR=$CACHE/mirror

now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
T_ALL=$(now)
CURRENT=start
trap 'rc=$?; ((rc == 0)) || echo "pvesim-setup: FAILED (exit $rc) in step: $CURRENT" >&2' EXIT
# step "TITLE" FUNCTION: run one setup step, print its duration
step() {
  local title=$1 t0; shift
  CURRENT=$title
  echo "==> $title" >&2
  t0=$(now)
  "$@"
  echo "    ok: $title ($(dt "$t0" "$(now)")s)" >&2
}
info() { echo "    $*" >&2; }
die() { echo "pvesim-setup: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "must run as root"
[[ $ROOT == /* && $CACHE == /* ]] || die "PVESIM_ROOT and PVESIM_CACHE must be absolute paths"
[[ $NODE =~ ^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$ ]] || die "PVESIM_NODE '$NODE' is not a valid node name"

# recipe_hash FILE...: identifies a build recipe (its script, plus e.g. the busybox binary it packs)
recipe_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

# ---------------------------------------------------------------- steps
install_packages() {
  local missing=() p installed
  installed=" $(dpkg-query -W -f='${Package}=${Status}\n' 2>/dev/null | awk -F= '$2 == "install ok installed" { printf "%s ", $1 }') "
  for p in "${PACKAGES[@]}"; do
    # any Debian nginx flavour will do
    [[ $p == nginx-light && $installed == *" nginx "* ]] && continue
    # any dnsmasq that brings the binary will do
    [[ $p == dnsmasq-base && $installed == *" dnsmasq-base-lua "* ]] && continue
    [[ $installed == *" $p "* ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then info "all ${#PACKAGES[@]} packages present"; return; fi
  info "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # keep maintainer scripts from starting the packaged services (nginx on :80, docker-registry on :5000)
  local policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# pvesim-setup: no service starts during package installation\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    policy=1
  fi
  local rc=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || rc=$?
  ((policy == 0)) || rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get failed (rc $rc)"
}

ensure_subids() {
  local f
  for f in /etc/subuid /etc/subgid; do
    touch "$f"
    if grep -qxF "$SUBID" "$f"; then info "$f has $SUBID"; else echo "$SUBID" >> "$f"; info "added $SUBID to $f"; fi
  done
}

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    info "created bridge $BRIDGE"
  fi
  local addrs
  addrs=$(ip -o -4 addr show dev "$BRIDGE" | awk '{ print $4 }')
  grep -qxF "$BRIDGE_ADDR" <<< "$addrs" || ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # host side only: no NAT, no forwarding (only loopback and 10.203.0.0/16 ever see traffic)
  info "$BRIDGE up with $(ip -o -4 addr show dev "$BRIDGE" | awk '{ print $4 }' | paste -sd' ') (no carrier until a CT is attached)"
}

make_tree() {
  local s
  mkdir -p "$ROOT/etc/pve/nodes/$NODE/lxc" "$ROOT/etc/pveam" "$ROOT/lxc" "$ROOT/run" "$ROOT/mirror" \
    "$ROOT/storage/local/template/cache" "$ROOT/storage/local/dump"
  for s in local-lvm local-hdd local-iso shared; do mkdir -p "$ROOT/storage/$s"; done
  # local-lvm is the thin pool CTs run from: back it with RAM (tmpfs), as a test host can afford.
  # Unpacking the Debian template there takes ~0.3 s instead of 3-4 s on this VM's ext4.
  # PVESIM_LVM_TMPFS=0 keeps it on disk; teardown unmounts it (its volumes go with it).
  if [[ ${PVESIM_LVM_TMPFS:-1} == 1 ]] && ! mountpoint -q "$ROOT/storage/local-lvm"; then
    mount -t tmpfs -o "size=${PVESIM_LVM_TMPFS_SIZE:-8g},mode=0755" pvesim-local-lvm "$ROOT/storage/local-lvm"
    info "local-lvm on tmpfs (${PVESIM_LVM_TMPFS_SIZE:-8g})"
  fi
  # the unprivileged CTs' root (uid 100000) must traverse down to its rootfs
  chmod 0755 "$ROOT" "$ROOT/lxc" "$ROOT/storage" "$ROOT"/storage/*
  # PVE's /etc/pve/lxc is a symlink to the local node's directory
  if [[ -L $ROOT/etc/pve/lxc || ! -e $ROOT/etc/pve/lxc ]]; then ln -sfn "nodes/$NODE/lxc" "$ROOT/etc/pve/lxc"; fi
  cat > "$ROOT/etc/pve/storage.cfg.tmp" <<EOF
dir: local
	path $ROOT/storage/local
	content iso,vztmpl,backup,rootdir,snippets

lvmthin: local-lvm
	thinpool data
	vgname pve
	content rootdir,images
	path $ROOT/storage/local-lvm

dir: local-hdd
	path $ROOT/storage/local-hdd
	content rootdir,vztmpl,backup

dir: local-iso
	path $ROOT/storage/local-iso
	content iso,vztmpl,backup

dir: shared
	path $ROOT/storage/shared
	content rootdir,images
	shared 1
EOF
  mv -f "$ROOT/etc/pve/storage.cfg.tmp" "$ROOT/etc/pve/storage.cfg"
  info "$ROOT (node $NODE)"
}

# cached_build NAME VERIFY(0/1) BUILDER [INPUT...]: $CACHE/templates/NAME, rebuilt when missing or when
# the builder script or an input file changed; VERIFY=1 boot-tests a new build under LXC
cached_build() {
  local name=$1 verify=$2 builder=$3 out=$CACHE/templates/$1 hash
  shift 3
  hash=$(recipe_hash "$builder" "$@")
  mkdir -p "$CACHE/templates"
  if [[ ${PVESIM_REBUILD:-0} != 1 && -s $out && $(cat "$out.recipe" 2>/dev/null) == "$hash" ]]; then
    info "$name: cached ($(du -h "$out" | cut -f1))"
  else
    info "$name: building (recipe ${hash:0:12})"
    rm -f "$out.recipe" "$out.verified" "$out.sha256"
    bash "$builder" "$out"
    echo "$hash" > "$out.recipe"
  fi
  [[ -s $out.sha256 ]] || sha256sum "$out" | cut -d' ' -f1 > "$out.sha256"
  if [[ $verify == 1 && ${PVESIM_SKIP_VERIFY:-0} != 1 && $(cat "$out.verified" 2>/dev/null) != "$hash" ]]; then
    info "$name: boot test under LXC (privileged + unprivileged)"
    bash "$LIB/verify-template.sh" "$out"
    echo "$hash" > "$out.verified"
  fi
}

# publish NAME: copy a cached template into the pveam mirror and local's template cache (if different)
publish() {
  local name=$1 src=$CACHE/templates/$1 dst
  for dst in "$ROOT/mirror/$name" "$ROOT/storage/local/template/cache/$name"; do
    if ! cmp -s "$src" "$dst"; then
      cp -f "$src" "$dst.tmp.$$"
      mv -f "$dst.tmp.$$" "$dst"
      info "$name -> $dst"
    fi
  done
}

# The local Debian mirror ($CACHE/mirror): rebuilt when the package list or the builder changed
build_mirror() {
  local hash
  hash=$(recipe_hash "$LIB/build-mirror.sh" "$LIB/mirror-packages.txt")
  if [[ ${PVESIM_REBUILD:-0} != 1 && -s $MIRROR/Release && $(cat "$MIRROR.recipe" 2>/dev/null) == "$hash" ]]; then
    info "mirror: cached ($(ls "$MIRROR"/*.deb | wc -l) .debs, $(du -sh "$MIRROR" | cut -f1))"
    return
  fi
  rm -f "$MIRROR.recipe"
  bash "$LIB/build-mirror.sh" "$MIRROR"
  echo "$hash" > "$MIRROR.recipe"
}

# A static busybox for the busybox template and the demo images, unpacked from the mirror's busybox-static
# .deb: independent of the host's busybox (installing `busybox` removes `busybox-static`).
static_busybox() {
  local deb dir=$CACHE/busybox-static
  deb=$(ls "$MIRROR"/busybox-static_*.deb 2>/dev/null | head -n1)
  [[ -n $deb ]] || die "no busybox-static .deb in $MIRROR (is it in mirror-packages.txt?)"
  if [[ $(cat "$dir/.deb" 2>/dev/null) != "$(basename "$deb")" || ! -x $dir/bin/busybox ]]; then
    rm -rf "$dir"; mkdir -p "$dir/x"
    dpkg-deb -x "$deb" "$dir/x"
    mkdir -p "$dir/bin"; mv "$dir/x/bin/busybox" "$dir/bin/busybox"; rm -rf "$dir/x"
    basename "$deb" > "$dir/.deb"
  fi
  ! ldd "$dir/bin/busybox" >/dev/null 2>&1 || die "$dir/bin/busybox is not static"
  export PVESIM_BUSYBOX=$dir/bin/busybox
  info "$PVESIM_BUSYBOX ($(basename "$deb"))"
}

build_templates() {
  local pre=$ROOT/etc/pveam/preinstalled
  cached_build "$TEMPLATE" 1 "$LIB/build-template.sh"
  cached_build "$BB_TEMPLATE" 1 "$LIB/build-busybox-template.sh" "$LIB/busybox-rootfs.sh" "$PVESIM_BUSYBOX"
  publish "$TEMPLATE"
  publish "$BB_TEMPLATE"
  # the available-only catalog entry: the Debian template under an older point release's name, in the
  # pveam mirror only (a hard link when possible); never left in local's cache by an earlier run
  ln -f "$ROOT/mirror/$TEMPLATE" "$ROOT/mirror/$AVAIL_ONLY" 2>/dev/null || cp -f "$ROOT/mirror/$TEMPLATE" "$ROOT/mirror/$AVAIL_ONLY"
  rm -f "$ROOT/storage/local/template/cache/$AVAIL_ONLY"
  printf 'system\t%s\t%s\nsystem\t%s\t%s\nsystem\t%s\t%s\n' \
    "$BB_TEMPLATE" "$(cat "$CACHE/templates/$BB_TEMPLATE.sha256")" \
    "$TEMPLATE" "$(cat "$CACHE/templates/$TEMPLATE.sha256")" \
    "$AVAIL_ONLY" "$(cat "$CACHE/templates/$TEMPLATE.sha256")" > "$ROOT/etc/pveam/available.tsv.tmp"
  mv -f "$ROOT/etc/pveam/available.tsv.tmp" "$ROOT/etc/pveam/available.tsv"
  printf '%s\n' "$BB_TEMPLATE" "$TEMPLATE" > "$pre"
  info "pveam index: $ROOT/etc/pveam/available.tsv ($(wc -l < "$ROOT/etc/pveam/available.tsv") templates; in local: $(paste -sd' ' "$pre"))"
}

build_images() {
  local layout=$CACHE/oci/demo-app hash
  hash=$(recipe_hash "$LIB/build-images.sh" "$LIB/busybox-rootfs.sh" "$PVESIM_BUSYBOX")
  mkdir -p "$CACHE/oci"
  if [[ ${PVESIM_REBUILD:-0} != 1 && -s $layout/index.json && $(cat "$layout.recipe" 2>/dev/null) == "$hash" ]]; then
    info "demo-app OCI layout: cached ($(umoci ls --layout "$layout" | sort | tr '\n' ' '))"
  else
    rm -f "$layout.recipe"
    bash "$LIB/build-images.sh" "$layout"
    echo "$hash" > "$layout.recipe"
  fi
}

start_registry() {
  bash "$LIB/registry.sh" start
}

# push_image TAG DEST [CREDS]: skopeo copy from the OCI layout unless the registry already has that digest
push_image() {
  local tag=$1 dest=$2 layout=$CACHE/oci/demo-app want have repo ref auth=()
  [[ -z ${3:-} ]] || auth=(--dest-creds "$3")
  want=$(jq -r --arg t "$tag" '.manifests[] | select(.annotations."org.opencontainers.image.ref.name" == $t) | .digest' "$layout/index.json")
  repo=${dest%:*}; ref=${dest##*:}
  # ask the backend directly (no auth there) which digest the tag has now
  have=$(curl -s -o /dev/null -D - -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://127.0.0.1:5001/v2/$repo/manifests/$ref" | tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" { print $2 }')
  if [[ -n $want && $want == "$have" ]]; then info "$REGISTRY/$dest: current ($want)"; return; fi
  skopeo copy -q --dest-tls-verify=false "${auth[@]}" "oci:$layout:$tag" "docker://$REGISTRY/$dest"
  info "$REGISTRY/$dest: pushed ($want)"
}

push_images() {
  local creds t
  for t in 1.0 2.0 3.0; do push_image "$t" "demo/app:$t"; done
  creds=$(< "$ROOT/etc/registry-auth")
  push_image 1.0 private/app:1.0 "$creds"
  # the contract the tests rely on: private needs the credentials, demo does not
  if skopeo inspect --tls-verify=false "docker://$REGISTRY/private/app:1.0" >/dev/null 2>&1; then
    die "private/app:1.0 is readable without credentials"
  fi
  skopeo inspect --tls-verify=false --creds "$creds" "docker://$REGISTRY/private/app:1.0" >/dev/null \
    || die "private/app:1.0 is not readable with the credentials in $ROOT/etc/registry-auth"
  skopeo inspect --tls-verify=false "docker://$REGISTRY/demo/app:1.0" >/dev/null || die "demo/app:1.0 not readable anonymously"
  info "checked: demo/* anonymous, private/* needs $ROOT/etc/registry-auth"
}

# ---------------------------------------------------------------- run
echo "pvesim setup: root=$ROOT node=$NODE cache=$CACHE" >&2
step "packages" install_packages
step "subordinate ids ($SUBID)" ensure_subids
step "bridge $BRIDGE ($BRIDGE_ADDR, no NAT/forwarding)" ensure_bridge
step "state tree and storage.cfg" make_tree
step "Debian package mirror ($MIRROR)" build_mirror
step "static busybox" static_busybox
step "CT templates ($TEMPLATE, $BB_TEMPLATE)" build_templates
step "demo OCI images (umoci, busybox)" build_images
step "registry on $REGISTRY" start_registry
step "push demo/app:{1.0,2.0,3.0} and private/app:1.0" push_images
step "mirror on http://10.203.0.1/debian/" bash "$LIB/mirror-http.sh" start
step "DHCP on $BRIDGE (dnsmasq, 10.203.0.150-249)" bash "$LIB/dhcp.sh" start
CURRENT=done
echo "pvesim ready in $(dt "$T_ALL" "$(now)")s" >&2
