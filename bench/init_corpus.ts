/**
 * How close `init` comes to the gates real projects' own CI runs.
 *
 * The corpus (tests/fixtures/init_corpus/) holds 53 public projects: each
 * folder has `case.json` (the repository, the commit and path its CI file was
 * read from, the hand-labelled gate commands) and `tree/` (its CI files
 * reconstructed, plus the manifests and lockfiles whose presence matters).
 * A hash of the repository name splits it: the held-back part was labelled
 * first and measured before `init` was tuned on the other part.
 *
 * A proposed gate is compared as "DIR: command" (DIR its working directory,
 * with `cd DIR && ...` folded into it and leading `VAR=value`/`export`
 * words dropped). An expected entry is one command or a list of equivalent
 * spellings; `acceptable` lists commands that are neither required nor wrong
 * (a matrix variant, an install the sandbox needs). Precision counts every
 * other proposed command as wrong. The pre-fetch `init` adds so gates can run
 * offline (`cargo fetch`, `go mod download`, `mvn dependency:go-offline`,
 * `gradle dependencies`) is listed acceptable wherever CI does not run it, and
 * expected where it does.
 *
 * A second set of 20 projects (`"part": "heldout2"`, chosen for ecosystems and
 * CI styles the first under-represents: pnpm monorepos, poetry/hatch/nox/tox,
 * golangci-lint, Rust workspaces, Gradle Kotlin, Ruby, PHP, .NET, Elixir, Swift,
 * CMake, GitLab-only and Azure-only pipelines, reusable workflows and composite
 * actions) splits into `heldout2-tune` and `heldout2-test`: `init` was changed
 * with the first half in view and the second kept untouched.
 *
 * A third set of 14 projects (`"part": "heldout3"`: mainstream layouts a user
 * would first try `init` on: npm/yarn/pnpm libraries, pip/poetry/tox Python
 * packages, Go modules with golangci-lint or staticcheck, Rust crates, Maven
 * builds, a Deno workspace) was labelled by hand and measured before any change
 * it drove; it is not split.
 *
 * A fourth set of 11 projects (`"part": "heldout4"`: one well-known project per
 * slot: a pnpm TypeScript monorepo, a Nuxt app, a nox-driven Python CLI, a Django
 * app, a Go server, a Rust CLI gated through `just`, a Kotlin Gradle library, a
 * Ruby gem, a Laravel package, a .NET library built by a PowerShell script, a
 * CMake C++ library) was labelled by hand before `init` ran on it and is
 * measured once, after the changes made with the other parts in view.
 *
 * A fifth set of 8 projects (`"part": "heldout5"`: one well-known project per
 * mainstream slot, the first stored candidate with a readable CI file: a Vite
 * React app driven by yarn root scripts, a FastAPI service run through uv, a
 * Flask extension tested by tox under pdm, a Go CLI with a Makefile, a Rust
 * workspace, a Spring Boot app with the Maven wrapper, a Rails app, a Deno
 * site generator) was labelled by hand before `init` ran on it and is measured
 * once, after the changes made with heldout4 in view.
 *
 * A sixth set of 8 projects (`"part": "heldout6"`), chosen by a rule fixed
 * before any was looked at: one well-known public project per mainstream slot
 * the corpus lacks, the first stored candidate whose CI file is readable: an
 * Angular app, a Python data library built with hatchling, a Go library linted
 * through the golangci-lint action, a Rust CLI, a Gradle Spring Boot app, an
 * ASP.NET app, a Symfony bundle, a Phoenix app. It was labelled by hand before
 * `init` ran on it and is measured once, after the changes made with heldout5
 * in view.
 *
 * Run: `deno run -A bench/init_corpus.ts --part tuned|heldback|heldout2|heldout2-tune|heldout2-test|heldout3|heldout4|heldout5|heldout6|all [--json]`
 *
 * @module
 */

import { proposeGates, screenGates } from "../cli/init.ts";
import { loadJudge } from "../policies/judge.ts";

const DIR = new URL("../tests/fixtures/init_corpus/", import.meta.url);

/** One labelled project. */
export interface InitCase {
  /** Folder name under the corpus. */
  id: string;
  /** owner/name on GitHub. */
  repo: string;
  /** Commit the CI file was read at. */
  commit: string;
  /** CI files the tree reconstructs (path, or path@commit when read at another commit). */
  sources: string[];
  /** Gate commands the project's CI runs; a list is equivalent spellings. */
  expected: (string | string[])[];
  /** Commands that are neither required nor counted wrong. */
  acceptable: string[];
  /** "heldout2" ... "heldout6" for the later sets of projects; absent for the first 53. */
  part?: string;
}

/** The score of one project. */
export interface CaseScore {
  id: string;
  repo: string;
  proposed: string[];
  matched: number;
  expected: number;
  wrong: string[];
  missed: string[];
  /** Proposed commands the default policy denies or that run as root / pipe a download to a shell. */
  unsafe: string[];
  /** Commands `init` found in the project's files and refused (policy or sudo). */
  refused: string[];
}

/** The parts of the corpus `--part` selects. */
export const PARTS = [
  "tuned",
  "heldback",
  "heldout2",
  "heldout2-tune",
  "heldout2-test",
  "heldout3",
  "heldout4",
  "heldout5",
  "heldout6",
  "all",
] as const;
/** A part of the corpus. */
export type Part = (typeof PARTS)[number];

/**
 * Which part of the corpus a repository belongs to. The first 53 projects split
 * by a hash of the name into held-back and tuned; the second set (`"part":
 * "heldout2"` in case.json, labelled and measured before any change it drove)
 * splits by another byte of the same hash into a half `init` was tuned on and a
 * half kept untouched. The later sets (`"part": "heldout3"`, `"heldout4"`,
 * `"heldout5"`, `"heldout6"`) are one part each.
 */
