/**
 * `fleet-orch init`: write a starter fleet-orch.yaml for the repository whose
 * gates are what the project already runs.
 *
 * Sources, in order of trust: the project's own CI definitions (GitHub
 * workflows, Azure Pipelines, GitLab CI), then the package manager named by
 * the lockfile with the manifest's scripts, then the conventions of other
 * ecosystems (Deno, Python, Go, Rust, Maven/Gradle) and Makefile targets that
 * exist. A command is only proposed for a tool the project shows it uses.
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import { existsSync, readdirSync, statSync } from "node:fs";
import { guard, parseFlags } from "./_common.ts";
import { UsageError } from "../core/errors.ts";

/** What a gate does; gates are ordered by it. */
type Kind = "install" | "format" | "lint" | "typecheck" | "build" | "test" | "other";

const RANK: Record<Kind, number> = {
  install: 0,
  format: 1,
  lint: 2,
  typecheck: 3,
  build: 4,
  test: 5,
  other: 2.5,
};

const TIMEOUT: Record<Kind, number> = {
  install: 600,
  format: 300,
  lint: 600,
  typecheck: 600,
  build: 900,
  test: 900,
  other: 600,
};

/** One proposed gate. */
export interface ProposedGate {
  /** Gate name (key under quality_gates). */
  name: string;
  /** Shell command. */
  command: string;
  /** What the gate does. */
  kind: Kind;
  /** Where the command came from (written as a comment). */
  source: string;
  /** Order within the source, for commands whose kind is "other". */
  rank: number;
  /** Directory the CI step ran in (relative to the repository root). */
  workingDirectory?: string;
  /** The CI step may fail (continue-on-error, allow_failure): not a required gate. */
  optional?: boolean;
}

// ---------------------------------------------------------------- classify

