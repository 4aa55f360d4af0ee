/**
 * `fleet-orch logs extract`: the chunk(s) of a build log that explain the
 * failure, with their line ranges. Streams the log, so any size works.
 *
 * @module
 */

import { EXIT, guard, parseFlags, unknownSubcommand } from "./_common.ts";
import { messageOf, UsageError } from "../core/errors.ts";
import { extractChunksFromStream } from "../gates/extract.ts";

/** Help text. */
export const help = `Usage: fleet-orch logs extract [--json] [--max-chunks N] <log-file|->

Find the part of a build log that explains the failure: the compiler error,
the traceback, the failing test, the npm error — not the final "exit code 1".
Works on logs from GitHub Actions, Azure Pipelines, GitLab and Travis (ANSI
colours, timestamp prefixes, ##[group] folds, carriage-return progress bars,
very long lines) and on logs of any size (read as a stream).

Options:
  --json            Print {"chunks": [{"start", "end", "text", "kind"}]} on stdout
                    (1-based, inclusive line numbers; best chunk first)
  --max-chunks N    Most chunks printed (default 3)
  -h, --help        Show this help

Lines are numbered by "\\n" alone, as grep -n does: a "\\r" (progress bars,
CRLF endings) does not start a new line; only its last segment is shown.

Exit codes: 0 a failure chunk was found; 1 nothing found; 2 usage error.`;

/**
 * Run the command.
 *
 * @param args Arguments after "logs".
 * @returns The exit code: 0 found, 1 nothing found, 2 usage.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values, positionals } = parseFlags(args, {
      json: { type: "boolean" },
      "max-chunks": { type: "string" },
      help: { type: "boolean", short: "h" },
    }, "logs");
    if (values.help) {
      console.log(help);
      return EXIT.ok;
    }
    const [sub, input, ...extra] = positionals;
    if (sub !== "extract") {
      throw unknownSubcommand("logs", sub, ["extract"]);
    }
    if (input === undefined) throw new UsageError(`Missing the log file (or "-" for stdin)`);
    if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
    const maxRaw = values["max-chunks"];
    const maxChunks = maxRaw === undefined ? 3 : Number(maxRaw);
    if (!Number.isInteger(maxChunks) || maxChunks < 1) {
      throw new UsageError(`--max-chunks needs an integer >= 1, got "${maxRaw}"`);
    }
    let stream: ReadableStream<Uint8Array>;
    if (input === "-") stream = Deno.stdin.readable;
    else {
      try {
        stream = (await Deno.open(input, { read: true })).readable;
      } catch (e) {
        throw new UsageError(`Cannot read "${input}": ${messageOf(e)}`);
      }
    }
    const { chunks, lines } = await extractChunksFromStream(stream, { maxChunks });
    if (values.json) {
      const out = chunks.map(({ start, end, text, kind }) => ({ start, end, text, kind }));
      console.log(JSON.stringify({ chunks: out }, null, 2));
    } else {
      for (const c of chunks) {
        console.log(`--- lines ${c.start}-${c.end} (${c.kind}) ---`);
        console.log(c.text);
      }
    }
    if (chunks.length === 0) {
      console.error(`No failure found in ${lines} line${lines === 1 ? "" : "s"}`);
      return EXIT.failed;
    }
    return EXIT.ok;
  });
}

if (import.meta.main) Deno.exit(await run(Deno.args));
