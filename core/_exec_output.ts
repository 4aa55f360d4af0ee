/**
 * Output plumbing of the shell executor: bounded head/tail capture, line-wise
 * redaction of a byte stream, and complete writes.
 *
 * @module
 */

/** Keeps the first and last bytes of a stream; memory stays bounded. */
export class BoundedBuffer {
  #head: Uint8Array;
  #headLen = 0;
  #tail: Uint8Array;
  #tailStart = 0;
  #tailLen = 0;
  total = 0;
  constructor(headBytes: number, tailBytes: number) {
    this.#head = new Uint8Array(headBytes);
    this.#tail = new Uint8Array(tailBytes);
  }
  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.#headLen < this.#head.length) {
      const n = Math.min(rest.length, this.#head.length - this.#headLen);
      this.#head.set(rest.subarray(0, n), this.#headLen);
      this.#headLen += n;
      rest = rest.subarray(n);
    }
    const cap = this.#tail.length;
    if (rest.length === 0 || cap === 0) return;
    if (rest.length >= cap) {
      this.#tail.set(rest.subarray(rest.length - cap));
      this.#tailStart = 0;
      this.#tailLen = cap;
      return;
    }
    for (let i = 0; i < rest.length;) {
      const end = (this.#tailStart + this.#tailLen) % cap;
      const n = Math.min(rest.length - i, cap - end);
      this.#tail.set(rest.subarray(i, i + n), end);
      i += n;
      const grow = Math.min(n, cap - this.#tailLen);
      this.#tailLen += grow;
      this.#tailStart = (this.#tailStart + (n - grow)) % cap;
    }
  }
  text(): { text: string; truncated: boolean } {
    const dec = new TextDecoder();
    const head = dec.decode(this.#head.subarray(0, this.#headLen));
    const cap = this.#tail.length;
    const tail = new Uint8Array(this.#tailLen);
    for (let i = 0; i < this.#tailLen; i++) tail[i] = this.#tail[(this.#tailStart + i) % cap]!;
    const truncated = this.total > this.#headLen + this.#tailLen;
    const tailText = dec.decode(tail);
    if (!truncated) return { text: head + tailText, truncated };
    const skipped = this.total - this.#headLen - this.#tailLen;
    return {
      text: `${head}\n[… ${skipped} bytes omitted; see the full log …]\n${tailText}`,
      truncated,
    };
  }
}

/**
 * Redacts a byte stream line by line: complete lines are redacted as they
 * arrive; a line longer than 64 KiB is redacted in pieces (cut at a blank
 * when there is one) so memory stays bounded.
 */
export class LineRedactor {
  readonly #redact: (text: string) => string;
  readonly #decoder = new TextDecoder();
  readonly #encoder = new TextEncoder();
  #pending = "";
  constructor(redact: (text: string) => string) {
    this.#redact = redact;
  }
  push(chunk: Uint8Array): Uint8Array {
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    const nl = this.#pending.lastIndexOf("\n");
    let ready = "";
    if (nl >= 0) {
      ready = this.#pending.slice(0, nl + 1);
      this.#pending = this.#pending.slice(nl + 1);
    }
    if (this.#pending.length > 65536) {
      // A huge line goes out in pieces; cut at the last blank in its final
      // 4 KiB so a secret is not split between two pieces (each is redacted
      // on its own).
      const from = this.#pending.length - 4096;
      const blank = this.#pending.slice(from).search(/\s\S*$/);
      const cut = blank > 0 ? from + blank + 1 : this.#pending.length;
      ready += this.#pending.slice(0, cut);
      this.#pending = this.#pending.slice(cut);
    }
    return ready ? this.#encoder.encode(this.#redact(ready)) : new Uint8Array(0);
  }
  flush(): Uint8Array {
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = "";
    return rest ? this.#encoder.encode(this.#redact(rest)) : new Uint8Array(0);
  }
}

export async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await file.write(data.subarray(off));
}

/** Default cap of a log file: past it, the first and last halves are kept. */
export const DEFAULT_LOG_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * A log file that keeps its head and tail past a size: up to `limit` bytes
 * the file holds everything (and grows live); past it, only the last
 * `limit/2` bytes are held in memory, and on close the file is cut to its
 * first `limit/2` bytes, a marker line, and that tail. A 200 MB gate log then
 * costs 2 MB of disk, and the failure (at the end) and the setup (at the
 * start) are both still there.
 */
export class HeadTailLog {
  readonly #file: Deno.FsFile;
  readonly #limit: number | null;
  readonly #half: number;
  #written = 0;
  #total = 0;
  #ring: Uint8Array[] = [];
  #ringBytes = 0;

  /**
   * @param file The open log file (truncated).
   * @param limit Bytes kept at most; null keeps the whole log.
   */
  constructor(file: Deno.FsFile, limit: number | null) {
    this.#file = file;
    this.#limit = limit;
    this.#half = limit === null ? 0 : Math.floor(limit / 2);
  }

  /** Append output. */
  async write(chunk: Uint8Array): Promise<void> {
    this.#total += chunk.length;
    if (this.#limit === null || this.#written + chunk.length <= this.#limit) {
      await writeAll(this.#file, chunk);
      this.#written += chunk.length;
      return;
    }
    const room = this.#limit - this.#written;
    if (room > 0) {
      await writeAll(this.#file, chunk.subarray(0, room));
      this.#written += room;
    }
    this.#keep(room > 0 ? chunk.subarray(room) : chunk);
  }

  #keep(chunk: Uint8Array): void {
    this.#ring.push(chunk.slice());
    this.#ringBytes += chunk.length;
    while (this.#ring.length > 1 && this.#ringBytes - this.#ring[0]!.length >= this.#half) {
      this.#ringBytes -= this.#ring.shift()!.length;
    }
  }

  /** Finish the file (cut to head and tail when it overflowed) and close it. */
  async close(): Promise<void> {
    try {
      if (this.#limit === null || this.#total <= this.#limit) return;
      // The tail is the last `half` bytes of the whole stream: the file's
      // bytes past the head followed by the ring, trimmed from the front.
      const fileTail = new Uint8Array(this.#written - this.#half);
      await this.#file.seek(this.#half, Deno.SeekMode.Start);
      let off = 0;
      while (off < fileTail.length) {
        const n = await this.#file.read(fileTail.subarray(off));
        if (n === null) break;
        off += n;
      }
      const all = new Uint8Array(fileTail.length + this.#ringBytes);
      all.set(fileTail, 0);
      let at = fileTail.length;
      for (const c of this.#ring) {
        all.set(c, at);
        at += c.length;
      }
      const tail = all.subarray(Math.max(0, all.length - this.#half));
      const omitted = this.#total - this.#half - tail.length;
      await this.#file.truncate(this.#half);
      await this.#file.seek(0, Deno.SeekMode.End);
      const marker = `\n[fleet-orch: ${omitted} bytes of this log omitted; ` +
        `it keeps the first and last ${this.#half} bytes (report.full_logs: true keeps all)]\n`;
      await writeAll(this.#file, new TextEncoder().encode(marker));
      await writeAll(this.#file, tail);
    } finally {
      this.#file.close();
    }
  }
}
