/**
 * The gates a project's own CI runs: GitHub workflows, Azure Pipelines and
 * GitLab CI read into jobs, each job's steps classified (install, format,
 * lint, typecheck, build, test) or left out (setup, uploads, releases).
 *
 * @module
 */

import { join } from "node:path";
import { existsSync, readdirSync } from "node:fs";
import { asRecord, type Kind, type ProposedGate, RANK, readText } from "./_init_gate.ts";
import { blockGates, type Project } from "./_init_classify.ts";
import { conventionGates } from "./_init_conventions.ts";

/** One `run:`/`script:` block of a CI job. */
interface CiCommand {
  text: string;
  cwd?: string;
  optional?: boolean;
  /** Runs in a matrix variant other than the first (kept for static checks and tests only). */
  onlyVariant?: boolean;
  /** The step's text under another matrix variant's values (kept for static checks only). */
  variantText?: boolean;
}

/** The commands of one CI job, with where they came from. */
interface CiJob {
  /** The job's name in its file. */
  id: string;
  source: string;
  commands: CiCommand[];
  /** The reusable workflow of another repository the job calls instead of steps. */
  delegates?: string;
}

function ciCommand(text: string, cwd: unknown, optional: unknown): CiCommand {
  return {
    text,
    ...(typeof cwd === "string" && cwd.trim() ? { cwd: cwd.trim() } : {}),
    ...(optional === true ? { optional: true } : {}),
  };
}

function scriptList(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) {
    return v.flatMap((x) => (Array.isArray(x) ? x : [x])).filter((x) => typeof x === "string");
  }
  return [];
}

/** The yaml parser, loaded by the first CI file read (start-up cost). */
let parseYaml: (text: string) => unknown = () => undefined;

async function parseYamlFile(file: string): Promise<unknown> {
  // The yaml package is loaded only when a CI file exists (start-up cost).
  const { parse } = await import("yaml");
  parseYaml = parse;
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

/** Matrix values as `key` and `key.sub` entries (objects in a matrix list spell several). */
function flatten(prefix: string, v: unknown, out: Record<string, string>): void {
  const rec = asRecord(v);
  if (rec) { for (const [k, x] of Object.entries(rec)) flatten(`${prefix}.${k}`, x, out); }
  else if (!Array.isArray(v)) out[prefix] = String(v ?? "");
}

/** The first value of each matrix key: the variant a local run stands for. */
function firstMatrix(job: Record<string, unknown>): Record<string, string> {
  const matrix = asRecord(asRecord(job.strategy)?.matrix) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(matrix)) {
    if (k === "include" || k === "exclude" || !Array.isArray(v) || !v.length) continue;
    // The platform a local run stands for is Linux: an `os:` list takes its Linux entry.
    const linux = /^(os|platform|runner|runs-on)$/i.test(k)
      ? v.find((x) => typeof x === "string" && /ubuntu|linux/i.test(x))
      : undefined;
    if (linux !== undefined) out[k] = linux;
    else flatten(k, v[0], out);
  }
  // An `include:` entry extends the combination when the values it gives for the matrix's own
  // keys are that combination's (else it is a combination of its own); with no own keys, the
  // first entry is the first combination.
  const includes = Array.isArray(matrix.include) ? matrix.include : [];
  const own = Object.keys(out).length > 0;
  for (const [i, x] of includes.entries()) {
    const entry = asRecord(x);
    if (!entry || (!own && i > 0) || (own && !extends_(entry, out))) continue;
    for (const [k, v] of Object.entries(entry)) if (!(k in out) || own) flatten(k, v, out);
  }
  return out;
}

/** Whether an `include:` entry names the same values as the combination for the keys they share. */
function extends_(entry: Record<string, unknown>, combo: Record<string, string>): boolean {
  return Object.entries(entry).every(([k, v]) => !(k in combo) || String(v) === combo[k]);
}

/**
 * The variants `include:` adds beyond the first (each over the first's values):
 * a static check CI runs in one variant only (`if: matrix.lint`) is still a gate.
 */
