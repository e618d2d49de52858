#!/usr/bin/env bash
# cutover-lab.sh - measure dropped requests while switching blue/green under keep-alive load (wrk), on loopback only.
# Candidates: reload   = rewrite the nginx upstream include + `nginx -s reload` (the naive switch)
#             symlink  = apps/notes/frontend template: nginx picks the colour per request from a symlink, no reload
#             haproxy  = HAProxy runtime API `set server … state ready|drain` over its stats socket, no reload
#             app      = symlink switch in front of the real notes backends (v1 blue, v2 green), fewer connections
# Prints requests / non-2xx / socket errors / responses per colour for each; figures, not pass/fail.
# Env: CANDIDATES="reload symlink haproxy app" DURATION=10 EVERY=2 CONN=50 THREADS=2 APP_CONN=8 BASE_PORT=18080
# Needs: nginx, wrk, busybox, curl; haproxy + socat for the haproxy candidate; sqlite3 for the app candidate.
set -euo pipefail
cd "$(dirname "$0")/../.."
CANDIDATES=${CANDIDATES:-reload symlink haproxy app}
DURATION=${DURATION:-10} EVERY=${EVERY:-2} CONN=${CONN:-50} THREADS=${THREADS:-2} APP_CONN=${APP_CONN:-8}
P=${BASE_PORT:-18080}
FRONT=$P BLUE=$((P + 1)) GREEN=$((P + 2)) BLUE_MCP=$((P + 3)) GREEN_MCP=$((P + 4))
S=$(mktemp -d -t cutover-lab.XXXXXX)
chmod 0755 "$S" # nginx workers (user nobody/www-data) must reach the live symlink, as in the CT
PIDS=()

stop_all() {
  local pid
  [[ -s $S/nginx.pid ]] && kill -QUIT "$(cat "$S/nginx.pid")" 2>/dev/null || true
  [[ -s $S/haproxy.pid ]] && kill "$(cat "$S/haproxy.pid")" 2>/dev/null || true
  [[ -s $S/backends.pid ]] && kill -QUIT "$(cat "$S/backends.pid")" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
  sleep 0.3
  rm -f "$S/nginx.pid" "$S/haproxy.pid" "$S/backends.pid"
}
trap 'stop_all; rm -rf "$S"' EXIT INT TERM

wait_http() { # URL: up to 5 s
  local i
  for ((i = 0; i < 100; i++)); do curl -fsS -m 1 -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "not answering: $1" >&2; return 1
}

start_static_backends() { # blue and green as one separate nginx answering /health with its colour
  # busybox httpd managed ~140 req/s here (a fork per connection): too slow to load a frontend switch.
  mkdir -p "$S/bngx/tmp"
  cat > "$S/backends.conf" <<EOC
worker_processes 1;
pid $S/backends.pid;
error_log $S/backends-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $S/bngx/tmp/body; proxy_temp_path $S/bngx/tmp/proxy; fastcgi_temp_path $S/bngx/tmp/fcgi;
  uwsgi_temp_path $S/bngx/tmp/uwsgi; scgi_temp_path $S/bngx/tmp/scgi;
  server { listen 127.0.0.1:$BLUE; location / { return 200 "blue\\n"; } }
  server { listen 127.0.0.1:$GREEN; location / { return 200 "green\\n"; } }
}
EOC
  nginx -c "$S/backends.conf" -p "$S/bngx" -e "$S/backends-error.log"
  wait_http "http://127.0.0.1:$BLUE/health"; wait_http "http://127.0.0.1:$GREEN/health"
}

start_app_backends() { # the real notes releases: 1.0.0 as blue, 2.0.0 as green (migrated), one shared data dir
  apps/notes/build.sh "$S/dist" 1.0.0 2.0.0 >/dev/null
  local c v port
  export NOTES_DATA=$S/data
  for c in blue green; do
    [[ $c == blue ]] && { v=1.0.0; port=$BLUE; } || { v=2.0.0; port=$GREEN; }
    mkdir -p "$S/opt/$c"; tar -xzf "$S/dist/notes-$v.tar.gz" -C "$S/opt/$c"
    NOTES_COLOUR=$c "$S/opt/$c/bin/migrate" >/dev/null 2>&1
    NOTES_COLOUR=$c NOTES_PORT=$port "$S/opt/$c/bin/backend" & PIDS+=($!)
  done
  wait_http "http://127.0.0.1:$BLUE/health"; wait_http "http://127.0.0.1:$GREEN/health"
}

nginx_main_conf() { # INCLUDE_FILE: a minimal nginx.conf around the given http-level include
  mkdir -p "$S/ngx/tmp"
  cat > "$S/nginx.conf" <<EOC
worker_processes 2;
pid $S/nginx.pid;
error_log $S/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $S/ngx/tmp/body; proxy_temp_path $S/ngx/tmp/proxy; fastcgi_temp_path $S/ngx/tmp/fcgi;
  uwsgi_temp_path $S/ngx/tmp/uwsgi; scgi_temp_path $S/ngx/tmp/scgi;
  include $1;
}
EOC
  nginx -q -t -c "$S/nginx.conf" -p "$S/ngx" -e "$S/nginx-error.log"
  nginx -c "$S/nginx.conf" -p "$S/ngx" -e "$S/nginx-error.log"
}

