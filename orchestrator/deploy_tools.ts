/**
 * The programs a configured deployment runs, found without running anything:
 * the built-in AKS steps need `az` and `kubectl` (and `docker` with
 * `build: docker`), and each command of `agents.devops.deploy.<env>` needs
 * the program its first word names. `doctor` checks them before a
 * `run --environment E` finds out at its deploy step.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { forEachChild, parse } from "unbash";
import type { Config } from "../core/config.ts";
import { mergeTarget } from "../plugins/deploy/aks.ts";

/** One program a deployment needs, and who needs it. */
export interface DeployProgram {
  /** The program as written (`kubectl`, `./scripts/deploy.sh`). */
  program: string;
  /** Where the config asks for it (`deployment.provider: aks (staging)`, `agents.devops.deploy.prod[0]`). */
  neededBy: string[];
  /** How to get it, when the program is a well-known one. */
  install?: string;
  /**
   * Only run after something else in the same command line (`npm ci &&
   * npx cdk deploy`, `curl ... | sh && tool deploy`): an earlier part may
   * install it, so a missing one is a warning, not an error.
   */
  later?: boolean;
}

/** How to install the programs the built-in steps run. */
const INSTALL: Readonly<Record<string, string>> = {
  az: "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli; " +
    "on Debian/Ubuntu: curl -sL https://aka.ms/InstallAzureCLIDeb | sudo bash)",
  kubectl: 'install kubectl ("az aks install-cli", or https://kubernetes.io/docs/tasks/tools/)',
  docker: "install Docker (https://docs.docker.com/engine/install/), " +
    "or set deployment.build: acr to build the image in the registry instead",
  helm: "install Helm (https://helm.sh/docs/intro/install/)",
  terraform: "install Terraform (https://developer.hashicorp.com/terraform/install)",
};

// Words a shell runs itself: nothing to find on PATH.
const BUILTINS = new Set([
  ".",
  ":",
  "[",
  "cd",
  "command",
  "echo",
  "env",
  "eval",
  "exec",
  "exit",
  "export",
  "false",
  "printf",
  "pwd",
  "set",
  "sleep",
  "source",
  "test",
  "time",
  "true",
  "unset",
]);

/**
 * The programs the deployment of every configured environment needs. An
 * environment is any name under `deployment.environments` or
 * `agents.devops.deploy`; with neither, the `deployment:` section alone
 * (a run with any `--environment` uses it).
 *
 * @param config The config.
 * @param env Environment lookup (`AZURE_SUBSCRIPTION_ID` and the like).
 * @returns One entry per program, in the order first needed.
 */
export function deployPrograms(
  config: Config,
  env: (name: string) => string | undefined,
): DeployProgram[] {
  const out = new Map<string, DeployProgram>();
  const need = (program: string, by: string, later = false) => {
    const p: DeployProgram = out.get(program) ??
      { program, neededBy: [], ...(INSTALL[program] ? { install: INSTALL[program] } : {}), later };
    if (!p.neededBy.includes(by)) p.neededBy.push(by);
    // Needed first anywhere: it must be there before the deployment starts.
    if (!later) p.later = false;
    out.set(program, p);
  };
  const { environments, ...top } = config.deployment;
  const names = [
    ...new Set([...Object.keys(environments), ...Object.keys(config.agents.devops.deploy)]),
  ];
  for (const name of names.length ? names : [null]) {
    const target = mergeTarget(top, name === null ? undefined : environments[name], env);
    if (target.provider === "aks") {
      const by = `deployment.provider: aks${name === null ? "" : ` (${name})`}`;
      const docker = target.acr !== undefined && target.build === "docker";
      for (const p of docker ? ["docker", "az", "kubectl"] : ["az", "kubectl"]) need(p, by);
    }
    if (name === null) continue;
    (config.agents.devops.deploy[name] ?? []).forEach((command, i) => {
      const first = firstProgram(command);
      const by = `agents.devops.deploy.${name}[${i}]`;
      if (first) need(first, by);
      for (const program of programsOf(command)) if (program !== first) need(program, by, true);
    });
  }
  return [...out.values()];
}

/**
 * Every program a shell line runs, in order, once each: the commands of
 * `&&`/`||` lists, pipelines, subshells, compound commands and command
 * substitutions; shell builtins and names only known at run time
 * (`$TOOL`) left out.
 *
 * @param line A command line.
 * @returns The programs as written.
 */
export function programsOf(line: string): string[] {
  let script: ReturnType<typeof parse>;
  try {
    script = parse(line);
  } catch {
    return [];
  }
  const out: string[] = [];
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const n = node as { type?: string; name?: { text?: string; value?: string } };
    if (n.type === "Command") {
      const text = n.name?.text;
      const value = n.name?.value;
      if (text && value && !/[$`*?]/.test(text) && !BUILTINS.has(value) && !out.includes(value)) {
        out.push(value);
      }
    }
    forEachChild(node as never, visit);
  };
  for (const c of script.commands) visit(c);
  return out;
}

/**
 * The program the first command of a shell line runs, or null when the
 * line starts with a shell builtin, a compound command, or a name only
 * known at run time (`$TOOL`).
 *
 * @param line A command line.
 * @returns The program as written, or null.
 */
export function firstProgram(line: string): string | null {
  let node: unknown;
  try {
    node = parse(line).commands[0];
  } catch {
    return null; // the policy engine refuses what cannot be parsed; not doctor's call
  }
  // Statement -> AndOr / Pipeline -> Command: the first command of each.
  for (let depth = 0; depth < 8 && node && typeof node === "object"; depth++) {
    const n = node as {
      type?: string;
      command?: unknown;
      commands?: unknown[];
      name?: { text?: string; value?: string };
    };
    if (n.type === "Command") {
      const text = n.name?.text;
      const value = n.name?.value;
      if (!text || !value || /[$`*?]/.test(text) || BUILTINS.has(value)) return null;
      return value;
    }
    node = n.command ?? n.commands?.[0];
  }
  return null;
}

/**
 * Where a program would be found: a name with a slash relative to the
 * repository root (deploy commands run there), any other on `PATH`.
 *
 * @param program The program as written.
 * @param options The repository root and `PATH`.
 * @returns The executable file's path, or null when there is none.
 */
export function findProgram(
  program: string,
  options: { repoRoot: string; path: string | undefined },
): string | null {
  const candidates = program.includes("/")
    ? [resolve(options.repoRoot, program)]
    : (options.path ?? "").split(":").filter(Boolean).map((d) => join(d, program));
  for (const c of candidates) {
    try {
      const st = Deno.statSync(c);
      if (st.isFile && (st.mode === null || (st.mode & 0o111) !== 0)) return c;
    } catch {
      // Not there: try the next PATH entry.
    }
  }
  return null;
}
