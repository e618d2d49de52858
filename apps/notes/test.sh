#!/bin/sh
# test.sh - the notes app without containers: build the releases, run 1.0.0 on loopback with a temp data dir, exercise every
# route with curl, migrate to 2.0.0 (rows kept, `done` visible, 1.0.0 still serving on the v2 schema), 3.0.0 health = 500.
# Needs busybox (nc applet), sqlite3, curl, GNU tar. Ports: NOTES_TEST_PORT (default 18461) and the next three.
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
port=${NOTES_TEST_PORT:-18461}
work=$(mktemp -d)
pids=''
cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $pids; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected [$3], got [$2]"; fi; }
expect_has() { case $2 in *"$3"*) pass "$1" ;; *) fail "$1" "[$2] lacks [$3]" ;; esac; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

"$here/build.sh" "$work/dist" >/dev/null
for v in 1.0.0 2.0.0 3.0.0; do
  (cd "$work/dist" && sha256sum -c "notes-$v.tar.gz.sha256" >/dev/null) && pass "sha256 of notes-$v" || fail "sha256 of notes-$v" mismatch
  mkdir -p "$work/opt/$v" && tar -xzf "$work/dist/notes-$v.tar.gz" -C "$work/opt/$v"
  for f in bin/backend bin/mcp bin/migrate VERSION cgi/backend.cgi cgi/mcp.cgi; do
    [ -e "$work/opt/$v/$f" ] || fail "notes-$v contains $f" missing
  done
done
"$here/build.sh" "$work/again" >/dev/null
expect_eq "build is reproducible" "$(cd "$work/again" && cat ./*.sha256)" "$(cd "$work/dist" && cat ./*.sha256)"

export NOTES_DATA="$work/data"
wait_up() { i=0; until curl -s -o /dev/null "http://127.0.0.1:$1/"; do i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.05; done; }
start() { # VERSION COLOUR PORT MCP_PORT
  NOTES_COLOUR=$2 NOTES_PORT=$3 "$work/opt/$1/bin/backend" & pids="$pids $!"
  NOTES_COLOUR=$2 MCP_PORT=$4 "$work/opt/$1/bin/mcp" & pids="$pids $!"
  wait_up "$3" && wait_up "$4"
}

# --- 1.0.0 as blue
expect_eq "migrate 1.0.0 on an empty dir" "$(NOTES_COLOUR=blue "$work/opt/1.0.0/bin/migrate" 2>/dev/null)" 1
expect_eq "migrate 1.0.0 again (idempotent)" "$(NOTES_COLOUR=blue "$work/opt/1.0.0/bin/migrate" 2>/dev/null)" 1
start 1.0.0 blue "$port" $((port + 2))
B=http://127.0.0.1:$port M=http://127.0.0.1:$((port + 2))
expect_eq "GET /health status" "$(status $B/health)" 200
expect_eq "GET /health body" "$(curl -s $B/health)" '{"status":"ok","version":"1.0.0","colour":"blue","db":"ok"}'
expect_eq "GET /api/v1/info" "$(curl -s $B/api/v1/info)" '{"version":"1.0.0","colour":"blue","schema_version":1,"schema_target":1}'
expect_eq "GET /api/v1/notes (empty)" "$(curl -s $B/api/v1/notes)" '[]'
expect_eq "POST /api/v1/notes status" "$(status -X POST --data-binary 'buy milk' $B/api/v1/notes)" 201
created=$(curl -s -X POST --data-binary "it's \"quoted\"; DROP TABLE notes; \$(id)" $B/api/v1/notes)
expect_has "POST returns the row" "$created" '"id":2,"text":"it'"'"'s \"quoted\"; DROP TABLE notes; $(id)"'
expect_eq "POST empty body" "$(status -X POST $B/api/v1/notes)" 400
expect_has "GET /api/v1/notes lists both" "$(curl -s $B/api/v1/notes)" '"text":"buy milk"'
head -c 300000 /dev/urandom > "$work/blob"
expect_eq "PUT /api/v1/files/blob.bin" "$(curl -s -T "$work/blob" $B/api/v1/files/blob.bin)" '{"name":"blob.bin","size":300000}'
curl -s -o "$work/blob.back" $B/api/v1/files/blob.bin
cmp -s "$work/blob" "$work/blob.back" && pass "GET /api/v1/files/blob.bin round trip" || fail "GET file round trip" differs
expect_eq "stored under the data dir" "$(wc -c < "$NOTES_DATA/files/blob.bin" | tr -d ' ')" 300000
expect_eq "GET missing file" "$(status $B/api/v1/files/none.txt)" 404
expect_eq "GET bad file name" "$(status $B/api/v1/files/..secret)" 400
expect_eq "PUT bad file name" "$(status -T "$work/blob" "$B/api/v1/files/a%2Fb")" 400
expect_eq "unknown route" "$(status $B/nope)" 404
expect_eq "wrong method" "$(status -X DELETE $B/api/v1/notes)" 405
expect_eq "mcp GET /health" "$(curl -s $M/health)" '{"status":"ok","version":"1.0.0","colour":"blue","db":"ok"}'
expect_has "mcp GET /tools" "$(curl -s $M/tools)" '"name":"list_notes"'
expect_eq "mcp count_notes" "$(curl -s -X POST $M/tools/count_notes/call)" '{"content":{"count":2}}'
expect_has "mcp list_notes reads the shared DB" "$(curl -s -X POST $M/tools/list_notes/call)" '"text":"buy milk"'

