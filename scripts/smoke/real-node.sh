#!/usr/bin/env bash
# Manual smoke test on a REAL Proxmox VE node (never run in CI): install Vikunja with pxdeploy, check it through
# nginx, update, status, rollback, and optionally uninstall. It changes the node: run it as root on a test node.
#
# Usage (as root on the PVE node, from a checkout of pxdeploy):
#   CT_IP=192.168.1.50/24 GATEWAY=192.168.1.1 INSTALL_VERSION=v2.4.0 UPDATE_VERSION=v2.5.0 scripts/smoke/real-node.sh
#   (any two published releases from https://dl.vikunja.io/vikunja/; the node needs internet to fetch them)
#
# Environment (all optional except where noted):
#   CT_IP            the CT's address as CIDR, or "dhcp"                                  (required)
#   GATEWAY          default gateway for a static CT_IP                                  (required unless dhcp)
#   PUBLIC_URL       URL users reach Vikunja at (service.publicurl); default http://<CT address>/
#   BRIDGE           bridge of the CT's net0                                              (default vmbr0)
#   STORAGE          storage pool of the rootfs                                           (default local-lvm)
#   VMID             CT id                                                                (default: next free)
#   ID               pxdeploy instance id                                                 (default vikunja-main)
#   INSTALL_VERSION  Vikunja release installed first                                      (default: the catalog's)
#   UPDATE_VERSION   release `update` moves to (green); empty skips update and rollback   (default empty)
#   UNINSTALL        1 = `uninstall --yes` at the end                                      (default 0)
#   SKIP_BUILD       1 = use the existing dist/ instead of `npm ci && npm run build`       (default 0)
# Exit status: 0 when every step passed; the first failing step stops the script and names itself.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ID=${ID:-vikunja-main}
BRIDGE=${BRIDGE:-vmbr0}
STORAGE=${STORAGE:-local-lvm}
UPDATE_VERSION=${UPDATE_VERSION:-}
INSTALL_VERSION=${INSTALL_VERSION:-}
UNINSTALL=${UNINSTALL:-0}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

step() { printf '\n== %s\n' "$*"; }
die() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
px() { node "$REPO/bin/pxdeploy.js" "$@"; }

step "preflight: root on a Proxmox VE node"
[[ $EUID -eq 0 ]] || die "run as root (pxdeploy drives pct and writes /etc/pxdeploy)"
command -v pveversion >/dev/null || die "pveversion not found: this is not a Proxmox VE node"
pveversion
for tool in node npm curl jq; do command -v "$tool" >/dev/null || die "$tool is missing (apt-get install nodejs npm curl jq)"; done
[[ -n ${CT_IP:-} ]] || die "set CT_IP (a CIDR such as 192.168.1.50/24, or dhcp)"
if [[ $CT_IP != dhcp && -z ${GATEWAY:-} ]]; then die "set GATEWAY for a static CT_IP"; fi

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  step "build pxdeploy"
  (cd "$REPO" && npm ci && npm run build)
fi
px -V

step "install $ID"
net="{ bridge: $BRIDGE, ip: $CT_IP${GATEWAY:+, gateway: $GATEWAY} }"
{
  echo "app: vikunja"
  [[ -n $INSTALL_VERSION ]] && echo "version: \"$INSTALL_VERSION\""
  [[ -n ${PUBLIC_URL:-} ]] && echo "public_url: \"$PUBLIC_URL\""
  echo "container:"
  [[ -n ${VMID:-} ]] && echo "  vmid: $VMID"
  echo "  hostname: $ID"
  echo "  template: debian-12"
  echo "  resources: { cores: 2, memory: 2048, disk: 20 }"
  echo "  storage_pool: $STORAGE"
  echo "  network: $net"
  echo "  features: { nesting: true }"
  echo "  start_on_boot: true"
  echo "  tags: [pxdeploy-instance, vikunja]"
  echo "health: { timeout: 120, interval: 1 }"
} > "$WORK/$ID.yaml"
cat "$WORK/$ID.yaml"
px install "$ID" -f "$WORK/$ID.yaml" --json | tee "$WORK/install.json"
URL=$(jq -r .url "$WORK/install.json")
[[ $URL == http://* ]] || die "install printed no URL"

# check_version V COLOUR: /health answers 200 through nginx, /api/v1/info names V, nginx served COLOUR.
check_version() {
  local want=$1 colour=$2 info served
  curl -fsS --max-time 10 "${URL}health" >/dev/null || die "GET ${URL}health through nginx failed"
  curl -fsSk --max-time 10 "${URL/http:/https:}health" >/dev/null || die "GET ${URL/http:/https:}health (443) failed"
  info=$(curl -fsS --max-time 10 "${URL}api/v1/info") || die "GET ${URL}api/v1/info failed"
  served=$(curl -fsS --max-time 10 -o /dev/null -D - "${URL}health" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-vikunja-frontend-colour" {print $2}')
  echo "  /api/v1/info version: $(jq -r .version <<<"$info"), served by: $served"
  if [[ -n $want && $(jq -r .version <<<"$info") != "$want" ]]; then die "/api/v1/info reports $(jq -r .version <<<"$info"), expected $want"; fi
  [[ $served == "$colour" ]] || die "nginx served colour '$served', expected $colour"
}

step "check blue through nginx"
check_version "$INSTALL_VERSION" blue

if [[ -n $UPDATE_VERSION ]]; then
  step "update $ID to $UPDATE_VERSION (green)"
  px update "$ID" --version "$UPDATE_VERSION"
  check_version "$UPDATE_VERSION" green

  step "status --json"
  px status "$ID" --json | tee "$WORK/status.json"
  [[ $(jq -r .active_color "$WORK/status.json") == green ]] || die "status does not report green as active"
  [[ $(jq -r .state "$WORK/status.json") == running ]] || die "status does not report state running"

  step "rollback $ID (blue)"
  px rollback "$ID"
  check_version "$INSTALL_VERSION" blue
else
  step "status --json (UPDATE_VERSION empty: update and rollback skipped)"
  px status "$ID" --json
fi

if [[ $UNINSTALL == 1 ]]; then
  step "uninstall $ID"
  px uninstall "$ID" --yes
fi
step "smoke test passed ($ID, $URL)"
