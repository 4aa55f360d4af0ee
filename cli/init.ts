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
  /^(echo|printf|cd|ls|cat|pwd|export|set|mkdir|cp|mv|rm|touch|chmod|sudo|apt|apt-get|brew|choco|curl|wget|git|gh|docker|sleep|tee|env|which|corepack|nvm|source|\.|codecov|true|exit|if|then|fi|for|do|done|while|else|\[|\[\[|test\s+-[a-z])(\s|$)/;
/** Publishing, deploying, uploading and release steps. */
const PUBLISH =
  /\b(publish|deploy|release|upload|semantic-release|changeset\s+publish|twine|coveralls|codecov|gh-pages|surge|netlify|vercel|wrangler\s+deploy)\b/i;

/**
 * Classify one shell command line from a CI definition, or `undefined` when it
 * is not a gate (setup, echo, upload, deploy...).
 */
function classify(command: string): Kind | undefined {
  const c = command.trim();
  if (!c || c.startsWith("#")) return undefined;
  if (/^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(c)) return undefined; // a bare assignment
  if (NOT_GATE.test(c) || PUBLISH.test(c)) return undefined;
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
  // `bun run lint:ci -x`: the script's name says what it does, not its flags.
  const script = /^(?:npm|pnpm|yarn|bun|deno)\s+(?:run|task)\s+(\S+)/.exec(c)?.[1] ??
    /^(?:npm|pnpm|yarn|bun)\s+(test|lint|build)\b/.exec(c)?.[1];
  const words = (script ?? c).toLowerCase();
  if (/\b(typecheck|type-check|check-types|tsc|mypy|pyright|deno\s+check)\b/.test(words)) {
    return "typecheck";
  }
  if (/\b(format|fmt|prettier|black|gofmt|isort)\b/.test(words)) return "format";
  if (/\b(lint|eslint|ruff|flake8|pylint|clippy|vet|golangci-lint|biome|stylelint)\b/.test(words)) {
    return "lint";
  }
  if (/\b(test|tests|pytest|jest|vitest|mocha|tox|nox|verify|ctest)\b/.test(words)) return "test";
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
  const lines = commandLines(block);
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

async function githubJobs(dir: string): Promise<CiJob[]> {
  const wfDir = join(dir, ".github", "workflows");
  const jobs: CiJob[] = [];
  for (const f of listDir(wfDir).filter((n) => /\.ya?ml$/.test(n))) {
    const doc = asRecord(await parseYamlFile(join(wfDir, f)));
    for (const [id, job] of Object.entries(asRecord(doc?.jobs) ?? {})) {
      const steps = asRecord(job)?.steps;
      if (!Array.isArray(steps)) continue;
      const jobCwd = asRecord(asRecord(asRecord(job)?.defaults)?.run)?.["working-directory"];
      const commands = steps.flatMap((s) => {
        const step = asRecord(s);
        // `uses:` steps are setup actions, checkouts and uploads: never gates.
        return step && typeof step.run === "string"
          ? [ciCommand(step.run, step["working-directory"] ?? jobCwd, step["continue-on-error"])]
          : [];
      });
      jobs.push({ source: `.github/workflows/${f}, job "${id}"`, commands });
    }
  }
  return jobs;
}

function azureSteps(steps: unknown): CiCommand[] {
  if (!Array.isArray(steps)) return [];
  return steps.flatMap((s) => {
    const step = asRecord(s);
    if (!step) return [];
    for (const key of ["script", "bash"]) {
      if (typeof step[key] === "string") {
        return [ciCommand(step[key] as string, step.workingDirectory, step.continueOnError)];
      }
    }
    return []; // task:, checkout:, publish:, download: are not gates
  });
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
    const visitJobs = (jobs: unknown, prefix: string) => {
      if (!Array.isArray(jobs)) return;
      for (const j of jobs) {
        const job = asRecord(j);
        if (!job) continue;
        const id = String(job.job ?? job.deployment ?? "job");
        // Deployment jobs ship the build; they are not gates.
        if (job.deployment !== undefined) continue;
        out.push({ source: `${f}, ${prefix}job "${id}"`, commands: azureSteps(job.steps) });
      }
    };
    if (doc.steps) out.push({ source: f, commands: azureSteps(doc.steps) });
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
    out.push({
      source: `.gitlab-ci.yml, job "${id}"`,
      commands: [...before, ...scriptList(job.script)].map((t) =>
        ciCommand(t, undefined, job.allow_failure)
      ),
    });
  }
  return out;
}

/**
 * The gates of the CI job that tests: the job with a test command covering the
 * most kinds of gate (ties: more commands, then the first found). Steps using CI expressions (`${{ }}`,
 * `$(var)`) cannot run outside CI and are left out.
 */
async function ciGates(dir: string): Promise<ProposedGate[]> {
  const jobs = [...await githubJobs(dir), ...await azureJobs(dir), ...await gitlabJobs(dir)];
  let best: { job: CiJob; gates: ProposedGate[]; score: number } | undefined;
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
    // The job that tests and covers the most kinds of gate is the project's main check;
    // jobs that run many unclassified commands (coverage merges, benchmarks) rank lower.
    const kinds = new Set(gates.filter((g) => g.kind !== "other").map((g) => g.kind));
    const score = (kinds.has("test") ? 1000 : 0) + 10 * kinds.size + gates.length;
    if (!best || score > best.score) best = { job, gates, score };
  }
  return best?.gates ?? [];
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

/**
 * The gates proposed for the project in `dir`, in run order.
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
  const gates = isDir(dir) ? await proposeGates(dir) : [];
  const gateYaml = gates.length === 0
    ? `quality_gates: {}\n# No CI definition, lockfile, manifest or Makefile target was found, so no gate
# is proposed. Add the commands that prove a change good, for example:
#   test:
#     command: "<your test command>"
#     timeout: 900
`
    : "quality_gates:\n" + gates.map(gateEntry).join("");
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