export async function partOf(
  repo: string,
  marker?: string,
): Promise<
  | "heldback"
  | "tuned"
  | "heldout2-tune"
  | "heldout2-test"
  | "heldout3"
  | "heldout4"
  | "heldout5"
  | "heldout6"
> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(repo)),
  );
  if (
    marker === "heldout3" || marker === "heldout4" || marker === "heldout5" ||
    marker === "heldout6"
  ) return marker;
  if (marker === "heldout2") return digest[1]! % 2 === 0 ? "heldout2-tune" : "heldout2-test";
  return digest[0]! < 112 ? "heldback" : "tuned";
}

/** The labelled projects of a part. */
export async function loadCases(part: Part): Promise<InitCase[]> {
  const out: InitCase[] = [];
  for await (const e of Deno.readDir(DIR)) {
    if (!e.isDirectory) continue;
    const c = JSON.parse(await Deno.readTextFile(new URL(`${e.name}/case.json`, DIR)));
    const p = await partOf(c.repo, c.part);
    const keep = part === "all" || p === part || (part === "heldout2" && c.part === "heldout2");
    if (!keep) continue;
    out.push({ id: e.name, acceptable: [], ...c });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** A command line in a comparable form: "DIR: command". */
export function normalize(command: string, cwd = ""): string {
  let c = command.replace(/\s+/g, " ").trim();
  let dir = cwd.replace(/^\.\/?/, "").replace(/\/+$/, "");
  for (;;) {
    const before = c;
    c = c.replace(/^export [A-Za-z_][A-Za-z0-9_]*=\S* && /, "");
    c = c.replace(/^(?:[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*) )+/, "");
    const cd = /^cd (\S+) && (.*)$/.exec(c);
    if (cd && !cd[2]!.includes("cd ..")) {
      dir = [dir, cd[1]!.replace(/^\.\/?/, "").replace(/\/+$/, "")].filter(Boolean).join("/");
      c = cd[2]!;
    }
    if (c === before) break;
  }
  return dir ? `${dir}: ${c}` : c;
}

/** Score every project of a list. */
export async function scoreCases(cases: InitCase[]): Promise<CaseScore[]> {
  const judge = await loadJudge();
  const out: CaseScore[] = [];
  for (const c of cases) {
    const { kept: gates, refused } = await screenGates(
      await proposeGates(new URL(`${c.id}/tree/`, DIR).pathname),
    );
    const proposed = gates.map((g) => normalize(g.command, g.workingDirectory));
    const groups = c.expected.map((e) => (Array.isArray(e) ? e : [e]).map((x) => normalize(x)));
    const ok = new Set(c.acceptable.map((x) => normalize(x)));
    const hit = new Set<number>();
    const wrong: string[] = [];
    for (const p of proposed) {
      const i = groups.findIndex((alts, k) => !hit.has(k) && alts.includes(p));
      if (i >= 0) hit.add(i);
      else if (!ok.has(p) && !groups.some((alts) => alts.includes(p))) wrong.push(p);
    }
    const unsafe = gates.map((g) => g.command).filter((cmd) =>
      /(^|[;&|]\s*)sudo\s/.test(cmd) || !judge.judgeCommand(cmd).allowed
    );
    out.push({
      id: c.id,
      repo: c.repo,
      proposed,
      matched: hit.size,
      expected: groups.length,
      wrong,
      missed: groups.filter((_, k) => !hit.has(k)).map((alts) => alts[0]!),
      unsafe,
      refused: refused.map((r) => r.command),
    });
  }
  return out;
}

/** Totals over projects: command precision and recall (micro), and the share of projects fully found. */
export function totals(scores: CaseScore[]) {
  const matched = scores.reduce((s, x) => s + x.matched, 0);
  const expected = scores.reduce((s, x) => s + x.expected, 0);
  const wrong = scores.reduce((s, x) => s + x.wrong.length, 0);
  return {
    projects: scores.length,
    precision: matched + wrong ? matched / (matched + wrong) : 1,
    recall: expected ? matched / expected : 1,
    complete: scores.filter((s) => s.matched === s.expected && s.wrong.length === 0).length,
    unsafe: scores.reduce((s, x) => s + x.unsafe.length, 0),
    refused: scores.reduce((s, x) => s + x.refused.length, 0),
  };
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--part");
  const part = (i >= 0 ? Deno.args[i + 1] : "all") as Part;
  if (!PARTS.includes(part)) {
    console.error(`--part must be one of ${PARTS.join(", ")}, got "${part}"`);
    Deno.exit(2);
  }
  const scores = await scoreCases(await loadCases(part));
  const t = totals(scores);
  if (Deno.args.includes("--json")) {
    console.log(JSON.stringify({ part, totals: t, scores }, null, 2));
  } else {
    for (const s of scores) {
      const p = s.matched + s.wrong.length ? s.matched / (s.matched + s.wrong.length) : 1;
      const r = s.expected ? s.matched / s.expected : 1;
      console.log(`${s.repo.padEnd(48)} P ${p.toFixed(2)}  R ${r.toFixed(2)}`);
      for (const m of s.missed) console.log(`    missed: ${m}`);
      for (const w of s.wrong) console.log(`    wrong:  ${w}`);
      for (const u of s.unsafe) console.log(`    UNSAFE: ${u}`);
      for (const r of s.refused) console.log(`    refused: ${r}`);
    }
    console.log(
      `\n${part}: ${t.projects} projects, precision ${t.precision.toFixed(3)}, recall ${
        t.recall.toFixed(3)
      }, ${t.complete} exact, ${t.unsafe} unsafe proposals, ${t.refused} refused`,
    );
  }
}