/** First words of commands that set the machine up or publish, never gates. */
const NOT_GATE =
  /^(echo|printf|cd|ls|cat|pwd|export|set|mkdir|cp|mv|rm|touch|chmod|sudo|apt|apt-get|brew|choco|curl|wget|git|gh|docker|sleep|tee|env|which|corepack|nvm|source|\.|codecov|true|exit|if|then|fi|for|do|done|while|else|\[|\[\[|test\s+-[a-z]|md|strip|tar|unzip|sed|rustup|adb|emulator\S*|xvfb-run|until|pushd|popd)(\s|$)/;
/** Publishing, deploying, uploading and release steps. */
const PUBLISH =
  /\b(publish|deploy|release|upload|semantic-release|changeset\s+publish|twine|coveralls|codecov|gh-pages|surge|netlify|vercel|wrangler\s+deploy|push)\b/i;
/** Lines that set the runner up or report on it rather than check the code. */
const RUNNER_ONLY =
  /(\$GITHUB_(ENV|OUTPUT|PATH|STEP_SUMMARY)|\s&$|--version$|^(npm|pnpm|yarn)\s+(config|rm|remove|uninstall|ls|-s\s+ls)\b|^\(|>\s*\S+\.(lcov|info)$|\bplaywright\s+install\b|install-packages\b)/;

/** Set while reading a project: whether its Makefile's first target installs. */
let makeDefaultInstalls: (() => boolean) | undefined;

/**
 * Classify one shell command line from a CI definition, or `undefined` when it
 * is not a gate (setup, echo, upload, deploy...).
 */
function classify(command: string): Kind | undefined {
  const c = command.trim();
  if (!c || c.startsWith("#")) return undefined;
  if (/^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(c)) return undefined; // a bare assignment
  if (/^[A-Za-z_][A-Za-z0-9_]*=("|'|\$\()/.test(c) && !/\s(&&|\|\|)\s/.test(c)) {
    return undefined; // a variable set from a string or a command's output
  }
  if (NOT_GATE.test(c) || PUBLISH.test(c) || RUNNER_ONLY.test(c)) return undefined;
  // Adding a package changes the manifest: a matrix variant, not a gate.
  if (/^(yarn|pnpm|bun)\s+add\s/.test(c) || /^npm\s+(i|install)\s+(?!-)\S/.test(c)) {
    return undefined;
  }
  if (/^npm\s+(i|install)\s+--save/.test(c)) return undefined;
  // Tools installed for CI's own use (go install x@latest) are not the project's gates.
  if (/^go\s+install\s+\S+@/.test(c) || /^go\s+install\s+\S+"/.test(c)) return undefined;
  // Global tool installs and pip self-upgrades prepare the runner, not the project.
  if (/\b(npm|pnpm|yarn|bun)\s+(i|install|add)\s+(-g|--global)\b/.test(c)) return undefined;
  if (/\byarn\s+global\s+add\b/.test(c)) return undefined;
  if (/\bpip3?\s+install\s+(-U\s+|--upgrade\s+)+(pip|setuptools|wheel)(\s|$)/.test(c)) {
    return undefined;
  }
  if (/\b(playwright|puppeteer)\s+install\b/.test(c)) return undefined;
  if (
    /^(npm\s+(ci|install|i)|pnpm\s+(install|i)|yarn\s*$|yarn\s+install|bun\s+(install|i)|deno\s+install|pip3?\s+install|python3?\s+-m\s+pip\s+install|poetry\s+install|uv\s+sync|pipenv\s+install|go\s+mod\s+download|cargo\s+fetch|bundle\s+install|composer\s+install)(\s|$)/
      .test(c)
  ) return "install";
  if (c === "make" && makeDefaultInstalls?.()) return "install";
  // A project's own install script (scripts/install, ./bootstrap) prepares it.
  if (/^(\.\/)?([\w.-]+\/)*(install|bootstrap|setup-deps)(\.sh)?(\s|$)/.test(c)) return "install";
  if (
    /^(composer\s+(update|install)|dotnet\s+restore|mvn\b.*dependency:go-offline)(\s|$)/.test(c)
  ) {
    return "install";
  }
  // `bun run lint:ci -x`: the script's name says what it does, not its flags.
  const script = /^(?:npm|pnpm|yarn|bun|deno)\s+(?:run|task)\s+(\S+)/.exec(c)?.[1] ??
    /^(?:npm|pnpm|yarn|bun)\s+(test|lint|build)\b/.exec(c)?.[1];
  const words = (script ?? c).toLowerCase();
  if (/\b(typecheck|type-check|check-types|tsc|mypy|pyright|deno\s+check)\b/.test(words)) {
    return "typecheck";
  }
  if (/\b(format|fmt|prettier|black|gofmt|isort)\b/.test(words)) return "format";
  if (
    /\b(lint|eslint|ruff|flake8|pylint|clippy|vet|golangci-lint|biome|stylelint|pmd|checkstyle|spotbugs|detekt|ktlint|rubocop|phpstan|psalm|shellcheck|php\s+-l)\b/
      .test(words)
  ) {
    return "lint";
  }
  if (
    /\b(test|tests|pytest|jest|vitest|mocha|tox|nox|verify|ctest|unit|spec|rspec|rake|runtest\S*|check)\b/
      .test(words)
  ) return "test";
  if (/\b(build|compile|assemble|package|tsup|vite\s+build|webpack|rollup)\b/.test(words)) {
    return "build";
  }
  return "other";
}

/** Split a `run:`/`script:` block into command lines, joining `\` continuations. */
function commandLines(block: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (const raw of block.split("\n")) {
    const line = raw.trimEnd();
    if (line.endsWith("\\")) {
      cur += line.slice(0, -1).trim() + " ";
      continue;
    }
    const full = (cur + line.trim()).trim();
    cur = "";
    if (full) out.push(full);
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Lines of shell control flow. */
const SHELL_LOGIC = /^(if|case|for|while|until|declare|set\s+-o|shopt)\s/;
/** Lines that change the shell's state for the lines after them. */
const CONTEXT = /^(cd|pushd|export|source|\.)\s/;
/** Lines that set the machine up (root, downloads): a block with one is not a gate. */
const MACHINE_SETUP = /^(sudo|apt|apt-get|brew|choco|wget|curl|git\s+clone)(\s|$)/;

/**
 * The gates of one `run:`/`script:` block. Lines are separate gates, except in
 * a block whose lines depend on each other (`cd`, `export`): it stays one gate,
 * joined with && (CI runs blocks with bash -e), named by its last gate line.
 */
function blockGates(block: string): { line: string; kind: Kind }[] {
  // `cmd || { upload the logs; exit 1; }`: the handler reports a failure CI already sees.
  const lines = commandLines(block.replace(/\s*\|\|\s*\{[\s\S]*\}\s*$/, ""));
  // A block that downloads or installs onto the machine prepares the runner, and a block of
  // shell logic (if/case/loops) is a script of CI's own: neither is a gate.
  if (lines.some((l) => /\b(curl|wget)\b|^git\s+clone\b/.test(l))) return [];
  if (lines.some((l) => SHELL_LOGIC.test(l))) return [];
  if (lines.length > 1 && lines.some((l) => CONTEXT.test(l))) {
    if (lines.some((l) => MACHINE_SETUP.test(l))) return [];
    const kinds = lines.map(classify).filter((k): k is Kind => k !== undefined);
    const kind = kinds.filter((k) => k !== "other").at(-1) ?? kinds.at(-1);
    return kind ? [{ line: lines.join(" && "), kind }] : [];
  }
  return lines.flatMap((line) => {
    const kind = classify(line);
    return kind ? [{ line, kind }] : [];
  });
}

/** One `run:`/`script:` block of a CI job. */
interface CiCommand {
  text: string;
  cwd?: string;
  optional?: boolean;
}

/** The commands of one CI job, with where they came from. */
interface CiJob {
  /** The job's name in its file. */
  id: string;
  source: string;
  commands: CiCommand[];
}

function ciCommand(text: string, cwd: unknown, optional: unknown): CiCommand {
  return {
    text,
    ...(typeof cwd === "string" && cwd.trim() ? { cwd: cwd.trim() } : {}),
    ...(optional === true ? { optional: true } : {}),
  };
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
}

function scriptList(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) {
    return v.flatMap((x) => (Array.isArray(x) ? x : [x])).filter((x) => typeof x === "string");
  }
  return [];
}

async function parseYamlFile(file: string): Promise<unknown> {
  // The yaml package is loaded only when a CI file exists (start-up cost).
  const { parse } = await import("yaml");
  try {
    return parse(await Deno.readTextFile(file));
  } catch {
    return undefined; // an unreadable CI file proposes nothing rather than failing init
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** The first value of each matrix key: the variant a local run stands for. */
function firstMatrix(job: Record<string, unknown>): Record<string, string> {
  const matrix = asRecord(asRecord(job.strategy)?.matrix) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(matrix)) {
    if (Array.isArray(v) && v.length && typeof v[0] !== "object") out[k] = String(v[0]);
  }
  const first = Array.isArray(matrix.include) ? asRecord(matrix.include[0]) : undefined;
  for (const [k, v] of Object.entries(first ?? {})) {
    if (!(k in out) && typeof v !== "object") out[k] = String(v ?? "");
  }
  return out;
}

/**
 * Whether a step's `if:` holds for the first matrix variant. Only conjunctions of
 * `matrix.k == 'v'` / `matrix.k != 'v'` are understood; anything else is false
 * (the step runs for some variants only).
 */
function matrixCondition(cond: string, matrix: Record<string, string>): boolean {
  const clauses = cond.replace(/^\s*\$\{\{|\}\}\s*$/g, "").split("&&");
  return clauses.every((c) => {
    const m = /^\s*matrix\.([A-Za-z0-9_-]+)\s*(==|!=)\s*'([^']*)'\s*$/.exec(c);
    if (!m) return false;
    const equal = (matrix[m[1]!] ?? "") === m[3];
    return m[2] === "==" ? equal : !equal;
  });
}

/** Literal `env:` values (no expressions) of a workflow or job. */
function literalEnv(env: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(env) ?? {})) {
    const text = v === null ? "" : String(v);
    if (!text.includes("${{")) out[k] = text;
  }
  return out;
}

/** Replace `${{ matrix.x }}` and `${{ env.X }}` whose values are known; others stay. */
function expand(text: string, matrix: Record<string, string>, env: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(matrix|env)\.([A-Za-z0-9_-]+)\s*\}\}/g, (all, scope, key) => {
    const v = scope === "matrix" ? matrix[key] : env[key];
    return v === undefined ? all : v;
  });
}

/** `uses:` actions that are a command in another spelling. */
function actionCommand(step: Record<string, unknown>): string | undefined {
  const uses = String(step.uses ?? "");
  const w = asRecord(step.with) ?? {};
  if (/^actions-rs\/cargo@/.test(uses) && typeof w.command === "string") {
    return ["cargo", w.command, typeof w.args === "string" ? w.args : ""].join(" ").trim();
  }
  return undefined;
}

async function githubJobs(dir: string): Promise<CiJob[]> {
  const wfDir = join(dir, ".github", "workflows");
  const jobs: CiJob[] = [];
  for (const f of listDir(wfDir).filter((n) => /\.ya?ml$/.test(n))) {
    const doc = asRecord(await parseYamlFile(join(wfDir, f)));
    const wfEnv = literalEnv(doc?.env);
    for (const [id, j] of Object.entries(asRecord(doc?.jobs) ?? {})) {
      const job = asRecord(j);
      const steps = job?.steps;
      if (!job || !Array.isArray(steps)) continue;
      const matrix = firstMatrix(job);
      const env = { ...wfEnv, ...literalEnv(job.env) };
      const jobCwd = asRecord(asRecord(job.defaults)?.run)?.["working-directory"];
      const commands = steps.flatMap((s) => {
        const step = asRecord(s);
        if (!step) return [];
        // A step run only for some matrix variants is not what a local run stands for.
        if (typeof step.if === "string" && /\bmatrix\./.test(step.if)) {
          if (!matrixCondition(step.if, matrix)) return [];
        }
        const run = typeof step.run === "string" ? step.run : actionCommand(step);
        // Other `uses:` steps are setup actions, checkouts and uploads: never gates.
        if (run === undefined) return [];
        const cwd = step["working-directory"] ?? jobCwd;
        return [ciCommand(
          expand(run, matrix, env),
          typeof cwd === "string" ? expand(cwd, matrix, env) : cwd,
          step["continue-on-error"],
        )];
      });
      jobs.push({ id, source: `.github/workflows/${f}, job "${id}"`, commands });
    }
  }
  return jobs;
}

/** Azure Pipelines tasks that are a command in another spelling. */
function azureTask(step: Record<string, unknown>, dir: string): string | undefined {
  const task = String(step.task ?? "").replace(/@\d+$/, "");
  const inputs = asRecord(step.inputs) ?? {};
  const str = (k: string) => (typeof inputs[k] === "string" ? (inputs[k] as string).trim() : "");
  switch (task) {
    case "Npm": {
      const cmd = str("command") || "install";
      return cmd === "custom" ? `npm ${str("customCommand")}` : `npm ${cmd}`;
    }
    case "DotNetCoreCLI": {
      const cmd = str("command") || "build";
      return ["restore", "build", "test"].includes(cmd) ? `dotnet ${cmd}` : undefined;
    }
    case "Maven":
      return `${existsSync(join(dir, "mvnw")) ? "./mvnw" : "mvn"} -B ${str("goals") || "package"}`;
    case "Gradle":
      return `./gradlew ${str("tasks") || "build"}`;
    case "gulp":
      return "npx gulp";
  }
  return undefined;
}

function azureSteps(steps: unknown, dir: string, vars: Record<string, string>): CiCommand[] {
  if (!Array.isArray(steps)) return [];
  const sub = (t: string) => t.replace(/\$\(([A-Za-z0-9_.]+)\)/g, (all, k) => vars[k] ?? all);
  return steps.flatMap((s) => {
    const step = asRecord(s);
    if (!step) return [];
    for (const key of ["script", "bash", "pwsh"]) {
      if (typeof step[key] === "string") {
        const text = sub(step[key] as string);
        const cwd = typeof step.workingDirectory === "string"
          ? sub(step.workingDirectory)
          : undefined;
        return [ciCommand(
          key === "pwsh" ? `pwsh -Command ${JSON.stringify(text.trim())}` : text,
          cwd,
          step.continueOnError,
        )];
      }
    }
    const task = azureTask(step, dir);
    return task ? [ciCommand(task, undefined, step.continueOnError)] : [];
  });
}

/** Pipeline `variables:` given as a map or a list of name/value pairs (literal values only). */
function azureVariables(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, val: unknown) => {
    if (typeof val === "string" && !val.includes("$(")) out[k] = val;
  };
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = asRecord(x);
      if (r && typeof r.name === "string") put(r.name, r.value);
    }
  } else for (const [k, val] of Object.entries(asRecord(v) ?? {})) put(k, val);
  return out;
}

