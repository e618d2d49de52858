#!/bin/bash
# Starts/stops pvesim's registry: docker-registry on 127.0.0.1:5001 behind an nginx on 127.0.0.1:5000 that guards /v2/private/ with basic auth: registry.sh start|stop|status
#
# Why a proxy: docker-registry's htpasswd auth is registry-wide; pvesim needs anonymous demo/* and one
# protected repository on the same address. nginx asks for basic auth only under /v2/private/.
# skopeo (containers/image) sends credentials only if the /v2/ ping advertised a challenge, so the
# proxy adds `WWW-Authenticate: Basic` to the (200) /v2/ answer; anonymous clients then send empty basic
# credentials, which the unprotected locations ignore.
# Env: PVESIM_ROOT (default /var/lib/pvesim), PVESIM_CACHE (default /var/cache/pvesim).
set -euo pipefail

ROOT=${PVESIM_ROOT:-/var/lib/pvesim}
CACHE=${PVESIM_CACHE:-/var/cache/pvesim}
REG_ADDR=127.0.0.1:5000        # public address (nginx)
BACKEND=127.0.0.1:5001         # docker-registry itself
RUN=$ROOT/run
REG_PID=$RUN/registry.pid
PX=$RUN/registry-proxy         # nginx prefix: config, htpasswd, pid, logs, temp dirs
PX_PID=$PX/nginx.pid
AUTH=$ROOT/etc/registry-auth   # user:password for 127.0.0.1:5000/private/*
REALM=pvesim-registry

log() { echo "    [registry] $*" >&2; }

# pid_alive PIDFILE NEEDLE: the pid in PIDFILE runs and its command line contains NEEDLE
pid_alive() {
  local pid cmd
  [[ -s $1 ]] || return 1
  pid=$(< "$1")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]]
}

# wait_http URL [TRIES x 50ms]: until URL answers 200
wait_http() {
  local i
  for ((i = 0; i < ${2:-200}; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null) == 200 ]] && return 0
    sleep 0.05
  done
  return 1
}

# running PID: the process exists and is not a zombie (an orphan's zombie lingers until init reaps it)
running() {
  local st
  st=$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $st && $st != Z && $st != X ]]
}

# stop_pid PIDFILE NEEDLE SIGNAL: signal the process, wait up to 10 s, then SIGKILL; drop the pid file
stop_pid() {
  local f=$1 needle=$2 sig=$3 pid i
  if pid_alive "$f" "$needle"; then
    pid=$(< "$f")
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do running "$pid" || break; sleep 0.05; done
    if running "$pid"; then log "pid $pid did not stop on SIG$sig, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    log "stopped $needle (pid $pid)"
  fi
  rm -f "$f"
}

write_configs() {
  local user pass
  GEN=$(date +%s%N)   # config generation, echoed in a header of /v2/ so a reload can be waited for
  mkdir -p "$CACHE/registry/data" "$RUN/registry" "$PX/tmp" "$PX/logs" "$ROOT/etc"
  cat > "$RUN/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog: {disabled: true}
storage:
  cache: {blobdescriptor: inmemory}
  filesystem: {rootdirectory: $CACHE/registry/data}
  delete: {enabled: true}
http:
  addr: $BACKEND
EOF
  if [[ ! -s $AUTH ]]; then
    (umask 077; printf 'pvesim:%s\n' "$(openssl rand -hex 12)" > "$AUTH")
  fi
  chmod 0600 "$AUTH"
  IFS=: read -r user pass < "$AUTH"
  # nginx workers run as nobody:nogroup and must read the (hashed) password file
  (umask 077; printf '%s:%s\n' "$user" "$(openssl passwd -apr1 "$pass")" > "$PX/htpasswd")
  chgrp nogroup "$PX/htpasswd"; chmod 0640 "$PX/htpasswd"
  cat > "$PX/nginx.conf" <<EOF
# pvesim registry front: anonymous except /v2/private/ (basic auth, $AUTH)
user nobody nogroup;
worker_processes 1;
pid $PX_PID;
error_log $PX/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $PX/tmp/body;
  proxy_temp_path $PX/tmp/proxy;
  fastcgi_temp_path $PX/tmp/fastcgi;
  uwsgi_temp_path $PX/tmp/uwsgi;
  scgi_temp_path $PX/tmp/scgi;
  upstream registry { server $BACKEND; }
  server {
    listen $REG_ADDR;
    client_max_body_size 0;
    chunked_transfer_encoding on;
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_read_timeout 900;
    proxy_http_version 1.1;
    proxy_set_header Host \$http_host;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_set_header X-Forwarded-For \$remote_addr;
    # the ping advertises basic auth so that skopeo sends --creds at all (see registry.sh)
    location = /v2/ {
      add_header WWW-Authenticate 'Basic realm="$REALM"' always;
      add_header X-Pvesim-Proxy-Generation $GEN always;
      proxy_pass http://registry;
    }
    location /v2/private/ {
      auth_basic "$REALM";
      auth_basic_user_file $PX/htpasswd;
      proxy_pass http://registry;
    }
    location / {
      proxy_pass http://registry;
    }
  }
}
EOF
}

