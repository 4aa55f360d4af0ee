/**
 * Where `fleet-orch stats` finds past runs and how it reads them: the run
 * directories under `.git/fleet-orch/runs/` and any `--report-dir`, each
 * `report.json` validated with a schema of the parts the statistics read (a
 * file that is unreadable or of another shape is skipped with a warning that
 * names it), plus the candidate lines of the run's `orchestrator.log`.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { z } from "zod";
import { ConfigError, messageOf, UsageError } from "../core/errors.ts";
import { DEFAULT_CONFIG_FILE, findConfigFile, loadConfig, parseConfig } from "../core/config.ts";
import { ShellExecutor } from "../core/exec.ts";
import { Git } from "../core/git.ts";
import { loadPolicy } from "../policies/engine.ts";
import { DEFAULT_POLICY_FILE } from "../policies/loader.ts";
import type { ModelPrice } from "../plugins/llm/pricing.ts";
import { STOP_REASONS, type StopReason } from "../report/types.ts";

const _FailureSchema = z.object({
  gate: z.string(),
  tool: z.string(),
  code: z.string().optional(),
  file: z.string().optional(),
  message: z.string().default(""),
  fingerprint: z.string().min(1),
});

const _GateSchema = z.object({
  id: z.string(),
  name: z.string().default(""),
  required: z.boolean().default(true),
  status: z.string(),
  failures: z.array(_FailureSchema).default([]),
});

const _CallSchema = z.object({
  provider: z.string().default(""),
  model: z.string(),
  tokensIn: z.number().min(0),
  tokensOut: z.number().min(0),
  latencyMs: z.number().min(0).default(0),
  costUsd: z.number().min(0),
});

const _IterationSchema = z.object({
  index: z.number().int(),
  failures: z.array(_FailureSchema).default([]),
  proposal: z.object({ source: z.string().min(1), summary: z.string().default("") }).optional(),
  review: z.object({
    verdict: z.enum(["approve", "reject"]),
    reasons: z.array(z.string()).default([]),
    source: z.string().default(""),
  }).optional(),
  applied: z.boolean(),
  commit: z.string().optional(),
  gates: z.array(_GateSchema).default([]),
  calls: z.array(_CallSchema).default([]),
  durationMs: z.number().min(0).default(0),
});

const _isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "Not a date");

/**
 * Schema of the parts of a run report (`report.json`, see
 * {@link import("../report/types.ts").RunReport}) that the statistics read.
 * Unknown fields (diffs, gate output) are dropped.
 */
export const StatsReportSchema = z.object({
  runId: z.string().min(1),
  startedAt: _isoDate,
  finishedAt: _isoDate,
  dryRun: z.boolean(),
  stopReason: z.enum(STOP_REASONS as [StopReason, ...StopReason[]]),
  exitCode: z.number().int(),
  iterations: z.array(_IterationSchema),
  gates: z.array(_GateSchema).default([]),
  triage: z.array(z.object({
    gate: z.string(),
    class: z.string(),
    tests: z.array(z.string()).optional(),
  })).default([]),
  totals: z.object({
    tokensIn: z.number().min(0),
    tokensOut: z.number().min(0),
    costUsd: z.number().min(0),
    durationMs: z.number().min(0),
  }),
  message: z.string().default(""),
});

/** A run report as the statistics read it. */
export type StatsReport = z.infer<typeof StatsReportSchema>;
/** One iteration of a {@link StatsReport}. */
export type StatsIteration = StatsReport["iterations"][number];
/** One model call of a {@link StatsIteration}. */
export type StatsCall = StatsIteration["calls"][number];
/** One gate result of a {@link StatsReport}. */
export type StatsGate = StatsReport["gates"][number];

/** How one candidate of a `--candidates` iteration fared (from orchestrator.log). */
export interface CandidateResult {
  /** 1-based candidate number. */
  index: number;
  /** Required gates passing in its worktree, or null when it was dropped. */
  score: number | null;
  /** Changed lines of its diff (0 when dropped). */
  changed: number;
}

/** A run as loaded: the report, where it came from, and its candidate rounds. */
export interface LoadedRun {
  /** The report. */
  report: StatsReport;
  /** The report.json file. */
  file: string;
  /** One entry per candidate round, in order (empty without --candidates). */
  candidateRounds: CandidateResult[][];
}

/** What {@link loadRuns} found. */
export interface LoadedRuns {
  /** Valid runs, oldest first. */
  runs: LoadedRun[];
  /** One line per skipped file or duplicate run, naming the file. */
  warnings: string[];
}

/**
 * The report.json files in run folders: `<dir>/<run-id>/report.json`, and
 * `<dir>/report.json` when `dir` is itself a run folder.
 *
 * @param dirs Folders holding run folders (`.git/fleet-orch/runs`, `--report-dir`).
 * @returns Absolute paths, sorted, without duplicates; folders that do not exist give none.
 */
