// Test helpers for config/: validate inline YAML and see problems exactly as the CLI prints them.
import { parseContainerSpecText } from '../../../src/config/index.js';
import type { ContainerSpec } from '../../../src/config/index.js';
import { formatProblem } from '../../../src/errors.js';

/** Remove the common indentation of a template literal and its first newline, so YAML in tests reads naturally. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(...raw.split('\n').filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return raw
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
}

/** Problems of `text` as printed lines (`ct.yaml:7 container.x: message`); [] when valid. */
export function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  const r = parseContainerSpecText(text, 'ct.yaml', env);
  return r.ok ? [] : r.problems.map(formatProblem);
}

/** The spec of `text`, failing the test with its problems when invalid. */
export function specOf(text: string, env: NodeJS.ProcessEnv = {}): ContainerSpec {
  const r = parseContainerSpecText(text, 'ct.yaml', env);
  if (!r.ok) throw new Error(`expected a valid spec, got:\n${r.problems.map(formatProblem).join('\n')}`);
  return r.spec;
}

/** A minimal valid container section (lines 1-3) followed by `rest` from line 4 on. */
export function withContainer(rest: string): string {
  return `container:\n  hostname: web\n  template: debian-12\n${rest}`;
}

export const KEY_ALICE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK9xCDz2APqsgKlegeT5h3+X1sbn+5Tojier4iGp06me alice@laptop';
export const KEY_DEPLOY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILFuUG2jO6IjZMSBwvFBwSGl7wfNOiILocI9W5HOk2dw deploy@ci';
