/**
 * The one CI-definition edit allowed by default: an Azure Pipelines file
 * whose only change is which agent runs a job (`pool:` and the `vmImage:`
 * inside it) — the seed's headline OOM fix, moving a build from the 4 GB
 * self-hosted pool to the 7 GB Microsoft-hosted one.
 *
 * CI definitions are trusted inputs (docs/security.md), so this is a
 * structural check, not a path exception: the file is parsed before and after
 * the patch, every `pool` value is set aside, and the rest must be identical;
 * every line the patch adds or removes must lie inside a `pool` entry; the new
 * pools may only name a pool, an image and demands, as plain text (no
 * template expressions or macros). The rule `path.ci-agent-pool` of the
 * default policy switches it on; a repository's policy can `disable` it.
 *
 * The YAML parser is loaded lazily ({@link loadCiPoolParser}) so that
 * `policy check-command` does not pay for it at start-up; until it is loaded
 * the exception never applies (the patch is refused, fail closed).
 *
 * @module
 */

import type * as YamlLib from "yaml";
import { markAdded, resultingText } from "../patch/lines.ts";
import type { FilePatch } from "../patch/types.ts";
import { globMatch } from "../core/glob.ts";
import type { Policy } from "./types.ts";

/** The rule of the default policy that switches the exception on. */
export const CI_POOL_RULE = "path.ci-agent-pool";

/** Azure Pipelines files, whatever the rule says (the rule can only narrow this). */
const PIPELINE_GLOBS = [
  "azure-pipelines*.yml",
  "azure-pipelines*.yaml",
  "**/azure-pipelines*.yml",
  "**/azure-pipelines*.yaml",
  ".azure-pipelines*.yml",
  ".azure-pipelines*.yaml",
  ".azure-pipelines/**/*.yml",
  ".azure-pipelines/**/*.yaml",
];

/** Keys a `pool` mapping may hold after the change. */
const POOL_KEYS = new Set(["name", "vmImage", "demands"]);

let yaml: typeof YamlLib | undefined;

/**
 * Load the YAML parser the exception needs (once; cheap when `yaml` is
 * already in the process, as it is for `run`).
 */
export async function loadCiPoolParser(): Promise<void> {
  yaml ??= await import("yaml");
}

const fold = (p: string) => p.toLowerCase();

/**
 * Whether a file patch only switches agent pools in an Azure Pipelines file,
 * under a policy that has the exception on.
 *
 * @param policy The policy (its enabled `path.ci-agent-pool` rule decides which files).
 * @param fp The file patch that hit a protected-path rule.
 * @param base Reads a file as it is before the patch, or (when the patch is
 *   already applied, the worktree re-check) as it is after: both are tried.
 * @returns True when the exception applies.
 */
export function onlySwitchesAgentPool(
  policy: Policy,
  fp: FilePatch,
  base: ((path: string) => string | null) | undefined,
): boolean {
  const rule = policy.rules.find((r) => r.id === CI_POOL_RULE && r.enabled !== false);
  if (!rule?.match.path || !yaml || !base || fp.kind !== "modify" || fp.rename || fp.binary) {
    return false;
  }
  if (fp.refused !== null || fp.names.length === 0) return false;
  const ruleGlobs = rule.match.path.map(fold);
  const isPipeline = (n: string) =>
    PIPELINE_GLOBS.some((g) => globMatch(fold(g), fold(n))) &&
    ruleGlobs.some((g) => globMatch(g, fold(n)));
  if (!fp.names.every(isPipeline)) return false;
  const current = base(fp.oldPath ?? fp.newPath ?? "");
  if (current === null) return false;
  for (const [before, after] of _pairs(current, fp)) {
    if (before !== after && judgePoolSwitch(before, after).ok) return true;
  }
  return false;
}

/** Candidate (before, after) pairs: the base as the old file, then as the new one. */
function* _pairs(current: string, fp: FilePatch): Generator<[string, string]> {
  const forward = resultingText(current, fp);
  if (typeof forward === "string") yield [current, forward];
  const backward = resultingText(current, _reversed(fp));
  if (typeof backward === "string") yield [backward, current];
}

