// ProcessRunner against real, harmless commands: exit codes, stderr tails, timeouts, ENOENT, redaction.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HostCommandError } from '../../../src/errors.js';
import { ProcessRunner } from '../../../src/host/process-runner.js';

async function failure(p: Promise<unknown>): Promise<HostCommandError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HostCommandError);
  return err as HostCommandError;
}

describe('ProcessRunner', () => {
  const runner = new ProcessRunner();

  it('returns exit 0 with stdout kept byte for byte (final newline included)', async () => {
    const r = await runner.run({ file: 'printf', args: ['a  b\\n\\n'] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('a  b\n\n');
    expect(r.stderr).toBe('');
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs `true`', async () => {
    expect((await runner.run({ file: 'true', args: [] })).exitCode).toBe(0);
  });

  it('throws HostCommandError for `false` with the exit code and display', async () => {
    const err = await failure(runner.run({ file: 'false', args: [] }));
    expect(err.commandExitCode).toBe(1);
    expect(err.display).toBe('false');
    expect(err.timedOut).toBe(false);
    expect(err.message).toBe('command failed with exit code 1: false');
  });

  it('passes argv without a shell: metacharacters stay literal', async () => {
    const r = await runner.run({ file: 'echo', args: ['$HOME', '; rm -rf /', '`id`'] });
    expect(r.stdout).toBe('$HOME ; rm -rf / `id`\n');
  });

  it('reports stderr and exit code of sh -c "echo x >&2; exit 3"', async () => {
    const err = await failure(runner.run({ file: 'sh', args: ['-c', 'echo x >&2; exit 3'] }));
    expect(err.commandExitCode).toBe(3);
    expect(err.stderrTail).toBe('x');
    expect(err.message).toBe("command failed with exit code 3: sh -c 'echo x >&2; exit 3'\nx");
  });

  it('keeps only the last 20 lines of stderr', async () => {
    const err = await failure(runner.run({ file: 'sh', args: ['-c', 'for i in $(seq 1 30); do echo line$i >&2; done; exit 2'] }));
    const lines = err.stderrTail.split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('line11');
    expect(lines[19]).toBe('line30');
  });

  it('returns a failed result instead of throwing with allowFailure', async () => {
    const r = await runner.run({ file: 'sh', args: ['-c', 'echo out; echo err >&2; exit 4'] }, { allowFailure: true });
    expect(r).toMatchObject({ exitCode: 4, stdout: 'out\n', stderr: 'err\n' });
  });

  it('writes input to stdin and passes extra env', async () => {
    const r = await runner.run({ file: 'sh', args: ['-c', 'cat; printf "%s" "$PXD_TEST_VAR"'], input: 'from stdin\n', env: { PXD_TEST_VAR: 'v1' } });
    expect(r.stdout).toBe('from stdin\nv1');
  });

  it('gives stdin /dev/null when there is no input (a prompt cannot hang)', async () => {
    const r = await runner.run({ file: 'cat', args: [] });
    expect(r.stdout).toBe('');
  });

  it('kills a command after its timeoutMs and says so', async () => {
    const started = Date.now();
    const err = await failure(runner.run({ file: 'sleep', args: ['10'], timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err.timedOut).toBe(true);
    expect(err.commandExitCode).toBeUndefined();
    expect(err.message).toBe('command timed out after 0.2s: sleep 10');
  });

  it('ends a timed-out command promptly even when its child keeps the output pipe open', async () => {
    const runner = new ProcessRunner();
    const started = Date.now();
    const err = await failure(runner.run({ file: 'sh', args: ['-c', 'sleep 30; echo late'], timeoutMs: 200 }));
    expect(err.timedOut).toBe(true);
    // Without the fix this waits the full 30 s for sleep; the bound only tells "hung" from "ended".
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('uses the runner default timeout when the command sets none', async () => {
    const err = await failure(new ProcessRunner({ defaultTimeoutMs: 150 }).run({ file: 'sleep', args: ['10'] }));
    expect(err.timedOut).toBe(true);
  });

  it('throws even with allowFailure when the command timed out', async () => {
    const err = await failure(runner.run({ file: 'sleep', args: ['10'], timeoutMs: 100 }, { allowFailure: true }));
    expect(err.timedOut).toBe(true);
  });

  it('explains a missing PVE tool (ENOENT) with a hint', async () => {
    const err = await failure(new ProcessRunner().run({ file: 'pct', args: ['list'], env: { PATH: '/nonexistent' } }));
    expect(err.commandExitCode).toBeUndefined();
    expect(err.message).toBe('command could not be started (ENOENT): pct list');
    expect(err.hint).toBe('is pct installed? pxdeploy must run on a Proxmox VE node');
  });

  it('gives a skopeo-specific hint and a generic one for other tools', async () => {
    const a = await failure(runner.run({ file: 'skopeo', args: ['inspect'], env: { PATH: '/nonexistent' } }));
    expect(a.hint).toContain('apt install skopeo');
    const b = await failure(runner.run({ file: 'pxd-no-such-tool-xyz', args: [] }));
    expect(b.hint).toBe('is pxd-no-such-tool-xyz installed and on PATH?');
  });

  it('reports a command killed by a signal', async () => {
    const err = await failure(runner.run({ file: 'sh', args: ['-c', 'kill -9 $$'] }, { allowFailure: true }));
    expect(err.message).toBe("command was killed by SIGKILL: sh -c 'kill -9 $$'");
  });

  it('redacts secrets in the message, display and stderr tail', async () => {
    const secret = 'hunter2-S3cret';
    const err = await failure(
      runner.run({ file: 'sh', args: ['-c', `echo "auth failed for user:${secret}" >&2; exit 1`, secret], secrets: [secret] }),
    );
    expect(err.message).not.toContain(secret);
    expect(err.display).not.toContain(secret);
    expect(err.stderrTail).toBe('auth failed for user:***');
    expect(JSON.stringify(err.details())).not.toContain(secret);
    expect(err.message).toContain('***');
  });

  it('with showOutput, copies stdout to stderr as it comes and still returns it', async () => {
    const seen: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (seen.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const r = await runner.run({ file: 'printf', args: ['Copying blob 1/2\n'], showOutput: true });
      expect(r.stdout).toBe('Copying blob 1/2\n');
    } finally {
      process.stderr.write = write;
    }
    expect(seen.join('')).toContain('Copying blob 1/2');
  });

  it('redacts secrets in the timeout message too', async () => {
    // `exec` so no grandchild keeps the pipes open after the kill (execa waits for the pipes to close).
    const err = await failure(runner.run({ file: 'sh', args: ['-c', 'exec sleep 10', 'tok-123'], timeoutMs: 100, secrets: ['tok-123'] }));
    expect(err.message).toBe("command timed out after 0.1s: sh -c 'exec sleep 10' ***");
  });
});

describe('process spawning stays in src/host and execa stays lazy', () => {
  const srcDir = fileURLToPath(new URL('../../../src', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });

  it('no module in src/ loads execa (its import alone costs ~80 ms per run)', () => {
    const offenders = files(srcDir).filter((f) => /['"]execa['"]/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('only src/host loads node:child_process', () => {
    const offenders = files(srcDir)
      .filter((f) => !f.startsWith(path.join(srcDir, 'host') + path.sep))
      .filter((f) => /['"](execa|node:child_process|child_process)['"]/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
