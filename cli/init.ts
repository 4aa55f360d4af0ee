/**
 * `fleet-orch init`: write a starter fleet-orch.yaml for the repository whose
 * gates are what the project already runs.
 *
 * Sources, in order of trust: the project's own CI definitions (GitHub
 * workflows, Azure Pipelines, GitLab CI), then the package manager named by
 * the lockfile with the manifest's scripts, then the conventions of other
 * ecosystems (Deno, Python, Go, Rust, Maven/Gradle, CMake, Ruby, Swift, Elixir,
 * PHP, .NET) and Makefile targets that exist. A command is only proposed for a tool the project shows it uses.
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import { existsSync, statSync } from "node:fs";
import { guard, parseFlags } from "./_common.ts";
import { UsageError } from "../core/errors.ts";
import type { Kind, ProposedGate } from "./_init_gate.ts";
import { ciGates } from "./_init_ci.ts";
import { conventionGates } from "./_init_conventions.ts";

export type { ProposedGate } from "./_init_gate.ts";

const TIMEOUT: Record<Kind, number> = {
  install: 600,
  format: 300,
  lint: 600,
  typecheck: 600,
  build: 900,
  test: 900,
  other: 600,
};

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
  1. CI definitions: .github/workflows/*.yml (run: steps), azure-pipelines.yml
     (script:/bash:/pwsh: steps, Npm/DotNetCoreCLI/Maven/Gradle tasks),
     .gitlab-ci.yml (script:); the job that tests, jobs named for tests, jobs
     of static checks and project tasks (nox sessions, scripts, make targets)
     other jobs run; release, deploy, docs, benchmark, coverage and
     other-platform jobs are not gates; \${{ }} expressions are read for the
     first matrix variant (the Linux one for an os list); local composite
     actions are read with their inputs; setup, echo, download, upload and
     remote-machine (ssh, rsync) steps, and fixers in a job that commits its
     fixes, are skipped
  2. the package manager of the lockfile (bun.lock, pnpm-lock.yaml, yarn.lock,
     package-lock.json -> npm ci) and package.json scripts (format check, lint,
     type check, build, test)
  3. conventions: deno.json tasks, Python (pyproject.toml/requirements.txt;
     pytest, ruff, black, mypy when named), go.mod, Cargo.toml, pom.xml, Gradle,
     CMakeLists.txt, Gemfile, Package.swift, mix.exs, composer.json, a .NET
     solution or project, and Makefile targets that exist
Commands the policy denies or that run as root are listed, not proposed.
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
