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
