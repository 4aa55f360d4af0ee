/**
 * The generic extractor on the multi-language corpus (bench/corpus/multilang/):
 * genuine output of 21 toolchains inside GitHub Actions, Azure Pipelines,
 * GitLab CI and Travis CI job logs, labelled by hand (labels.json: per log,
 * the line ranges a person would show a fixer; lines numbered by "\n" alone,
 * as grep -n does).
 *
 * The corpus is split once, by a fixed hash of the file name and before any
 * tuning: within each toolchain the logs are ordered by FNV-1a of their name
 * and every third one from the first is held back. Tuning looks only at the
 * "tuned" part; the "heldback" part is measured at the end.
 *
 * Figures, as in bench/logs_heldback.ts: a log is a hit when the best chunk
 * shares at least one line with a labelled block; line F1 is that of the best
 * chunk's lines against the labelled lines; lines per log is the size of the
 * best chunk. The baseline is the last 31 lines of the log.
 *
 * Run: `deno run -A bench/logs_multilang.ts [--part tuned|heldback|all] [--verbose]`
 *
 * @module
 */

import { extractChunks } from "../gates/extract.ts";
import { fnv1a } from "./logs_multilang_gen.ts";

const DIR = new URL("./corpus/multilang/", import.meta.url);

/** Which part of the corpus. */
export type Part = "tuned" | "heldback" | "all";

/** One log's label. */
interface Label {
  tool: string;
  blocks: Array<[number, number]>;
}

/** One log's result. */
export interface LogResult {
  /** File name. */
  name: string;
  /** Toolchain. */
  tool: string;
  /** Labelled blocks. */
  blocks: Array<[number, number]>;
  /** Best chunk, or null. */
  got: [number, number] | null;
  /** Best chunk overlaps a labelled block. */
  hit: boolean;
  /** Line F1 of the best chunk. */
  f1: number;
  /** Lines of the best chunk. */
  lines: number;
}

/** Figures of one method over a part. */
export interface Figures {
  /** Logs measured. */
  n: number;
  /** Share of hits, 0-1. */
  hit: number;
  /** Mean line F1. */
  f1: number;
  /** Mean lines per log. */
  lines: number;
  /** Per toolchain: hits and logs. */
  perTool: Record<string, { hits: number; n: number }>;
}

/**
 * The labels and the part each log is in.
 *
 * @returns Name -> label and part.
 */
export async function corpus(): Promise<Map<string, Label & { part: "tuned" | "heldback" }>> {
  const labels = JSON.parse(await Deno.readTextFile(new URL("labels.json", DIR))) as Record<
    string,
    Label
  >;
  const byTool = new Map<string, string[]>();
  for (const [name, l] of Object.entries(labels)) {
    byTool.set(l.tool, [...(byTool.get(l.tool) ?? []), name]);
  }
  const out = new Map<string, Label & { part: "tuned" | "heldback" }>();
  for (const names of byTool.values()) {
    names.sort((a, b) => fnv1a(a) - fnv1a(b) || (a < b ? -1 : 1));
    names.forEach((name, i) =>
      out.set(name, { ...labels[name]!, part: i % 3 === 0 ? "heldback" : "tuned" })
    );
  }
  return out;
}

export function score(name: string, l: Label, got: [number, number] | null): LogResult {
  const want = new Set<number>();
  for (const [a, b] of l.blocks) for (let i = a; i <= b; i++) want.add(i);
  let inter = 0;
  const lines = got ? got[1] - got[0] + 1 : 0;
  if (got) { for (let i = got[0]; i <= got[1]; i++) if (want.has(i)) inter++; }
  const p = lines ? inter / lines : 0;
  const r = inter / want.size;
  return {
    name,
    tool: l.tool,
    blocks: l.blocks,
    got,
    hit: inter > 0,
    f1: p + r ? (2 * p * r) / (p + r) : 0,
    lines,
  };
}

/**
 * Score one log: the extractor's best chunk, and the last 31 lines as the
 * baseline (lines numbered by `\n`, as `grep -n`).
 *
 * @param name The log's file name.
 * @param label Its hand label.
 * @param text Its text.
 * @returns Both results.
 */
export function scoreLog(
  name: string,
  label: Parameters<typeof score>[1],
  text: string,
): { extractor: LogResult; baseline: LogResult } {
  const [best] = extractChunks(text);
  const n = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  return {
    extractor: score(name, label, best ? [best.start, best.end] : null),
    baseline: score(name, label, [Math.max(1, n - 30), n]),
  };
}

/**
 * Run the extractor (and the last-31-lines baseline) over a part.
 *
 * @param part Which logs.
 * @returns Per-log results and figures, for the extractor and the baseline.
 */
export async function evaluate(part: Part): Promise<{
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
    const r = scoreLog(name, l, await Deno.readTextFile(new URL(name, DIR)));
    logs.push(r.extractor);
    base.push(r.baseline);
  }
  return { logs, figures: figures(logs), baseline: figures(base) };
}

export function figures(logs: LogResult[]): Figures {
  const perTool: Figures["perTool"] = {};
  for (const l of logs) {
    const t = perTool[l.tool] ??= { hits: 0, n: 0 };
    t.n++;
    if (l.hit) t.hits++;
  }
  const n = Math.max(1, logs.length);
  return {
    n: logs.length,
    hit: logs.filter((l) => l.hit).length / n,
    f1: logs.reduce((s, l) => s + l.f1, 0) / n,
    lines: logs.reduce((s, l) => s + l.lines, 0) / n,
    perTool,
  };
}

export function show(label: string, f: Figures): string {
  return `${label.padEnd(16)} logs ${f.n}  hit ${(100 * f.hit).toFixed(0)}%  line F1 ${
    f.f1.toFixed(2)
  }  lines/log ${f.lines.toFixed(1)}`;
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--part");
  const part = (at >= 0 ? Deno.args[at + 1] : "tuned") as Part;
  if (!["tuned", "heldback", "all"].includes(part)) {
    console.error("--part must be tuned, heldback or all");
    Deno.exit(2);
  }
  const { logs, figures: f, baseline } = await evaluate(part);
  if (Deno.args.includes("--verbose")) {
    for (const l of logs) {
      console.log(
        `${l.hit ? "ok  " : "MISS"} ${l.name.padEnd(30)} want ${
          l.blocks.map(([a, b]) => `${a}-${b}`).join(",").padEnd(12)
        } got ${l.got ? l.got.join("-") : "none"}  F1 ${l.f1.toFixed(2)}`,
      );
    }
  }
  console.log(`part: ${part}`);
  console.log(show("extractor", f));
  console.log(show("last 31 lines", baseline));
  console.log(
    "per toolchain (extractor hits/logs, baseline hits): " +
      Object.entries(f.perTool).sort().map(([t, { hits, n }]) =>
        `${t} ${hits}/${n} (${baseline.perTool[t]!.hits})`
      ).join(", "),
  );
}