async function azureJobs(dir: string): Promise<CiJob[]> {
  const files = ["azure-pipelines.yml", "azure-pipelines.yaml"].filter((f) =>
    existsSync(join(dir, f))
  );
  for (const f of listDir(join(dir, ".azure-pipelines"))) {
    if (/\.ya?ml$/.test(f)) files.push(`.azure-pipelines/${f}`);
  }
  const out: CiJob[] = [];
  for (const f of files) {
    const doc = asRecord(await parseYamlFile(join(dir, f)));
    if (!doc) continue;
    const vars = azureVariables(doc.variables);
    const visitJobs = (jobs: unknown, prefix: string) => {
      if (!Array.isArray(jobs)) return;
      for (const j of jobs) {
        const job = asRecord(j);
        if (!job) continue;
        const id = String(job.job ?? job.deployment ?? "job");
        // Deployment jobs ship the build; they are not gates.
        if (job.deployment !== undefined) continue;
        out.push({
          id,
          source: `${f}, ${prefix}job "${id}"`,
          commands: azureSteps(job.steps, dir, vars),
        });
      }
    };
    if (doc.steps) out.push({ id: "", source: f, commands: azureSteps(doc.steps, dir, vars) });
    visitJobs(doc.jobs, "");
    if (Array.isArray(doc.stages)) {
      for (const st of doc.stages) {
        const stage = asRecord(st);
        if (stage) visitJobs(stage.jobs, `stage "${String(stage.stage ?? "")}", `);
      }
    }
  }
  return out;
}

