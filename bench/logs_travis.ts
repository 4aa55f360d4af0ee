/**
 * The extractor on the second, independent corpus (bench/corpus/travis/):
 * genuine output of 25 toolchains on broken projects other than those of the
 * multi-language corpus, laid out as Travis CI job logs, Jenkins console
 * logs, bare tool output followed by cleanup, and jobs with several failing
 * steps and noise after the failure, each after 1,000-20,000 lines of build
 * noise. Labelled by hand (labels.json: line ranges, lines numbered by "\n"
 * alone as grep -n does on the decompressed log).
 *
 * The corpus is split once, by a fixed hash of the name, before any
 * measuring: the logs ordered by FNV-1a of "travis-split:" + name alternate
 * between "probe" (which tuning may look at) and "heldback" (measured once,
 * at the end). The figures are those of bench/logs_multilang.ts (same
 * scoring code): hit when the best chunk shares a line with a labelled block,
 * line F1 of the best chunk against the labelled lines, lines per log of the
 * best chunk; the baseline is the last 31 lines.
 *
 * Round 2 (labels with `"round": 2`) was added after tuning on round 1's
 * probe half and is split the same way on its own: its held-back half was
 * measured once, with the extractor as tuned on round 1.
 *
 * Run: `deno run -A bench/logs_travis.ts [--part probe|heldback|all] [--round 1|2] [--verbose]`
 *
 * @module
 */

import { fnv1a } from "./logs_multilang_gen.ts";
import { type Figures, figures, type LogResult, scoreLog, show } from "./logs_multilang.ts";

const DIR = new URL("./corpus/travis/", import.meta.url);

/** Which part of the corpus. */
export type Part = "probe" | "heldback" | "all";

interface Label {
  tool: string;
  blocks: Array<[number, number]>;
  /** 2 for the logs added after tuning on round 1's probe half. */
  round?: 2;
}

/**
 * The labels and the part each log is in.
 *
 * @returns Name -> label and part.
 */
export async function corpus(): Promise<Map<string, Label & { part: "probe" | "heldback" }>> {
  const labels = JSON.parse(await Deno.readTextFile(new URL("labels.json", DIR))) as Record<
    string,
    Label
  >;
  const out = new Map<string, Label & { part: "probe" | "heldback" }>();
  // Each round is split on its own, so adding a round moves no earlier log.
  for (const round of [undefined, 2]) {
    const names = Object.keys(labels).filter((n) => labels[n]!.round === round).sort((a, b) =>
      fnv1a("travis-split:" + a) - fnv1a("travis-split:" + b) || (a < b ? -1 : 1)
    );
    names.forEach((name, i) =>
      out.set(name, { ...labels[name]!, part: i % 2 === 0 ? "probe" : "heldback" })
    );
  }
  return out;
}

/**
 * One log's text, decompressed.
 *
 * @param name Log name (without `.log.gz`).
 * @returns The log.
 */
export async function readLog(name: string): Promise<string> {
  const file = await Deno.open(new URL(`${name}.log.gz`, DIR));
  return await new Response(file.readable.pipeThrough(new DecompressionStream("gzip"))).text();
}

/**
 * Run the extractor (and the last-31-lines baseline) over a part.
 *
 * @param part Which logs.
 * @returns Per-log results and figures, for the extractor and the baseline.
 */
export async function evaluate(part: Part, round?: 1 | 2): Promise<{
  logs: LogResult[];
  figures: Figures;
  baseline: Figures;
}> {
  const logs: LogResult[] = [];
  const base: LogResult[] = [];
  const all = await corpus();
  for (const name of [...all.keys()].sort()) {
    const l = all.get(name)!;
    if (part !== "all" && l.part !== part) continue;
    if (round !== undefined && (l.round ?? 1) !== round) continue;
    const r = scoreLog(name, l, await readLog(name));
    logs.push(r.extractor);
    base.push(r.baseline);
  }
  return { logs, figures: figures(logs), baseline: figures(base) };
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--part");
  const part = (at >= 0 ? Deno.args[at + 1] : "probe") as Part;
  if (!["probe", "heldback", "all"].includes(part)) {
    console.error("--part must be probe, heldback or all");
    Deno.exit(2);
  }
  const r = Deno.args.indexOf("--round");
  const round = r >= 0 ? Number(Deno.args[r + 1]) as 1 | 2 : undefined;
  if (round !== undefined && round !== 1 && round !== 2) {
    console.error("--round must be 1 or 2");
    Deno.exit(2);
  }
  const { logs, figures: f, baseline } = await evaluate(part, round);
  if (Deno.args.includes("--verbose")) {
    for (const l of logs) {
      console.log(
        `${l.hit ? "ok  " : "MISS"} ${l.name.padEnd(30)} want ${
          l.blocks.map(([a, b]) => `${a}-${b}`).join(",").padEnd(18)
        } got ${l.got ? l.got.join("-") : "none"}  F1 ${l.f1.toFixed(2)}`,
      );
    }
  }
  console.log(`part: ${part}${round ? `, round ${round}` : ""}`);
  console.log(show("extractor", f));
  console.log(show("last 31 lines", baseline));
  console.log(
    "per toolchain (extractor hits/logs, baseline hits): " +
      Object.entries(f.perTool).sort().map(([t, { hits, n }]) =>
        `${t} ${hits}/${n} (${baseline.perTool[t]!.hits})`
      ).join(", "),
  );
}
