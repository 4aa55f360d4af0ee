import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadConfig } from "../../core/config.ts";
import { type RunOptions, type RunResult, ShellExecutor, shellJoin } from "../../core/exec.ts";
import { VERSION } from "../../core/version.ts";
import {
  processesWith,
  processGroup,
  sleepMarker,
  waitForProgram,
  waitGone,
} from "../core/_proc.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../fixtures/plugins/", import.meta.url));
const EXAMPLES = fileURLToPath(new URL("../../examples/plugins/", import.meta.url));
const exec = new ShellExecutor({
  judge: () => ({ allowed: true, rule: null, message: "" }),
  env: { NO_COLOR: "1" },
});
const COMMANDS = [
  "run",
  "check",
  "verify",
  "policy",
  "logs",
  "patch",
  "stats",
  "plugins",
  "init",
  "clean",
  "doctor",
];

/** Run the CLI as `deno run -A main.ts ARGS` in `cwd`. */
function cli(args: string[], cwd = Deno.cwd(), options: RunOptions = {}): Promise<RunResult> {
  return exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, ...args]), {
    cwd,
    timeoutMs: 120_000,
    ...options,
  });
}

/** Command lines and parents of some pids, for failure messages. */
function describeProcesses(pids: number[]): string {
  return pids.map((pid) => {
    try {
      const cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return `${pid} (state ${f[0]}, ppid ${f[1]}, pgid ${f[2]}): ${cmd}`;
    } catch {
      return `${pid} (gone)`;
    }
  }).join("; ");
}

