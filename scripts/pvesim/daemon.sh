# Sourced by pvesim's daemon scripts (dhcp.sh, mirror-http.sh): stop and status by the pid in $PID.
# The sourcing script defines `alive` (is the pid in $PID still our daemon?) and `log`, and sets NAME.

# TERM, wait up to 4 s, then KILL: only the pid we started, never by name.
daemon_stop() {
  local pid i
  if alive; then
    pid=$(< "$PID")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do [[ -d /proc/$pid ]] || break; sleep 0.02; done
    [[ ! -d /proc/$pid ]] || kill -KILL "$pid" 2>/dev/null || true
    log "stopped $NAME (pid $pid)"
  fi
  rm -f "$PID"
}

daemon_status() {
  if alive; then echo "$NAME: running (pid $(< "$PID"))"; else echo "$NAME: stopped"; return 3; fi
}

# start|stop|status dispatch; `start` is the sourcing script's own.
daemon_main() {
  case ${1:-} in
    start) start ;;
    stop) daemon_stop ;;
    status) daemon_status ;;
    *) echo "usage: $(basename "$0") start|stop|status" >&2; exit 2 ;;
  esac
}