/** A relative directory after `cd step` from `from` (undefined: the root); undefined when it leaves the root. */
function joinDir(from: string | undefined, step: string): string | undefined {
  const parts = from ? from.split("/") : [];
  for (const p of step.split("/")) {
    if (p === "..") parts.pop();
    else if (p && p !== ".") parts.push(p);
  }
  return parts.length ? parts.join("/") : undefined;
}

const GITLAB_RESERVED = new Set([
  "stages",
  "variables",
  "default",
  "include",
  "workflow",
  "image",
  "services",
  "before_script",
  "after_script",
  "cache",
  "pages",
]);

async function gitlabJobs(dir: string): Promise<CiJob[]> {
  const file = join(dir, ".gitlab-ci.yml");
  if (!existsSync(file)) return [];
  const doc = asRecord(await parseYamlFile(file));
  if (!doc) return [];
  const defaultBefore = scriptList(asRecord(doc.default)?.before_script ?? doc.before_script);
  const out: CiJob[] = [];
  for (const [id, j] of Object.entries(doc)) {
    const job = asRecord(j);
    if (GITLAB_RESERVED.has(id) || id.startsWith(".") || !job || job.script === undefined) {
      continue;
    }
    if (job.environment !== undefined || /deploy|release|publish/i.test(String(job.stage ?? ""))) {
      continue; // deployment jobs are not gates
    }
    const before = job.before_script !== undefined ? scriptList(job.before_script) : defaultBefore;
    let cwd: string | undefined;
    const commands: CiCommand[] = [];
    for (const t of [...before, ...scriptList(job.script)]) {
      // GitLab runs the items in one shell: a `cd` (alone or in a && chain) moves the later ones.
      if (!/^cd\s+[\w./-]+\s*$/.test(t.trim())) commands.push(ciCommand(t, cwd, job.allow_failure));
      for (const part of t.split("&&")) {
        const cd = /^\s*cd\s+([\w./-]+)\s*$/.exec(part);
        if (cd) cwd = joinDir(cwd, cd[1]!);
      }
    }
    out.push({ id, source: `.gitlab-ci.yml, job "${id}"`, commands });
  }
  return out;
}

/** Jobs that ship, document, measure or try another platform: never the project's gates. */
const SIDE_JOB =
  /release|deploy|publish|docs?\b|bench|coverage|windows|macos|e2e|browser|nightly|canary|size|perf|license|sanitizer|valgrind|32bit|-old|legacy|lowest|msrv|beta/i;

/**
 * The gates of the CI job that tests (the job with a test command covering
 * the most kinds of gate; ties: more commands, then the first found), plus
 * the gates of other jobs that check a kind it lacks (a separate lint job).
 * Steps still using CI expressions (`${{ }}`, `$(var)`) cannot run outside CI
 * and are left out.
 */
