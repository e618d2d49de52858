// Size rotation of the operation log: 5 gzip parts + the live one, no line lost in bursts or across processes, a stable <id>.log.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/context.js';
import { LOG_ROTATION, listLogFiles, openOperationLog, rotateFileOptions } from '../../../src/log/index.js';
import type { Paths } from '../../../src/state/paths.js';
import { makePaths } from '../../../src/state/paths.js';

const LINE = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] \[(DEBUG|INFO|WARN|ERROR|SUCCESS)\] \[[a-z-]+\] .+$/;
const clock: Clock = { now: () => new Date('2025-10-19T10:30:00Z') };
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const writerScript = fileURLToPath(new URL('./fixtures/log-writer.ts', import.meta.url));
const viteNode = path.join(repo, 'node_modules/.bin/vite-node');

let root: string;
let paths: Paths;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pxdeploy-logrot-'));
  paths = makePaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const readLog = (id: string) => readFileSync(path.join(paths.logDir, `${id}.log`), 'utf8');

/** Every line of a resource's log, oldest part first, gzip parts decompressed; also how many parts were left plain. */
async function allLines(id: string): Promise<{ lines: string[]; gz: number; plain: number }> {
  const { parts } = await listLogFiles(paths, id);
  const text = parts.map((f) => (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString('utf8')).join('');
  const gz = parts.filter((f) => f.endsWith('.gz')).length;
  return { lines: text.trimEnd().split('\n'), gz, plain: parts.length - gz };
}

/** Runs the writer fixture in its own process (it exits right after close() resolves). */
function writerArgs(id: string, tag: string, runs: number, lines: number, maxSize: string): string[] {
  return [writerScript, root, id, tag, String(runs), String(lines), maxSize];
}
const runWriter = (...a: Parameters<typeof writerArgs>) => promisify(execFile)(viteNode, writerArgs(...a), { cwd: repo });

describe('rotation policy', () => {
  it('is the seed\'s: 10 MB, 5 rotated files besides the live one, by size only, library gzip and link off (see housekeeping.ts)', () => {
    expect(LOG_ROTATION).toEqual({ maxSize: '10m', keepRotated: 5 });
    expect(rotateFileOptions('/var/log/pxdeploy', 'vikunja-main')).toMatchObject({
      dirname: '/var/log/pxdeploy',
      filename: 'vikunja-main',
      extension: '.log',
      datePattern: '[part]',
      maxSize: '10m',
      maxFiles: 6,
      zippedArchive: false,
      createSymlink: false,
      auditFile: '/var/log/pxdeploy/.vikunja-main.log-audit.json',
    });
  });
});

describe('rotation', () => {
  it('keeps exactly 5 gzip parts + the live one after bursts; <id>.log always shows the newest lines', async () => {
    // Same code path as production with a 10 KB limit instead of 10 MB: ~220 KB in three synchronous bursts.
    const filler = 'y'.repeat(160);
    for (let run = 0; run < 3; run++) {
      const log = await openOperationLog({ paths, resourceId: 'app', operation: 'backup', clock, rotation: { maxSize: '10k', keepRotated: 5 } });
      for (let i = 0; i < 400; i++) log.info(`run ${run} entry ${i} ${filler}`);
      await log.close();
      expect(readLog('app').trimEnd().split('\n').at(-1)).toContain(`run ${run} entry 399 `);
    }
    const files = await listLogFiles(paths, 'app');
    const gz = files.parts.filter((f) => f.endsWith('.gz'));
    const plain = files.parts.filter((f) => !f.endsWith('.gz'));
    expect(gz).toHaveLength(5);
    expect(plain).toHaveLength(1);
    expect(files.parts.at(-1)).toBe(plain[0]); // the live part is the newest
    expect(readlinkSync(files.current!)).toBe(path.basename(plain[0]!));
    // Rotated parts are valid gzip holding whole, well-formed lines, about the limit each, in order.
    let previous = -1;
    for (const f of gz) {
      const lines = gunzipSync(readFileSync(f)).toString('utf8').trimEnd().split('\n');
      expect(lines.join('\n').length).toBeGreaterThan(10 * 1024);
      expect(lines.join('\n').length).toBeLessThan(11 * 1024);
      for (const l of lines) {
        expect(l).toMatch(LINE);
        const [, run, entry] = /run (\d) entry (\d+) /.exec(l)!;
        expect(Number(run) * 1000 + Number(entry)).toBeGreaterThan(previous);
        previous = Number(run) * 1000 + Number(entry);
      }
    }
  });

  it('loses no line in a 20,000-line burst that rotates many times before any file is open; all but the live part gzipped', async () => {
    const log = await openOperationLog({ paths, resourceId: 'app', operation: 'backup', clock, rotation: { maxSize: '64k', keepRotated: 1000 } });
    for (let i = 0; i < 20_000; i++) log.info(`entry ${i} ${'z'.repeat(100)}`);
    log.finish(0);
    await log.close();
    const { lines, gz, plain } = await allLines('app');
    expect(gz).toBeGreaterThan(40);
    expect(plain).toBe(1);
    expect(lines).toHaveLength(20_001);
    lines.slice(0, -1).forEach((l, i) => expect(l).toContain(`] entry ${i} `));
    expect(lines.at(-1)).toBe('[2025-10-19T10:30:00Z] [SUCCESS] [backup] backup completed (exit 0)');
  });

  it('compresses parts left plain by a process that died before closing its log', async () => {
    mkdirSync(paths.logDir, { recursive: true });
    const old = '[2025-10-19T10:00:00Z] [INFO] [deploy] from a crashed run\n';
    writeFileSync(path.join(paths.logDir, 'app.part.log'), old);
    writeFileSync(path.join(paths.logDir, 'app.part.1.log'), old);
    const log = await openOperationLog({ paths, resourceId: 'app', operation: 'deploy', clock });
    log.info('next run');
    await log.close();
    expect(readdirSync(paths.logDir).filter((n) => !n.startsWith('.')).sort()).toEqual(['app.log', 'app.part.1.log', 'app.part.log.gz']);
    expect(gunzipSync(readFileSync(path.join(paths.logDir, 'app.part.log.gz'))).toString()).toBe(old);
    expect(readLog('app')).toBe(`${old}[2025-10-19T10:30:00Z] [INFO] [deploy] next run\n`);
  });
});

describe('across processes', () => {
  it('processes appending to the same log in turn (open, write, close, exit) keep every line, in order', async () => {
    const turns: Array<[string, number]> = [['a', 2], ['b', 1], ['a', 1]];
    for (const [tag, runs] of turns) await runWriter('app', tag, runs, 300, '8k');
    const { lines, plain } = await allLines('app');
    const expected: string[] = [];
    for (const [tag, runs] of turns) {
      for (let run = 0; run < runs; run++) {
        for (let i = 0; i < 300; i++) expected.push(`${tag} run ${run} line ${i} `);
        expected.push(`${tag} run ${run} done (exit 0)`);
      }
    }
    expect(lines).toHaveLength(expected.length);
    lines.forEach((l, i) => {
      expect(l).toMatch(LINE);
      expect(l).toContain(expected[i]);
    });
    expect(plain).toBe(1);
  }, 60_000);

  it('<id>.log never goes missing for a reader while another process opens logs and rotates', async () => {
    const link = path.join(paths.logDir, 'app.log');
    await runWriter('app', 'seed', 1, 1, '4k');
    const child = spawn(viteNode, writerArgs('app', 'w', 30, 60, '4k'), { cwd: repo, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let running = true;
    void exited.then(() => (running = false));
    let reads = 0;
    const missing: string[] = [];
    const targets = new Set<string>();
    while (running) {
      for (let i = 0; i < 100; i++) {
        reads++;
        try {
          readFileSync(link);
          targets.add(readlinkSync(link));
        } catch (err) {
          missing.push((err as NodeJS.ErrnoException).code ?? String(err));
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    console.log(`[<id>.log under rotation] reads=${reads} missing=${missing.length} link targets seen=${targets.size}`);
    expect(await exited).toBe(0);
    expect(missing).toEqual([]);
    expect(targets.size).toBeGreaterThan(3); // the reader really watched the link move from part to part
    expect(reads).toBeGreaterThan(1000);
  }, 60_000);
});
