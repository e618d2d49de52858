// A few fixed buffers the archive writer fills and the compressor's pipe drains: memory stays flat whatever the data size.

/**
 * `size`-byte buffers, at most `count` of them. `acquire` waits while all are out; `release`
 * returns one (or any view of it) once the consumer is done with its bytes. Buffers are allocated
 * once and reused, so a 1 GiB backup does not leave a gigabyte of short-lived buffers for the
 * garbage collector to find late.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private readonly all = new Map<ArrayBufferLike, Buffer>();
  private readonly waiting: Array<(b: Buffer) => void> = [];

  constructor(
    readonly size: number,
    private readonly count: number,
  ) {}

  async acquire(): Promise<Buffer> {
    const b = this.free.pop();
    if (b) return b;
    if (this.all.size < this.count) {
      // Unpooled: each buffer owns its ArrayBuffer, which is how a view finds its way back.
      const fresh = Buffer.allocUnsafeSlow(this.size);
      this.all.set(fresh.buffer, fresh);
      return fresh;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(view: Buffer): void {
    const b = this.all.get(view.buffer);
    if (!b) return;
    const next = this.waiting.shift();
    if (next) next(b);
    else this.free.push(b);
  }

  get allocated(): number {
    return this.all.size;
  }
}

/** Copies small and large pieces into pooled buffers and hands out each one when full. */
export class PooledBatcher {
  private current: Buffer | undefined;
  private used = 0;
  constructor(private readonly pool: BufferPool) {}

  async *add(data: Buffer): AsyncGenerator<Buffer> {
    let off = 0;
    while (off < data.length) {
      this.current ??= await this.pool.acquire();
      const n = data.copy(this.current, this.used, off);
      this.used += n;
      off += n;
      if (this.used === this.current.length) yield* this.flush();
    }
  }

  *flush(): Generator<Buffer> {
    if (!this.current || this.used === 0) return;
    const out = this.used === this.current.length ? this.current : this.current.subarray(0, this.used);
    this.current = undefined;
    this.used = 0;
    yield out;
  }
}
