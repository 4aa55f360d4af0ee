/**
 * Patch-corpus benchmark: real diffs between consecutive published versions
 * of npm packages, split into single hunks, damaged the way models damage
 * diffs, then applied by fleet-orch's applier, `git apply` (strict and
 * lenient) and GNU `patch`, each in its own temp copy. Every result is
 * compared with the expected file: correct, refused, or WRONG.
 *
 * Run: `deno run -A bench/patch_corpus.ts [--seed N] [--max-cases N] [--jobs N] [--out FILE]
 * [--ours-via-cli]`. By default our applier runs in process on each temp
 * copy; `--ours-via-cli` runs `cli/patch.ts` as a subprocess instead.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor } from "../core/exec.ts";
import { applyPatch } from "../patch/patch.ts";
import { type CleanCase, damage, DAMAGE_KINDS, type DamagedCase, hash } from "./patch_damage.ts";
import { casesBetween, fetchVersion, SOURCES } from "./patch_sources.ts";

type Outcome = "correct" | "refused" | "wrong";
const TOOLS = ["ours", "git apply", "git apply -lenient", "GNU patch"] as const;
type Tool = typeof TOOLS[number];

// Every command here is the benchmark's own (npm pack, tar, git apply,
// patch), so the policy hook allows all of them.
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function prepare(dir: string, c: DamagedCase): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  if (c.before !== null) {
    await Deno.mkdir(dirname(join(dir, c.path)), { recursive: true });
    await Deno.writeTextFile(join(dir, c.path), c.before);
  }
}

async function verdict(dir: string, c: DamagedCase, applied: boolean): Promise<Outcome> {
  if (!applied) return "refused";
  let now: string | null;
  try {
    now = await Deno.readTextFile(join(dir, c.path));
  } catch {
    now = null;
  }
  return now === c.after ? "correct" : "wrong";
}

const CLI = fileURLToPath(new URL("../cli/patch.ts", import.meta.url));

async function runTool(
  tool: Tool,
  c: DamagedCase,
  work: string,
  viaCli: boolean,
): Promise<{ outcome: Outcome; message: string }> {
  const dir = join(work, tool.replace(/\W+/g, "_"));
  await prepare(dir, c);
  const patchFile = join(work, "reply.txt");
  let applied: boolean;
  let message = "";
  if (tool === "ours" && viaCli) {
    const r = await exec.runArgv(["deno", "run", "-A", CLI, "apply", "--cwd", dir, patchFile], {
      timeoutMs: 60_000,
      env: { NO_COLOR: "1" },
    });
    applied = r.code === 0;
    if (r.code !== 0 && r.code !== 1) throw new Error(`patch CLI failed: ${r.output}`);
    message = r.output.trim();
  } else if (tool === "ours") {
    const r = await applyPatch(c.reply, { cwd: dir });
    applied = r.ok;
    message = r.error ?? r.files.map((f) => f.hunks.map((h) => h.strategy).join(",")).join(";");
  } else {
    const argv = tool === "git apply"
      ? ["git", "apply", patchFile]
      : tool === "git apply -lenient"
      ? ["git", "apply", "--recount", "--ignore-whitespace", "-C1", patchFile]
      : ["patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch", "-i", patchFile];
    const r = await exec.runArgv(argv, { cwd: dir, timeoutMs: 30_000, env: { LC_ALL: "C" } });
    applied = r.code === 0;
    message = r.output.trim().split("\n").slice(-1)[0] ?? "";
  }
  return { outcome: await verdict(dir, c, applied), message };
}

async function pool<T>(items: T[], jobs: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function pct(n: number, d: number): string {
  return d === 0 ? "-" : `${(100 * n / d).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string", default: "1" },
      "max-cases": { type: "string", default: "1000" },
      jobs: { type: "string", default: "8" },
      out: { type: "string" },
      cache: { type: "string", default: "/tmp/fleet-orch-patch-corpus-cache" },
      verbose: { type: "boolean", default: false },
      "ours-via-cli": { type: "boolean", default: false },
    },
  });
  const seed = Number(values.seed);
  const maxCases = Number(values["max-cases"]);
  const jobs = Number(values.jobs);
  const started = performance.now();

  let clean: CleanCase[] = [];
  for (const s of SOURCES) {
    const roots: string[] = [];
    for (const v of s.versions) roots.push(await fetchVersion(exec, values.cache, s.name, v));
    for (let i = 1; i < roots.length; i++) {
      const label = `${s.name}@${s.versions[i - 1]}..${s.versions[i]}`;
      clean.push(...await casesBetween(label, roots[i - 1]!, roots[i]!));
    }
  }
  const totalClean = clean.length;
  // A seeded sample keeps the run short while covering every package.
  clean = clean.map((c) => ({ c, k: hash(`${seed}:${c.id}`) }))
    .sort((a, b) => a.k - b.k).slice(0, maxCases).map((x) => x.c)
    .sort((a, b) => a.id.localeCompare(b.id));

  const damaged = clean.flatMap((c) =>
    DAMAGE_KINDS.map((d) => damage(c, d, seed)).filter((x): x is DamagedCase => x !== null)
  );
  const work = await Deno.makeTempDir({ prefix: "fleet-orch-patch-corpus-" });
  const results: {
    id: string;
    damage: string;
    tool: Tool;
    outcome: Outcome;
    message: string;
    lossy: boolean;
  }[] = [];
  let n = 0;
  await pool(damaged, jobs, async (c) => {
    const caseDir = join(work, `c${n++}`);
    await Deno.mkdir(caseDir);
    await Deno.writeTextFile(join(caseDir, "reply.txt"), c.reply);
    for (const tool of TOOLS) {
      const r = await runTool(tool, c, caseDir, values["ours-via-cli"]);
      results.push({ id: c.id, damage: c.damage, tool, ...r, lossy: c.lossy });
    }
    await Deno.remove(caseDir, { recursive: true });
  });
  await Deno.remove(work, { recursive: true });

  const table: Record<string, Record<Tool, Record<Outcome, number>>> = {};
  for (const r of results) {
    for (const key of [r.damage, "ALL"]) {
      table[key] ??= Object.fromEntries(
        TOOLS.map((t) => [t, { correct: 0, refused: 0, wrong: 0 }]),
      ) as Record<Tool, Record<Outcome, number>>;
      table[key]![r.tool][r.outcome]++;
    }
  }
  const rows = [...DAMAGE_KINDS.filter((d) => table[d]), "ALL"];
  const head = ["damage", "n", ...TOOLS.map((t) => `${t} ok/ref/WRONG`)];
  const lines = [head];
  for (const d of rows) {
    const t = table[d]!;
    const total = t.ours.correct + t.ours.refused + t.ours.wrong;
    lines.push([
      d,
      String(total),
      ...TOOLS.map((tool) => {
        const x = t[tool];
        return `${pct(x.correct, total)} ${x.correct}/${x.refused}/${x.wrong}`;
      }),
    ]);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  console.log(
    `Corpus: ${SOURCES.map((s) => `${s.name} ${s.versions.join(",")}`).join("; ")}`,
  );
  console.log(
    `${totalClean} real hunks/files, ${clean.length} sampled (seed ${seed}), ${damaged.length} damaged cases`,
  );
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  const ours = results.filter((r) => r.tool === "ours" && r.outcome !== "correct");
  const lossy = results.filter((r) => r.tool === "ours" && r.lossy);
  const kept = results.filter((r) => r.tool === "ours" && !r.lossy);
  const keptOk = kept.filter((r) => r.outcome === "correct").length;
  console.log(
    `${lossy.length} cases lost the information where added lines go (a dropped context line ` +
      `next to them): ours refused ${lossy.filter((r) => r.outcome === "refused").length}, ` +
      `wrong ${lossy.filter((r) => r.outcome === "wrong").length}. On the other ${kept.length}: ` +
      `ours ${pct(keptOk, kept.length)} correct.`,
  );
  if (values.verbose) {
    for (const r of ours) console.log(`ours ${r.outcome}: ${r.id}: ${r.message}`);
  }
  const out = values.out ??
    join(await Deno.makeTempDir({ prefix: "fleet-orch-patch-results-" }), "results.json");
  await Deno.writeTextFile(
    out,
    JSON.stringify(
      {
        seed,
        sources: SOURCES,
        totalClean,
        sampled: clean.length,
        cases: damaged.length,
        seconds: (performance.now() - started) / 1000,
        table,
        notCorrectOurs: ours,
        results,
      },
      null,
      1,
    ),
  );
  console.log(`results: ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

if (import.meta.main) await main();
