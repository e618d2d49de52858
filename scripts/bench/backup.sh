#!/usr/bin/env bash
# `pxdeploy backup` of an OCI app's volume (a host folder, ~SIZE_MB of mixed data) vs GNU tar -czf + sha256sum on the same
# folder, and the restore path's one-pass verify+extract vs GNU tar -xzf, measured in the same run. Prints figures, never
# fails on them. Targets (issue 10): backup >= 1.8 x GNU throughput, peak RSS <= 100 MB for 1 GiB; extract <= 1.3 x tar -xzf.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-1024}
command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null
command -v pigz >/dev/null || apt-get install -y pigz >/dev/null
npx tsc -p tsconfig.json >/dev/null || true # others' type errors must not stop the emit

WORK=$(mktemp -d /var/tmp/pxd-bench-backup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export PXDEPLOY_ROOT=$WORK/root
DATA=$PXDEPLOY_ROOT/var/lib/pxdeploy/apps/bench/data
mkdir -p "$(dirname "$DATA")"

# Mixed data: 20% many small text files, 40% one large compressible log-like file, 40% random bytes.
python3 "$BENCH_DIR/lib/mixed-data.py" "$DATA" "$SIZE_MB"
BYTES=$(du -sb "$DATA" | cut -f1)
# The app record `pxdeploy backup bench` resolves (no CT is needed to back up a host-folder volume).
cat > "$PXDEPLOY_ROOT/var/lib/pxdeploy/apps/bench.json" <<JSON
{"schemaVersion":1,"hostname":"bench","package":"demo","vmid":999,"node":"localhost","image":"127.0.0.1:5000/demo/app","tag":"1.0","digest":"sha256:00",
 "archive":{"volid":"local:vztmpl/app_1.0.tar","path":"/nonexistent"},"storage":"local-lvm","network":{"bridge":"vmbr0","ip":"dhcp"},"env":{},"secret_keys":[],
 "volumes":[{"name":"data","path":"/data","host":"$DATA"}],"url":"http://127.0.0.1:3456/","installed_at":"2026-01-01T00:00:00Z"}
JSON
cat > "$WORK/extract.mjs" <<JS
import { extractArchive } from '$(pwd)/dist/backup/index.js';
const [file, target] = process.argv.slice(2);
const r = await extractArchive(file, target);
console.error(\`library extract: \${r.report.members} members into \${r.dir}\`);
JS

. "$BENCH_DIR/lib/measure.sh"

sync
measure px_backup node bin/pxdeploy.js backup bench
ARCHIVE=$(readlink -f "$PXDEPLOY_ROOT/var/backups/pxdeploy/bench/latest")
measure gnu_write sh -c "tar -czf '$WORK/gnu.tar.gz' -C '$DATA' . && sha256sum '$WORK/gnu.tar.gz' > '$WORK/gnu.tar.gz.sha256'"
sync
measure px_extract node "$WORK/extract.mjs" "$ARCHIVE" "$WORK/restore-lib/data"
mkdir -p "$WORK/restore-gnu"
measure gnu_extract tar -xzf "$WORK/gnu.tar.gz" -C "$WORK/restore-gnu"
measure px_verify node bin/pxdeploy.js backup verify latest --id bench

mb() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
row() { printf '  %-40s %7.1f s %8s MB/s %7.1f s CPU %7.1f MB peak RSS\n' "$1" "$2" "$(mb "$2")" "$3" "$4"; }
printf 'pxdeploy backup benchmark: %.0f MB of mixed data in an app volume, %d cores\n' "$(awk -v b="$BYTES" 'BEGIN{print b/1048576}')" "$(nproc)"
row 'pxdeploy backup (tar→pigz→sha256)' "$px_backup_wall" "$px_backup_cpu" "$px_backup_rss"
row 'GNU tar -czf + sha256sum' "$gnu_write_wall" "$gnu_write_cpu" "$gnu_write_rss"
row 'restore extract (verify+extract, 1 pass)' "$px_extract_wall" "$px_extract_cpu" "$px_extract_rss"
row 'GNU tar -xzf' "$gnu_extract_wall" "$gnu_extract_cpu" "$gnu_extract_rss"
row 'pxdeploy backup verify' "$px_verify_wall" "$px_verify_cpu" "$px_verify_rss"
printf '  backup speed-up vs GNU: %s x (target >= 1.80); pxdeploy backup peak RSS %.1f MB (target <= 100)\n' \
  "$(awk -v a="$gnu_write_wall" -v b="$px_backup_wall" 'BEGIN{printf "%.2f", a/b}')" "$px_backup_rss"
printf '  restore extract vs GNU tar -xzf: %s x (target <= 1.30)\n' "$(awk -v a="$px_extract_wall" -v b="$gnu_extract_wall" 'BEGIN{printf "%.2f", a/b}')"
printf '  archive sizes: pxdeploy %s bytes, GNU %s bytes\n' "$(stat -c %s "$ARCHIVE")" "$(stat -c %s "$WORK/gnu.tar.gz")"
