/**
 * `deno compile` needs Deno's `denort` base binary, downloaded from Deno's
 * release host or given as DENORT_BIN. Build machines without it cannot run
 * the build test; it is then reported as ignored, with the reason printed.
 * The test builds with the flags of the `compile` task in deno.json, so it
 * checks what ships. main.ts loads command modules through computed
 * specifiers, which `deno compile` cannot see: the task's `--include` must
 * cover each of them, which the first test checks without building.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor, shellQuote } from "../../core/exec.ts";

const root = new URL("../../", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))) as {
  tasks: Record<string, string>;
};
const compileTask = config.tasks.compile!;

/** The `--include` paths of the compile task. */
function includes(task: string): string[] {
  const words = task.split(/\s+/);
  return words.flatMap((w, i) => w === "--include" ? [words[i + 1]!] : []);
}

Deno.test("the compile task embeds every module main.ts loads by a computed specifier", async () => {
  const main = await Deno.readTextFile(join(root, "main.ts"));
  const names = [...main.matchAll(/load\("([a-z-]+)"\)/g)].map((m) => m[1]!);
  assert.ok(names.length >= 10, `found ${names.length} commands`);
  assert.match(main, /import\(new URL\(`\.\/cli\/\$\{name\}\.ts`/);
  const inc = includes(compileTask).map((p) => p.replace(/^\.\//, ""));
  for (const name of names) {
    const file = `cli/${name}.ts`;
    await Deno.stat(join(root, file)); // throws when main.ts names a missing module
    assert.ok(
      inc.some((p) => p === file || (p.endsWith("/") && file.startsWith(p))),
      `${file} is not under an --include of the compile task: ${compileTask}`,
    );
  }
  // Modules loaded the same way elsewhere: the scanner, the executor, SARIF
  // and the patch parser (cli/policy.ts), the redactor (cli/_common.ts), the
  // policy-file parser (policies/loader.ts), the config loader and the
  // plugins (orchestrator/runtime.ts), the did-you-mean of main.ts.
  const { LAZY_MODULES } = await import("../../cli/policy.ts");
  const { REDACT_MODULE } = await import("../../cli/_common.ts");
  const { POLICY_FILE_MODULE } = await import("../../policies/loader.ts");
  const { RUNTIME_LAZY_MODULES } = await import("../../orchestrator/runtime.ts");
  const lazy: [string, string][] = [
    ...Object.values(LAZY_MODULES).map((rel) => ["cli/policy.ts", rel] as [string, string]),
    ...Object.values(RUNTIME_LAZY_MODULES).map((rel) =>
      ["orchestrator/runtime.ts", rel] as [string, string]
    ),
    ["cli/_common.ts", REDACT_MODULE],
    ["policies/loader.ts", POLICY_FILE_MODULE],
    ["main.ts", (await import("../../main.ts")).SUGGEST_MODULE],
  ];
  for (const [from, rel] of lazy) {
    const file = new URL(rel, new URL(`../../${from}`, import.meta.url)).pathname
      .slice(root.length);
    await Deno.stat(join(root, file));
    assert.ok(
      inc.some((p) => p === file || (p.endsWith("/") && file.startsWith(p))),
      `${file} is not under an --include of the compile task: ${compileTask}`,
    );
  }
});

Deno.test("the release workflow compiles with the compile task's --include list", async () => {
  const release = await Deno.readTextFile(join(root, ".github/workflows/release.yml"));
  const line = release.slice(release.indexOf("deno compile -A")).replace(/\\\n\s*/g, " ")
    .split("\n")[0]!;
  assert.deepEqual(includes(line).sort(), includes(compileTask).sort(), line);
});

const denort = Deno.env.get("DENORT_BIN");
if (!denort) {
  console.error(
    "compile test skipped: DENORT_BIN is not set, and this machine cannot download denort " +
      "(deno compile fetches it from Deno's release host)",
  );
}

Deno.test({
  name: "compiled binary answers --version, judges a command and lists built-in plugins",
  ignore: !denort,
  async fn() {
    const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
    const out = await Deno.makeTempDir({ prefix: "fleet-orch-compile-" });
    const bin = join(out, "fleet-orch");
    // The task's own flags, with the output moved to the temporary folder.
    const flags = compileTask.replace(/^deno compile\s+/, "").replace(/-o\s+\S+/, "")
      .replace(/\s+main\.ts$/, "").split(/\s+/).filter((w) => w !== "");
    try {
      const c = await exec.run(
        `${shellQuote(Deno.execPath())} compile ${flags.map(shellQuote).join(" ")} -o ${
          shellQuote(bin)
        } main.ts`,
        { cwd: root, timeoutMs: 300_000 },
      );
      assert.equal(c.code, 0, c.output);
      const v = await exec.runArgv([bin, "--version"]);
      assert.match(v.output, /^fleet-orch \d+\.\d+\.\d+/);
      const j = await exec.runArgv([bin, "policy", "check-command", "--", "rm -rf /"], {
        cwd: out,
      });
      assert.equal(j.code, 3, j.output);
      const p = await exec.runArgv([bin, "plugins"], { cwd: out });
      assert.match(p.output, /deno-fmt/);
      assert.match(p.output, /github/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
