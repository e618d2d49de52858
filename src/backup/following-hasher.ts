// SHA-256 of a file while another process is still appending to it: read back from the page cache with one reused buffer.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

const READ_BYTES = 1024 * 1024;
const IDLE_MS = 10;

/**
 * Follows `file` from its start as a compressor writes it, hashing each new byte once; the bytes
 * come from the page cache just written, so this is still one pass over the data. `finish()`, called
 * after the writer is done, hashes what is left and returns the digest and size.
 */
export class FollowingHasher {
  private readonly hash = createHash('sha256');
  private readonly buf = Buffer.allocUnsafeSlow(READ_BYTES);
  private done = false;
  private readonly loop: Promise<void>;
  size = 0;

  private constructor(private readonly handle: FileHandle) {
    this.loop = this.follow();
    this.loop.catch(() => undefined);
  }

  static async open(file: string): Promise<FollowingHasher> {
    return new FollowingHasher(await open(file, 'r'));
  }

  private async follow(): Promise<void> {
    for (;;) {
      const { bytesRead } = await this.handle.read(this.buf, 0, READ_BYTES, this.size);
      if (bytesRead > 0) {
        this.hash.update(this.buf.subarray(0, bytesRead));
        this.size += bytesRead;
        continue;
      }
      // Caught up: everything is hashed once the writer has finished.
      if (this.done) return;
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    }
  }

  async finish(): Promise<{ sha256: string; size: number }> {
    this.done = true;
    try {
      await this.loop;
    } finally {
      await this.handle.close();
    }
    return { sha256: this.hash.digest('hex'), size: this.size };
  }

  async abort(): Promise<void> {
    this.done = true;
    await this.loop.catch(() => undefined);
    await this.handle.close();
  }
}