function includeVariants(job: Record<string, unknown>): Record<string, string>[] {
  const matrix = asRecord(asRecord(job.strategy)?.matrix) ?? {};
  const base = firstMatrix(job);
  // The other values of one key at a time (`deno: [v1.x, canary]`: the canary variant).
  const out: Record<string, string>[] = [];
  const own = Object.entries(matrix).filter(([k, v]) =>
    k !== "include" && k !== "exclude" && Array.isArray(v) && v.length
  );
  for (const [k, v] of own) {
    for (const x of v as unknown[]) {
      if (asRecord(x) || Array.isArray(x) || String(x) === base[k]) continue;
      out.push({ ...base, [k]: String(x ?? "") });
    }
  }
  if (!Array.isArray(matrix.include)) return out;
  // Entries that did not extend the first combination are combinations of their own.
  const firstKeys = new Set(own.map(([k]) => k));
  return [
    ...out,
    ...matrix.include.flatMap((x, i) => {
      const entry = asRecord(x) ?? {};
      if (own.length ? extends_(entry, pick(base, firstKeys)) : i === 0) return [];
      const v = { ...base };
      for (const [k, y] of Object.entries(entry)) flatten(k, y, v);
      return [v];
    }),
  ];
}

function pick(rec: Record<string, string>, keys: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(rec).filter(([k]) => keys.has(k)));
}

/**
 * Whether a step's `if:` holds for a matrix variant. Only disjunctions (`||`)
 * of conjunctions of `matrix.k == 'v'`, `matrix.k != 'v'` and a bare
 * `matrix.k` (truthy) are understood; anything else is false (the step runs
 * for some variants only).
 */
function matrixCondition(cond: string, matrix: Record<string, string>): boolean {
  // `a || b`: any alternative (each a conjunction) holds.
  const alternatives = cond.replace(/^\s*\$\{\{|\}\}\s*$/g, "").split("||");
  return alternatives.some((alt) => alt.split("&&").every((c) => clause(c, matrix)));
}

/** One clause of a step's `if:` for a matrix variant; false when not understood. */
function clause(c: string, matrix: Record<string, string>): boolean {
  const bare = /^\s*(!\s*)?matrix\.([A-Za-z0-9_.-]+)\s*$/.exec(c);
  if (bare) {
    const v = matrix[bare[2]!] ?? "";
    const truthy = v !== "" && v !== "false" && v !== "0";
    return bare[1] ? !truthy : truthy;
  }
  // `startsWith(matrix.os, 'ubuntu')`, `contains(...)`, `endsWith(...)`: case-insensitive.
  const fn =
    /^\s*(!\s*)?(startsWith|endsWith|contains)\(\s*matrix\.([A-Za-z0-9_.-]+)\s*,\s*'([^']*)'\s*\)\s*$/i
      .exec(c);
  if (fn) {
    const v = (matrix[fn[3]!] ?? "").toLowerCase();
    const w = fn[4]!.toLowerCase();
    const f = fn[2]!.toLowerCase();
    const hit = f === "startswith"
      ? v.startsWith(w)
      : f === "endswith"
      ? v.endsWith(w)
      : v.includes(w);
    return fn[1] ? !hit : hit;
  }
  // The runner of a local run is Linux.
  const os = /^\s*runner\.os\s*(==|!=)\s*'([^']*)'\s*$/.exec(c);
  if (os) return (os[2]!.toLowerCase() === "linux") === (os[1] === "==");
  const m = /^\s*matrix\.([A-Za-z0-9_.-]+)\s*(==|!=)\s*'([^']*)'\s*$/.exec(c);
  if (!m) return false;
  const equal = (matrix[m[1]!] ?? "") === m[3];
  return m[2] === "==" ? equal : !equal;
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

/**
 * `env:` values of a workflow or job for one matrix variant: literal ones, and
 * those whose `${{ }}` expressions (`matrix.build == 'shared' && 'ON' || 'OFF'`,
 * `github.workspace`) are known for that variant; the others (secrets) are left out.
 */
function variantEnv(
  env: unknown,
  matrix: Record<string, string>,
  base: Record<string, string>,
): Record<string, string> {
  const out = { ...base, ...literalEnv(env) };
  for (const [k, v] of Object.entries(asRecord(env) ?? {})) {
    if (typeof v !== "string" || !v.includes("${{")) continue;
    const text = expand(v.trim(), matrix, out, {});
    if (!text.includes("${{")) out[k] = text;
  }
  return out;
}

/** A value of an expression: a string, a comparison's result, or null for an unset reference. */
type Value = string | boolean | null;

const truthy = (v: Value) => v === true || (typeof v === "string" && v !== "");

