/**
 * The command-line contract as a table: every command crossed with the bad
 * inputs a user types (mistyped flags and commands, flags without values,
 * negative and non-numeric numbers, unknown enum values, missing directories
 * and files, stray arguments) and with configs that name something that does
 * not exist (providers, plugins, `uses:`, their options, enum values,
 * environments). Each row runs the real CLI as a subprocess and asserts the
 * exit code, the shape of the message (what is wrong, FILE:LINE:COL for a
 * config, a did-you-mean where a near name exists) and, for configs, that no
 * gate ran: the gate writes a marker file.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { exec, MAIN, makeRepo, refState, removeRepo } from "../e2e/_helpers.ts";
import { shellJoin, shellQuote } from "../../core/exec.ts";

interface Outcome {
  code: number;
  output: string;
}

/** Run the CLI in `cwd` with no model or CI variables of the test's own. */
async function cli(cwd: string, args: string[]): Promise<Outcome> {
  const unset = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "GITHUB_ACTIONS", "TF_BUILD", "CI"]
    .map((n) => `-u ${n}`).join(" ");
  const r = await exec.run(
    `env ${unset} ${shellJoin([Deno.execPath(), "run", "-A", MAIN, ...args])} </dev/null`,
    { cwd, env: { NO_COLOR: "1" }, timeoutMs: 300_000 },
  );
  return { code: r.code, output: r.output };
}

/**
 * Run rows a few at a time (each is a process start; the machine has few
 * cores), then fail with every row that did not hold, not only the first.
 */
async function pool<T>(items: T[], width: number, each: (item: T) => Promise<void>) {
  const queue = [...items];
  const failed: string[] = [];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        await each(item).catch((e) => failed.push((e as Error).message));
      }
    }),
  );
  assert.deepEqual(failed, [], `${failed.length} of ${items.length} rows failed`);
}

/** Nothing a user should see on a usage or config error. */
function assertClean(output: string, what: string): void {
  for (
    const bad of [
      /argument is ambiguous/,
      /Failed to spawn/,
      /Uncaught/,
      /\n\s+at .*:\d+:\d+/, // a stack trace
      /Unexpected token/,
    ]
  ) {
    assert.doesNotMatch(output, bad, `${what}: ${output}`);
  }
}

/** Line and column (1-based) of the first `token` at or after `from` in `text`. */
function position(text: string, token: string, from: number): { line: number; col: number } {
  const at = text.indexOf(token, from);
  assert.ok(at >= 0, `"${token}" is not in the config`);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return { line, col: at - before.lastIndexOf("\n") };
}

async function fixture() {
  const marks = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-usage-marks-" }));
  const marker = join(marks, "gate-ran");
  const gates = `quality_gates:
  mark:
    command: ${JSON.stringify(`touch ${shellQuote(marker)}`)}
    timeout: 60
deployment:
  environments:
    staging:
      health_endpoint: http://127.0.0.1:9/health
    production: {}
`;
  const repo = await makeRepo({ "fleet-orch.yaml": gates, "README.md": "hello\n" });
  const ran = () => Deno.stat(marker).then(() => true, () => false);
  return { repo, marks, gates, ran };
}