# --- switch implementations: each takes the colour to make live
switch_reload() {
  local port; [[ $1 == blue ]] && port=$BLUE || port=$GREEN
  printf 'server 127.0.0.1:%s;\n' "$port" > "$S/upstream.next" && mv -f "$S/upstream.next" "$S/upstream.inc"
  nginx -c "$S/nginx.conf" -p "$S/ngx" -e "$S/nginx-error.log" -s reload
}
switch_symlink() { # exactly the two argv pxdeploy runs in the CT (docs/cutover.md), with LIVE_DIR=$S/live
  ln -sfn "$1" "$S/live/live.next"
  mv -fT "$S/live/live.next" "$S/live/live"
}
switch_haproxy() {
  local old; [[ $1 == blue ]] && old=green || old=blue
  printf 'set server app/%s state ready; set server app/%s state drain\n' "$1" "$old" | socat - "UNIX-CONNECT:$S/haproxy.sock" >/dev/null
}

setup_reload() {
  start_static_backends
  printf 'server 127.0.0.1:%s;\n' "$BLUE" > "$S/upstream.inc"
  cat > "$S/front.conf" <<EOC
upstream notes_live { include $S/upstream.inc; }
server { listen 127.0.0.1:$FRONT; location / { proxy_pass http://notes_live; proxy_http_version 1.1; } }
EOC
  nginx_main_conf "$S/front.conf"
}
setup_symlink_common() {
  mkdir -p "$S/live/blue" "$S/live/green"; touch "$S/live/blue/blue" "$S/live/green/green"; ln -sfn blue "$S/live/live"
  apps/notes/frontend/render.sh TLS=off "HTTP_LISTEN=127.0.0.1:$FRONT" "LIVE_DIR=$S/live" "BLUE_PORT=$BLUE" \
    "GREEN_PORT=$GREEN" "BLUE_MCP_PORT=$BLUE_MCP" "GREEN_MCP_PORT=$GREEN_MCP" > "$S/front.conf"
  nginx_main_conf "$S/front.conf"
}
setup_symlink() { start_static_backends; setup_symlink_common; }
setup_app() { start_app_backends; setup_symlink_common; }
setup_haproxy() {
  start_static_backends
  cat > "$S/haproxy.cfg" <<EOC
global
  pidfile $S/haproxy.pid
  stats socket $S/haproxy.sock mode 600 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 75s
  timeout server 30s
frontend front
  bind 127.0.0.1:$FRONT
  default_backend app
backend app
  server blue 127.0.0.1:$BLUE
  server green 127.0.0.1:$GREEN disabled
EOC
  haproxy -q -D -f "$S/haproxy.cfg"
}

# Lua for wrk: count answers per colour, so a run proves that the switches really moved traffic.
cat > "$S/count.lua" <<'EOL'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) blue = 0; green = 0; other = 0 end
function response(status, headers, body)
  if body and body:find("green", 1, true) then green = green + 1
  elseif body and body:find("blue", 1, true) then blue = blue + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local b, g, o = 0, 0, 0
  for _, t in ipairs(threads) do b = b + t:get("blue"); g = g + t:get("green"); o = o + t:get("other") end
  io.write(string.format("COLOURS blue=%d green=%d other=%d\n", b, g, o))
end
EOL

results=()
run_candidate() { # NAME CONNECTIONS
  local name=$1 conn=$2 out=$S/wrk-$1.txt wrk_pid colour=blue switches=0 t
  "setup_$name"
  wait_http "http://127.0.0.1:$FRONT/health"
  wrk -t"$THREADS" -c"$conn" -d"${DURATION}s" --timeout 5s -s "$S/count.lua" "http://127.0.0.1:$FRONT/health" > "$out" 2>&1 &
  wrk_pid=$!
  for ((t = EVERY; t < DURATION; t += EVERY)); do
    sleep "$EVERY"
    [[ $colour == blue ]] && colour=green || colour=blue
    case $name in reload) switch_reload "$colour" ;; haproxy) switch_haproxy "$colour" ;; *) switch_symlink "$colour" ;; esac
    switches=$((switches + 1))
  done
  wait "$wrk_pid" || true
  local requests non2xx sock colours
  requests=$(awk '/requests in/ {print $1}' "$out")
  non2xx=$(awk -F': ' '/Non-2xx/ {print $2}' "$out"); non2xx=${non2xx:-0}
  sock=$(awk -F'errors: ' '/Socket errors/ {print $2}' "$out"); sock=${sock:-none}
  colours=$(awk '/^COLOURS/ {print $2, $3, $4}' "$out")
  results+=("$(printf '%-8s conn=%-3s switches=%-2s requests=%-8s non2xx=%-4s socket_errors=[%s] %s' \
    "$name" "$conn" "$switches" "${requests:-?}" "$non2xx" "$sock" "$colours")")
  echo "${results[-1]}"
  stop_all
}

echo "cutover lab: wrk -t$THREADS -d${DURATION}s keep-alive, a switch every ${EVERY}s; nginx $(nginx -v 2>&1 | sed 's/.*\///')"
for c in $CANDIDATES; do
  case $c in app) run_candidate app "$APP_CONN" ;; *) run_candidate "$c" "$CONN" ;; esac
done
echo
echo "summary (socket_errors=[none] means wrk printed no Socket errors line, i.e. 0):"
printf '  %s\n' "${results[@]}"