/**
 * The value of a `${{ }}` expression for one matrix variant: references
 * (`matrix.x`, `env.X`, `github.workspace`, the checkout: "."), 'literals',
 * `==`/`!=`, `!`, `&&`/`||` (GitHub's: the deciding operand's value),
 * parentheses and `format()`. undefined: a part not understood (a secret, a
 * step output), so the expression stays for CI.
 */
function evaluate(
  expr: string,
  matrix: Record<string, string>,
  env: Record<string, string>,
): Value | undefined {
  const tokens =
    expr.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[!(),]|[A-Za-z_][\w.-]*|\d+(?:\.\d+)?|\S/g) ??
      [];
  let i = 0;
  let failed = false;
  const peek = () => tokens[i];
  const primary = (): Value => {
    const t = tokens[i++];
    if (t === undefined) return (failed = true, null);
    if (t === "!") return !truthy(primary());
    if (t === "(") {
      const v = or();
      if (tokens[i++] !== ")") failed = true;
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^\d/.test(t)) return t;
    if (t === "true" || t === "false") return t === "true";
    if (/^format$/i.test(t) && peek() === "(") {
      i++;
      const args: Value[] = [];
      while (!failed && peek() !== ")") {
        args.push(or());
        if (peek() === ",") i++;
        else if (peek() !== ")") failed = true;
      }
      i++;
      const [f, ...rest] = args;
      if (typeof f !== "string" || rest.some((x) => x === null)) return null;
      return f.replace(/\{(\d+)\}/g, (all, n) => {
        const v = rest[Number(n)];
        return v === undefined ? all : String(v);
      });
    }
    const ref = /^(matrix|env)\.([A-Za-z0-9_.-]+)$/.exec(t);
    if (ref) return (ref[1] === "matrix" ? matrix[ref[2]!] : env[ref[2]!]) ?? null;
    if (t === "github.workspace") return ".";
    failed = true;
    return null;
  };
  const compare = (): Value => {
    let v = primary();
    while (peek() === "==" || peek() === "!=") {
      const op = tokens[i++];
      const w = primary();
      const equal = String(v ?? "").toLowerCase() === String(w ?? "").toLowerCase();
      v = op === "==" ? equal : !equal;
    }
    return v;
  };
  const and = (): Value => {
    let v = compare();
    while (peek() === "&&") {
      i++;
      const w = compare();
      v = truthy(v) ? w : v;
    }
    return v;
  };
  const or = (): Value => {
    let v = and();
    while (peek() === "||") {
      i++;
      const w = and();
      v = truthy(v) ? v : w;
    }
    return v;
  };
  const v = or();
  return failed || i !== tokens.length ? undefined : v;
}

/**
 * Replace `${{ }}` expressions whose value is known for the variant (see
 * `evaluate`); others stay. A path under `${{ github.workspace }}/` is relative
 * to the checkout, and quotes around an expression whose value is one plain
 * word go with it. Shell references to a workflow/job `env:` value
 * (`"${FEATURES}"`) take it only when it is literal (`shellEnv`): one computed
 * from the matrix names a variant's tool (`cross`), not the local one.
 */
function expand(
  text: string,
  matrix: Record<string, string>,
  env: Record<string, string>,
  shellEnv = env,
): string {
  const rel = text.replace(/\$\{\{\s*github\.workspace\s*\}\}\/+/g, "").replace(RUN_LABEL, "");
  const out = rel.replace(/("?)\$\{\{([\s\S]*?)\}\}(?!\})("?)/g, (all, q1, expr: string, q2) => {
    const v = evaluate(expr, matrix, env);
    if (v === undefined) return all;
    // A lone reference whose key is unset stays for CI; in a chain it is empty.
    const lone = /^\s*(matrix|env)\.[A-Za-z0-9_.-]+\s*$/.test(expr);
    if (v === null && lone) return all;
    const text = v === null ? "" : String(v);
    if (q1 && q2 && /^[\w.,:=+\/@-]+$/.test(text)) return text;
    return q1 + text + q2;
  });
  return out.replace(
    /"?\$\{([A-Za-z_][A-Za-z0-9_]*)\}"?|"?\$([A-Za-z_][A-Za-z0-9_]*)\b"?/g,
    (all, x, y) => {
      const v = shellEnv[x ?? y];
      // Only a single word stands in for the reference (and its quotes) without changing the line.
      return v !== undefined && /^[\w.,:=+\/@-]+$/.test(v) ? v : all;
    },
  );
}