# --- 2.0.0 as green: additive migration, rows kept, blue (1.0.0) still serving on the v2 schema
expect_eq "migrate 2.0.0" "$(NOTES_COLOUR=green "$work/opt/2.0.0/bin/migrate" 2>/dev/null)" 2
expect_eq "migrate 2.0.0 again (idempotent)" "$(NOTES_COLOUR=green "$work/opt/2.0.0/bin/migrate" 2>/dev/null)" 2
expect_eq "migrate 1.0.0 on v2 leaves v2" "$(NOTES_COLOUR=blue "$work/opt/1.0.0/bin/migrate" 2>/dev/null)" 2
start 2.0.0 green $((port + 1)) $((port + 3))
G=http://127.0.0.1:$((port + 1))
expect_eq "green GET /health" "$(curl -s $G/health)" '{"status":"ok","version":"2.0.0","colour":"green","db":"ok"}'
expect_eq "green GET /api/v1/info" "$(curl -s $G/api/v1/info)" '{"version":"2.0.0","colour":"green","schema_version":2,"schema_target":2}'
expect_eq "v1 rows kept, with done=0" "$(curl -s $G/api/v1/notes | grep -o '"done":0' | wc -l | tr -d ' ')" 2
expect_has "green POST shows done" "$(curl -s -X POST --data-binary 'v2 note' $G/api/v1/notes)" '"done":0}'
expect_eq "blue (1.0.0) on v2 schema: health" "$(status $B/health)" 200
expect_eq "blue (1.0.0) on v2 schema: 3 notes, no done" \
  "$(curl -s $B/api/v1/notes | grep -c '"id"'):$(curl -s $B/api/v1/notes | grep -c done)" "3:0"
expect_eq "blue (1.0.0) on v2 schema: POST" "$(status -X POST --data-binary 'after rollback' $B/api/v1/notes)" 201
expect_eq "green reads the file blue stored" "$(curl -s $G/api/v1/files/blob.bin | wc -c | tr -d ' ')" 300000

# --- 3.0.0: starts and serves, but fails the health gate
expect_eq "migrate 3.0.0" "$(NOTES_COLOUR=green "$work/opt/3.0.0/bin/migrate" 2>/dev/null)" 2
start 3.0.0 green $((port + 4)) $((port + 5))
T=http://127.0.0.1:$((port + 4))
expect_eq "3.0.0 GET /health status" "$(status $T/health)" 500
expect_eq "3.0.0 GET /health body" "$(curl -s $T/health)" '{"status":"broken","version":"3.0.0","colour":"green","db":"ok"}'
expect_eq "3.0.0 otherwise serves" "$(status $T/api/v1/notes)" 200

if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