async function ciGates(dir: string): Promise<ProposedGate[]> {
  makeDefaultInstalls = () => {
    const text = readText(join(dir, "Makefile"));
    const first =
      [...text.matchAll(/^([A-Za-z0-9_-][A-Za-z0-9_.-]*)\s*:(?!=)[^\n]*\n((?:\t[^\n]*\n?)*)/gm)][0];
    return !!first && /install|deps|init|setup/.test(first[1]! + first[2]!);
  };
  const jobs = [...await githubJobs(dir), ...await azureJobs(dir), ...await gitlabJobs(dir)];
  const scored: { job: CiJob; gates: ProposedGate[]; score: number; kinds: Set<Kind> }[] = [];
  for (const job of jobs) {
    const gates: ProposedGate[] = [];
    let last = 0;
    for (const { text: block, cwd, optional } of job.commands) {
      if (/\$\{\{|\$\([A-Za-z_.]+\)/.test(block + (cwd ?? ""))) continue;
      for (const { line, kind } of blockGates(block)) {
        // A command whose purpose is unknown keeps its place among its neighbours.
        const rank = kind === "other" ? last + 0.5 : RANK[kind];
        if (kind !== "other") last = RANK[kind];
        gates.push({
          name: "",
          command: line,
          kind,
          source: job.source,
          rank,
          ...(cwd && cwd !== "." && cwd !== "./" ? { workingDirectory: cwd } : {}),
          ...(optional ? { optional } : {}),
        });
      }
    }
    if (!gates.some((g) => g.kind !== "install")) continue;
    const kinds = new Set(gates.filter((g) => g.kind !== "other").map((g) => g.kind));
    const score = (kinds.has("test") ? 1000 : 0) + 10 * kinds.size + gates.length;
    scored.push({ job, gates, score, kinds });
  }
  const main = scored.reduce<(typeof scored)[number] | undefined>(
    (best, x) => (!best || x.score > best.score ? x : best),
    undefined,
  );
  if (!main) return [];
  const covered = new Set(main.kinds);
  const out = [...main.gates];
  for (const x of scored) {
    if (x === main || SIDE_JOB.test(x.job.source)) continue;
    const adds = [...x.kinds].filter((k) => k !== "install" && !covered.has(k));
    // A job named for tests is the project's tests; a job of static checks only
    // (lint, format, types) checks the code whatever else the main job does.
    const testJob = /^(test|tests|unit)([-_ ]|$)|[-_ ](test|tests)$/i.test(x.job.id);
    const checksOnly = [...x.kinds].every((k) =>
      ["install", "format", "lint", "typecheck"].includes(k)
    );
    if (adds.length === 0 && !testJob && !checksOnly) continue;
    for (const k of adds) covered.add(k);
    out.push(...x.gates);
  }
  return out;
}

// ---------------------------------------------------------------- manifests

interface PackageManager {
  name: "bun" | "pnpm" | "yarn" | "npm";
  install: string;
  lockfile: string | undefined;
  run: (script: string) => string;
}

function packageManager(dir: string): PackageManager {
  const has = (f: string) => existsSync(join(dir, f));
  if (has("bun.lock") || has("bun.lockb")) {
    return {
      name: "bun",
      install: "bun install --frozen-lockfile",
      lockfile: has("bun.lock") ? "bun.lock" : "bun.lockb",
      run: (s) => `bun run ${s}`,
    };
  }
  if (has("pnpm-lock.yaml")) {
    return {
      name: "pnpm",
      install: "pnpm install --frozen-lockfile",
      lockfile: "pnpm-lock.yaml",
      run: (s) => `pnpm run ${s}`,
    };
  }
  if (has("yarn.lock")) {
    // Yarn 2+ (a .yarnrc.yml) spells the frozen install --immutable.
    return {
      name: "yarn",
      install: has(".yarnrc.yml") ? "yarn install --immutable" : "yarn install --frozen-lockfile",
      lockfile: "yarn.lock",
      run: (s) => `yarn run ${s}`,
    };
  }
  const lock = has("package-lock.json") ? "package-lock.json" : undefined;
  return {
    name: "npm",
    install: lock ? "npm ci" : "npm install",
    lockfile: lock,
    run: (s) => (s === "test" ? "npm test" : `npm run ${s}`),
  };
}

/** Script names per kind, most specific first; `check` marks names kept only when the body checks. */
const SCRIPT_NAMES: [Kind, string[]][] = [
  ["format", [
    "format:check",
    "fmt:check",
    "check:format",
    "check-format",
    "prettier:check",
    "format",
    "fmt",
  ]],
  ["lint", ["lint", "lint:check", "eslint"]],
  ["typecheck", ["typecheck", "type-check", "check-types", "types", "tsc", "check:types"]],
  ["build", ["build"]],
  ["test", ["test", "test:unit", "tests"]],
];

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return asRecord(JSON.parse(await Deno.readTextFile(file)));
  } catch {
    return undefined;
  }
}

async function nodeGates(dir: string): Promise<ProposedGate[]> {
  const pm = packageManager(dir);
  const manifest = await readJson(join(dir, "package.json"));
  const scripts = asRecord(manifest?.scripts) ?? {};
  const gates: ProposedGate[] = [{
    name: "install",
    command: pm.install,
    kind: "install",
    source: pm.lockfile ? `${pm.lockfile} (${pm.name})` : "package.json, no lockfile (npm)",
    rank: 0,
  }];
  for (const [kind, names] of SCRIPT_NAMES) {
    for (const name of names) {
      const body = scripts[name];
      if (typeof body !== "string") continue;
      // npm's placeholder test script always fails; it is not a test suite.
      if (kind === "test" && /no test specified/.test(body)) continue;
      // A format script that rewrites files would always pass: only checking ones are gates.
      if (kind === "format" && !/--check|--list-different|\s-l(\s|$)|check/.test(body)) continue;
      gates.push({
        name,
        command: pm.run(name),
        kind,
        source: `package.json script "${name}" (${pm.name})`,
        rank: RANK[kind],
      });
      break;
    }
  }
  return gates;
}

function readText(file: string): string {
  try {
    return Deno.readTextFileSync(file);
  } catch {
    return "";
  }
}

