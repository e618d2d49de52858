// E2E on pvesim: backup an OCI app while it runs, GNU tools read the archive, restore brings data back byte for byte, hostile or damaged archives change nothing, a failed restore puts the old data back, retention.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectGnuReadable } from '../helpers/backup-checks.js';
import { hostTool, makeRoot, pxdeployAsync, snapshotTree } from '../helpers/cli.js';

const root = makeRoot('pxdeploy-backup-');
chmodSync(root, 0o755); // the unprivileged CT's uid 100000 must traverse it to reach its volume
const run = (args: string[], env?: Record<string, string>) => pxdeployAsync(args, { root, ...(env ? { env } : {}) });
const CT = 500;
const IP = '10.203.0.80';
const appDir = path.join(root, 'var/lib/pxdeploy/apps/demo');
const volume = path.join(appDir, 'data');
const backupDir = path.join(root, 'var/backups/pxdeploy/demo');
const scratch = makeRoot('pxdeploy-backup-files-');

const inCt = (script: string) => {
  const r = hostTool('pct', ['exec', String(CT), '--', 'sh', '-c', script]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
const healthy = async () => (await fetch(`http://${IP}:3456/health`, { signal: AbortSignal.timeout(5000) })).status;
const archives = () => readdirSync(backupDir).filter((f) => /^\d+\.tar\.gz$/.test(f)).sort();
/** The volume and the app record, and no leftover scratch or pre-restore folder beside them. */
const appSnapshot = () => ({ tree: snapshotTree(appDir), record: readFileSync(path.join(root, 'var/lib/pxdeploy/apps/demo.json'), 'utf8') });

beforeAll(async () => {
  const r = await run(['app', 'install', 'demo', '--vmid', String(CT), '--ip', `${IP}/24`, '--gateway', '10.203.0.1']);
  expect(r.code, r.stderr).toBe(0);
  // Mixed data written by the app's side: text, a nested folder, binary, a symlink inside the volume, an empty file.
  inCt('mkdir -p /data/sub/deeper && echo keep-me > /data/file.txt && dd if=/dev/urandom of=/data/sub/blob.bin bs=1024 count=300 2>/dev/null && : > /data/sub/deeper/empty && ln -s file.txt /data/link && chmod 600 /data/file.txt');
}, 300_000);

afterAll(() => {
  hostTool('pct', ['destroy', String(CT), '--force', '1', '--purge', '1']);
});

describe('backup / backups / backup verify / restore of an OCI app', () => {
  let original: Record<string, string>;
  let first: string;

  it('backup writes <ts>.tar.gz, a sidecar sha256sum -c accepts, latest and the index; GNU tar lists it; the app kept serving', async () => {
    original = snapshotTree(volume);
    const r = await run(['backup', 'demo', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { file: string; sha256: string; version: string; trigger: string };
    expect(out).toMatchObject({ version: '1.0', trigger: 'manual' });
    first = path.basename(out.file);
    expect(first).toMatch(/^\d{10}\.tar\.gz$/);
    expect(readlinkSync(path.join(backupDir, 'latest'))).toBe(first);
    const { names, top: rootName } = expectGnuReadable(out.file);
    expect(names).toEqual(expect.arrayContaining([`${rootName}/files/data/file.txt`, `${rootName}/files/data/sub/blob.bin`, `${rootName}/files/data/link`, `${rootName}/environment`, `${rootName}/deployment-config.yaml`, `${rootName}/metadata.json`]));
    expect(await healthy()).toBe(200);

    const verify = await run(['backup', 'verify', 'latest', '--id', 'demo']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/: OK \(sha256 /);
    const list = JSON.parse((await run(['backups', 'demo', '--json'])).stdout) as { backups: Array<Record<string, unknown>> };
    expect(list.backups).toEqual([expect.objectContaining({ id: 'demo', file: first, version: '1.0', trigger: 'manual', latest: true, sha256: out.sha256, verified: expect.objectContaining({ ok: true }) })]);
  });

  it('delete the data in the CT, restore latest: the volume is back byte for byte and the app answers', async () => {
    inCt('rm -rf /data/* && echo intruder > /data/new.txt');
    const r = await run(['restore', 'demo', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/restored demo from .*\(version 1\.0\)/);
    expect(snapshotTree(volume)).toEqual(original);
    expect(inCt('cat /data/file.txt')).toBe('keep-me\n');
    expect(await healthy()).toBe(200);
    expect(readdirSync(appDir).filter((n) => n.startsWith('.'))).toEqual([]); // no scratch or old folder left
    const triggers = (JSON.parse((await run(['backups', 'demo', '--json'])).stdout) as { backups: Array<{ trigger: string }> }).backups.map((b) => b.trigger);
    expect(triggers).toEqual(['pre-restore', 'manual']);
  });

  describe('refused before anything changes', () => {
    const python = (script: string, file: string) => {
      const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const sum = spawnSync('sha256sum', [path.basename(file)], { cwd: path.dirname(file), encoding: 'utf8' });
      writeFileSync(`${file}.sha256`, sum.stdout);
    };
    // Hostile archives made with Python's tarfile (not pxdeploy's writer), each with a correct sidecar so only its contents can be refused.
    const handmade = (members: string) => `
import io, sys, tarfile
# With pxdeploy's entry index (a PAX global comment) so the archive passes for one of its backups.
t = tarfile.open(sys.argv[1], 'w:gz', format=tarfile.PAX_FORMAT, pax_headers={'comment': 'pxdeploy-entries [{"name":"files/data","kind":"dir"}]'})
def add(name, data=b'', kind=tarfile.REGTYPE, link=''):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
add('pxdeploy-backup-100', kind=tarfile.DIRTYPE)
add('pxdeploy-backup-100/files', kind=tarfile.DIRTYPE)
add('pxdeploy-backup-100/files/data', kind=tarfile.DIRTYPE)
${members}
t.close()
`;
    const cases: Array<{ name: string; make: (file: string) => void; reason: RegExp }> = [
      {
        name: 'a flipped byte',
        make: (file) => {
          copyFileSync(path.join(backupDir, first), file);
          copyFileSync(path.join(backupDir, `${first}.sha256`), `${file}.sha256`);
          writeFileSync(`${file}.sha256`, readFileSync(`${file}.sha256`, 'utf8').replace(first, path.basename(file)));
          const bytes = readFileSync(file);
          bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
          writeFileSync(file, bytes);
        },
        reason: /sha256 [0-9a-f]{64} does not match/,
      },
      {
        name: 'a truncated archive',
        make: (file) => {
          copyFileSync(path.join(backupDir, first), file);
          writeFileSync(`${file}.sha256`, readFileSync(path.join(backupDir, `${first}.sha256`), 'utf8').replace(first, path.basename(file)));
          truncateSync(file, Math.floor(readFileSync(file).length * 0.6));
        },
        reason: /archive is truncated/,
      },
      { name: "an entry with '../'", make: (file) => python(handmade("add('pxdeploy-backup-100/files/data/../../../../etc/evil', b'x')"), file), reason: /path contains '\.\.'/ },
      { name: 'an absolute path', make: (file) => python(handmade("add('/etc/evil', b'x')"), file), reason: /absolute path/ },
      {
        name: 'a symlink pointing outside and a file written through it',
        make: (file) => python(handmade("add('pxdeploy-backup-100/files/data/out', kind=tarfile.SYMTYPE, link='/etc')\nadd('pxdeploy-backup-100/files/data/out/evil', b'x')"), file),
        reason: /symbolic link to an absolute path \(\/etc\)/,
      },
    ];
    for (const c of cases) {
      it(`${c.name}: exit non-zero with the reason; volume, record, CT and backups untouched`, async () => {
        const file = path.join(scratch, `${c.name.replace(/\W+/g, '-')}.tar.gz`);
        c.make(file);
        const before = appSnapshot();
        const backupsBefore = readdirSync(backupDir).sort();
        const r = await run(['restore', 'demo', file, '--yes']);
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(c.reason);
        expect(appSnapshot()).toEqual(before);
        expect(readdirSync(backupDir).sort()).toEqual(backupsBefore); // not even a pre-restore backup
        expect(existsSync('/etc/evil')).toBe(false);
        expect(hostTool('pct', ['status', String(CT)]).stdout).toBe('status: running\n');
        const verify = await run(['backup', 'verify', file]);
        expect(verify.code).not.toBe(0);
        expect(verify.stderr).toMatch(c.reason);
      });
    }
  });

  it('a restore failing half-way (PXDEPLOY_FAIL_AT=restore:swapped) exits 11 and the pre-restore data serves again', async () => {
    inCt('echo changed-after-backup > /data/file.txt && mkdir -p /data/later && echo later > /data/later/x');
    const before = snapshotTree(volume);
    const r = await run(['restore', 'demo', first, '--yes'], { PXDEPLOY_FAIL_AT: 'restore:swapped' });
    expect(r.code, r.stderr).toBe(11);
    expect(r.stderr).toMatch(/injected failure at restore:swapped.*the pre-restore data is back and serving/);
    expect(snapshotTree(volume)).toEqual(before);
    expect(inCt('cat /data/file.txt')).toBe('changed-after-backup\n');
    expect(await healthy()).toBe(200);
    expect(readdirSync(appDir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('a backup of a newer app version is refused without --force', async () => {
    const state = JSON.parse(readFileSync(path.join(root, 'var/lib/pxdeploy/apps/demo.json'), 'utf8')) as { tag: string };
    writeFileSync(path.join(root, 'var/lib/pxdeploy/apps/demo.json'), JSON.stringify({ ...state, tag: '0.9' }));
    try {
      const before = appSnapshot();
      const r = await run(['restore', 'demo', first, '--yes']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/taken from version 1\.0, newer than the running 0\.9/);
      expect(appSnapshot()).toEqual(before);
    } finally {
      writeFileSync(path.join(root, 'var/lib/pxdeploy/apps/demo.json'), JSON.stringify(state));
    }
  });

  it('retention keep-last=3 after five more backups keeps the newest three, latest among them', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await run(['backup', 'demo', '--keep-last', '3', '--json']);
      expect(r.code, r.stderr).toBe(0);
      made.push(path.basename((JSON.parse(r.stdout) as { file: string }).file));
    }
    expect(archives()).toEqual(made.slice(-3));
    expect(readlinkSync(path.join(backupDir, 'latest'))).toBe(made.at(-1));
    for (const f of made.slice(-3)) expect(existsSync(path.join(backupDir, `${f}.sha256`))).toBe(true);
    const listed = (JSON.parse((await run(['backups', 'demo', '--json'])).stdout) as { backups: Array<{ file: string }> }).backups.map((b) => b.file);
    expect(listed).toEqual(made.slice(-3).reverse());
  });

  it('--dry-run of a backup with retention lists what would be written and removed, and changes nothing', async () => {
    mkdirSync(scratch, { recursive: true });
    const before = snapshotTree(backupDir);
    const r = await run(['backup', 'demo', '--keep-last', '1', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const removes = r.stdout.split('\n').filter((l) => /^\[dry-run\] remove .*\d\.tar\.gz$/.test(l));
    expect(removes).toHaveLength(3);
    expect(r.stdout).not.toContain(`remove ${path.join(backupDir, 'latest')}`);
    expect(snapshotTree(backupDir)).toEqual(before);
  });
});
