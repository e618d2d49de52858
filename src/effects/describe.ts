// One line per effect, redacted: the same text goes to the operation log and to a --dry-run plan.
import { displayCommand } from '../host/command.js';
import type { Effect } from './types.js';

const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

/** `redact` masks the secrets registered for the operation (the log's redactor), on top of the command's own. */
export function describeEffect(e: Effect, redact: (text: string) => string = (t) => t): string {
  switch (e.kind) {
    case 'run':
      return redact(`run ${displayCommand(e.cmd)}${e.cmd.input !== undefined ? ' (with input on stdin)' : ''}`);
    case 'write':
      return redact(`write ${e.path} (${e.bytes} bytes, mode ${octal(e.mode)})`);
    case 'mkdir':
      return redact(`mkdir ${e.path} (mode ${octal(e.mode)})`);
    case 'remove':
      return redact(`remove ${e.path}`);
    case 'symlink':
      return redact(`symlink ${e.path} -> ${e.target}`);
    case 'rename':
      return redact(`rename ${e.from} -> ${e.to}`);
    case 'lock':
      return `lock ${e.resource} for ${e.operation}`;
    case 'unlock':
      return `unlock ${e.resource}`;
    case 'release-lock':
      return `release lock ${e.resource}${e.force ? ' (forced)' : ''}`;
    case 'after':
      return redact(`then ${e.what}`);
  }
}
