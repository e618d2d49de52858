#!/bin/bash
# Serves pvesim's local Debian mirror over HTTP on 10.203.0.1:80 (own nginx instance): mirror-http.sh start|stop|status
#
# http://10.203.0.1/debian/ is $PVESIM_CACHE/mirror (flat repo from build-mirror.sh). Reachable from CTs
# on vmbr0 only (the address lives on the bridge). nginx prefix $PVESIM_ROOT/run/mirror-http/ (nginx.conf,
# nginx.pid, logs/).
# Env: PVESIM_ROOT (default /var/lib/pvesim), PVESIM_CACHE (default /var/cache/pvesim).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/daemon.sh"
NAME=nginx

ROOT=${PVESIM_ROOT:-/var/lib/pvesim}
CACHE=${PVESIM_CACHE:-/var/cache/pvesim}
ADDR=10.203.0.1:80
PX=$ROOT/run/mirror-http
PID=$PX/nginx.pid

log() { echo "    [mirror-http] $*" >&2; }

alive() {
  local pid
  [[ -s $PID ]] || return 1
  pid=$(< "$PID")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$PX/nginx.conf"
}

write_config() {
  mkdir -p "$PX/tmp" "$PX/logs"
  cat > "$PX/nginx.conf" <<CONF
# pvesim Debian mirror on $ADDR: /debian/ -> $CACHE/mirror
user nobody nogroup;
worker_processes 1;
pid $PID;
error_log $PX/logs/error.log warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log $PX/logs/access.log;
  client_body_temp_path $PX/tmp/body;
  proxy_temp_path $PX/tmp/proxy;
  fastcgi_temp_path $PX/tmp/fastcgi;
  uwsgi_temp_path $PX/tmp/uwsgi;
  scgi_temp_path $PX/tmp/scgi;
  sendfile on;
  server {
    listen $ADDR;
    location /debian/ { alias $CACHE/mirror/; autoindex on; }
    location = / { return 200 "pvesim mirror: /debian/\n"; }
  }
}
CONF
}

start() {
  local nginx=(nginx -p "$PX/" -c "$PX/nginx.conf" -e "$PX/logs/error.log") i code
  write_config
  "${nginx[@]}" -t -q
  if alive; then
    "${nginx[@]}" -s reload
    log "nginx reloaded (pid $(< "$PID"))"
  else
    "${nginx[@]}" < /dev/null >> "$PX/logs/error.log" 2>&1
  fi
  for ((i = 0; i < 200; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://$ADDR/debian/Release" 2>/dev/null) || true
    [[ $code == 200 ]] && break
    sleep 0.05
  done
  [[ $code == 200 ]] || { echo "mirror-http.sh: http://$ADDR/debian/Release answers $code" >&2; exit 1; }
  log "http://$ADDR/debian/ (pid $(< "$PID"))"
}

daemon_main "${1:-}"
