// Race-test participant: takes the operation lock through the COMPILED modules in dist/ and records its critical section.
// Usage: node lock-racer.mjs '<json>' with { mode: 'race'|'hold', root, id, op, dir, startAt?, delayMs?, holdMs? }.
import { appendFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dist = new URL('../../dist/', import.meta.url);
const { withLock } = await import(new URL('lock/index.js', dist).href);
const { openOperationLog } = await import(new URL('log/index.js', dist).href);
const { makePaths } = await import(new URL('state/paths.js', dist).href);

const args = JSON.parse(process.argv[2] ?? '{}');
const paths = makePaths(args.root);
const events = path.join(args.dir, 'events.log');
const marker = path.join(args.dir, 'in-critical');
// CLOCK_MONOTONIC is one clock for every process on the host, so intervals compare across racers.
const now = () => process.hrtime.bigint().toString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Like the CLI: the operation log is open before the lock is taken, so a reclaim is logged.
const log = await openOperationLog({ paths, resourceId: args.id, operation: args.op });

// The start barrier comes after all loading, so that the racers really hit the lock together.
if (args.startAt) await sleep(Math.max(0, args.startAt - Date.now()));
if (args.delayMs) await sleep(args.delayMs);
let code = 0;
try {
  await withLock({ paths, log }, args.id, args.op, async () => {
    try {
      // O_EXCL: if another process is inside, this fails — the proof we are looking for.
      writeFileSync(marker, String(process.pid), { flag: 'wx' });
    } catch (err) {
      appendFileSync(events, `collision ${process.pid} ${now()} ${err.code}\n`);
      throw err;
    }
    appendFileSync(events, `enter ${process.pid} ${now()}\n`);
    if (args.mode === 'hold') {
      process.stdout.write(`HOLDING ${process.pid}\n`);
      await new Promise(() => setInterval(() => {}, 1000)); // until a signal arrives
    }
    await sleep(args.holdMs ?? 100);
    appendFileSync(events, `exit ${process.pid} ${now()}\n`);
    unlinkSync(marker);
  });
} catch (err) {
  process.stderr.write(`${err.name}: ${err.message}\n`);
  code = typeof err.exitCode === 'number' ? err.exitCode : 1;
} finally {
  await log.close();
}
process.exit(code);