function denoGates(dir: string): ProposedGate[] {
  const name = existsSync(join(dir, "deno.json")) ? "deno.json" : "deno.jsonc";
  let tasks: Record<string, unknown> = {};
  try {
    // deno.jsonc may hold comments: strip whole-line ones before parsing.
    const text = readText(join(dir, name)).replace(/^\s*\/\/.*$/gm, "");
    tasks = asRecord(asRecord(JSON.parse(text || "{}"))?.tasks) ?? {};
  } catch {
    // unparsable: the conventions below still apply
  }
  const pick = (kind: Kind, taskNames: string[], fallback?: string): ProposedGate[] => {
    const t = taskNames.find((n) => tasks[n] !== undefined);
    if (t) {
      return [{
        name: t,
        command: `deno task ${t}`,
        kind,
        source: `${name} task "${t}"`,
        rank: RANK[kind],
      }];
    }
    return fallback
      ? [{
        // "fmt" is Deno's own word for it (and the name earlier starters used).
        name: kind === "format" ? "fmt" : kind,
        command: fallback,
        kind,
        source: `${name} (Deno convention)`,
        rank: RANK[kind],
      }]
      : [];
  };
  return [
    ...pick("format", ["fmt:check", "format:check"], "deno fmt --check"),
    ...pick("lint", ["lint"], "deno lint"),
    ...pick("typecheck", ["check", "typecheck"]),
    ...pick("build", ["build"]),
    ...pick("test", ["test"], "deno test -A"),
  ];
}

function pythonGates(dir: string): ProposedGate[] {
  const has = (f: string) => existsSync(join(dir, f));
  const text = [
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
    "setup.cfg",
    "tox.ini",
  ]
    .map((f) => readText(join(dir, f))).join("\n");
  const uses = (tool: string) => new RegExp(`\\b${tool}\\b`, "i").test(text);
  let install: string;
  let installSource: string;
  let prefix = "python3 -m ";
  if (has("uv.lock")) {
    install = "uv sync";
    installSource = "uv.lock (uv)";
    prefix = "uv run ";
  } else if (has("poetry.lock")) {
    install = "poetry install";
    installSource = "poetry.lock (poetry)";
    prefix = "poetry run ";
  } else if (has("requirements.txt")) {
    install = "python3 -m pip install -r requirements.txt";
    installSource = "requirements.txt (pip)";
  } else {
    install = "python3 -m pip install -e .";
    installSource = "pyproject.toml (pip)";
  }
  const gates: ProposedGate[] = [{
    name: "install",
    command: install,
    kind: "install",
    source: installSource,
    rank: 0,
  }];
  if (has("requirements-dev.txt") && !has("uv.lock") && !has("poetry.lock")) {
    gates.push({
      name: "install_dev",
      command: "python3 -m pip install -r requirements-dev.txt",
      kind: "install",
      source: "requirements-dev.txt (pip)",
      rank: 0,
    });
  }
  const add = (kind: Kind, name: string, command: string, why: string) =>
    gates.push({ name, command, kind, source: why, rank: RANK[kind] });
  if (uses("black")) add("format", "format", `${prefix}black --check .`, "black in the manifests");
  else if (uses("ruff")) {
    add("format", "format", `${prefix}ruff format --check .`, "ruff in the manifests");
  }
  if (uses("ruff")) add("lint", "lint", `${prefix}ruff check .`, "ruff in the manifests");
  else if (uses("flake8")) add("lint", "lint", `${prefix}flake8`, "flake8 in the manifests");
  if (uses("mypy")) add("typecheck", "typecheck", `${prefix}mypy .`, "mypy in the manifests");
  if (uses("pytest") || has("pytest.ini") || has("conftest.py")) {
    add("test", "test", `${prefix}pytest -q`, "pytest in the manifests");
  } else if (existsSync(join(dir, "tests")) || existsSync(join(dir, "test"))) {
    add(
      "test",
      "test",
      `${prefix}unittest discover`,
      "a tests folder and no pytest (unittest)",
    );
  }
  return gates;
}

function goGates(dir: string): ProposedGate[] {
  const g = (name: string, command: string, kind: Kind, source = "go.mod (Go convention)") => ({
    name,
    command,
    kind,
    source,
    rank: RANK[kind],
  });
  const gates: ProposedGate[] = [
    // The sandbox has no network outside install gates: fetch modules first.
    g("install", "go mod download", "install"),
    g("vet", "go vet ./...", "lint"),
  ];
  if ([".golangci.yml", ".golangci.yaml", ".golangci.toml"].some((f) => existsSync(join(dir, f)))) {
    gates.push(g("golangci_lint", "golangci-lint run", "lint", "golangci-lint configuration"));
  }
  gates.push(g("build", "go build ./...", "build"), g("test", "go test ./...", "test"));
  return gates;
}

function rustGates(dir: string): ProposedGate[] {
  const gates: ProposedGate[] = [
    {
      name: "install",
      command: "cargo fetch",
      kind: "install",
      source: "Cargo.toml (Rust convention)",
      rank: 0,
    },
  ];
  if (existsSync(join(dir, "rustfmt.toml")) || existsSync(join(dir, ".rustfmt.toml"))) {
    gates.push({
      name: "format",
      command: "cargo fmt --check",
      kind: "format",
      source: "rustfmt.toml",
      rank: 1,
    });
  }
  if (existsSync(join(dir, "clippy.toml")) || existsSync(join(dir, ".clippy.toml"))) {
    gates.push({
      name: "clippy",
      command: "cargo clippy --offline -- -D warnings",
      kind: "lint",
      source: "clippy.toml",
      rank: 2,
    });
  }
  gates.push({
    name: "test",
    command: "cargo test --offline",
    kind: "test",
    source: "Cargo.toml (Rust convention)",
    rank: 5,
  });
  return gates;
}

