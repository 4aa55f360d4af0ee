/**
 * Normalises the two gate formats of the configuration (the seed's
 * `quality_gates` map and GitHub-Actions-style `steps:`) into one list of
 * {@link GateStep}, and checks the `needs` graph (unknown ids, cycles) before
 * anything runs.
 *
 * @module
 */

/** One seed-style quality gate, as validated by the config schema. */
export interface SeedGate {
  /** Shell command line. */
  command: string;
  /** Seconds before the process tree is killed. @default 600 */
  timeout?: number;
  /** Whether a failure fails the build. @default true */
  required?: boolean;
  /** Directory, relative to the repository root. */
  working_directory?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Ids this gate waits for; without it, the previous gate in file order. */
  needs?: string | string[];
  /** Variables of fleet-orch's environment passed beyond the allowlist. */
  env_passthrough?: string[];
  /** Keep the network inside the sandbox (install steps). @default false */
  network?: boolean;
}

/** One GitHub-Actions-style step, as validated by the config schema. */
export interface ActionStep {
  /** Step id (referenced by `needs`). */
  id?: string;
  /** Display name. */
  name?: string;
  /** Shell command line (exactly one of `run` / `uses`). */
  run?: string;
  /** Gate plugin reference (exactly one of `run` / `uses`). */
  uses?: string;
  /** Plugin options. */
  with?: Record<string, unknown>;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Directory, relative to the repository root. */
  "working-directory"?: string;
  /** Minutes before the process tree is killed. @default 10 */
  "timeout-minutes"?: number;
  /** A failure is reported but counts as success for dependents and the build. */
  "continue-on-error"?: boolean;
  /** `success()`, `failure()` or `always()`. @default "success()" */
  if?: string;
  /** Ids this step waits for. */
  needs?: string | string[];
  /** Whether a failure fails the build. @default true */
  required?: boolean;
  /** Variables of fleet-orch's environment passed beyond the allowlist. */
  env_passthrough?: string[];
  /** Keep the network inside the sandbox (install steps). @default false */
  network?: boolean;
}

/** When a step runs, relative to the steps it needs. */
export type StepCondition = "success" | "failure" | "always";

/** A gate ready to run: both config formats end up in this shape. */
export interface GateStep {
  /** Unique id. */
  id: string;
  /** Display name. */
  name: string;
  /** Shell command line, for command gates. */
  run?: string;
  /** Plugin reference, for plugin gates. */
  uses?: string;
  /** Plugin options. */
  with: Record<string, unknown>;
  /** Extra environment. */
  env: Record<string, string>;
  /** Working directory relative to the repository root. */
  cwd?: string;
  /** Timeout in milliseconds. */
  timeoutMs: number;
  /** A failure counts as success for dependents and the build. */
  continueOnError: boolean;
  /** Whether a failure fails the build. */
  required: boolean;
  /** When the step runs. */
  condition: StepCondition;
  /** Ids of the steps this one waits for. */
  needs: string[];
  /** Variables passed beyond the gate environment's allowlist. @default [] */
  envPassthrough?: string[];
  /** Network inside the sandbox. @default false */
  network?: boolean;
  /**
   * Ids of steps this one runs after without needing their success (a seed
   * gate after a lint-like gate it did not declare in `needs`).
   */
  after?: string[];
}

/** The gate sections of a configuration. */
export interface GateConfig {
  /** Seed-style gates, run first, in file order. */
  quality_gates?: Record<string, SeedGate>;
  /** Actions-style steps, after the quality gates. */
  steps?: ActionStep[];
}

/** Default timeout of a gate, in seconds (the seed's default). */
export const DEFAULT_TIMEOUT_SECONDS = 600;

const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Normalise `quality_gates` and `steps` into one list of steps and check the
 * `needs` graph.
 *
 * Seed gates without `needs` wait for the previous seed gate (the seed ran
 * them one after another). Actions steps without `needs` are independent,
 * except that a step with `if: failure()` or `if: always()` and no `needs`
 * waits for every step declared before it, as "previous steps" do in
 * GitHub Actions.
 *
 * @param config The validated gate sections.
 * @returns The steps, quality gates first, in declaration order.
 * @throws {Error} On a duplicate id, an unknown `needs` id, a cycle, a step
 * with both or neither of `run` / `uses`, or an unsupported `if`.
 * @example
 * ```ts
 * import { planGates } from "./plan.ts";
 * const steps = planGates({
 *   quality_gates: { install: { command: "npm ci" }, build: { command: "npm run build" } },
 * });
 * console.assert(steps[1]!.needs[0] === "install");
 * ```
 */
