// The inventory commands' failure paths through the built binary: bad arguments, a future-schema database, a missing one; nothing is created or changed.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { makeRoot, pxdeploy } from '../helpers/cli.js';

const dbOf = (root: string) => path.join(root, 'var/lib/pxdeploy/inventory.db');

/** One line on stderr, no stack, the given exit code and nothing on stdout. */
function expectOneLineError(r: { code: number; stdout: string; stderr: string }, code: number, text: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')[0]).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('inventory, history: failure paths', () => {
  it('rejects a bad --type, --since or resource with one line naming it, exit 2, and creates no database', () => {
    const root = makeRoot();
    expectOneLineError(pxdeploy(['inventory', 'show', '--type', 'vm'], { root }), 2, /^error: invalid --type 'vm': use ct, node or storage/);
    expectOneLineError(pxdeploy(['history', '580', '--since', 'yesterday'], { root }), 2, /^error: invalid --since 'yesterday'/);
    expectOneLineError(pxdeploy(['history', '../580'], { root }), 2, /^error: invalid resource '\.\.\/580'/);
    expect(existsSync(dbOf(root))).toBe(false);
  });

  it('reads an absent database as empty, without creating it', () => {
    const root = makeRoot();
    const show = pxdeploy(['--json', 'inventory', 'show'], { root });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ nodes: [], containers: [], storage: [] });
    const hist = pxdeploy(['history', '580'], { root });
    expect(hist).toMatchObject({ code: 0, stdout: 'no recorded changes for 580 (run `pxdeploy inventory sync` first?)\n' });
    expect(existsSync(dbOf(root))).toBe(false);
  });

  it('refuses a database from a newer pxdeploy with one line (exit 1) and leaves it as it was', () => {
    const root = makeRoot();
    mkdirSync(path.dirname(dbOf(root)), { recursive: true });
    const db = new Database(dbOf(root));
    db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL); INSERT INTO schema_migrations VALUES (99, '2027-01-01T00:00:00Z')");
    db.close();
    const before = statSync(dbOf(root));
    for (const args of [['inventory', 'show'], ['history', '580']]) {
      const r = pxdeploy(args, { root });
      expectOneLineError(r, 1, /^error: .*inventory\.db: inventory schema version 99 is newer than this pxdeploy understands \(\d+\)$/);
      expect(r.stderr).toContain('hint: upgrade pxdeploy');
    }
    const after = statSync(dbOf(root));
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
  });
});