/**
 * A quoted argument naming the run by its metadata (`"Coverage for ${{ github.sha }}"`):
 * a label for CI's report, which a local run goes without.
 */
const RUN_LABEL =
  /\s+("|')[^"'\n]*\$\{\{\s*github\.(sha|run_id|run_number|run_attempt|ref_name|head_ref|base_ref|event_name|actor|job|workflow)\s*\}\}[^"'\n]*\1(?=\s*$)/gm;

/** `uses:` actions that are a command in another spelling. */
function actionCommand(step: Record<string, unknown>): string | undefined {
  const uses = String(step.uses ?? "");
  const w = asRecord(step.with) ?? {};
  if (/^actions-rs\/cargo@/.test(uses) && typeof w.command === "string") {
    return ["cargo", w.command, typeof w.args === "string" ? w.args : ""].join(" ").trim();
  }
  const args = typeof w.args === "string" ? w.args.trim() : "";
  // The linter action runs `golangci-lint run` (unless it is only used to install the tool).
  if (/^golangci\/golangci-lint-action@/.test(uses) && !/^--(help|version)$/.test(args)) {
    return "golangci-lint run"; // its args are mostly output flags (--verbose, --timeout)
  }
  // The clippy action runs `cargo clippy` with its `args`.
  if (/^actions-rs\/clippy-check@/.test(uses)) return `cargo clippy ${args}`.trim();
  if (/^pre-commit\/action@/.test(uses)) {
    return `pre-commit run --show-diff-on-failure --color=always ${
      typeof w.extra_args === "string" ? w.extra_args : "--all-files"
    }`;
  }
  if (/^ramsey\/composer-install@/.test(uses)) return "composer install";
  // Setup actions asked to install the project's dependencies do what the install command does.
  if (/^ruby\/setup-ruby@/.test(uses) && String(w["bundler-cache"]) === "true") {
    return "bundle install";
  }
  if (/^pnpm\/action-setup@/.test(uses) && String(w.run_install) === "true") return "pnpm install";
  return undefined;
}

/** The `if:` of a composite action's step, given its inputs: false only when it clearly fails. */
function inputCondition(cond: unknown, inputs: Record<string, string>): boolean {
  if (typeof cond !== "string") return true;
  const c = cond.replace(/^\s*\$\{\{|\}\}\s*$/g, "").trim();
  const bare = /^(!)?\s*inputs\.([\w-]+)$/.exec(c);
  if (bare) {
    const v = inputs[bare[2]!] ?? "";
    const truthy = v !== "" && v !== "false" && v !== "0";
    return bare[1] ? !truthy : truthy;
  }
  const m = /^inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'$/.exec(c);
  if (!m) return true;
  const equal = (inputs[m[1]!] ?? "") === m[3];
  return m[2] === "==" ? equal : !equal;
}

/**
 * The steps of a local composite action (`uses: ./.github/actions/setup`) with
 * `${{ inputs.x }}` replaced by the step's `with:` value or the input's default:
 * a setup action of the repository often runs the install (and a build).
 */
function compositeSteps(
  dir: string,
  step: Record<string, unknown>,
  expandText: (t: string) => string,
  depth = 0,
): Record<string, unknown>[] | undefined {
  const uses = String(step.uses ?? "");
  if (!uses.startsWith("./") || depth > 3) return undefined;
  const file = ["action.yml", "action.yaml"].map((f) => join(dir, uses, f)).find(existsSync);
  if (!file) return undefined;
  let doc: Record<string, unknown> | undefined;
  try {
    doc = asRecord(parseYaml(Deno.readTextFileSync(file)));
  } catch {
    return undefined;
  }
  const runs = asRecord(doc?.runs);
  if (!runs || runs.using !== "composite" || !Array.isArray(runs.steps)) return undefined;
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(doc?.inputs) ?? {})) {
    const d = asRecord(v)?.default;
    if (d !== undefined && d !== null) inputs[k] = String(d);
  }
  for (const [k, v] of Object.entries(asRecord(step.with) ?? {})) {
    inputs[k] = expandText(String(v ?? ""));
  }
  const sub = (t: string) =>
    t.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, k) => inputs[k] ?? "");
  return runs.steps.flatMap((x) => {
    const st = asRecord(x);
    if (!st || !inputCondition(st.if, inputs)) return [];
    const nested = compositeSteps(dir, st, expandText, depth + 1);
    if (nested) return nested;
    const out: Record<string, unknown> = { ...st };
    delete out.if;
    if (typeof st.run === "string") out.run = sub(st.run);
    if (typeof st["working-directory"] === "string") {
      out["working-directory"] = sub(st["working-directory"]);
    }
    return [out];
  });
}