export function planGates(config: GateConfig): GateStep[] {
  const steps: GateStep[] = [];
  let previous: string | undefined;
  for (const [name, gate] of Object.entries(config.quality_gates ?? {})) {
    const step: GateStep = {
      id: name,
      name,
      run: gate.command,
      with: {},
      env: gate.env ?? {},
      timeoutMs: (gate.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      continueOnError: false,
      required: gate.required ?? true,
      condition: "success",
      needs: gate.needs !== undefined ? _list(gate.needs) : previous ? [previous] : [],
    };
    const prev = previous ? steps.find((x) => x.id === previous) : undefined;
    if (gate.needs === undefined && prev && isCheckerLike(prev)) {
      // A lint-like gate produces nothing later gates use: they still run
      // after it (file order) but also when it fails, so one lint error does
      // not hide the test results. `needs:` restores the strict sequence.
      step.needs = [...prev.needs];
      step.after = [prev.id, ...(prev.after ?? [])];
    }
    if (gate.working_directory !== undefined) step.cwd = gate.working_directory;
    if (gate.env_passthrough?.length) step.envPassthrough = [...gate.env_passthrough];
    if (gate.network) step.network = true;
    steps.push(step);
    previous = name;
  }
  (config.steps ?? []).forEach((s, index) => steps.push(_fromAction(s, index, steps)));
  _checkIds(steps);
  _checkGraph(steps);
  return steps;
}

function _fromAction(s: ActionStep, index: number, before: GateStep[]): GateStep {
  const id = s.id ?? _slug(s.name) ?? `step_${index + 1}`;
  const label = `Step "${s.id ?? s.name ?? `#${index + 1}`}"`;
  if ((s.run === undefined) === (s.uses === undefined)) {
    throw new Error(`${label} needs exactly one of "run" or "uses"`);
  }
  const condition = _condition(s.if, label);
  const needs = s.needs !== undefined
    ? _list(s.needs)
    : condition === "success"
    ? []
    : before.map((b) => b.id);
  const step: GateStep = {
    id,
    name: s.name ?? id,
    with: s.with ?? {},
    env: s.env ?? {},
    timeoutMs: (s["timeout-minutes"] ?? DEFAULT_TIMEOUT_SECONDS / 60) * 60_000,
    continueOnError: s["continue-on-error"] ?? false,
    required: s.required ?? true,
    condition,
    needs,
  };
  if (s.run !== undefined) step.run = s.run;
  if (s.uses !== undefined) step.uses = s.uses;
  if (s["working-directory"] !== undefined) step.cwd = s["working-directory"];
  if (s.env_passthrough?.length) step.envPassthrough = [...s.env_passthrough];
  if (s.network) step.network = true;
  return step;
}

function _condition(expr: string | undefined, label: string): StepCondition {
  if (expr === undefined) return "success";
  const bare = expr.trim().replace(/^\$\{\{\s*(.*?)\s*\}\}$/, "$1");
  const m = /^(success|failure|always)\(\s*\)$/.exec(bare);
  if (!m) {
    throw new Error(
      `${label}: if "${expr}" is not supported: use success(), failure() or always()`,
    );
  }
  return m[1] as StepCondition;
}

function _list(needs: string | string[]): string[] {
  return typeof needs === "string" ? [needs] : [...needs];
}

function _slug(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  if (slug === "") return undefined;
  return /^[a-z_]/.test(slug) ? slug : `_${slug}`;
}

function _checkIds(steps: GateStep[]): void {
  const seen = new Set<string>();
  for (const s of steps) {
    if (!ID_PATTERN.test(s.id)) {
      throw new Error(`Step id "${s.id}" is not valid: use letters, digits, _ and -`);
    }
    if (seen.has(s.id)) {
      throw new Error(`Step id "${s.id}" is used twice: give each step a unique id`);
    }
    seen.add(s.id);
  }
}

function _checkGraph(steps: GateStep[]): void {
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const s of steps) {
    for (const n of s.needs) {
      if (!byId.has(n)) {
        throw new Error(
          `Step "${s.id}" needs "${n}", which is not a step: known ids are ${
            [...byId.keys()].join(", ")
          }`,
        );
      }
      if (n === s.id) throw new Error(`Step "${s.id}" needs itself`);
    }
  }
  // Depth-first search with colours; the stack gives the cycle's path.
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    if (state.get(id) === 2) return;
    if (state.get(id) === 1) {
      const path = [...stack.slice(stack.indexOf(id)), id];
      throw new Error(`Step "${id}" is part of a needs cycle: ${path.join(" -> ")}`);
    }
    state.set(id, 1);
    stack.push(id);
    for (const n of byId.get(id)!.needs) visit(n);
    stack.pop();
    state.set(id, 2);
  };
  for (const s of steps) visit(s.id);
}

// Gates that only judge the code (linters, formatters in check mode, type
// checkers, audits): nothing after them uses what they leave behind.
const CHECKER =
  /(?:^|[\s/:_-])(?:lint|eslint|tslint|stylelint|markdownlint|hadolint|shellcheck|prettier|fmt|format|rustfmt|gofmt|black|isort|ruff|flake8|pylint|mypy|pyright|typecheck|type-check|types|clippy|vet|staticcheck|golangci-lint|rubocop|audit|check-format|format-check)(?:$|[\s:_-])/i;

/**
 * Whether a step only judges the code (lint, format check, type check,
 * audit): steps after it do not need its success, only its order.
 *
 * @param step The step.
 * @returns True for lint-like gates.
 */
export function isCheckerLike(step: Pick<GateStep, "id" | "run">): boolean {
  if (CHECKER.test(step.id)) return true;
  const run = step.run ?? "";
  // `tsc --noEmit` checks types and writes nothing; a plain `tsc` builds.
  return CHECKER.test(run.split(/[;&|]/)[0] ?? "") || /\btsc\b[^;&|]*--noEmit/.test(run);
}

/**
 * Every step that `id` needs, directly or through other steps.
 *
 * @param steps The planned steps.
 * @param id The step.
 * @returns The ids of its ancestors.
 */
export function ancestorsOf(steps: readonly GateStep[], id: string): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const out = new Set<string>();
  const pending = [...(byId.get(id)?.needs ?? [])];
  while (pending.length > 0) {
    const n = pending.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    pending.push(...(byId.get(n)?.needs ?? []));
  }
  return out;
}