export async function findReportFiles(dirs: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const raw of dirs) {
    const dir = resolve(raw);
    if (!existsSync(dir)) continue;
    if (existsSync(join(dir, "report.json"))) found.add(join(dir, "report.json"));
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (!entry.isDirectory && !entry.isSymlink) continue;
        const file = join(dir, entry.name, "report.json");
        if (existsSync(file)) found.add(file);
      }
    } catch {
      // Not a directory, or unreadable: nothing to list.
    }
  }
  return [...found].sort();
}

/**
 * Read and validate report files. A file that cannot be read, is not JSON or
 * does not have a run report's shape is skipped with a warning naming it; a
 * run id seen twice (the same run copied to two folders) counts once.
 *
 * @param files report.json paths.
 * @returns The valid runs, oldest first, and the warnings.
 */
export async function loadRuns(files: readonly string[]): Promise<LoadedRuns> {
  const runs: LoadedRun[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let data: unknown;
    try {
      data = JSON.parse(await Deno.readTextFile(file));
    } catch (e) {
      warnings.push(`Skipping "${file}": ${messageOf(e)}`);
      continue;
    }
    const parsed = StatsReportSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join(".") : "(root)";
      warnings.push(
        `Skipping "${file}": not a run report (${where}: ${issue?.message ?? "invalid"})`,
      );
      continue;
    }
    const earlier = seen.get(parsed.data.runId);
    if (earlier) {
      warnings.push(
        `Skipping "${file}": run "${parsed.data.runId}" was already read from "${earlier}"`,
      );
      continue;
    }
    seen.set(parsed.data.runId, file);
    const log = join(file, "..", "orchestrator.log");
    const candidateRounds = existsSync(log)
      ? parseCandidateLog(await Deno.readTextFile(log).catch(() => ""))
      : [];
    runs.push({ report: parsed.data, file, candidateRounds });
  }
  runs.sort((a, b) =>
    Date.parse(a.report.startedAt) - Date.parse(b.report.startedAt) ||
    a.report.runId.localeCompare(b.report.runId)
  );
  return { runs, warnings };
}

const _CANDIDATE_LINE =
  /Candidate (\d+)\/(\d+): (?:(\d+) required gate\(s\) pass, (\d+) changed line\(s\)|dropped)/;

/**
 * The candidate rounds of a run, from the lines `orchestrator/candidates.ts`
 * logs ("Candidate 2/3: 4 required gate(s) pass, 7 changed line(s)" or
 * "Candidate 3/3: dropped (…)"). The report does not say which candidate won,
 * the log does through these figures.
 *
 * @param log The text of orchestrator.log.
 * @returns One array per round, candidates in order.
 */
export function parseCandidateLog(log: string): CandidateResult[][] {
  const rounds: CandidateResult[][] = [];
  let current: CandidateResult[] | null = null;
  for (const line of log.split("\n")) {
    if (!line.includes("Candidate ")) continue;
    const m = _CANDIDATE_LINE.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    if (index === 1 || !current) {
      current = [];
      rounds.push(current);
    }
    current.push({
      index,
      score: m[3] !== undefined ? Number(m[3]) : null,
      changed: m[4] !== undefined ? Number(m[4]) : 0,
    });
  }
  return rounds;
}

/**
 * The winner of a candidate round, by the rule of `evaluateCandidates`: most
 * required gates passing, then the smallest diff, then the earliest.
 *
 * @param round The round's candidates.
 * @returns The winner's number, or null when every candidate was dropped.
 */
export function candidateWinner(round: readonly CandidateResult[]): number | null {
  let best: CandidateResult | null = null;
  for (const c of round) {
    if (c.score === null) continue;
    if (!best || c.score > best.score! || (c.score === best.score && c.changed < best.changed)) {
      best = c;
    }
  }
  return best?.index ?? null;
}

/**
 * Keep the runs started on or after `since` (a UTC date), then the last `last` of them.
 *
 * @param runs Runs, oldest first.
 * @param filter `since` as `YYYY-MM-DD`, `last` as a count.
 * @returns The selected runs, oldest first.
 * @throws {RangeError} When `since` is not a valid `YYYY-MM-DD` date.
 */
