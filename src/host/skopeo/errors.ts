// skopeo's logrus fatal lines → a clean message, classified as not found / auth / unreachable.
import { HostCommandError, NotFoundError, RegistryAuthError, RegistryUnreachableError, type PxError } from '../../errors.js';
import { displayCommand, type CommandResult, type HostCommand, type RunOptions, type Runner } from '../command.js';

/** Go-quoted `msg="..."` content → plain text (`\"`, `\\`, `\n`, `\t`, `\uXXXX`). */
function unquoteGo(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s.replace(/\\(["\\])/g, '$1');
  }
}

/**
 * The message of skopeo's fatal log line: `time="..." level=fatal msg="..."` (no TTY) or
 * `FATA[0000] ...` (TTY). Falls back to the last non-empty line; undefined for empty stderr.
 */
export function skopeoFatalMessage(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const logfmt = /\blevel=fatal msg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (logfmt) return unquoteGo(logfmt[1]!);
    const tty = /^FATA\[\d+\]\s*(.*)$/.exec(line);
    if (tty) return tty[1]!;
  }
  const last = lines.filter((l) => !/\blevel=(warning|info|debug)\b|^(WARN|INFO|DEBU)\[/.test(l)).at(-1);
  return last;
}

/** The image a skopeo command is about: its first transport-qualified argument. */
export function imageOf(cmd: HostCommand): string | undefined {
  return cmd.args.find((a) => /^(docker:\/\/|oci-archive:|oci:|dir:|docker-archive:)/.test(a));
}

/**
 * Classify a skopeo failure. Unreachable is checked first (its text may mention a manifest), then
 * not-found (exit 2 on skopeo ≥ 1.16, or the message), then auth. `stderr` must already be redacted.
 */
export function classifySkopeoFailure(cmd: HostCommand, stderr: string, exitCode: number | undefined, cause?: unknown): PxError | undefined {
  const msg = skopeoFatalMessage(stderr) ?? '';
  const image = imageOf(cmd);
  const what = image ?? 'the image';
  if (/connection refused|no such host|network is unreachable|i\/o timeout|no route to host|dial tcp|TLS handshake timeout/i.test(msg)) {
    return new RegistryUnreachableError(`registry unreachable for ${what}: ${msg}`, image, 'check the registry address and that it is running', cause);
  }
  if (/server gave HTTP response to HTTPS client|x509:|certificate signed by unknown authority/i.test(msg)) {
    return new RegistryUnreachableError(
      `TLS problem talking to the registry for ${what}: ${msg}`,
      image,
      'for a plain-HTTP or self-signed registry, turn TLS verification off (tls-verify=false)',
      cause,
    );
  }
  if (exitCode === 2 || /manifest unknown|no descriptor found for reference|not found|no such file or directory/i.test(msg)) {
    const err = new NotFoundError(`image not found: ${what}: ${msg}`, 'check the name and tag (list tags with `skopeo list-tags docker://<repository>`)');
    if (cause !== undefined) err.cause = cause;
    return err;
  }
  if (/requested access to the resource is denied/i.test(msg)) {
    return new RegistryAuthError(`access denied to ${what}: it does not exist, or it needs credentials: ${msg}`, image, cause);
  }
  if (/unauthorized|authentication required|invalid username\/password|\bdenied: /i.test(msg)) {
    return new RegistryAuthError(`registry refused the credentials for ${what}: ${msg}`, image, cause);
  }
  return undefined;
}

/** A failed skopeo command as a typed error, or a HostCommandError whose message is skopeo's clean text. */
export function mapSkopeoError(cmd: HostCommand, err: HostCommandError): PxError {
  if (err.commandExitCode === undefined) return err;
  const typed = classifySkopeoFailure(cmd, err.stderrTail, err.commandExitCode, err);
  if (typed) return typed;
  const msg = skopeoFatalMessage(err.stderrTail);
  if (!msg) return err;
  const display = displayCommand(cmd);
  return new HostCommandError({
    display,
    exitCode: err.commandExitCode,
    stderrTail: err.stderrTail,
    message: `command failed with exit code ${err.commandExitCode}: ${display}\n${msg}`,
  });
}

export async function runSkopeo(runner: Runner, cmd: HostCommand, opts: RunOptions = {}): Promise<CommandResult> {
  try {
    return await runner.run(cmd, opts);
  } catch (err) {
    throw err instanceof HostCommandError ? mapSkopeoError(cmd, err) : err;
  }
}
