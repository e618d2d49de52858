#!/usr/bin/env bash
# Inventory benchmark: `inventory sync` of a fabricated cluster (GUESTS CTs on 3 nodes, served by a pvesh stand-in from files),
# first sync, second (nothing changed: target writes nothing and takes <= 0.3 x the first), third (CHANGED CTs' memory changed),
# and a `history` query. Reports wall time and peak RSS of each; never fails on the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
GUESTS=${GUESTS:-5000}
CHANGED=${CHANGED:-50}
[[ -f dist/main.js ]] || npm run build >/dev/null
work=$(mktemp -d /tmp/pxdeploy-bench-inventory.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/api" "$work/root"

# The stand-in answers `pvesh get <path> [--type vm] --output-format json` from $work/api/<path with / as _>.json.
cat >"$work/bin/pvesh" <<STUB
#!/bin/sh
f="$work/api/\$(printf %s "\$2" | tr / _).json"
[ -f "\$f" ] || { echo "No 'get' handler defined for '\$2'" >&2; exit 255; }
cat "\$f"
STUB
chmod +x "$work/bin/pvesh"

# The cluster: GUESTS CTs round-robin on pve1..pve3, each with a config carrying its digest.
node - "$work/api" "$GUESTS" "$CHANGED" <<'JS'
const fs = require('fs'); const crypto = require('crypto');
const [dir, guests, changed] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const nodes = ['pve1', 'pve2', 'pve3'];
const put = (p, v) => fs.writeFileSync(`${dir}/${p.replace(/\//g, '_')}.json`, JSON.stringify(v) + '\n');
put('/nodes', nodes.map((n) => ({ node: n, status: 'online', type: 'node', maxcpu: 16, maxmem: 137438953472, maxdisk: 1e12 })));
for (const n of nodes) {
  put(`/nodes/${n}/status`, { uptime: 1e6, pveversion: 'pve-manager/9.1.1/42db4a6cf33dac83', cpuinfo: { cpus: 16 }, memory: { total: 137438953472, used: 1e10, free: 1e11 }, rootfs: { total: 1e12, used: 1e11, avail: 9e11 }, 'current-kernel': { sysname: 'Linux', release: '6.17.2-1-pve', version: '#1', machine: 'x86_64' } });
  put(`/nodes/${n}/storage`, [{ storage: 'local', type: 'dir', content: 'iso,vztmpl,backup', active: 1, enabled: 1, shared: 0, total: 1e12, used: 1e11, avail: 9e11 }, { storage: 'local-lvm', type: 'lvmthin', content: 'rootdir,images', active: 1, enabled: 1, shared: 0, total: 2e12, used: 1e11, avail: 1.9e12 }]);
  put(`/nodes/${n}/tasks`, []);
}
const write = (round) => {
  const res = [];
  for (let i = 0; i < guests; i++) {
    const vmid = 10000 + i; const node = nodes[i % 3];
    const memory = round > 0 && i < changed ? 1024 : 512;
    const conf = { arch: 'amd64', cores: 1 + (i % 4), hostname: `ct-${vmid}`, memory, swap: 512, ostype: 'debian', unprivileged: 1, net0: `name=eth0,bridge=vmbr0,ip=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/8,type=veth`, rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G` };
    put(`/nodes/${node}/lxc/${vmid}/config`, { ...conf, digest: crypto.createHash('sha1').update(JSON.stringify(conf)).digest('hex') });
    res.push({ id: `lxc/${vmid}`, vmid, node, type: 'lxc', status: i % 2 ? 'running' : 'stopped', name: `ct-${vmid}`, template: 0, maxcpu: conf.cores, maxmem: memory * 1048576, maxdisk: 8589934592, mem: 0, cpu: 0, disk: 0, uptime: i, netin: i, netout: i, tags: 'bench' });
  }
  put('/cluster/resources', res);
};
write(0);
fs.writeFileSync(`${dir}/../rewrite.js`, `(${write.toString()})(1)`.replace(/^/, `const fs=require('fs');const crypto=require('crypto');const dir=${JSON.stringify(dir)};const guests=${guests};const changed=${changed};const nodes=${JSON.stringify(nodes)};const put=${put.toString()};`));
JS

measure() { # label, args...: wall seconds and peak RSS (MB) of one pxdeploy run
  local label=$1; shift
  local out
  out=$( { PATH="$work/bin:$PATH" PXDEPLOY_ROOT="$work/root" /usr/bin/time -f '%e %M' node bin/pxdeploy.js "$@" >"$work/last.json"; } 2>&1 | tail -1)
  read -r secs kb <<<"$out"
  printf '  %-34s %8.2f s   peak RSS %6.1f MB   %s\n' "$label" "$secs" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" "$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(r.changes ? `${r.changes.length} change(s), ${r.configsRead} config(s) read, written: ${r.written}` : `${r.snapshots.length} snapshot(s)`)' "$work/last.json")"
  eval "${label%% *}_secs=$secs"
}

printf 'inventory benchmark: %d CTs on 3 nodes (pvesh stand-in from files), %d changed before the third sync\n' "$GUESTS" "$CHANGED"
measure 'first sync (all new)' inventory sync --all-nodes --json
measure 'second sync (nothing changed)' inventory sync --all-nodes --json
node "$work/rewrite.js"
measure 'third sync (memory changed)' inventory sync --all-nodes --json
measure 'history query (one CT)' history 10000 --json
printf '  second / first: %s (target <= 0.30)   database: %s\n' "$(awk -v a="$second_secs" -v b="$first_secs" 'BEGIN{printf "%.2f", a/b}')" "$(du -h "$work/root/var/lib/pxdeploy/inventory.db" | cut -f1)"