/** A temp git repository with the given files; removed afterwards. */
async function withRepo(files: Record<string, string>, body: (dir: string) => Promise<void>) {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-cli-" }));
  try {
    const init = await exec.run("git init -q", { cwd: dir });
    assert.equal(init.code, 0, init.output);
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("cli --help lists every command of the contract", async () => {
  const r = await cli(["--help"]);
  assert.equal(r.code, 0, r.output);
  for (const c of COMMANDS) assert.match(r.output, new RegExp(`^  ${c}\\s+\\S`, "m"), c);
  // No command at all: the help, with the usage exit code.
  const bare = await cli([]);
  assert.equal(bare.code, 2);
  assert.match(bare.output, /Usage: fleet-orch <command>/);
});

Deno.test("cli <command> --help prints the command's usage", async () => {
  for (const c of ["check", "plugins", "init", "doctor"]) {
    const r = await cli([c, "--help"]);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, new RegExp(`^Usage: fleet-orch ${c}`), c);
  }
});

Deno.test("cli --version prints the version", async () => {
  for (const flag of ["--version", "-V"]) {
    const r = await cli([flag]);
    assert.equal(r.code, 0);
    assert.equal(r.output, `fleet-orch ${VERSION}\n`);
  }
});

Deno.test("cli unknown command exits 2 naming the valid ones", async () => {
  const r = await cli(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.equal(
    r.output,
    `error: Unknown command "frobnicate"; commands: ${
      COMMANDS.join(", ")
    } (see "fleet-orch --help")\n`,
  );
  const flag = await cli(["check", "--no-such-flag"]);
  assert.equal(flag.code, 2);
  assert.match(flag.output, /--no-such-flag.*see "fleet-orch check --help"/);
});

Deno.test("cli plugins lists module and exec plugins from the config", async () => {
  await withRepo({
    "fleet-orch.yaml": [
      "plugins:",
      `  - uses: ${join(FIXTURES, "hello_notifier.ts")}`,
      `  - uses: "exec:python3 ${join(EXAMPLES, "exec_gate.py")}"`,
      "",
    ].join("\n"),
  }, async (dir) => {
    const r = await cli(["plugins", "--json"], dir);
    assert.equal(r.code, 0, r.output);
    const rows = JSON.parse(r.output) as { kind: string; name: string; source: string }[];
    assert.deepEqual(rows.find((p) => p.name === "hello-notifier"), {
      kind: "notifier",
      name: "hello-notifier",
      description: "Appends a greeting line per run to a file",
      source: "module",
      uses: join(FIXTURES, "hello_notifier.ts"),
    });
    assert.equal(rows.find((p) => p.name === "hygiene")?.source, "exec");
    assert.ok(rows.some((p) => p.source === "builtin"));
    const text = await cli(["plugins"], dir);
    assert.equal(text.code, 0, text.output);
    assert.match(text.output, /^ {2}hygiene\s+Trailing whitespace.*\[exec: exec:python3 /m);
    assert.match(text.output, /^ {2}hello-notifier\s+Appends a greeting.*\[module: /m);
  });
});

Deno.test("cli plugins reports a broken plugin reference with its position", async () => {
  await withRepo({
    "fleet-orch.yaml": `plugins:\n  - uses: "exec:sh ${join(FIXTURES, "garbage.sh")}"\n`,
  }, async (dir) => {
    const r = await cli(["plugins"], dir);
    assert.equal(r.code, 2);
    assert.match(
      r.output,
      new RegExp(`${join(dir, "fleet-orch.yaml")}:2:11: Cannot start exec plugin .*not JSON-RPC`),
    );
  });
});

Deno.test("cli init writes a valid config and refuses to overwrite it", async () => {
  await withRepo({ "deno.json": "{}" }, async (dir) => {
    const first = await cli(["init"], dir);
    assert.equal(first.code, 0, first.output);
    const file = join(dir, "fleet-orch.yaml");
    const { config } = await loadConfig(file, { env: () => undefined });
    assert.deepEqual(Object.keys(config.quality_gates), ["fmt", "lint", "test"]);
    const before = await Deno.readTextFile(file);
    const second = await cli(["init"], dir);
    assert.equal(second.code, 2);
    assert.match(second.output, /already exists; pass --force to overwrite it/);
    assert.equal(await Deno.readTextFile(file), before);
  });
});

Deno.test("cli check with an invalid config exits 2 with every problem located", async () => {
  await withRepo({
    "fleet-orch.yaml": [
      "agents:",
      "  orchestrator:",
      "    max_iteratons: 3",
      "quality_gates:",
      "  build:",
      "    command: npm run build",
      "    timeout: soon",
      "",
    ].join("\n"),
  }, async (dir) => {
    const r = await cli(["check"], dir);
    assert.equal(r.code, 2, r.output);
    const file = join(dir, "fleet-orch.yaml");
    assert.match(r.output, /^error: Invalid configuration \(2 problems\):$/m);
    assert.ok(r.output.includes(`${file}:3:5: Unknown key "max_iteratons"`), r.output);
    assert.ok(r.output.includes(`${file}:7:14: Expected number`), r.output);
  });
  await withRepo({ "fleet-orch.yaml": "quality_gates:\n  build: [unclosed\n" }, async (dir) => {
    const r = await cli(["check"], dir);
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, new RegExp(`${join(dir, "fleet-orch.yaml")}:\\d+:\\d+: `));
  });
});

Deno.test("cli check exits 0 when every required gate passes", async () => {
  await withRepo({
    "fleet-orch.yaml": [
      "quality_gates:",
      "  hello:",
      '    command: "echo hello-from-gate"',
      "  optional:",
      '    command: "exit 1"',
      "    required: false",
      "",
    ].join("\n"),
  }, async (dir) => {
    const r = await cli(["check", "--json"], dir);
    assert.equal(r.code, 0, r.output);
    const doc = JSON.parse(r.output.slice(r.output.indexOf("{"), r.output.lastIndexOf("}") + 1));
    assert.equal(doc.ok, true);
    assert.deepEqual(
      doc.gates.map((g: { id: string; status: string }) => `${g.id}:${g.status}`).sort(),
      ["hello:passed", "optional:failed"],
    );
  });
});

Deno.test("cli check exits 1 when a required gate fails", async () => {
  await withRepo({
    "fleet-orch.yaml": [
      "quality_gates:",
      "  good:",
      '    command: "true"',
      "  bad:",
      '    command: "echo broken-build >&2; exit 3"',
      "",
    ].join("\n"),
  }, async (dir) => {
    const r = await cli(["check"], dir);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /bad: failed/);
    assert.match(r.output, /broken-build/);
  });
});

Deno.test("cli doctor passes in a sound repository and fails on a broken config", async () => {
  await withRepo({
    "fleet-orch.yaml": 'quality_gates:\n  ok:\n    command: "true"\n',
    "broken.yaml": "agentz: 1\n",
  }, async (dir) => {
    const ok = await cli(["doctor", "--json"], dir, { env: { OPENAI_API_KEY: "" } });
    assert.equal(ok.code, 0, ok.output);
    const doc = JSON.parse(ok.output.slice(ok.output.indexOf("{"), ok.output.lastIndexOf("}") + 1));
    const byName = new Map<string, { status: string; message: string }>(
      doc.checks.map((c: { name: string; status: string; message: string }) => [c.name, c]),
    );
    for (const name of ["fleet-orch", "git", "bash", "repository", "config"]) {
      assert.equal(byName.get(name)?.status, "ok", `${name}: ${byName.get(name)?.message}`);
    }
    assert.equal(byName.get("repository")?.message, dir);
    const bad = await cli(["doctor", "--config", "broken.yaml"], dir);
    assert.equal(bad.code, 2, bad.output);
    assert.match(
      bad.output,
      new RegExp(`^FAIL config: ${join(dir, "broken.yaml")}:1:1: Unknown key "agentz"`, "m"),
    );
  });
});

for (const target of ["process", "process group"] as const) {
  Deno.test(`cli check killed with SIGKILL (${target}) leaves no gate process behind`, async () => {
    const marker = sleepMarker();
    await withRepo({
      "fleet-orch.yaml": `quality_gates:\n  hang:\n    command: "sleep ${marker}"\n`,
    }, async (dir) => {
      // --repo puts the temp dir in the command line, to find the process by.
      const running = cli(["check", "--repo", dir], dir);
      try {
        await waitForProgram("sleep", marker);
        // The deno process of `fleet-orch check` itself, not its shells.
        const deno = processesWith(dir).filter((pid) => {
          const argv = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0");
          return argv[0] === Deno.execPath() && argv.includes("check");
        });
        assert.equal(deno.length, 1, `deno processes: ${describeProcesses(deno)}`);
        Deno.kill(target === "process" ? deno[0]! : -processGroup(deno[0]!), "SIGKILL");
        const r = await running;
        assert.equal(r.code, 137, r.output);
        const left = await waitGone(marker);
        assert.deepEqual(left, [], `orphaned: ${describeProcesses(left)}\n${r.output}`);
      } finally {
        // Should the test fail half-way, stop the run so nothing lingers.
        for (const pid of processesWith(marker)) {
          try {
            Deno.kill(pid, "SIGKILL");
          } catch {
            // gone
          }
        }
        // The run was killed on purpose; only its end matters here.
        await running.catch(() => {});
      }
    });
  });
}
