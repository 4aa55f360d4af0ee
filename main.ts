/**
 * fleet-orch's entry point: dispatches to one module per command in `cli/`.
 * Command modules are imported only when their command runs, so `--version`
 * and `--help` stay fast.
 *
 * @module
 */

import { VERSION } from "./core/version.ts";

/** The shape of a command module. */
export interface CommandModule {
  /** Run the command with its arguments; resolves with the exit code. */
  run(args: string[]): Promise<number>;
  /** Help text. */
  help: string;
}

/**
 * Load the module of a command. The specifier is computed, not a literal:
 * Deno reads every literal `import("...")` target (and all it imports) when
 * the program starts, which made `--version` read every command's modules.
 * `deno compile` cannot see computed specifiers, so the `compile` task in
 * deno.json embeds cli/ with `--include` (tests/cli/compile_test.ts checks
 * that every command's module is covered).
 */
function load(name: string): Promise<CommandModule> {
  return import(new URL(`./cli/${name}.ts`, import.meta.url).href);
}

/**
 * "Did you mean", loaded only for a mistyped command (not even its type is
 * imported by name: a type import puts the module in the start-up graph).
 */
export const SUGGEST_MODULE = "./core/suggest.ts";

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  run: {
    summary: "Run the gates, fix failures in a worktree, re-run; deploy and verify",
    load: () => load("run"),
  },
  check: {
    summary: "Run the quality gates once, fix nothing",
    load: () => load("check"),
  },
  verify: {
    summary: "Run the verifiers of an environment (health, endpoints, smoke tests)",
    load: () => load("verify"),
  },
  policy: {
    summary: "Judge a command line, or scan a diff or text for secrets, SQL, protected paths",
    load: () => load("policy"),
  },
  logs: {
    summary: "Extract the failure chunk(s) of a build log",
    load: () => load("logs"),
  },
  patch: { summary: "Apply a unified diff tolerantly", load: () => load("patch") },
  stats: {
    summary: "Metrics, an HTML dashboard and cost recommendations from past runs",
    load: () => load("stats"),
  },
  plugins: {
    summary: "List built-in and configured plugins",
    load: () => load("plugins"),
  },
  init: { summary: "Write a starter fleet-orch.yaml", load: () => load("init") },
  clean: {
    summary: "Remove branches, worktrees and run folders of past runs that nothing needs",
    load: () => load("clean"),
  },
  doctor: {
    summary: "Check the environment: git, deno, config, keys, endpoints",
    load: () => load("doctor"),
  },
};

const HELP = `fleet-orch ${VERSION} — self-healing CI runner

Usage: fleet-orch <command> [options]

Commands:
${Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(9)} ${c.summary}`).join("\n")}

Global options:
  --help, -h     Show help (also: fleet-orch <command> --help)
  --version, -V  Show the version

Exit codes (every command):
  0    success: green (stop reasons success, flaky), clean, allowed, applied, found
  1    not fixed / checks failed / nothing found (stop reasons max_iterations,
       no_progress, cost_cap, needs_model, verification_failed, infrastructure,
       configuration, error)
  2    usage or config error, before anything runs: an unknown command, flag or
       config name (with a did-you-mean), a bad flag value, a missing directory,
       no git repository, the repository locked by another run
  3    stopped by policy (stop reasons forbidden, rejected, reviewer_unavailable;
       a denied command; scan findings)
  130  interrupted (SIGINT or SIGTERM); a run removes its worktree first
See README.md.`;

/**
 * Dispatch a command line.
 *
 * @param argv Arguments after the program name.
 * @returns The exit code.
 */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-V" || first === "version") {
    console.log(`fleet-orch ${VERSION}`);
    return 0;
  }
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    if (first === "help" && rest[0] && COMMANDS[rest[0]]) {
      console.log((await COMMANDS[rest[0]]!.load()).help);
      return 0;
    }
    console.log(HELP);
    return first === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[first];
  if (!cmd) {
    // Only this path pays for the suggestion: a specifier held in a constant
    // is read when it runs, not at start-up (the compile task embeds core/
    // through the command modules).
    const { closestName } = await import(
      new URL(SUGGEST_MODULE, import.meta.url).href
    ) as { closestName(given: string, known: Iterable<string>): string | null };
    const near = first.startsWith("-")
      ? closestName(first.replace(/^-+/, ""), ["help", "version"])
      : closestName(first, Object.keys(COMMANDS));
    const hint = near ? ` (did you mean "${first.startsWith("-") ? `--${near}` : near}"?)` : "";
    console.error(
      `error: Unknown ${first.startsWith("-") ? "option" : "command"} "${first}"${hint}; ` +
        `commands: ${Object.keys(COMMANDS).join(", ")} (see "fleet-orch --help")`,
    );
    return 2;
  }
  const mod = await cmd.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    const dd = rest.indexOf("--");
    const helpAt = Math.max(rest.indexOf("--help"), rest.indexOf("-h"));
    if (dd < 0 || helpAt < dd) {
      console.log(mod.help);
      return 0;
    }
  }
  return await mod.run(rest);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
