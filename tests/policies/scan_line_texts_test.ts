// SARIF fingerprints hash the text of each finding's line. A streamed diff
// scan keeps those texts as it goes (lineTexts); when it offers them, they
// must be what a second reading of the file (streamedLineTexts) gives.
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";
import {
  scanSource,
  streamedLineTexts,
  type StreamScanOptions,
} from "../../policies/scan_stream.ts";
import { allInputs } from "./_scan_inputs.ts";

const engine = await loadPolicy({});

const SETTINGS: StreamScanOptions[] = [
  { wholeBelow: 0, chunkChars: 97, marginChars: 300, fileCap: 700, lineTexts: true },
  { wholeBelow: 0, chunkChars: 4096, marginChars: 1024, fileCap: 1 << 20, lineTexts: true },
];

Deno.test("lineTexts kept during a diff scan equal a second reading's, finding by finding", async () => {
  const path = await Deno.makeTempFile();
  let offered = 0;
  let checked = 0;
  try {
    for (const input of allInputs()) {
      await Deno.writeFile(path, input.bytes);
      for (const s of SETTINGS) {
        const scan = await scanSource(engine, { path }, {
          ...s,
          ...(input.filename ? { filename: input.filename } : {}),
        });
        if (scan.mode !== "diff") {
          assert.equal(scan.lineText, undefined, `${input.name}: only a streamed diff keeps texts`);
          continue;
        }
        const again = await streamedLineTexts({ path }, scan);
        if (!scan.lineText) continue;
        offered++;
        for (const f of scan.findings) {
          assert.equal(
            scan.lineText(f.file, f.line),
            again(f.file, f.line),
            `${input.name} ${f.file}:${f.line} (${f.rule})`,
          );
          checked++;
        }
      }
    }
  } finally {
    await Deno.remove(path);
  }
  assert.ok(offered >= 10 && checked >= 100, `offered ${offered} times, ${checked} findings`);
});
