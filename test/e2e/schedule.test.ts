// E2E: `schedule enable` plans exactly the files and systemctl commands it then performs on a temporary root; the very same units run under the real systemd of a pvesim Debian CT, and a missed run is caught up.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTool, makeRoot, pxdeployAsync, snapshotTree } from '../helpers/cli.js';

const CT = 501;
const IP = '10.203.0.81';
const TEMPLATE = 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst';
const root = makeRoot('pxdeploy-schedule-');
const systemdDir = path.join(root, 'etc/systemd/system');
const RECORDER_LOG = '/var/log/pxdeploy-recorder.log';

/** A stand-in for systemctl on the host (PID 1 here is not systemd): records argv, answers `show`. */
function systemctlStub(): { dir: string; calls: () => string[] } {
  const dir = makeRoot('pxdeploy-systemctl-');
  const log = path.join(dir, 'calls');
  writeFileSync(
    path.join(dir, 'systemctl'),
    `#!/bin/sh\necho "systemctl $*" >> '${log}'\ncase "$1" in show) printf 'ActiveState=active\\nNextElapseUSecRealtime=Thu 2026-12-03 00:00:00 UTC\\nLastTriggerUSec=n/a\\nResult=success\\nExecMainStatus=0\\n' ;; esac\n`,
  );
  chmodSync(path.join(dir, 'systemctl'), 0o755);
  return { dir, calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** A minimal app record, so `demo` is something that can be backed up. */
function appRecord(): void {
  const dir = path.join(root, 'var/lib/pxdeploy/apps');
  mkdirSync(path.join(dir, 'demo/data'), { recursive: true });
  const record = {
    schemaVersion: 1, hostname: 'demo', package: 'demo', vmid: 999, node: 'localhost', image: '127.0.0.1:5000/demo/app', tag: '1.0', digest: 'sha256:00',
    archive: { volid: 'local:vztmpl/app_1.0.tar', path: '/nonexistent' }, storage: 'local-lvm', network: { bridge: 'vmbr0', ip: 'dhcp' }, env: {}, secret_keys: [],
    volumes: [{ name: 'data', path: '/data', host: path.join(dir, 'demo/data') }], url: 'http://127.0.0.1:3456/', installed_at: '2026-01-01T00:00:00Z',
  };
  writeFileSync(path.join(dir, 'demo.json'), JSON.stringify(record));
}

const inCt = (script: string) => {
  const r = hostTool('pct', ['exec', String(CT), '--', 'sh', '-c', script]);
  expect(r.code, `${script}\n${r.stderr}`).toBe(0);
  return r.stdout;
};

async function waitFor<T>(fn: () => T | undefined, what: string, deadlineMs = 60_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(() => appRecord());
afterAll(() => {
  hostTool('pct', ['destroy', String(CT), '--force', '1', '--purge', '1']);
});

describe('schedule enable / status / disable', () => {
  let planned: string[];

  it('--dry-run lists the exact files and systemctl commands; the real run against a temporary root writes exactly those', async () => {
    const stub = systemctlStub();
    const dry = await pxdeployAsync(['schedule', 'enable', 'demo', '--on', '*-*-* 00:00:00', '--dry-run'], { root, pathPrefix: stub.dir });
    expect(dry.code, dry.stderr).toBe(0);
    planned = dry.stdout.split('\n').filter((l) => l.startsWith('[dry-run] '));
    expect(planned.map((l) => l.replace(/ \(\d+ bytes, mode 0644\)$/, ''))).toEqual([
      `[dry-run] write ${systemdDir}/pxdeploy-backup@.service`,
      `[dry-run] write ${systemdDir}/pxdeploy-backup@.timer`,
      `[dry-run] write ${systemdDir}/pxdeploy-backup@demo.timer.d/schedule.conf`,
      '[dry-run] run systemctl daemon-reload',
      '[dry-run] run systemctl enable --now pxdeploy-backup@demo.timer',
    ]);
    expect(() => stub.calls()).toThrow(); // the plan ran no systemctl at all

    const real = await pxdeployAsync(['schedule', 'enable', 'demo', '--on', '*-*-* 00:00:00'], { root, pathPrefix: stub.dir });
    expect(real.code, real.stderr).toBe(0);
    expect(Object.keys(snapshotTree(systemdDir)).filter((k) => !k.endsWith('.d')).sort()).toEqual(['pxdeploy-backup@.service', 'pxdeploy-backup@.timer', 'pxdeploy-backup@demo.timer.d/schedule.conf']);
    expect(stub.calls()).toEqual(['systemctl daemon-reload', 'systemctl enable --now pxdeploy-backup@demo.timer']);
    expect(readFileSync(path.join(systemdDir, 'pxdeploy-backup@.service'), 'utf8')).toBe(readFileSync(path.join(import.meta.dirname, '../../systemd/pxdeploy-backup@.service'), 'utf8'));
    expect(readFileSync(path.join(systemdDir, 'pxdeploy-backup@demo.timer.d/schedule.conf'), 'utf8')).toMatch(/^\[Timer\]\nOnCalendar=\nOnCalendar=\*-\*-\* 00:00:00\n/m);

    const status = await pxdeployAsync(['schedule', 'status', '--json'], { root, pathPrefix: stub.dir });
    expect(JSON.parse(status.stdout)).toEqual({ timers: [expect.objectContaining({ id: 'demo', calendar: '*-*-* 00:00:00', active: 'active', next: 'Thu 2026-12-03 00:00:00 UTC' })] });
  });

  it('an invalid calendar is refused by systemd-analyze before anything is written', async () => {
    const stub = systemctlStub();
    const before = snapshotTree(root);
    const r = await pxdeployAsync(['schedule', 'enable', 'demo', '--on', 'every tuesday-ish'], { root, pathPrefix: stub.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid --on 'every tuesday-ish': Failed to parse calendar specification/);
    expect(snapshotTree(root)).toEqual(before);
    expect(() => stub.calls()).toThrow(); // no systemctl ran
  });

  describe('inside a Debian CT with a real systemd', () => {
    beforeAll(() => {
      for (const args of [
        ['create', String(CT), TEMPLATE, '--hostname', 'pxd-schedule', '--memory', '256', '--rootfs', 'local-lvm:2', '--net0', `name=eth0,bridge=vmbr0,ip=${IP}/24,gw=10.203.0.1`, '--unprivileged', '1'],
        ['start', String(CT)],
      ]) {
        const r = hostTool('pct', args);
        expect(r.code, r.stderr).toBe(0);
      }
      hostTool('pct', ['exec', String(CT), '--', 'systemctl', 'is-system-running', '--wait']);
      // The very files pxdeploy wrote, and a recorder standing in for pxdeploy on systemd's PATH.
      inCt('mkdir -p /etc/systemd/system/pxdeploy-backup@demo.timer.d');
      for (const f of ['pxdeploy-backup@.service', 'pxdeploy-backup@.timer', 'pxdeploy-backup@demo.timer.d/schedule.conf']) {
        const r = hostTool('pct', ['push', String(CT), path.join(systemdDir, f), `/etc/systemd/system/${f}`]);
        expect(r.code, r.stderr).toBe(0);
      }
      const recorder = path.join(makeRoot('pxdeploy-recorder-'), 'pxdeploy');
      writeFileSync(recorder, `#!/bin/sh\n# recorder standing in for pxdeploy: logs its argv\necho "pxdeploy $*" >> ${RECORDER_LOG}\n`);
      expect(hostTool('pct', ['push', String(CT), recorder, '/usr/local/bin/pxdeploy', '--perms', '0755']).code).toBe(0);
      inCt('systemctl daemon-reload');
    }, 180_000);

    it('systemd-analyze verify accepts the template units and an instance of them', () => {
      inCt('systemd-analyze verify /etc/systemd/system/pxdeploy-backup@.service /etc/systemd/system/pxdeploy-backup@.timer pxdeploy-backup@demo.service pxdeploy-backup@demo.timer');
    });

    it('the hardened service runs `pxdeploy backup demo --trigger scheduled` and succeeds', () => {
      inCt('systemctl start pxdeploy-backup@demo.service');
      expect(inCt(`cat ${RECORDER_LOG}`)).toBe('pxdeploy backup demo --trigger scheduled\n');
      expect(inCt('systemctl show pxdeploy-backup@demo.service -p Result -p ExecMainStatus')).toBe('Result=success\nExecMainStatus=0\n');
    });

    it('Persistent=true: a run missed since the last one (stamp two days old) is caught up when the timer starts', async () => {
      // Test-only drop-in: without it the catch-up waits up to RandomizedDelaySec (15 min).
      inCt(`printf '[Timer]\\nRandomizedDelaySec=0\\n' > /etc/systemd/system/pxdeploy-backup@demo.timer.d/zz-test.conf`);
      inCt('mkdir -p /var/lib/systemd/timers && touch -d "2 days ago" /var/lib/systemd/timers/stamp-pxdeploy-backup@demo.timer && systemctl daemon-reload');
      inCt('systemctl enable --now pxdeploy-backup@demo.timer');
      const log = await waitFor(() => {
        const text = inCt(`cat ${RECORDER_LOG}`);
        return text.split('\n').filter(Boolean).length >= 2 ? text : undefined;
      }, 'the caught-up run');
      expect(log).toBe('pxdeploy backup demo --trigger scheduled\npxdeploy backup demo --trigger scheduled\n');
      const shown = inCt('systemctl show pxdeploy-backup@demo.timer -p ActiveState -p LastTriggerUSec');
      expect(shown).toMatch(/^ActiveState=active$/m);
      expect(shown).toMatch(/^LastTriggerUSec=\w{3} \d{4}-/m);
      expect(inCt('systemctl list-timers --all --no-legend pxdeploy-backup@demo.timer')).toContain('pxdeploy-backup@demo.service');
    });
  });

  it('disable runs disable --now and daemon-reload and removes the drop-in and (last schedule) the templates', async () => {
    const stub = systemctlStub();
    const r = await pxdeployAsync(['schedule', 'disable', 'demo'], { root, pathPrefix: stub.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(stub.calls()).toEqual(['systemctl disable --now pxdeploy-backup@demo.timer', 'systemctl daemon-reload']);
    expect(snapshotTree(systemdDir)).toEqual({});
  });
});