function jvmGates(dir: string): ProposedGate[] {
  const has = (f: string) => existsSync(join(dir, f));
  if (has("pom.xml")) {
    const mvn = has("mvnw") ? "./mvnw -B" : "mvn -B";
    return [
      {
        name: "install",
        command: `${mvn} dependency:go-offline`,
        kind: "install",
        source: "pom.xml (Maven)",
        rank: 0,
      },
      {
        name: "test",
        command: `${mvn} -o verify`,
        kind: "test",
        source: "pom.xml (Maven)",
        rank: 5,
      },
    ];
  }
  const file = ["build.gradle", "build.gradle.kts"].find(has);
  if (!file) return [];
  const gradle = has("gradlew") ? "./gradlew --no-daemon" : "gradle --no-daemon";
  return [
    {
      name: "install",
      command: `${gradle} dependencies`,
      kind: "install",
      source: `${file} (Gradle)`,
      rank: 0,
    },
    {
      name: "test",
      command: `${gradle} --offline check`,
      kind: "test",
      source: `${file} (Gradle)`,
      rank: 5,
    },
  ];
}

function cmakeGates(dir: string): ProposedGate[] {
  const g = (name: string, command: string, kind: Kind): ProposedGate => ({
    name,
    command,
    kind,
    source: "CMakeLists.txt (CMake convention)",
    rank: RANK[kind],
  });
  const gates = [
    g("configure", "cmake -S . -B build", "build"),
    g("build", "cmake --build build", "build"),
  ];
  if (/enable_testing|add_test/i.test(readText(join(dir, "CMakeLists.txt")))) {
    gates.push(g("test", "ctest --test-dir build", "test"));
  }
  return gates;
}

/** Make targets that map to a gate kind, most specific first. */
const MAKE_TARGETS: [Kind, string[]][] = [
  ["install", ["install-deps", "deps", "setup"]],
  ["format", ["fmt-check", "format-check", "check-format", "check-fmt"]],
  ["lint", ["lint"]],
  ["typecheck", ["typecheck", "type-check"]],
  ["build", ["build", "all"]],
  ["test", ["test", "check"]],
];

function makeGates(dir: string): ProposedGate[] {
  const file = ["GNUmakefile", "Makefile", "makefile"].find((f) => existsSync(join(dir, f)));
  if (!file) return [];
  const targets = new Set<string>();
  for (const m of readText(join(dir, file)).matchAll(/^([A-Za-z0-9_.\-]+)\s*:(?!=)/gm)) {
    targets.add(m[1]!);
  }
  const gates: ProposedGate[] = [];
  for (const [kind, names] of MAKE_TARGETS) {
    const t = names.find((n) => targets.has(n));
    if (!t) continue;
    gates.push({
      name: kind === "install" ? "install" : t,
      command: `make ${t}`,
      kind,
      source: `${file} target "${t}"`,
      rank: RANK[kind],
    });
  }
  return gates;
}

/** Gates from the manifests and conventions of the ecosystems present. */
async function conventionGates(dir: string): Promise<ProposedGate[]> {
  const has = (f: string) => existsSync(join(dir, f));
  const out: ProposedGate[] = [];
  if (has("package.json")) out.push(...await nodeGates(dir));
  if (has("deno.json") || has("deno.jsonc")) out.push(...denoGates(dir));
  if (has("pyproject.toml") || has("requirements.txt") || has("setup.py")) {
    out.push(...pythonGates(dir));
  }
  if (has("go.mod")) out.push(...goGates(dir));
  if (has("Cargo.toml")) out.push(...rustGates(dir));
  out.push(...jvmGates(dir));
  if (has("CMakeLists.txt")) out.push(...cmakeGates(dir));
  // Makefile targets fill the kinds no ecosystem above supplied.
  const kinds = new Set(out.map((g) => g.kind));
  out.push(...makeGates(dir).filter((g) => !kinds.has(g.kind)));
  return out;
}

// ---------------------------------------------------------------- assemble

/** A gate name from its command: the script/task it runs, else its kind. */
function gateName(g: ProposedGate): string {
  if (g.name) return g.name;
  const m = /^(?:npm|pnpm|yarn|bun|deno)\s+(?:run|task)\s+([^\s]+)/.exec(g.command) ??
    /^make\s+([^\s]+)/.exec(g.command);
  if (m) return m[1]!;
  if (g.kind !== "other") return g.kind;
  return basename(g.command.split(/\s+/)[0] ?? "step");
}

/** A proposed command refused because it would run as root or the policy denies it. */
export interface RefusedGate {
  /** The command as the project's files spell it. */
  command: string;
  /** Where it came from. */
  source: string;
  /** Why it is not proposed. */
  reason: string;
}

/**
 * Split proposed gates into those the policy engine allows and those refused:
 * the commands come from an untrusted repository, so a gate that pipes a
 * download into a shell, runs a fetched program or runs as root is never
 * proposed (and would be refused when run, since every gate goes through the
 * policy engine).
 *
 * @param gates Gates from {@link proposeGates}.
 * @returns The allowed gates and the refused ones with the reason.
 */
