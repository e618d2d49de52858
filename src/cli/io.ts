// Terminal I/O for commands: stdout/stderr writers, global flags, JSON vs text rendering.
import type { GlobalFlags, Reporter } from '../context.js';
import { createConsoleReporter } from '../log/console.js';
import { UsageError } from '../errors.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Global flags as parsed; filled in by the program's preAction hook. */
  flags(): GlobalFlags;
  setFlags(flags: GlobalFlags): void;
  /** Exit code a command chose without throwing (e.g. `validate` on an invalid file under --json). */
  exitCode: number;
  reporter(): Reporter;
  /** Ask before something destructive: true with --yes; refuses (exit 2) when nobody can answer. */
  confirm(question: string): Promise<boolean>;
}

export const defaultFlags: GlobalFlags = { json: false, dryRun: false, verbose: false, yes: false };

export function createIo(
  out: (s: string) => void = (s) => void process.stdout.write(s),
  err: (s: string) => void = (s) => void process.stderr.write(s),
): CliIo {
  let flags: GlobalFlags = { ...defaultFlags };
  const io: CliIo = {
    out,
    err,
    flags: () => flags,
    setFlags: (f) => {
      flags = f;
    },
    exitCode: 0,
    reporter: () => createConsoleReporter({ json: flags.json, stream: { write: (s: string) => err(s) } }),
    confirm: async (question) => {
      if (flags.yes || flags.dryRun) return true;
      if (!process.stdin.isTTY || flags.json) throw new UsageError(`${question} — refusing without a terminal to ask`, 're-run with --yes to confirm');
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
  return io;
}

/** Print a result: JSON document under --json, else the text the command prepared. */
export function emit(io: CliIo, json: unknown, text: () => string): void {
  if (io.flags().json) io.out(`${JSON.stringify(json, null, 2)}\n`);
  else {
    const t = text();
    if (t) io.out(t.endsWith('\n') ? t : `${t}\n`);
  }
}
