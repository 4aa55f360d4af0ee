/**
 * Raw log text as lines for the generic extractor: a byte stream cut into
 * batches of complete lines with bounded memory, whatever the log's line
 * lengths, and lines read back from a batch. Nothing here cleans or scores
 * a line.
 *
 * @module
 */

import { MAX_LINE } from "./extract_rules.ts";

// A line longer than this is cut while it is read, so a log that is one
// endless line (a progress bar without newlines) cannot exhaust memory.
const PENDING_CAP = 256 * 1024;

/**
 * Read a byte stream as UTF-8 and hand it on in batches of complete lines,
 * each ending with "\n"; a last line without a newline gets one. A line
 * longer than 256 KiB is cut to MAX_LINE + 1 characters, or to its last
 * carriage-return redraw when that is short enough.
 *
 * @param stream The log (a file, stdin, a response body).
 * @param onLines Called with each batch, in order.
 * @returns When the stream is exhausted.
 */
export async function readLineBatches(
  stream: ReadableStream<Uint8Array>,
  onLines: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  let overlong = false;
  const take = (text: string) => {
    const last = text.lastIndexOf("\n");
    if (last >= 0) {
      const first = text.indexOf("\n");
      // The line in progress ends here; an overlong one was cut already.
      const head = overlong ? pending + "\n" : pending + text.slice(0, first + 1);
      onLines(head + text.slice(first + 1, last + 1));
      pending = "";
      overlong = false;
      text = text.slice(last + 1);
    }
    if (text === "" || overlong) return;
    pending += text;
    if (pending.length > PENDING_CAP) {
      // Progress bars redraw with CR: what matters is the last redraw.
      const cr = pending.lastIndexOf("\r", pending.length - 2);
      if (cr >= 0 && pending.length - cr < PENDING_CAP) pending = pending.slice(cr + 1);
      else {
        pending = pending.slice(0, MAX_LINE + 1);
        overlong = true;
      }
    }
  };
  for await (const bytes of stream) take(decoder.decode(bytes, { stream: true }));
  take(decoder.decode());
  if (pending !== "" || overlong) onLines(pending + "\n");
}

/**
 * The last `count` lines that end before `end` in `text` (each line ends
 * with "\n" at or before end-1), topped up from `tail` when text is short.
 *
 * @param text Complete lines.
 * @param end Offset just past the newline of the last line wanted.
 * @param count Most lines returned.
 * @param tail The last lines of the previous batch, oldest first.
 * @returns The lines without their newlines, oldest first.
 */
export function lastLines(text: string, end: number, count: number, tail: string[]): string[] {
  const out: string[] = [];
  let stop = end - 1;
  while (out.length < count && stop >= 0) {
    const start = text.lastIndexOf("\n", stop - 1) + 1;
    out.push(text.slice(start, stop));
    stop = start - 1;
  }
  out.reverse();
  return out.length < count
    ? [...tail.slice(Math.max(0, tail.length - (count - out.length))), ...out]
    : out;
}

/**
 * `text.indexOf(search, from)`, with Infinity for "absent" so that the
 * nearest of several searches is a plain Math.min.
 *
 * @param text Where to search.
 * @param search What to find.
 * @param from Offset to start at.
 * @returns The offset, or Infinity.
 */
export function indexOrInf(text: string, search: string, from: number): number {
  const i = text.indexOf(search, from);
  return i < 0 ? Infinity : i;
}
