// The stdout of a host command (`pct exec <vmid> -- tar -cf - …`) as a stream, started only when first read: a plan never runs it.
import { Readable } from 'node:stream';
import { HostCommandError } from '../../errors.js';
import { displayCommand, type HostCommand } from '../../host/command.js';
import { spawnFilter } from '../../host/compressor.js';

/** Opens a command's output as a stream; tests pass their own to record argv and feed recorded bytes. */
export type StreamOpener = (cmd: HostCommand) => Readable;

/**
 * Spawned through src/host (argv, no shell) on the first read; the stream errors with the command,
 * its exit code and stderr tail when it fails part-way, so a short read never passes for a whole one.
 */
export const openCommandStream: StreamOpener = (cmd) => Readable.from(output(cmd), { objectMode: false });

async function* output(cmd: HostCommand): AsyncIterable<Buffer> {
  const child = await spawnFilter({ file: cmd.file, args: cmd.args });
  child.end();
  try {
    for await (const chunk of child as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    const e = err as Partial<HostCommandError>;
    const display = displayCommand(cmd);
    throw new HostCommandError({ display, exitCode: e.commandExitCode, stderrTail: e.stderrTail ?? '', message: `streaming from \`${display}\` failed${e.commandExitCode !== undefined ? ` with exit code ${e.commandExitCode}` : ''}${e.stderrTail ? `\n${e.stderrTail}` : ''}` });
  }
}
