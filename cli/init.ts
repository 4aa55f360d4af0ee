/**
 * `fleet-orch init`: write a starter fleet-orch.yaml for the repository,
 * with gates guessed from the project files found.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { guard, parseFlags } from "./_common.ts";
import { UsageError } from "../core/errors.ts";

interface Gate {
  name: string;
  command: string;
  timeout: number;
  /** Downloads packages: keeps the network inside the gate sandbox. */
  network?: boolean;
}

async function npmGates(dir: string): Promise<Gate[]> {
  let scripts: Record<string, string> = {};
  try {
    scripts = JSON.parse(await Deno.readTextFile(join(dir, "package.json"))).scripts ?? {};
  } catch {
    // not JSON: keep the install gate only
  }
  const lock = existsSync(join(dir, "package-lock.json"));
  const gates: Gate[] = [{
    name: "install",
    command: lock ? "npm ci" : "npm install",
    timeout: 600,
    network: true,
  }];
  for (const s of ["lint", "test", "build"]) {
    if (scripts[s]) {
      gates.push({ name: s, command: s === "test" ? "npm test" : `npm run ${s}`, timeout: 900 });
    }
  }
  return gates;
}

/**
 * Build a starter config for the project in `dir`.
 *
 * @param dir The project root.
 * @returns YAML text.
 */
export async function starterConfig(dir: string): Promise<string> {
  let gates: Gate[];
  if (existsSync(join(dir, "package.json"))) gates = await npmGates(dir);
  else if (existsSync(join(dir, "deno.json")) || existsSync(join(dir, "deno.jsonc"))) {
    gates = [
      { name: "fmt", command: "deno fmt --check", timeout: 300 },
      { name: "lint", command: "deno lint", timeout: 300 },
      { name: "test", command: "deno test -A", timeout: 900 },
    ];
  } else if (existsSync(join(dir, "pyproject.toml")) || existsSync(join(dir, "requirements.txt"))) {
    gates = [{ name: "test", command: "python3 -m pytest -q", timeout: 900 }];
  } else if (existsSync(join(dir, "go.mod"))) {
    gates = [
      { name: "vet", command: "go vet ./...", timeout: 600 },
      { name: "test", command: "go test ./...", timeout: 900 },
    ];
  } else if (existsSync(join(dir, "Cargo.toml"))) {
    gates = [{ name: "test", command: "cargo test", timeout: 1800 }];
  } else {
    gates = [{ name: "test", command: "make test", timeout: 900 }];
  }
  const gateYaml = gates.map((g) =>
    `  ${g.name}:\n    command: ${
      JSON.stringify(g.command)
    }\n    timeout: ${g.timeout}\n    required: true${g.network ? "\n    network: true" : ""}`
  ).join("\n");
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

quality_gates:
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

Write a starter fleet-orch.yaml at the root of the current directory (or --repo),
with quality gates guessed from package.json, deno.json, pyproject.toml, go.mod,
Cargo.toml. The full reference of every key is config.yaml in fleet-orch's repository.

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
    const text = await starterConfig(dir);
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
