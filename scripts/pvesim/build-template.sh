#!/bin/bash
# Builds pvesim's Debian 12 CT template (PVE-style rootfs tarball, zstd) with debootstrap: build-template.sh OUT.tar.zst
#
# The result boots systemd to `running` under LXC (privileged and unprivileged, cgroup v1 hosts); the
# container-side fixes live here, the LXC-side requirements in test/pvesim/README.md.
# Env: PVESIM_CACHE (debootstrap .deb cache, work dir), PVESIM_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

OUT=${1:?usage: build-template.sh OUT.tar.zst}
CACHE=${PVESIM_CACHE:-/var/cache/pvesim}
MIRROR=${PVESIM_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
# Everything a standard-ish CT plus a demo app (nginx front, sqlite database, busybox httpd backend) needs.
PACKAGES=(
  systemd-sysv dbus nginx sqlite3 iproute2 ca-certificates curl procps openssl busybox
  less iputils-ping netbase tzdata gzip xz-utils zstd
  ifupdown isc-dhcp-client isc-dhcp-common
)
# apt inside CTs: pvesim's local mirror on the bridge (scripts/pvesim/build-mirror.sh, mirror-http.sh)
CT_APT_SOURCE='deb [trusted=yes] http://10.203.0.1/debian ./'

log() { echo "    [template] $*" >&2; }

mkdir -p "$CACHE/debs" "$CACHE/work" "$(dirname "$OUT")"
W=$(mktemp -d "$CACHE/work/template.XXXXXX")
R=$W/rootfs
cleanup() {
  local m
  # unmount anything a failed chroot step left behind, deepest first, then drop the work dir
  for m in $(awk -v r="$R" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r); do umount -l "$m" || true; done
  rm -rf "$W"
}
trap cleanup EXIT

inc=$(IFS=,; echo "${PACKAGES[*]}")
log "debootstrap $SUITE minbase (+ ${#PACKAGES[@]} packages) from $MIRROR"
debootstrap --variant=minbase --include="$inc" --cache-dir="$CACHE/debs" \
  "$SUITE" "$R" "$MIRROR" > "$W/debootstrap.log" 2>&1 || { tail -n 30 "$W/debootstrap.log" >&2; exit 1; }

log "configure rootfs"
echo "$CT_APT_SOURCE" > "$R/etc/apt/sources.list"
rm -f "$R"/etc/apt/sources.list.d/*
echo debian > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$R/etc/hosts"
: > "$R/etc/resolv.conf"
# Every CT gets its own machine-id at first boot (as on PVE templates).
: > "$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"
ln -sf /etc/machine-id "$R/var/lib/dbus/machine-id"

# Networking as on PVE's Debian templates: ifupdown (networking.service) + isc-dhcp-client; pvesim
# writes /etc/network/interfaces like PVE's Setup/Debian.pm (static or `inet dhcp`) before each start.
printf 'auto lo\niface lo inet loopback\n' > "$R/etc/network/interfaces"
# Units that cannot work in a container, or only ever wait/fail there:
mask=(
  systemd-networkd-wait-online.service   # not installed/used, but never let it gate network-online.target
  systemd-journald-audit.socket          # no audit in a (user) namespace
  systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket
  systemd-udev-trigger.service systemd-udev-settle.service
  systemd-modules-load.service sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount
  sys-fs-fuse-connections.mount dev-hugepages.mount
  systemd-sysctl.service                 # /proc/sys is read-only/namespaced in a CT
  systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
  systemd-hwdb-update.service systemd-firstboot.service
  getty@tty1.service serial-getty@ttyS0.service
)
for u in "${mask[@]}"; do ln -sf /dev/null "$R/etc/systemd/system/$u"; done
# journald: keep logs in memory and small (containers are short-lived test hosts).
mkdir -p "$R/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=16M\n' > "$R/etc/systemd/journald.conf.d/pvesim.conf"

# Small and fast to unpack (every pct create extracts it): no man pages, translations, info or docs
# (copyright files stay), now and for packages installed later inside the CT.
cat > "$R/etc/dpkg/dpkg.cfg.d/01-pvesim-nodoc" <<'EOF'
# pvesim template: keep containers small
path-exclude=/usr/share/man/*
path-exclude=/usr/share/locale/*/LC_MESSAGES/*.mo
path-exclude=/usr/share/info/*
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
EOF
rm -rf "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/usr/share/locale/*/LC_MESSAGES/*.mo
find "$R/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
find "$R/usr/share/doc" -mindepth 1 -type d -empty -delete

log "clean apt caches"
chroot "$R" apt-get clean
rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/*.bin "$R"/var/cache/debconf/*-old "$R"/var/lib/dpkg/*-old
find "$R/var/log" -type f -delete   # keep the directories (nginx needs /var/log/nginx)
rm -rf "$R"/tmp/* "$R"/var/tmp/* "$R"/root/.bash_history
# /dev is populated by LXC (lxc.autodev); device nodes cannot be created in an unprivileged CT anyway.
find "$R/dev" -mindepth 1 -delete

log "pack $(basename "$OUT")"
tar -C "$R" --numeric-owner --sort=name --xattrs --xattrs-include='security.capability' \
  -cpf - . | zstd -q -T0 -9 -o "$W/out.tar.zst"
mv -f "$W/out.tar.zst" "$OUT"
log "done: $(du -h "$OUT" | cut -f1)"
