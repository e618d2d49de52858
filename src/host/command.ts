// Host commands as data: what to run (argv, never a shell string) and what came back.

export interface HostCommand {
  /** Program to run, looked up on PATH (e.g. `pct`). */
  file: string;
  args: readonly string[];
  /** Values that must never be displayed or logged (passwords, auth keys, tokens); replaced by `***`. */
  secrets?: readonly string[];
  /** True when the command only reads: it still runs under --dry-run so plans can be built. */
  readOnly?: boolean;
  /** Kill the command after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Written to the command's stdin. */
  input?: string;
  /** Extra environment variables (merged over the inherited environment). */
  env?: Readonly<Record<string, string>>;
  /** Also copy the command's stdout to our stderr as it comes (progress of long work on a terminal). */
  showOutput?: boolean;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  /** Return a non-zero result instead of throwing HostCommandError (the caller inspects exitCode). */
  allowFailure?: boolean;
}

/** The one way product code runs a host command. Implementations: ProcessRunner, DryRunRunner, RecordingRunner. */
export interface Runner {
  run(cmd: HostCommand, opts?: RunOptions): Promise<CommandResult>;
}

/** Replace every secret in `text` by `***`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** Quote one argv element for display only (POSIX shell style); never used to run anything. */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line as a user may see it: quoted for copy-paste, secrets redacted. */
export function displayCommand(cmd: HostCommand): string {
  return redact([cmd.file, ...cmd.args].map(quoteArg).join(' '), cmd.secrets);
}
