#!/bin/bash
# Builds the offline demo OCI images (busybox-static httpd app, tags 1.0 2.0 3.0) into an OCI layout with umoci: build-images.sh LAYOUT_DIR
#
# The app: /app/start.sh runs busybox httpd in the foreground on ${APP_PORT:-3456}, serving /app/www:
#   /health -> "ok" (1.0, 2.0); 3.0 has no health file, so /health answers 404 (unhealthy)
#   /version -> "demo-app <v>";  /cgi-bin/info -> JSON {version, app_version_env, app_port, host, ip}
# start.sh traps SIGTERM/SIGINT/SIGQUIT and stops httpd, so it works as PID 1 (PVE-style OCI CT: the
# entrypoint is init). /sbin/init is busybox init with an inittab that respawns /app/start.sh, for a
# system-container style start (lxc.init.cmd = /sbin/init, halt with SIGUSR1).
# No /etc/os-release on purpose: PVE-style create marks such CTs `ostype: unmanaged`.
set -euo pipefail
# shellcheck source=busybox-rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/busybox-rootfs.sh"

L=${1:?usage: build-images.sh LAYOUT_DIR}
BUSYBOX=${PVESIM_BUSYBOX:-/bin/busybox}
log() { echo "    [images] $*" >&2; }

[[ -x $BUSYBOX ]] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || { echo "need a static busybox at $BUSYBOX (busybox-static)" >&2; exit 1; }

W=$(mktemp -d "$(dirname "$L")/images-build.XXXXXX")
trap 'rm -rf "$W"' EXIT
rm -rf "$L"
umoci init --layout "$L"

# --- 1.0: the base rootfs
umoci new --image "$L:1.0"
umoci unpack --image "$L:1.0" "$W/b"
R=$W/b/rootfs
busybox_rootfs "$R" "$BUSYBOX" app/www/cgi-bin
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
echo app > "$R/etc/hostname"
printf '::sysinit:/bin/hostname -F /etc/hostname\n::respawn:/app/start.sh\n::shutdown:/bin/killall httpd\n' > "$R/etc/inittab"
cat > "$R/app/start.sh" <<'EOF'
#!/bin/sh
# demo app: busybox httpd on ${APP_PORT:-3456} serving /app/www; stops cleanly on TERM/INT/QUIT (safe as PID 1)
/bin/httpd -f -p "${APP_PORT:-3456}" -h /app/www &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT QUIT
wait "$pid"
EOF
chmod 0755 "$R/app/start.sh"
echo ok > "$R/app/www/health"
echo "demo-app 1.0" > "$R/app/www/version"
cat > "$R/app/www/cgi-bin/info" <<'EOF'
#!/bin/sh
printf 'Content-Type: application/json\r\n\r\n'
printf '{"version":"%s","app_version_env":"%s","app_port":"%s","host":"%s","ip":"%s"}\n' \
  "$(cat /app/www/version)" "${APP_VERSION:-}" "${APP_PORT:-}" "$(hostname)" \
  "$(ip -4 -o addr show eth0 2>/dev/null | awk '{print $4}')"
EOF
chmod 0755 "$R/app/www/cgi-bin/info"
umoci repack --image "$L:1.0" "$W/b"
umoci config --image "$L:1.0" --config.entrypoint /app/start.sh \
  --config.env PATH=/bin:/sbin --config.env APP_VERSION=1.0 --config.env APP_PORT=3456 \
  --config.exposedports 3456/tcp --config.workingdir / \
  --config.label org.opencontainers.image.title=demo-app --config.label org.opencontainers.image.version=1.0
rm -rf "$W/b"

# --- 2.0 = 1.0 + one small layer; 3.0 = 1.0 + a layer that drops /app/www/health (whiteout)
for v in 2.0 3.0; do
  umoci unpack --image "$L:1.0" "$W/b"
  echo "demo-app $v" > "$W/b/rootfs/app/www/version"
  [[ $v == 3.0 ]] && rm -f "$W/b/rootfs/app/www/health"
  umoci repack --image "$L:$v" "$W/b"
  umoci config --image "$L:$v" --config.env APP_VERSION="$v" --config.label org.opencontainers.image.version="$v"
  rm -rf "$W/b"
done
umoci gc --layout "$L"
log "built $(umoci ls --layout "$L" | sort | tr '\n' ' ')"
