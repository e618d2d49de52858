// Atomic JSON state files: no partial reads, no temp files left, corrupt files refused by name and reason.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CorruptStateError, NewerFormatError, PxError } from '../../../src/errors.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { REMOVE, defineStateSchema, readJson, updateJson, withFileGuard, writeState } from '../../../src/state/index.js';
import { testContext } from '../../helpers/context.js';

/** Real effects (atomic writes, the short lock) over a runner that allows no host command. */
const fx = () => testContext(new RecordingRunner(), { root: dir }).ctx.effects;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pxdeploy-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const Counter = defineStateSchema('counter', 2, z.object({ schemaVersion: z.literal(2), n: z.number().int(), pad: z.string().optional() }).strict());

async function corrupt(text: string): Promise<CorruptStateError> {
  const file = path.join(dir, 'x.state');
  writeFileSync(file, text);
  const err = await readJson(file, Counter).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CorruptStateError);
  expect((err as CorruptStateError).file).toBe(file);
  expect((err as CorruptStateError).message).toContain(file);
  return err as CorruptStateError;
}

describe('writeState through the effects seam', () => {
  it('creates the directory, writes pretty JSON with a newline, mode 0644 by default or as asked', async () => {
    const file = path.join(dir, 'deep/er/a.json');
    await writeState(fx(), file, Counter, { schemaVersion: 2, n: 1 });
    expect(readFileSync(file, 'utf8')).toBe('{\n  "schemaVersion": 2,\n  "n": 1\n}\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    await writeState(fx(), file, Counter, { schemaVersion: 2, n: 2 }, { mode: 0o600 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['a.json']);
  });

  it('leaves no temp file when writing fails', async () => {
    const target = path.join(dir, 'is-a-dir');
    mkdirSync(path.join(target, 'child'), { recursive: true });
    await expect(writeState(fx(), target, Counter, { schemaVersion: 2, n: 1 })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['is-a-dir']);
  });

  it('a concurrent reader sees the old or the new document, never a partial one', async () => {
    const file = path.join(dir, 'big.state');
    const pad = 'x'.repeat(256 * 1024);
    await writeState(fx(), file, Counter, { schemaVersion: 2, n: 0, pad });
    let stop = false;
    let reads = 0;
    const seen = new Set<number>();
    const reader = (async () => {
      while (!stop) {
        const doc = await readJson(file, Counter); // would throw CorruptStateError on a partial file
        expect(doc?.pad).toHaveLength(pad.length);
        seen.add(doc!.n);
        reads++;
      }
    })();
    for (let n = 1; n <= 60; n++) await writeState(fx(), file, Counter, { schemaVersion: 2, n, pad });
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect(seen.size).toBeGreaterThan(1);
    expect(readdirSync(dir)).toEqual(['big.state']);
  });
});

describe('readJson', () => {
  it('returns undefined for a missing file (and a missing directory)', async () => {
    expect(await readJson(path.join(dir, 'none.state'), Counter)).toBeUndefined();
    expect(await readJson(path.join(dir, 'no/such/dir.state'), Counter)).toBeUndefined();
  });

  it('returns the validated document', async () => {
    const file = path.join(dir, 'ok.state');
    await writeState(fx(), file, Counter, { schemaVersion: 2, n: 7 });
    expect(await readJson(file, Counter)).toEqual({ schemaVersion: 2, n: 7 });
  });

  it('rejects bad JSON with CorruptStateError, not a raw SyntaxError, and leaves the file alone', async () => {
    const err = await corrupt('{"schemaVersion": 2, "n": ');
    expect(err.message).toMatch(/not valid JSON \(/);
    expect(err.exitCode).toBe(1);
    expect(err.hint).toMatch(/will not overwrite/);
    expect(readFileSync(path.join(dir, 'x.state'), 'utf8')).toBe('{"schemaVersion": 2, "n": ');
  });

  it('rejects an empty file, a non-object, a missing or bad schemaVersion', async () => {
    expect((await corrupt('')).message).toMatch(/empty file \(expected counter\)/);
    expect((await corrupt('[1,2]')).message).toMatch(/expected a JSON object holding counter/);
    expect((await corrupt('{"n": 1}')).message).toMatch(/missing schemaVersion/);
    expect((await corrupt('{"schemaVersion": "2", "n": 1}')).message).toMatch(/schemaVersion must be a positive integer, got "2"/);
  });

  it('rejects a newer schemaVersion (written by a newer pxdeploy) and an unsupported older one', async () => {
    const file = path.join(dir, 'x.state');
    writeFileSync(file, '{"schemaVersion": 3, "n": 1}');
    const newer = await readJson(file, Counter).catch((e: unknown) => e);
    expect(newer).toBeInstanceOf(NewerFormatError); // not "corrupt": a newer pxdeploy wrote it
    expect((newer as NewerFormatError).message).toBe(`${file}: schemaVersion 3 is newer than this pxdeploy understands (2)`);
    expect((newer as NewerFormatError).hint).toMatch(/^upgrade pxdeploy/);
    expect((await corrupt('{"schemaVersion": 1, "n": 1}')).message).toMatch(/schemaVersion 1 is not supported \(expected 2\)/);
  });

  it('rejects the wrong shape, naming the field', async () => {
    expect((await corrupt('{"schemaVersion": 2, "n": "one"}')).message).toMatch(/not a valid counter: n: Expected number, received string/);
    expect((await corrupt('{"schemaVersion": 2, "n": 1, "extra": true}')).message).toMatch(/Unrecognized key/);
  });

  it('rejects a directory where the file should be', async () => {
    mkdirSync(path.join(dir, 'd.state'));
    await expect(readJson(path.join(dir, 'd.state'), Counter)).rejects.toBeInstanceOf(CorruptStateError);
  });
});

describe('writeState', () => {
  it('refuses to write a document it would not read back', async () => {
    await expect(writeState(fx(), path.join(dir, 'w.state'), Counter, { schemaVersion: 2, n: 1.5 })).rejects.toThrow(/refusing to write invalid counter/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('updateJson (the short lock)', () => {
  it('serialises concurrent read-modify-write: no update is lost', async () => {
    const file = path.join(dir, 'counter.state');
    await Promise.all(
      Array.from({ length: 25 }, () =>
        updateJson(fx(), file, Counter, async (cur) => {
          const n = cur?.n ?? 0;
          await new Promise((r) => setTimeout(r, 2)); // widen the read-modify-write window
          return { schemaVersion: 2 as const, n: n + 1 };
        }),
      ),
    );
    expect(await readJson(file, Counter)).toEqual({ schemaVersion: 2, n: 25 });
    expect(readdirSync(dir)).toEqual(['counter.state']); // lock dir and temp files gone
  });

  it('undefined leaves the file as it is, REMOVE deletes it', async () => {
    const file = path.join(dir, 'u.state');
    expect(await updateJson(fx(), file, Counter, () => undefined)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
    await updateJson(fx(), file, Counter, () => ({ schemaVersion: 2, n: 1 }));
    expect(await updateJson(fx(), file, Counter, () => undefined)).toEqual({ schemaVersion: 2, n: 1 });
    expect(await updateJson(fx(), file, Counter, () => REMOVE)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never replaces a corrupt file: the updater does not even run', async () => {
    const file = path.join(dir, 'bad.state');
    writeFileSync(file, 'garbage');
    let ran = false;
    await expect(
      updateJson(fx(), file, Counter, () => {
        ran = true;
        return { schemaVersion: 2, n: 0 };
      }),
    ).rejects.toBeInstanceOf(CorruptStateError);
    expect(ran).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('garbage');
  });

  it('releases the short lock when the updater throws', async () => {
    const file = path.join(dir, 't.state');
    await expect(
      updateJson(fx(), file, Counter, () => {
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gives up (exit 5) when another writer holds the short lock too long', async () => {
    const file = path.join(dir, 'held.state');
    mkdirSync(`${file}.lock`); // a live writer's proper-lockfile lock (fresh mtime)
    const err = await withFileGuard(file, async () => 'ran', 200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PxError);
    expect((err as PxError).exitCode).toBe(5);
    expect((err as PxError).message).toMatch(/held\.state is being updated by another process/);
  });
});
