#!/bin/bash
# Builds pvesim's small second catalog template (busybox-static system container, busybox init + httpd on :80): build-busybox-template.sh OUT.tar.xz
#
# Rootfs archive like PVE's templates (paths ./...), xz-compressed. No /etc/os-release, so a PVE-style
# create detects `ostype: unmanaged`. busybox init halts on SIGPWR/SIGUSR1 and reboots on SIGTERM.
set -euo pipefail
# shellcheck source=busybox-rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/busybox-rootfs.sh"

OUT=${1:?usage: build-busybox-template.sh OUT.tar.xz}
BUSYBOX=${PVESIM_BUSYBOX:-/bin/busybox}
[[ -x $BUSYBOX ]] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || { echo "need a static busybox at $BUSYBOX (busybox-static)" >&2; exit 1; }

mkdir -p "$(dirname "$OUT")"
W=$(mktemp -d "$(dirname "$OUT")/busybox-build.XXXXXX")
trap 'rm -rf "$W"' EXIT
R=$W/rootfs
busybox_rootfs "$R" "$BUSYBOX" etc/init.d var/www
chmod 0700 "$R/root"
printf 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n' > "$R/etc/group"
printf 'root:*:19000:0:99999:7:::\n' > "$R/etc/shadow"
chmod 0640 "$R/etc/shadow"
echo busybox > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost\n' > "$R/etc/hosts"
: > "$R/etc/resolv.conf"
cat > "$R/etc/inittab" <<'EOF'
::sysinit:/etc/init.d/rcS
::respawn:/bin/httpd -f -p 80 -h /var/www -u www-data
::shutdown:/bin/killall httpd
::shutdown:/bin/sync
EOF
cat > "$R/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# busybox template boot: hostname, loopback, /run and /tmp; a static eth0 is configured by LXC,
# an interface that is up without an IPv4 address (ip=dhcp) gets a udhcpc (backgrounds after ~5 s, then retries every second)
hostname -F /etc/hostname
ip link set lo up
mountpoint -q /run || mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
for i in $(ls /sys/class/net); do
  [ "$i" = lo ] && continue
  ip -4 addr show dev "$i" | grep -q " inet " && continue
  udhcpc -b -S -t 5 -T 1 -A 1 -i "$i" -p "/run/udhcpc.$i.pid" -s /etc/udhcpc.script -x "hostname:$(hostname)"
done
EOF
chmod 0755 "$R/etc/init.d/rcS"
# udhcpc's hook: apply the lease with ip(8) (busybox passes ip, mask as prefix length, router)
cat > "$R/etc/udhcpc.script" <<'EOF'
#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  bound) ip -4 addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -z "$router" ] || ip route replace default via "${router%% *}" dev "$interface" ;;
  renew) ip addr replace "$ip/${mask:-24}" dev "$interface"
    [ -z "$router" ] || ip route replace default via "${router%% *}" dev "$interface" ;;
esac
exit 0
EOF
chmod 0755 "$R/etc/udhcpc.script"
echo "busybox $("$BUSYBOX" | head -1 | awk '{print $2}')" > "$R/var/www/index.html"
tar -C "$R" --numeric-owner --sort=name -cpf - . | xz -q -T0 -6 > "$W/out.tar.xz"
mv -f "$W/out.tar.xz" "$OUT"
