/**
 * `policy scan --format json` output written in batches: the same bytes as
 * `console.log(JSON.stringify({ findings }, null, 2))`, without building
 * one string of every finding (tens of thousands of findings made a string
 * of several megabytes, and its copies on the way to stdout were the peak
 * of a scan).
 *
 * @module
 */

/** Where the text goes: anything with `write` as `Deno.stdout` has it. */
export interface ByteSink {
  /** Write some of the bytes; returns how many were written. */
  write(p: Uint8Array): Promise<number>;
}

/**
 * Write `JSON.stringify({ findings }, null, 2)` and a line break.
 *
 * @param findings The findings (any JSON values).
 * @param out The sink (standard output by default).
 */
export async function writeFindingsJson(
  findings: readonly unknown[],
  out: ByteSink = Deno.stdout,
): Promise<void> {
  const enc = new TextEncoder();
  const write = async (s: string) => {
    const bytes = enc.encode(s);
    for (let at = 0; at < bytes.length;) at += await out.write(bytes.subarray(at));
  };
  if (findings.length === 0) return await write('{\n  "findings": []\n}\n');
  let buf = '{\n  "findings": [\n';
  for (let i = 0; i < findings.length; i++) {
    // A string value never holds a raw line break (JSON escapes it), so
    // every "\n" of an element is structure: indent it one level deeper.
    buf += "    " + JSON.stringify(findings[i], null, 2).replaceAll("\n", "\n    ") +
      (i + 1 < findings.length ? ",\n" : "\n");
    if (buf.length >= 1 << 16) {
      await write(buf);
      buf = "";
    }
  }
  await write(buf + "  ]\n}\n");
}
