/**
 * Large JSON documents written in batches: the same bytes as
 * `console.log(JSON.stringify(doc, null, 2))`, without building one string
 * of every element of the document's big array (tens of thousands of
 * findings made a string of several megabytes, and its copies on the way
 * to stdout were the peak of a scan).
 *
 * @module
 */

/** Where the text goes: anything with `write` as `Deno.stdout` has it. */
export interface ByteSink {
  /** Write some of the bytes; returns how many were written. */
  write(p: Uint8Array): Promise<number>;
}

const _MARKER = "\u0000fleet-orch streamed array\u0000";

/**
 * Write `JSON.stringify(doc, null, 2)` and a line break, with the array at
 * `holder[key]` (an object inside `doc`) written an element at a time.
 *
 * @param doc The document.
 * @param holder The object inside `doc` that holds the array.
 * @param key The array's property name.
 * @param out The sink (standard output by default).
 * @param elements The array's elements, when they are made as they are
 *   written (then `holder[key]` is only a place: its value is not read).
 */
export async function writeJsonStreamingArray(
  doc: unknown,
  holder: Record<string, unknown>,
  key: string,
  out: ByteSink = Deno.stdout,
  elements?: Iterable<unknown>,
): Promise<void> {
  const enc = new TextEncoder();
  const write = async (s: string) => {
    const bytes = enc.encode(s);
    for (let at = 0; at < bytes.length;) at += await out.write(bytes.subarray(at));
  };
  const held = holder[key];
  const items: Iterable<unknown> = elements ?? (held as readonly unknown[]);
  holder[key] = _MARKER;
  let text: string;
  try {
    text = JSON.stringify(doc, null, 2);
  } finally {
    holder[key] = held;
  }
  const at = text.indexOf(JSON.stringify(_MARKER));
  const indent = at - text.lastIndexOf("\n", at) - 1 - JSON.stringify(key).length - 2;
  const head = text.slice(0, at);
  const tail = text.slice(at + JSON.stringify(_MARKER).length) + "\n";
  // The line of the key starts with its indentation; elements sit one level deeper.
  const pad = " ".repeat(indent + 2);
  let buf = head;
  let first = true;
  for (const item of items) {
    // A string value never holds a raw line break (JSON escapes it), so
    // every "\n" of an element is structure: indent it to its depth.
    buf += (first ? "[\n" : ",\n") + pad +
      JSON.stringify(item, null, 2).replaceAll("\n", "\n" + pad);
    first = false;
    if (buf.length >= 1 << 16) {
      await write(buf);
      buf = "";
    }
  }
  await write(buf + (first ? "[]" : "\n" + " ".repeat(indent) + "]") + tail);
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
  const doc = { findings };
  await writeJsonStreamingArray(doc, doc, "findings", out);
}
