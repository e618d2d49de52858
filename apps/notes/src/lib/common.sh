# common.sh - shared settings for every notes script: paths, version knobs, tiny response helpers (sourced, POSIX sh).
NOTES_ROOT=${NOTES_ROOT:-$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)}
NOTES_VERSION=$(cat "$NOTES_ROOT/VERSION")
NOTES_COLOUR=${NOTES_COLOUR:-unknown}
NOTES_DATA=${NOTES_DATA:-/var/lib/notes}
NOTES_DB=$NOTES_DATA/notes.db
NOTES_FILES=$NOTES_DATA/files

# The one VERSION knob: what each release expects of the schema and how it behaves.
case $NOTES_VERSION in
  1.*) NOTES_SCHEMA_TARGET=1 NOTES_HEALTH_BROKEN=0 ;;
  2.*) NOTES_SCHEMA_TARGET=2 NOTES_HEALTH_BROKEN=0 ;;
  3.*) NOTES_SCHEMA_TARGET=2 NOTES_HEALTH_BROKEN=1 ;; # deliberately fails the health gate
  *) NOTES_SCHEMA_TARGET=1 NOTES_HEALTH_BROKEN=0 ;;
esac

# sqlite3 with a busy timeout: both colours and the mcp read/write the same file at once.
db() { sqlite3 -cmd '.timeout 5000' "$@"; }

# schema_version of the database, or empty when the database or table is missing.
schema_version() {
  [ -f "$NOTES_DB" ] || return 1
  db "$NOTES_DB" 'SELECT COALESCE(MAX(version), 0) FROM schema_version;' 2>/dev/null
}

# respond STATUS JSON: a CGI response (the http adapter turns Status: into the status line). Content-Length
# frames the body, so keep-alive clients (wrk, nginx) need not treat the connection close as the end of it.
respond() {
  printf 'Status: %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nX-Notes-Version: %s\r\nX-Notes-Colour: %s\r\n\r\n%s\n' \
    "$1" "$(printf '%s\n' "$2" | wc -c | tr -d ' ')" "$NOTES_VERSION" "$NOTES_COLOUR" "$2"
}