Deno.test("usage table: bad flags, values, commands and paths exit 2 with a message that says what to do", async () => {
  const { repo, marks, ran } = await fixture();
  const file = join(marks, "a-file");
  await Deno.writeTextFile(file, "not a directory\n");
  const missing = join(marks, "no-such-dir");
  // [arguments, expected exit code, what the message must say]
  const rows: [string[], number, RegExp][] = [
    // Mistyped commands and subcommands.
    [["chek"], 2, /Unknown command "chek" \(did you mean "check"\?\)/],
    [["verfy"], 2, /did you mean "verify"\?/],
    [["--verison"], 2, /did you mean "--version"\?/],
    [["policy", "chek-command", "--", "ls"], 2, /did you mean "check-command"\?/],
    [["policy", "scna", "-"], 2, /did you mean "scan"\?/],
    [["logs", "extrct", "x.log"], 2, /did you mean "extract"\?/],
    [["patch", "aply", "x.diff"], 2, /did you mean "apply"\?/],
    [["policy"], 2, /policy needs a command: "check-command" or "scan"/],
    [["patch"], 2, /patch needs a command: "apply"/],
    // Mistyped flags, on every command.
    [["run", "--dryrun"], 2, /Unknown flag --dryrun; did you mean --dry-run\?/],
    [["run", "--max-cost"], 2, /Unknown flag --max-cost; did you mean --max-cost-usd\?/],
    [["run", "--max_iterations", "2"], 2, /did you mean --max-iterations\?/],
    [["check", "--jsn"], 2, /did you mean --json\?/],
    [["verify", "--enviroment", "staging"], 2, /did you mean --environment\?/],
    [["doctor", "--ofline"], 2, /did you mean --offline\?/],
    [["plugins", "--jsn"], 2, /did you mean --json\?/],
    [["stats", "--lst", "3"], 2, /did you mean --last\?/],
    [["clean", "--dryrun"], 2, /did you mean --dry-run\?/],
    [["init", "--forse"], 2, /did you mean --force\?/],
    [["policy", "check-command", "--jsn", "--", "ls"], 2, /did you mean --json\?/],
    [["policy", "scan", "--fromat", "json", "-"], 2, /did you mean --format\?/],
    [["logs", "extract", "--jsn", "x.log"], 2, /did you mean --json\?/],
    [["patch", "apply", "--chek", "x.diff"], 2, /did you mean --check\?/],
    // Flags without their value: at the end, or followed by another flag.
    [["run", "--environment"], 2, /--environment needs a value/],
    [["run", "--environment", "--dry-run"], 2, /--environment needs a value, but the next/],
    [["run", "--config"], 2, /--config needs a value/],
    [["run", "--max-cost-usd"], 2, /--max-cost-usd needs a value/],
    [["check", "--only"], 2, /--only needs a value/],
    [["check", "--config", "--json"], 2, /--config needs a value/],
    [["verify", "--environment"], 2, /--environment needs a value/],
    [["verify", "-e"], 2, /--environment <value>' argument missing/],
    [["stats", "--last"], 2, /--last needs a value/],
    [["clean", "--repo"], 2, /--repo needs a value/],
    [["doctor", "--config"], 2, /--config needs a value/],
    [["policy", "scan", "--format"], 2, /--format needs a value/],
    [["patch", "apply", "--cwd"], 2, /--cwd needs a value/],
    // Numbers: negative, not a number, not an integer, below the minimum.
    [["run", "--max-cost-usd", "-1"], 2, /--max-cost-usd cannot be negative, got "-1"/],
    [["run", "--max-cost-usd", "NaN"], 2, /--max-cost-usd needs a number >= 0, got "NaN"/],
    [["run", "--max-cost-usd", "1e999"], 2, /--max-cost-usd needs a number >= 0/],
    [["run", "--max-iterations", "-3"], 2, /--max-iterations cannot be negative/],
    [["run", "--max-iterations", "two"], 2, /--max-iterations needs an integer >= 1, got "two"/],
    [["run", "--candidates", "2.5"], 2, /--candidates needs an integer >= 1, got "2.5"/],
    [["run", "--jobs", "0"], 2, /--jobs needs an integer >= 1, got "0"/],
    [["check", "--jobs", "-1"], 2, /--jobs cannot be negative/],
    [["check", "--jobs", "NaN"], 2, /--jobs needs an integer >= 1, got "NaN"/],
    [["stats", "--last", "-1"], 2, /--last cannot be negative/],
    [["stats", "--since", "2024-13-45"], 2, /--since needs a date as YYYY-MM-DD/],
    [["logs", "extract", "--max-chunks", "0", "x.log"], 2, /--max-chunks needs an integer >= 1/],
    // Enum values and boolean flags given a value.
    [["policy", "scan", "--format", "xml", "-"], 2, /--format must be text, json or sarif/],
    [["run", "--dry-run=yes"], 2, /'--dry-run' does not take an argument/],
    // Directories and files that are not there.
    [["run", "--repo", missing], 2, /--repo .*no-such-dir: no such directory/],
    [["check", "--repo", missing], 2, /no such directory/],
    [["verify", "-e", "staging", "--repo", missing], 2, /no such directory/],
    [["doctor", "--repo", missing], 2, /no such directory/],
    [["plugins", "--repo", missing], 2, /no such directory/],
    [["clean", "--repo", missing], 2, /no such directory/],
    [["stats", "--repo", missing], 2, /no-such-dir/],
    [["init", "--repo", missing], 2, /no-such-dir/],
    [["run", "--repo", file], 2, /--repo .*a-file: not a directory/],
    [["check", "--repo", file], 2, /not a directory/],
    [["run", "--config", join(marks, "none.yaml")], 2, /none\.yaml:0:0: File not found/],
    [["check", "--config", join(marks, "none.yaml")], 2, /File not found/],
    [["verify", "-e", "staging", "--config", join(marks, "none.yaml")], 2, /File not found/],
    [["plugins", "--config", join(marks, "none.yaml")], 2, /File not found/],
    [["clean", "--config", join(marks, "none.yaml")], 2, /File not found/],
    [["stats", "--config", join(marks, "none.yaml")], 2, /File not found/],
    [["doctor", "--offline", "--config", join(marks, "none.yaml")], 2, /File not found/],
    [["check", "--config", marks], 2, /Cannot read the file: Is a directory/],
    [["run", "--report-dir", file], 2, /Cannot write reports under .*a-file/],
    [["check", "--report-dir", file], 2, /Cannot write reports under .*a-file/],
    [["logs", "extract", join(marks, "none.log")], 2, /Cannot read ".*none\.log"/],
    [
      ["patch", "apply", "--cwd", missing, "-"],
      2,
      /--cwd ".*no-such-dir" is not a usable directory/,
    ],
    [
      ["policy", "check-command", "--policy", join(marks, "none.yaml"), "--", "ls"],
      2,
      /Cannot read the policy file/,
    ],
    // Arguments a command does not take, and names the config does not have.
    [["run", "dry-run"], 2, /run takes no arguments; got "dry-run"; did you mean --dry-run\?/],
    [["check", "lint"], 2, /check takes no arguments; got "lint"/],
    [["doctor", "now"], 2, /doctor takes no arguments/],
    [["plugins", "all"], 2, /plugins takes no arguments/],
    [["verify", "staging"], 2, /verify takes no arguments; got "staging"/],
    [["clean", "all"], 2, /clean takes no arguments/],
    [["check", "--only", "mrak"], 2, /--only mrak: no such gate.*did you mean "mark"\?/],
    [
      ["run", "--environment", "stagin"],
      2,
      /Unknown environment "stagin".*did you mean "staging"\?/,
    ],
    [
      ["run", "--environment", "qa"],
      2,
      /Unknown environment "qa"; configured: staging, production/,
    ],
    [
      ["verify", "--environment", "prod"],
      2,
      /Unknown environment "prod".*did you mean "production"\?/,
    ],
    // The table's other codes, for contrast: help is 0, policy denies with 3.
    [["check", "--help"], 0, /Exit codes:/],
    [["policy", "check-command", "--", "rm -rf /"], 3, /denied|refused|forbidden/i],
  ];
  const before = await refState(repo);
  try {
    await pool(rows, 3, async ([args, code, re]) => {
      const r = await cli(repo, args);
      const what = args.join(" ");
      assert.equal(r.code, code, `${what}: exit ${r.code}\n${r.output}`);
      assert.match(r.output, re, `${what}: ${r.output}`);
      assertClean(r.output, what);
      // doctor reports a config it cannot load as its failed "config" check.
      if (code === 2) assert.match(r.output, /^(error: |FAIL config: )/m, `${what}: ${r.output}`);
    });
    assert.equal(await ran(), false, "no gate ran on a usage error");
    assert.equal(await refState(repo), before, "the repository is as it was");
  } finally {
    await removeRepo(repo);
    await Deno.remove(marks, { recursive: true });
  }
});

/** A config that names something that does not exist. */
interface ConfigRow {
  /** What the row is about. */
  name: string;
  /** YAML appended to the working config. */
  yaml: string;
  /** The offending text: the problem is located where it starts. */
  at: string;
  /** What the message must say (a did-you-mean where a near name exists). */
  says: RegExp;
}

const CONFIG_ROWS: ConfigRow[] = [
  {
    name: "fixer provider",
    yaml: "agents:\n  codex:\n    provider: opneai\n",
    at: "opneai",
    says: /"opneai" \(did you mean "openai"\?\); valid names: .*ollama/,
  },
  {
    name: "reviewer provider",
    yaml: "agents:\n  jules:\n    provider: ollamma\n",
    at: "ollamma",
    says: /did you mean "ollama"\?/,
  },
  {
    name: "plugins entry",
    yaml: "plugins:\n  - uses: githubb\n",
    at: "githubb",
    says: /Unknown plugin "githubb" \(did you mean "github"\?\)/,
  },
  {
    name: "VCS host",
    yaml: "vcs:\n  uses: gihtub\n",
    at: "gihtub",
    says: /Unknown vcs plugin "gihtub" \(did you mean "github"\?\)/,
  },
  {
    name: "VCS host of the wrong kind",
    yaml: "vcs:\n  uses: slack\n",
    at: "slack",
    says: /"slack" is a notifier plugin, but a vcs plugin is needed/,
  },
  {
    name: "notifier",
    yaml: "notifiers:\n  - uses: slak\n",
    at: "slak",
    says: /did you mean "slack"\?/,
  },
  {
    name: "fixer recipe",
    yaml: "fixers:\n  - uses: prettierr\n",
    at: "prettierr",
    says: /did you mean "prettier"\?/,
  },
  {
    name: "gate plugin of a step",
    yaml: "steps:\n  - id: extra\n    uses: no-such-gate\n",
    at: "no-such-gate",
    says: /Unknown gate plugin "no-such-gate"/,
  },
  {
    name: "verifier of an environment",
    yaml: "      verifiers:\n        - uses: htttp\n",
    at: "htttp",
    says: /Unknown verifier plugin "htttp" \(did you mean "http"\?\)/,
  },
  {
    name: "unknown option of a plugin",
    yaml: "vcs:\n  uses: github\n  with:\n    repoo: o/r\n",
    at: "repoo",
    says: /Unknown key "repoo" in vcs\.with; did you mean "repo"\?/,
  },
  {
    name: "option of the wrong type",
    yaml: "vcs:\n  uses: github\n  with:\n    max_retries: many\n",
    at: "many",
    says: /Expected number at vcs\.with\.max_retries, got string "many"/,
  },
  {
    name: "option of a declared plugin",
    yaml: "notifiers:\n  - uses: slack\n    with:\n      webhook_envv: HOOK\n",
    at: "webhook_envv",
    says: /did you mean "webhook_env"\?/,
  },
  {
    name: "deployment provider",
    yaml: "      provider: akss\n",
    at: "akss",
    says:
      /Unknown value "akss" at deployment\.environments\.staging\.provider.*did you mean "aks"\?/,
  },
  {
    name: "agent option enum",
    yaml: "agents:\n  codex:\n    auth: bearr\n",
    at: "bearr",
    says: /did you mean "bearer"\?/,
  },
  {
    name: "top-level key",
    yaml: "notifier:\n  - uses: slack\n",
    at: "notifier:",
    says: /Unknown key "notifier".*did you mean "notifiers"\?/,
  },
];

Deno.test("usage table: a config naming what does not exist exits 2 at FILE:LINE:COL before any gate, on every command", async () => {
  const { repo, marks, gates, ran } = await fixture();
  const commands: string[][] = [
    ["run"],
    ["run", "--dry-run"],
    ["run", "--environment", "staging"],
    ["check"],
    ["verify", "--environment", "staging"],
    ["plugins"],
    ["doctor", "--offline"],
    ["clean", "--dry-run"],
  ];
  const jobs: { row: ConfigRow; file: string; text: string; args: string[] }[] = [];
  for (const [i, row] of CONFIG_ROWS.entries()) {
    const file = join(marks, `config-${i}.yaml`);
    // Rows indented under the staging environment go right after its key.
    const text = row.yaml.startsWith("      ")
      ? gates.replace("    staging:\n", `    staging:\n${row.yaml}`)
      : gates + row.yaml;
    await Deno.writeTextFile(file, text);
    for (const c of commands) jobs.push({ row, file, text, args: [...c, "--config", file] });
  }
  const before = await refState(repo);
  try {
    await pool(jobs, 3, async ({ row, file, text, args }) => {
      const r = await cli(repo, args);
      const what = `${row.name}: ${args[0]}`;
      assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.output}`);
      const extraStarts = row.yaml.startsWith("      ") ? text.indexOf(row.yaml) : text.length -
        row.yaml.length;
      const { line, col } = position(text, row.at, extraStarts);
      assert.ok(
        r.output.includes(`${file}:${line}:${col}: `),
        `${what}: expected ${file}:${line}:${col} in\n${r.output}`,
      );
      assert.match(r.output, row.says, `${what}: ${r.output}`);
      assertClean(r.output, what);
    });
    assert.equal(await ran(), false, "no gate command ran");
    assert.equal(await refState(repo), before, "no branch, commit or file was made");
  } finally {
    await removeRepo(repo);
    await Deno.remove(marks, { recursive: true });
  }
});

Deno.test("usage table: the working config runs its gate (the marker proves the rows above)", async () => {
  const { repo, marks, ran } = await fixture();
  try {
    const r = await cli(repo, ["check"]);
    assert.equal(r.code, 0, r.output);
    assert.equal(await ran(), true);
  } finally {
    await removeRepo(repo);
    await Deno.remove(marks, { recursive: true });
  }
});
