// A tar byte stream as an async sequence of node-tar ReadEntry objects, one at a time, with backpressure.
import type { Readable } from 'node:stream';
import { Parser } from 'tar/parse';
import type { ReadEntry } from 'tar/read-entry';

export interface TarEntries extends AsyncIterable<ReadEntry> {
  /** True once the two zero blocks that end a tar archive were seen. */
  readonly sawEndMarker: boolean;
}

/**
 * Parses `source` entry by entry. The parser holds back the next entry until the current one has
 * been read to its end, and stops accepting input while an entry waits, so memory stays at about
 * one input chunk whatever the file sizes. Each entry must be consumed (or `resume()`d) before
 * asking for the next. Parse errors are strict: a bad header or a cut member throws.
 */
export function tarEntries(source: Readable): TarEntries {
  const parser = new Parser({ strict: true });
  const queue: Array<ReadEntry | Error | null> = [];
  let wake: (() => void) | undefined;
  let sawEndMarker = false;
  let finished = false;
  /** The entry the consumer is reading: a failing source must end its reads too, or they wait forever. */
  let reading: ReadEntry | undefined;
  const push = (item: ReadEntry | Error | null): void => {
    if (finished) return;
    if (item === null || item instanceof Error) finished = true;
    queue.push(item);
    wake?.();
    wake = undefined;
  };
  parser.on('entry', (entry: ReadEntry) => push(entry));
  parser.on('eof', () => {
    sawEndMarker = true;
  });
  parser.on('error', (err: Error) => push(err));
  parser.on('end', () => push(null));
  source.on('error', (err: Error) => {
    push(err);
    if (reading && !reading.emittedEnd) reading.emit('error', err);
  });
  source.pipe(parser as unknown as NodeJS.WritableStream);

  return {
    get sawEndMarker() {
      return sawEndMarker;
    },
    async *[Symbol.asyncIterator]() {
      let current: ReadEntry | undefined;
      try {
        for (;;) {
          if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          const item = queue.shift();
          if (item === null || item === undefined) return;
          if (item instanceof Error) throw item;
          current = item;
          reading = item;
          // An error emitted while the consumer is between reads (awaiting its own write) would have
          // no listener and crash the process; minipass hands it to the next read instead.
          item.on('error', () => undefined);
          yield item;
          reading = undefined;
          // Whatever the consumer did not read is skipped, so the parser can move on.
          if (!current.emittedEnd) current.resume();
          current = undefined;
        }
      } finally {
        if (!finished) {
          finished = true;
          source.unpipe(parser as unknown as NodeJS.WritableStream);
          source.destroy();
          current?.resume();
        }
      }
    },
  };
}
