#!/bin/sh
# render.sh - render notes.conf.in: KEY=VALUE arguments replace @KEY@; TLS=off drops the 443 lines. Prints to stdout.
# usage: render.sh [HTTP_LISTEN=80] [HTTPS_LISTEN=443] [TLS=on|off] [LIVE_DIR=/etc/notes/frontend] [BLUE_PORT=3456] ...
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
HTTP_LISTEN=80 HTTPS_LISTEN=443 TLS=on TLS_CERT=/etc/notes/tls/notes.crt TLS_KEY=/etc/notes/tls/notes.key
LIVE_DIR=/etc/notes/frontend BLUE_PORT=3456 GREEN_PORT=3457 BLUE_MCP_PORT=8456 GREEN_MCP_PORT=8457
for kv in "$@"; do
  case $kv in
    HTTP_LISTEN=*|HTTPS_LISTEN=*|TLS=*|TLS_CERT=*|TLS_KEY=*|LIVE_DIR=*|BLUE_PORT=*|GREEN_PORT=*|BLUE_MCP_PORT=*|GREEN_MCP_PORT=*)
      eval "${kv%%=*}=\${kv#*=}" ;;
    *) echo "render.sh: unknown setting: $kv" >&2; exit 2 ;;
  esac
done
[ "$TLS" = on ] && tls_mark='' || tls_mark='#'
sed -e "s|@HTTP_LISTEN@|$HTTP_LISTEN|g" -e "s|@HTTPS_LISTEN@|$HTTPS_LISTEN|g" -e "s|@TLS@|$tls_mark|g" \
  -e "s|@TLS_CERT@|$TLS_CERT|g" -e "s|@TLS_KEY@|$TLS_KEY|g" -e "s|@LIVE_DIR@|$LIVE_DIR|g" \
  -e "s|@BLUE_PORT@|$BLUE_PORT|g" -e "s|@GREEN_PORT@|$GREEN_PORT|g" \
  -e "s|@BLUE_MCP_PORT@|$BLUE_MCP_PORT|g" -e "s|@GREEN_MCP_PORT@|$GREEN_MCP_PORT|g" "$here/notes.conf.in"