function _reversed(fp: FilePatch): FilePatch {
  return {
    ...fp,
    oldPath: fp.newPath,
    newPath: fp.oldPath,
    hunks: fp.hunks.map((h) => ({
      ...h,
      header: h.header
        ? {
          oldStart: h.header.newStart,
          oldLines: h.header.newLines,
          newStart: h.header.oldStart,
          newLines: h.header.oldLines,
        }
        : null,
      oldNoNewline: h.newNoNewline,
      newNoNewline: h.oldNoNewline,
      lines: h.lines.map((l) => ({
        ...l,
        kind: l.kind === "+" ? "-" as const : l.kind === "-" ? "+" as const : " " as const,
      })),
    })),
  };
}

/**
 * Judge two versions of a pipeline file: the only differences may be in
 * `pool` entries, and the new pools must be plain.
 *
 * @param before The file before.
 * @param after The file after.
 * @returns ok, or why not.
 */
export function judgePoolSwitch(before: string, after: string): { ok: boolean; why: string } {
  if (!yaml) return { ok: false, why: "the YAML parser is not loaded" };
  const a = _parse(before);
  const b = _parse(after);
  if (!a || !b) return { ok: false, why: "a version does not parse as one YAML document" };
  if (!_same(_withoutPools(a.value), _withoutPools(b.value))) {
    return { ok: false, why: "something besides pool / vmImage changed" };
  }
  const plain = _plainPools(b.value);
  if (plain) return { ok: false, why: plain };
  // Text check too: every changed line lies inside a pool entry, so a line
  // another parser reads differently cannot ride along.
  for (const [doc, from, to] of [[a, after, before], [b, before, after]] as const) {
    for (const l of markAdded(from, to)) {
      if (l.added && l.text.trim() !== "" && !doc.poolLines.has(l.line)) {
        return { ok: false, why: `line ${l.line} changes outside a pool entry` };
      }
    }
  }
  return { ok: true, why: "" };
}

interface _Parsed {
  value: unknown;
  poolLines: Set<number>;
}

function _parse(text: string): _Parsed | null {
  const y = yaml!;
  const lc = new y.LineCounter();
  const doc = y.parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length || doc.warnings.length) return null;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch {
    return null; // aliases: one edit could change several places
  }
  const poolLines = new Set<number>();
  y.visit(doc, {
    Pair(_k, pair) {
      if (!y.isScalar(pair.key) || pair.key.value !== "pool") return;
      const start = pair.key.range?.[0];
      const end = (pair.value as { range?: number[] } | null)?.range?.[1] ?? pair.key.range?.[1];
      if (start === undefined || end === undefined) return;
      const first = lc.linePos(start).line;
      // The end offset is just past the value (often the next line's start).
      const last = lc.linePos(Math.max(start, end - 1)).line;
      for (let l = first; l <= last; l++) poolLines.add(l);
    },
  });
  return { value, poolLines };
}

function _withoutPools(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(_withoutPools);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== "pool") out[k] = _withoutPools(x);
  return out;
}

function _same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const _EXPR = /\$\{\{|\$\(|\$\[/;

/** Why a pool of the new file is not plain, or null. */
function _plainPools(v: unknown): string | null {
  if (Array.isArray(v)) {
    for (const x of v) {
      const why = _plainPools(x);
      if (why) return why;
    }
    return null;
  }
  if (v === null || typeof v !== "object") return null;
  for (const [k, x] of Object.entries(v)) {
    if (k === "pool") {
      const why = _plainPool(x);
      if (why) return why;
    } else {
      const why = _plainPools(x);
      if (why) return why;
    }
  }
  return null;
}

function _plainPool(p: unknown): string | null {
  const scalar = (s: unknown) => typeof s === "string" && !_EXPR.test(s) && !s.includes("\n");
  if (scalar(p)) return null;
  if (p === null || typeof p !== "object" || Array.isArray(p)) {
    return "a pool is neither a name nor a mapping";
  }
  for (const [k, x] of Object.entries(p)) {
    if (!POOL_KEYS.has(k)) return `pool key "${k}" is not name, vmImage or demands`;
    const ok = k === "demands" && Array.isArray(x) ? x.every(scalar) : scalar(x);
    if (!ok) return `pool ${k} is not plain text (no expressions or macros)`;
  }
  return null;
}
