#!/bin/sh
# mcp.cgi - routes of the MCP-like tool server: health, the tool list, and read-only tool calls over the notes DB.
NOTES_ROOT=${NOTES_ROOT:-$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)}
. "$NOTES_ROOT/lib/common.sh"

health() {
  if schema=$(schema_version) && [ -n "$schema" ] && [ "$schema" -ge 1 ]; then
    respond '200 OK' "$(printf '{"status":"ok","version":"%s","colour":"%s","db":"ok"}' "$NOTES_VERSION" "$NOTES_COLOUR")"
  else
    respond '503 Service Unavailable' "$(printf '{"status":"error","version":"%s","colour":"%s","db":"error"}' "$NOTES_VERSION" "$NOTES_COLOUR")"
  fi
}

tools() {
  respond '200 OK' '{"tools":[
 {"name":"list_notes","description":"List every note","inputSchema":{"type":"object","properties":{}}},
 {"name":"count_notes","description":"Count the notes","inputSchema":{"type":"object","properties":{}}}]}'
}

call_tool() {
  case $1 in
    list_notes) rows=$(db -json "$NOTES_DB" 'SELECT id, text, created_at FROM notes ORDER BY id;') &&
      respond '200 OK' "{\"content\":${rows:-[]}}" || respond '500 Internal Server Error' '{"error":"db"}' ;;
    count_notes) n=$(db "$NOTES_DB" 'SELECT COUNT(*) FROM notes;') &&
      respond '200 OK' "{\"content\":{\"count\":$n}}" || respond '500 Internal Server Error' '{"error":"db"}' ;;
    *) respond '404 Not Found' '{"error":"no such tool"}' ;;
  esac
}

case "$REQUEST_METHOD $PATH_INFO" in
  'GET /health') health ;;
  'GET /tools') tools ;;
  'POST /tools/'*'/call'|'GET /tools/'*'/call') name=${PATH_INFO#/tools/}; call_tool "${name%/call}" ;;
  *) respond '404 Not Found' '{"error":"not found"}' ;;
esac
