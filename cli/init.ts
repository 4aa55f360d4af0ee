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
import { starterConfig } from "../orchestrator/init.ts";

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
