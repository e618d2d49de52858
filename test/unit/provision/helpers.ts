// Shared fixtures for provisioning step tests: specs from YAML, pct argv shorthands, a runner that keeps what was pushed.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ContainerSpec } from '../../../src/config/index.js';
import { displayCommand, type CommandResult, type HostCommand, type RunOptions, type Runner } from '../../../src/host/command.js';
import { RecordingRunner, type ExpectedCommand } from '../../../src/host/recording-runner.js';
import type { Paths } from '../../../src/state/paths.js';
import { specOf } from '../config/helpers.js';

export { KEY_ALICE, KEY_DEPLOY } from '../config/helpers.js';

export const VMID = 101;

/** A valid spec whose provisioning section is `provisioning` (YAML, indented by two spaces under `provisioning:`). */
export function specWith(provisioning: string, env: NodeJS.ProcessEnv = {}): ContainerSpec {
  const body = provisioning
    .replace(/^\n/, '')
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return specOf(`container:\n  hostname: web\n  template: debian-12\n  features:\n    nesting: true\nprovisioning:\n${body}\n`, env);
}

/** `pct exec 101 -- <argv>` as an expectation. */
export function exec(argv: string[], result?: ExpectedCommand['result'], input?: string): ExpectedCommand {
  return { file: 'pct', args: ['exec', String(VMID), '--', ...argv], ...(result ? { result } : {}), ...(input !== undefined ? { input } : {}) };
}

/** The host scratch file a step pushes from (pid-qualified, so parallel runs do not collide). */
export function scratch(paths: Paths, label: string): string {
  return path.join(paths.scratchDir, `ct${VMID}-${process.pid}-${label}`);
}

export function push(paths: Paths, label: string, dest: string, fileArgs: string[]): ExpectedCommand {
  return { file: 'pct', args: ['push', String(VMID), scratch(paths, label), dest, ...fileArgs] };
}

/** `cat <file>` answered with `content`, or (undefined) with cat's failure and `test -e` saying "absent". */
export function readFileExpect(file: string, content: string | undefined): ExpectedCommand[] {
  if (content !== undefined) return [exec(['cat', file], { stdout: content })];
  return [exec(['cat', file], { exitCode: 1, stderr: `cat: ${file}: No such file or directory\n` }), exec(['test', '-e', file], { exitCode: 1 })];
}

export interface Pushed {
  dest: string;
  content: string;
  mode: number;
}

/** A RecordingRunner that also keeps what each `pct push` copied (and its host file mode), read before the step removes it. */
export class PushCapture implements Runner {
  readonly pushed: Pushed[] = [];
  constructor(readonly inner: RecordingRunner) {}

  async run(cmd: HostCommand, opts?: RunOptions): Promise<CommandResult> {
    if (cmd.file === 'pct' && cmd.args[0] === 'push') {
      const host = cmd.args[2]!;
      this.pushed.push({ dest: cmd.args[3]!, content: readFileSync(host, 'utf8'), mode: statSync(host).mode & 0o777 });
    }
    return this.inner.run(cmd, opts);
  }
}

/** Every place a secret could leak to: argv displays, the commands' stdin markers, log lines, error texts. */
export function everythingShown(runner: RecordingRunner, logLines: readonly string[], errors: unknown[] = []): string {
  const errorTexts = errors.map((e) => (e instanceof Error ? `${e.message}\n${JSON.stringify((e as { details?: () => unknown }).details?.() ?? {})}\n${(e as { hint?: string }).hint ?? ''}` : String(e)));
  return [...runner.calls.map(displayCommand), ...logLines, ...errorTexts].join('\n');
}