export function selectRuns<T extends { report: { startedAt: string } }>(
  runs: readonly T[],
  filter: { since?: string | undefined; last?: number | undefined },
): T[] {
  let out = [...runs];
  if (filter.since !== undefined) {
    const t = Date.parse(`${filter.since}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(filter.since) || Number.isNaN(t)) {
      throw new RangeError(`Date "${filter.since}" is not valid: use YYYY-MM-DD`);
    }
    out = out.filter((r) => Date.parse(r.report.startedAt) >= t);
  }
  if (filter.last !== undefined) out = out.slice(Math.max(0, out.length - filter.last));
  return out;
}

/** The settings of the current config that the recommendations compare against. */
export interface StatsSettings {
  /** `agents.codex.model`. */
  fixerModel: string;
  /** `agents.jules.model`. */
  reviewerModel: string;
  /** `agents.jules.enabled`. */
  reviewerEnabled: boolean;
  /** `agents.codex.context_tokens`, when set. */
  contextTokens: number | undefined;
  /** `agents.orchestrator.max_no_progress_iterations`. */
  maxNoProgressIterations: number;
  /** `agents.orchestrator.candidates`. */
  candidates: number;
  /** `agents.orchestrator.max_cost_usd`, when set. */
  maxCostUsd: number | undefined;
  /** `pricing` overrides. */
  prices: Record<string, ModelPrice>;
  /**
   * ESLint rule ids met in the runs and their `meta.fixable` from the
   * project's installed rule modules (null: unknown). Absent: none known.
   */
  fixableRules?: Record<string, boolean | null>;
}

/** Where the runs are and what the config says. */
export interface StatsSources {
  /** The repository root, or null when only report folders were given outside one. */
  repoRoot: string | null;
  /** Folders searched for run folders, in order. */
  dirs: string[];
  /** Settings of the config (defaults when there is none). */
  settings: StatsSettings;
  /** Redaction of secrets (the policy engine's). */
  redact: (text: string) => string;
  /** Problems that did not stop the command (an invalid config). */
  warnings: string[];
  /** The config file read, or null when defaults were used. */
  configFile: string | null;
}

/**
 * Find the folders that hold runs: `<git common dir>/fleet-orch/runs`, the
 * config's `report.dir`, and every `--report-dir`.
 *
 * @param options `--repo`, `--report-dir` values, environment.
 * @returns The folders, the settings of the config and the redactor.
 * @throws {UsageError} When no repository is found and no report folder is given.
 */
export async function openStatsSources(options: {
  repo?: string | undefined;
  /** `--config`: read this file instead of the default; an invalid one is an error. */
  config?: string | undefined;
  reportDirs?: readonly string[] | undefined;
  env?: Record<string, string>;
}): Promise<StatsSources> {
  const env = options.env ?? Deno.env.toObject();
  const policy = await loadPolicy({ env });
  const exec = new ShellExecutor({ judge: (c) => policy.judgeCommand(c) });
  const reportDirs = (options.reportDirs ?? []).map((d) => resolve(d));
  const warnings: string[] = [];
  let repoRoot: string | null = null;
  const dirs: string[] = [];
  try {
    const start = resolve(options.repo ?? Deno.cwd());
    if (!existsSync(start)) throw new Error(`"${start}" does not exist`);
    const git = new Git(exec, start, (n) => env[n]);
    repoRoot = await git.root();
    dirs.push(join(await git.at(repoRoot).commonDir(), "fleet-orch", "runs"));
  } catch (e) {
    if (options.repo !== undefined || reportDirs.length === 0) {
      throw new UsageError(
        `${messageOf(e).replace(/\.$/, "")}; pass --repo DIR or --report-dir D`,
      );
    }
  }
  let config = parseConfig("{}", DEFAULT_CONFIG_FILE).config;
  // The file check and run would read: --config, else fleet-orch.yaml at the
  // root (the seed's config.yaml when that is absent and validates).
  const envLookup = (n: string) => env[n];
  let configRead: string | null = null;
  const file = options.config !== undefined
    ? resolve(options.config)
    : repoRoot
    ? await findConfigFile(repoRoot, { env: envLookup })
    : null;
  if (options.config !== undefined) {
    // Asked for by name: an unreadable or invalid file is a config error (exit 2).
    config = (await loadConfig(file!, { env: envLookup })).config;
    configRead = file;
  } else if (file && existsSync(file)) {
    try {
      config = (await loadConfig(file, { env: envLookup })).config;
      configRead = file;
    } catch (e) {
      const first = e instanceof ConfigError ? e.problems[0]?.message : messageOf(e);
      warnings.push(`Ignoring the config "${file}" (${first}); recommendations assume defaults`);
    }
  }
  const configDir = file ? dirname(resolve(file)) : repoRoot;
  // report.dir is relative to the repository root, as run and check write it.
  if (repoRoot && config.report.dir) dirs.push(resolve(repoRoot, config.report.dir));
  // The project's policy may add secret patterns: redact the output with it too.
  let redactor = policy;
  // safety.policy_file is relative to the config file's folder, as the runtime reads it.
  const policyFile = config.safety.policy_file && configDir
    ? resolve(configDir, config.safety.policy_file)
    : repoRoot
    ? join(repoRoot, DEFAULT_POLICY_FILE)
    : null;
  if (policyFile && existsSync(policyFile)) {
    try {
      redactor = await loadPolicy({ file: policyFile, env });
    } catch (e) {
      warnings.push(`Ignoring the policy "${policyFile}" for redaction: ${messageOf(e)}`);
    }
  }
  for (const d of reportDirs) if (!dirs.includes(d)) dirs.push(d);
  for (const d of reportDirs) {
    if (!existsSync(d)) warnings.push(`Report folder "${d}" does not exist`);
  }
  const { orchestrator: o, codex, jules } = config.agents;
  return {
    repoRoot,
    dirs,
    settings: {
      fixerModel: codex.model,
      reviewerModel: jules.model,
      reviewerEnabled: jules.enabled,
      contextTokens: codex.context_tokens,
      maxNoProgressIterations: o.max_no_progress_iterations,
      candidates: o.candidates,
      maxCostUsd: o.max_cost_usd,
      prices: config.pricing,
    },
    redact: (t) => redactor.redact(t),
    warnings,
    configFile: configRead,
  };
}
