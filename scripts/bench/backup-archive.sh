#!/usr/bin/env bash
# Backup archive benchmark: the library's writer/extractor vs GNU tar -czf + sha256sum / tar -xzf on the same ~SIZE_MB of mixed data, same run.
# Target (Backups issue): write throughput >= 1.8 x GNU tar+gzip+sha256sum, peak RSS <= 100 MB for 1 GiB. Prints figures, never fails on them.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-1024}
command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null
command -v pigz >/dev/null || apt-get install -y pigz >/dev/null
npx tsc -p tsconfig.json >/dev/null || true # others' type errors must not stop the emit
[[ -f dist/backup/index.js ]] || { echo "dist/backup/index.js missing after build" >&2; exit 1; }

WORK=$(mktemp -d /var/tmp/pxd-bench-backup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
DATA=$WORK/data

# Mixed data: 20% many small text files, 40% one large compressible log-like file, 40% random bytes.
python3 "$BENCH_DIR/lib/mixed-data.py" "$DATA" "$SIZE_MB"
BYTES=$(du -sb "$DATA" | cut -f1)

cat > "$WORK/write.mjs" <<'JS'
import { writeBackupArchive } from '../../../../..__DIST__/backup/index.js';
const [dir, data] = process.argv.slice(2);
const r = await writeBackupArchive({ dir, id: 'bench', timestamp: 1700000000, entries: [{ name: 'files', kind: 'dir', source: data }] });
console.error(`library: ${r.compressor}, ${r.size} bytes, sha256 ${r.sha256.slice(0, 12)}…`);
JS
cat > "$WORK/extract.mjs" <<'JS'
import { extractArchive } from '../../../../..__DIST__/backup/index.js';
const [file, target] = process.argv.slice(2);
const r = await extractArchive(file, target);
console.error(`library extract: ${r.report.members} members into ${r.dir}`);
JS
sed -i "s#../../../../..__DIST__#$(pwd)/dist#" "$WORK/write.mjs" "$WORK/extract.mjs"

. "$BENCH_DIR/lib/measure.sh"

sync
measure lib_write node "$WORK/write.mjs" "$WORK/lib" "$DATA"
measure gnu_write sh -c "tar -czf '$WORK/gnu.tar.gz' -C '$DATA' . && sha256sum '$WORK/gnu.tar.gz' > '$WORK/gnu.tar.gz.sha256'"
measure lib_extract node "$WORK/extract.mjs" "$WORK/lib/1700000000.tar.gz" "$WORK/restore-lib"
mkdir -p "$WORK/restore-gnu"
measure gnu_extract tar -xzf "$WORK/gnu.tar.gz" -C "$WORK/restore-gnu"

mb() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
row() { printf '  %-34s %7.1f s %8s MB/s %7.1f s CPU %7.1f MB peak RSS\n' "$1" "$2" "$(mb "$2")" "$3" "$4"; }
printf 'backup archive benchmark: %.0f MB of mixed data, %d cores\n' "$(awk -v b="$BYTES" 'BEGIN{print b/1048576}')" "$(nproc)"
row 'library write (tar→pigz→sha256)' "$lib_write_wall" "$lib_write_cpu" "$lib_write_rss"
row 'GNU tar -czf + sha256sum' "$gnu_write_wall" "$gnu_write_cpu" "$gnu_write_rss"
row 'library extract (verify+extract, 1 pass)' "$lib_extract_wall" "$lib_extract_cpu" "$lib_extract_rss"
row 'GNU tar -xzf' "$gnu_extract_wall" "$gnu_extract_cpu" "$gnu_extract_rss"
printf '  write speed-up vs GNU: %s x (target >= 1.80); library peak RSS %.1f MB (target <= 100)\n' \
  "$(awk -v a="$gnu_write_wall" -v b="$lib_write_wall" 'BEGIN{printf "%.2f", a/b}')" "$lib_write_rss"
printf '  extract time vs GNU: %s x GNU tar -xzf\n' "$(awk -v a="$lib_extract_wall" -v b="$gnu_extract_wall" 'BEGIN{printf "%.2f", a/b}')"
printf '  archive sizes: library %s bytes, GNU %s bytes\n' "$(stat -c %s "$WORK/lib/1700000000.tar.gz")" "$(stat -c %s "$WORK/gnu.tar.gz")"