async function githubJobs(dir: string): Promise<CiJob[]> {
  const wfDir = join(dir, ".github", "workflows");
  const jobs: CiJob[] = [];
  for (const f of listDir(wfDir).filter((n) => /\.ya?ml$/.test(n))) {
    const doc = asRecord(await parseYamlFile(join(wfDir, f)));
    for (const [id, j] of Object.entries(asRecord(doc?.jobs) ?? {})) {
      const job = asRecord(j);
      // A job that calls a reusable workflow of another repository runs what that file says:
      // remembered by the workflow's name, which says what it is for.
      if (job && typeof job.uses === "string" && !job.uses.startsWith("./")) {
        jobs.push({
          id,
          source: `.github/workflows/${f}, job "${id}"`,
          commands: [],
          delegates: job.uses,
        });
        continue;
      }
      const steps = job?.steps;
      if (!job || !Array.isArray(steps)) continue;
      // A job run only for a label, on the main branch or in the upstream repository does not
      // check an ordinary change.
      if (typeof job.if === "string" && /labels|github\.(ref|repository)\s*==/.test(job.if)) {
        continue;
      }
      const matrix = firstMatrix(job);
      const variants = includeVariants(job);
      const env = variantEnv(job.env, matrix, variantEnv(doc?.env, matrix, {}));
      const literal = { ...literalEnv(doc?.env), ...literalEnv(job.env) };
      const jobCwd = asRecord(asRecord(job.defaults)?.run)?.["working-directory"];
      // Directories holding a checkout of another repository: steps run there test that one.
      const foreign: string[] = [];
      const inForeign = (cwd: unknown, text: string) =>
        foreign.some((p) =>
          p === "" ||
          (typeof cwd === "string" &&
            (cwd.replace(/^\.\//, "") + "/").startsWith(p + "/")) ||
          new RegExp(`(^|\\s)cd\\s+(\\./)?${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(/|\\s|$)`)
            .test(text)
        );
      const expandText = (t: string) => expand(t, matrix, env, literal);
      const expanded = steps.flatMap((s) => {
        const step = asRecord(s);
        if (!step) return [];
        const inner = compositeSteps(dir, step, expandText);
        // The composite's steps run under the calling step's condition.
        return inner ? inner.map((x) => (step.if ? { ...x, if: step.if } : x)) : [step];
      });
      const commands = expanded.flatMap((step) => {
        if (/^actions\/checkout@/.test(String(step.uses ?? ""))) {
          const w = asRecord(step.with) ?? {};
          const repo = typeof w.repository === "string" ? w.repository.trim() : "";
          if (repo && !/github\.repository\b/.test(repo)) {
            foreign.push(String(w.path ?? "").replace(/^\.\//, "").replace(/\/+$/, ""));
          }
          return [];
        }
        // A step run only for some matrix variants is not what a local run stands for.
        let onlyVariant = false;
        if (typeof step.if === "string" && /\b(matrix|runner)\./.test(step.if)) {
          if (!matrixCondition(step.if, matrix)) {
            if (!variants.some((v) => matrixCondition(step.if as string, v))) return [];
            onlyVariant = true;
          }
        }
        const run = typeof step.run === "string" ? step.run : actionCommand(step);
        // Other `uses:` steps are setup actions, checkouts and uploads: never gates.
        if (run === undefined) return [];
        const cwd = step["working-directory"] ?? jobCwd;
        if (inForeign(cwd, run)) return [];
        const text = expand(run, matrix, env, literal);
        const dirOf = (m: Record<string, string>, e: Record<string, string>) =>
          typeof cwd === "string" ? expand(cwd, m, e, literal) : cwd;
        const out: CiCommand[] = [{
          ...ciCommand(text, dirOf(matrix, env), step["continue-on-error"]),
          ...(onlyVariant ? { onlyVariant } : {}),
        }];
        // `tox -e ${{ matrix.tox }}` with an include entry `tox: typing`: the variant's value
        // names a static check the first variant does not run.
        if (/\$\{\{[^}]*\bmatrix\./.test(run) && !onlyVariant) {
          const seen = new Set([text]);
          for (const v of variants) {
            if (typeof step.if === "string" && !matrixCondition(step.if, v)) continue;
            const venv = variantEnv(job.env, v, variantEnv(doc?.env, v, {}));
            const t = expand(run, v, venv, literal);
            if (seen.has(t)) continue;
            seen.add(t);
            out.push({
              ...ciCommand(t, dirOf(v, venv), step["continue-on-error"]),
              variantText: true,
            });
          }
        }
        return out;
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
        // `strategy.matrix` names its variants: the first one's variables stand for a local run.
        const first = Object.values(asRecord(asRecord(job.strategy)?.matrix) ?? {})[0];
        out.push({
          id,
          source: `${f}, ${prefix}job "${id}"`,
          commands: azureSteps(job.steps, dir, { ...vars, ...azureVariables(first) }),
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

/** A command that rewrites files to fix them rather than failing on what it finds. */
const FIXER = /(^|\s)--(fix|write)(\s|=|$)|(^|\s)(fix|[\w.-]+[-:]fix)(\s|$)/;
/** A line failing when earlier steps changed the tree. */
const DIFF_CHECK = /\bgit\s+(diff\b[^\n]*--(exit-code|quiet)|diff-index\b|status\s+--porcelain)/;
/**
 * A line running a task the project defines by name: a nox session, a tox
 * environment, a package or deno script, a make or just target.
 */
const NAMED_TASK =
  /^(?:(?:pdm|poetry|uv|hatch|pipenv)\s+run\s+)?(?:python3?\s+-m\s+)?(?:nox|tox)\b.*\s(?:-e|-s|--sessions?)\s+(\S+)|^(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?([\w:.-]+)$|^deno\s+task\s+([\w:.-]+)$|^(?:make|just)\s+([\w.-]+)$/;

/** Jobs that ship, document, measure or try another platform: never the project's gates. */
const SIDE_JOB =
  /release|deploy|publish|docs?\b|bench|coverage|windows|macos|e2e|browser|nightly|canary|size|perf|license|sanitizer|valgrind|32bit|wasm|-old|legacy|lowest|msrv|beta|reproducib/i;

/** Job names that say the job runs the tests (`test`, `unit-tests`, `testopenjdk11`, `ascii_spec`). */
const TEST_JOB = /^(test|tests|unit|specs?)([-_ ]|$)|[-_ ](test|tests|specs?)$|^tests?[a-z]*\d*$/i;

/** Side jobs whose commands are never the project's tests. */
const SHIPPING_JOB = /release|deploy|publish|docs?\b|bench|size|perf|license/i;

/**
 * The gates of the CI job that tests (the job with a test command covering
 * the most kinds of gate; ties: more commands, then the first found), plus
 * the gates of other jobs that check a kind it lacks (a separate lint job).
 * Steps still using CI expressions (`${{ }}`, `$(var)`) cannot run outside CI
 * and are left out.
 */
export async function ciGates(dir: string): Promise<ProposedGate[]> {
  const project: Project = {
    makeInstalls: () => {
      const text = readText(join(dir, "Makefile"));
      const first =
        [...text.matchAll(/^([A-Za-z0-9_-][A-Za-z0-9_.-]*)\s*:(?!=)[^\n]*\n((?:\t[^\n]*\n?)*)/gm)][
          0
        ];
      return !!first && /install|deps|init|setup/.test(first[1]! + first[2]!);
    },
  };
  const jobs = [...await githubJobs(dir), ...await azureJobs(dir), ...await gitlabJobs(dir)];
  const scored: { job: CiJob; gates: ProposedGate[]; score: number; kinds: Set<Kind> }[] = [];
  for (const job of jobs) {
    const gates: ProposedGate[] = [];
    let last = 0;
    // A fixer (`--fix`, `--write`, `manypkg fix`, a `format-fix` script) rewrites the tree: in a
    // job that commits what it changed it is not a check; it is one only when the job then fails
    // on a changed tree (`git diff --exit-code`).
    const diffChecked = job.commands.some((c) => DIFF_CHECK.test(c.text));
    let baseKinds = new Set<Kind>();
    for (const { text: block, cwd, optional, onlyVariant, variantText } of job.commands) {
      if (/\$\{\{|\$\([A-Za-z_.]+\)/.test(block + (cwd ?? ""))) continue;
      const found = blockGates(block, project);
      // A matrix variant's text counts only when it names a task of the project (a tox
      // environment, a script) that is a static check of another kind than the first variant's
      // (`tox -e typing` beside `tox -e py310`; not `--features "fmt json"`).
      if (!variantText) baseKinds = new Set(found.map((f) => f.kind));
      for (const { line, kind } of found) {
        if (onlyVariant && (kind === "install" || kind === "other")) continue;
        if (
          variantText &&
          (!["format", "lint", "typecheck"].includes(kind) || baseKinds.has(kind) ||
            !NAMED_TASK.test(line))
        ) continue;
        if (!diffChecked && FIXER.test(line)) continue;
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
  // The main job checks the project on its usual platform: a Windows, docs or benchmark job
  // is the main one only when there is no other.
  const usual = scored.filter((x) => !SIDE_JOB.test(x.job.source));
  const main = (usual.length ? usual : scored).reduce<(typeof scored)[number] | undefined>(
    (best, x) => (!best || x.score > best.score ? x : best),
    undefined,
  );
  if (!main) return [];
  const covered = new Set(main.kinds);
  const out = [...main.gates];
  // No ordinary job tests: the tests a toolchain-variant job runs (msrv, beta, another platform)
  // are still the project's tests; a release, docs or benchmark job's are not.
  if (!scored.some((x) => !SIDE_JOB.test(x.job.source) && x.kinds.has("test"))) {
    const testing = scored.filter((x) =>
      x !== main && x.kinds.has("test") && !SHIPPING_JOB.test(x.job.source)
    ).reduce<(typeof scored)[number] | undefined>(
      (best, x) => (!best || x.score > best.score ? x : best),
      undefined,
    );
    if (testing) {
      for (const k of testing.kinds) covered.add(k);
      out.push(...testing.gates);
    }
  }
  for (const x of scored) {
    if (x === main || SIDE_JOB.test(x.job.source)) continue;
    const adds = [...x.kinds].filter((k) => k !== "install" && !covered.has(k));
    // A job named for tests (`test`, `unit-tests`, `testopenjdk11`, `ascii_spec`) is the
    // project's tests; a job of static checks only (lint, format, types) checks the code
    // whatever else the main job does.
    const testJob = TEST_JOB.test(x.job.id);
    const checksOnly = [...x.kinds].every((k) =>
      ["install", "format", "lint", "typecheck"].includes(k)
    ) && [...x.kinds].some((k) => k !== "install");
    if (adds.length === 0 && !testJob && !checksOnly) continue;
    for (const k of adds) covered.add(k);
    // A job taken only for a kind of gate the others lack gives that kind (a smoke job's
    // build), not its other lines.
    out.push(
      ...(testJob || checksOnly ? x.gates : x.gates.filter((g) => adds.includes(g.kind))),
    );
  }
  // An ordinary job running a task of the project's own that no gate runs yet (a nox session
  // building the man page, a `monotest-build` script) checks something the others do not.
  const have = new Set(out.map((g) => g.command));
  const taskOf = (command: string) => {
    const t = NAMED_TASK.exec(command);
    return t ? (t[1] ?? t[2] ?? t[3] ?? t[4])! : undefined;
  };
  const tasks = new Set(out.map((g) => taskOf(g.command)).filter((t) => t !== undefined));
  for (const x of scored) {
    if (x === main || SIDE_JOB.test(x.job.source)) continue;
    for (const g of x.gates) {
      const name = taskOf(g.command);
      if (!name || g.kind === "install" || g.kind === "other" || SIDE_JOB.test(name)) continue;
      // A variant of a task a gate runs (`test:node` of `test`, `tests-3.12` of `tests`) is
      // that check on another runtime.
      if (tasks.has(name.split(/[:_-]/)[0]!)) continue;
      if (have.has(g.command)) continue;
      have.add(g.command);
      out.push(g);
    }
  }
  // A job calling another repository's reusable test workflow runs the ecosystem's tests:
  // the convention's test command stands for it.
  if (jobs.some((j) => j.delegates && /test|check|ci\b/i.test(`${j.id} ${j.delegates}`))) {
    out.push(
      ...(await conventionGates(dir)).filter((g) => g.kind === "test" && !have.has(g.command))
        .map((g) => ({ ...g, source: `${g.source}, for a reusable test workflow CI calls` })),
    );
  }
  return out;
}