export async function screenGates(
  gates: ProposedGate[],
): Promise<{ kept: ProposedGate[]; refused: RefusedGate[] }> {
  const { loadJudge } = await import("../policies/judge.ts");
  const judge = await loadJudge();
  const kept: ProposedGate[] = [];
  const refused: RefusedGate[] = [];
  for (const g of gates) {
    if (/(^|[;&|(]\s*)sudo\s/.test(g.command)) {
      refused.push({ command: g.command, source: g.source, reason: "runs as root (sudo)" });
      continue;
    }
    const v = judge.judgeCommand(g.command);
    if (v.allowed) kept.push(g);
    else refused.push({ command: g.command, source: g.source, reason: `policy: ${v.message}` });
  }
  return { kept, refused };
}

/**
 * The gates proposed for the project in `dir`, in run order (before the
 * policy screen of {@link screenGates}).
 *
 * @param dir The project root.
 * @returns Gates, empty when no tool of a known ecosystem is found.
 */
export async function proposeGates(dir: string): Promise<ProposedGate[]> {
  let gates = await ciGates(dir);
  if (gates.length > 0) {
    // CI installs through a setup action sometimes: the lockfile supplies the install.
    if (!gates.some((g) => g.kind === "install")) {
      const conv = await conventionGates(dir);
      const install = conv.filter((g) => g.kind === "install");
      gates = [...install, ...gates];
    }
  } else {
    gates = await conventionGates(dir);
  }
  // Stable order: install -> format -> lint -> typecheck -> build -> test.
  gates = gates.map((g, i) => ({ g, i })).sort((a, b) => a.g.rank - b.g.rank || a.i - b.i)
    .map(({ g }) => g);
  const seen = new Set<string>();
  const names = new Set<string>();
  const out: ProposedGate[] = [];
  for (const g of gates) {
    const key = `${g.workingDirectory ?? ""}\0${g.command}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const base = gateName(g).replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "") || "step";
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}_${n}`;
    names.add(name);
    out.push({ ...g, name });
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

// One gate as YAML, with the comment saying where it came from.
function gateEntry(g: ProposedGate): string {
  const lines = [
    `  # from ${g.source}`,
    `  ${g.name}:`,
    `    command: ${JSON.stringify(g.command)}`,
    `    timeout: ${TIMEOUT[g.kind]}`,
    `    required: ${!g.optional}`,
  ];
  if (g.workingDirectory) {
    lines.push(`    working_directory: ${JSON.stringify(g.workingDirectory)}`);
  }
  if (g.kind === "install") {
    lines.push(
      "    network: true         # downloads packages: keeps the network inside the sandbox",
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Build a starter config for the project in `dir`.
 *
 * @param dir The project root.
 * @returns YAML text.
 */
export async function starterConfig(dir: string): Promise<string> {
  const { kept: gates, refused } = isDir(dir)
    ? await screenGates(await proposeGates(dir))
    : { kept: [], refused: [] };
  const refusedYaml = refused.length === 0 ? "" : [
    "# Not proposed (commands from the project's files that fleet-orch will not run):",
    ...refused.map((r) => `#   ${r.command}  -- from ${r.source}; ${r.reason}`),
    "",
  ].join("\n");
  const gateYaml = gates.length === 0
    ? `quality_gates: {}\n${refusedYaml}# No CI definition, lockfile, manifest or Makefile target was found, so no gate
# is proposed. Add the commands that prove a change good, for example:
#   test:
#     command: "<your test command>"
#     timeout: 900
`
    : "quality_gates:\n" + gates.map(gateEntry).join("") + refusedYaml;
  return `# fleet-orch configuration. Every key is documented in config.yaml of the
# fleet-orch repository; "fleet-orch check" runs the gates once.
agents:
  orchestrator:
    max_iterations: 10
    max_no_progress_iterations: 3
  codex:            # the fixer model (any OpenAI-compatible endpoint)
    provider: openai
    model: gpt-4o
    temperature: 0.2
  jules:            # the reviewer model
    provider: openai
    model: gpt-4o
    temperature: 0.1

${gateYaml}
safety:
  forbidden_commands:
    - "rm -rf /"
    - "kubectl delete namespace"
    - "az group delete"
`;
}

/** Help text. */
export const help = `Usage: fleet-orch init [options]

Write a starter fleet-orch.yaml at the root of the current directory (or --repo)
whose quality gates are what the project already runs, each with a comment
saying where it came from. Sources, in order:
  1. CI definitions: the testing job of .github/workflows/*.yml (run: steps),
     azure-pipelines.yml (script:/bash: steps), .gitlab-ci.yml (script:);
     setup, echo, upload and deploy steps are skipped
  2. the package manager of the lockfile (bun.lock, pnpm-lock.yaml, yarn.lock,
     package-lock.json -> npm ci) and package.json scripts (format check, lint,
     type check, build, test)
  3. conventions: deno.json tasks, Python (pyproject.toml/requirements.txt;
     pytest, ruff, black, mypy when named), go.mod, Cargo.toml, pom.xml, Gradle,
     and Makefile targets that exist
Gates run install -> format -> lint -> typecheck -> build -> test. A folder with
none of these gets no gates and a comment saying so.
The full reference of every key is config.yaml in fleet-orch's repository.

Options:
  --repo DIR   Directory to write into (default: current directory)
  --force      Overwrite an existing fleet-orch.yaml
  --stdout     Print the config instead of writing it

Exit codes: 0 written; 2 usage error (e.g. the file exists).`;

/**
 * Run the command.
 *
 * @param args Arguments after "init".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values } = parseFlags(args, {
      repo: { type: "string" },
      force: { type: "boolean" },
      stdout: { type: "boolean" },
    }, "init");
    const dir = resolve(values.repo ?? ".");
    if (!isDir(dir)) throw new UsageError(`"${dir}" is not a directory`);
    const text = await starterConfig(dir);
    const empty = /^quality_gates: \{\}/m.test(text);
    if (empty) {
      console.error(
        "No CI definition, lockfile, manifest or Makefile target found: the config has no gates; " +
          "add your test command under quality_gates.",
      );
    }
    if (values.stdout) {
      console.log(text);
      return 0;
    }
    const file = join(dir, "fleet-orch.yaml");
    if (existsSync(file) && !values.force) {
      throw new UsageError(`"${file}" already exists; pass --force to overwrite it`);
    }
    await Deno.writeTextFile(file, text);
    console.error(`Wrote ${file}; check it with "fleet-orch check"`);
    return 0;
  });
}