start() {
  local code
  write_configs
  if pid_alive "$REG_PID" docker-registry; then
    log "docker-registry already running (pid $(< "$REG_PID"))"
  else
    if curl -s -o /dev/null --max-time 1 "http://$BACKEND/v2/"; then
      echo "something else already listens on $BACKEND (not our $REG_PID)" >&2; exit 1
    fi
    # own session, stdio off the caller's pipes, so it outlives this script and never holds them open
    setsid docker-registry serve "$RUN/registry/config.yml" < /dev/null >> "$RUN/registry/registry.log" 2>&1 &
    echo $! > "$REG_PID"
    sleep 0.1
    pid_alive "$REG_PID" docker-registry || { tail -n 20 "$RUN/registry/registry.log" >&2; echo "docker-registry exited at once" >&2; exit 1; }
    wait_http "http://$BACKEND/v2/" 200 || { tail -n 20 "$RUN/registry/registry.log" >&2; echo "docker-registry did not come up" >&2; exit 1; }
    log "docker-registry on $BACKEND (pid $(< "$REG_PID"), data $CACHE/registry/data)"
  fi
  local nginx=(nginx -p "$PX/" -c "$PX/nginx.conf" -e "$PX/logs/error.log")
  "${nginx[@]}" -t -q
  if pid_alive "$PX_PID" nginx; then
    "${nginx[@]}" -s reload
    log "nginx proxy reloaded (pid $(< "$PX_PID"))"
  else
    if curl -s -o /dev/null --max-time 1 "http://$REG_ADDR/v2/"; then
      echo "something else already listens on $REG_ADDR (not our $PX_PID)" >&2; exit 1
    fi
    "${nginx[@]}" < /dev/null >> "$PX/logs/error.log" 2>&1
  fi
  local i h
  for ((i = 0; i < 200; i++)); do   # until the (re)loaded config answers
    h=$(curl -s -D - -o /dev/null --max-time 1 "http://$REG_ADDR/v2/" 2>/dev/null) || true
    [[ ${h,,} == *"x-pvesim-proxy-generation: $GEN"* ]] && break
    sleep 0.05
  done
  ((i < 200)) || { echo "registry proxy on $REG_ADDR did not answer with the new config" >&2; exit 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://$REG_ADDR/v2/private/app/tags/list")
  [[ $code == 401 ]] || { echo "expected 401 for anonymous /v2/private/, got $code" >&2; exit 1; }
  log "proxy on $REG_ADDR (pid $(< "$PX_PID")); /v2/private/ needs the credentials in $AUTH"
}

stop() {
  stop_pid "$PX_PID" nginx TERM   # fast shutdown; nothing long-running goes through it
  stop_pid "$REG_PID" docker-registry TERM
}

status() {
  local rc=0
  if pid_alive "$REG_PID" docker-registry; then echo "docker-registry: running (pid $(< "$REG_PID"))"; else echo "docker-registry: stopped"; rc=3; fi
  if pid_alive "$PX_PID" nginx; then echo "proxy: running (pid $(< "$PX_PID"))"; else echo "proxy: stopped"; rc=3; fi
  return $rc
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: registry.sh start|stop|status" >&2; exit 2 ;;
esac
