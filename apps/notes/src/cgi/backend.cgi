#!/bin/sh
# backend.cgi - routes of the notes API, run once per request as a CGI script (REQUEST_METHOD, PATH_INFO, CONTENT_LENGTH).
NOTES_ROOT=${NOTES_ROOT:-$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)}
. "$NOTES_ROOT/lib/common.sh"

# Columns this release reads: v1 names its columns, so it keeps serving after v2 adds `done`.
if [ "$NOTES_SCHEMA_TARGET" -ge 2 ]; then note_columns='id, text, created_at, done'; else note_columns='id, text, created_at'; fi

# The request body lands in a temp file; SQLite reads it with readfile(), so no text is ever spliced into SQL.
read_body_to() { head -c "${CONTENT_LENGTH:-0}" > "$1"; }

health() {
  if schema=$(schema_version) && [ -n "$schema" ] && [ "$schema" -ge 1 ]; then db_state=ok; else db_state=error; fi
  body=$(printf '{"status":"%s","version":"%s","colour":"%s","db":"%s"}' \
    "$([ "$NOTES_HEALTH_BROKEN" = 1 ] && echo broken || echo ok)" "$NOTES_VERSION" "$NOTES_COLOUR" "$db_state")
  if [ "$NOTES_HEALTH_BROKEN" = 1 ]; then respond '500 Internal Server Error' "$body"
  elif [ "$db_state" != ok ]; then respond '503 Service Unavailable' "$body"
  else respond '200 OK' "$body"; fi
}

info() {
  respond '200 OK' "$(printf '{"version":"%s","colour":"%s","schema_version":%s,"schema_target":%s}' \
    "$NOTES_VERSION" "$NOTES_COLOUR" "$(schema_version || echo null)" "$NOTES_SCHEMA_TARGET")"
}

list_notes() {
  rows=$(db -json "$NOTES_DB" "SELECT $note_columns FROM notes ORDER BY id;") || { respond '500 Internal Server Error' '{"error":"db"}'; return; }
  respond '200 OK' "${rows:-[]}"
}

add_note() {
  tmp=$(mktemp "${TMPDIR:-/tmp}/notes-body.XXXXXX")
  read_body_to "$tmp"
  if [ ! -s "$tmp" ]; then rm -f "$tmp"; respond '400 Bad Request' '{"error":"empty note"}'; return; fi
  row=$(db -json "$NOTES_DB" "INSERT INTO notes(text) VALUES (CAST(readfile('$tmp') AS TEXT)) RETURNING $note_columns;")
  rc=$?
  rm -f "$tmp"
  [ $rc = 0 ] || { respond '500 Internal Server Error' '{"error":"db"}'; return; }
  row=${row#[}
  respond '201 Created' "${row%]}"
}

# File names are a plain word: no slashes, no leading dot, so nothing escapes the files directory.
valid_file_name() {
  case $1 in ''|.*|*[!A-Za-z0-9._-]*) return 1 ;; esac
  [ ${#1} -le 128 ]
}

get_file() {
  valid_file_name "$1" || { respond '400 Bad Request' '{"error":"bad file name"}'; return; }
  [ -f "$NOTES_FILES/$1" ] || { respond '404 Not Found' '{"error":"no such file"}'; return; }
  printf 'Status: 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %s\r\nX-Notes-Version: %s\r\nX-Notes-Colour: %s\r\n\r\n' \
    "$(wc -c < "$NOTES_FILES/$1" | tr -d ' ')" "$NOTES_VERSION" "$NOTES_COLOUR"
  cat "$NOTES_FILES/$1"
}

put_file() {
  valid_file_name "$1" || { respond '400 Bad Request' '{"error":"bad file name"}'; return; }
  mkdir -p "$NOTES_FILES"
  tmp=$(mktemp "$NOTES_FILES/.upload.XXXXXX")
  read_body_to "$tmp"
  size=$(wc -c < "$tmp" | tr -d ' ')
  if [ "$size" != "${CONTENT_LENGTH:-0}" ]; then rm -f "$tmp"; respond '400 Bad Request' '{"error":"short body"}'; return; fi
  chmod 0644 "$tmp"
  mv -f "$tmp" "$NOTES_FILES/$1" # rename: readers see the old file or the new one, never half of it
  respond '201 Created' "$(printf '{"name":"%s","size":%s}' "$1" "$size")"
}

case "$REQUEST_METHOD $PATH_INFO" in
  'GET /health') health ;;
  'GET /api/v1/info') info ;;
  'GET /api/v1/notes') list_notes ;;
  'POST /api/v1/notes') add_note ;;
  'GET /api/v1/files/'*) get_file "${PATH_INFO#/api/v1/files/}" ;;
  'PUT /api/v1/files/'*) put_file "${PATH_INFO#/api/v1/files/}" ;;
  *' /health'|*' /api/v1/'*) respond '405 Method Not Allowed' '{"error":"method not allowed"}' ;;
  *) respond '404 Not Found' '{"error":"not found"}' ;;
esac
