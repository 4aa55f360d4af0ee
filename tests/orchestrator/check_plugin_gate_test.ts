import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor, shellQuote } from "../../core/exec.ts";
import { runCheck } from "../../orchestrator/check.ts";

const allow = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const gatePy = fileURLToPath(new URL("../../examples/plugins/exec_gate.py", import.meta.url));

Deno.test("check runs a uses: step through an exec gate plugin and reports its failures", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "check-plugin-gate-" }));
  try {
    await Deno.writeTextFile(join(dir, "a.ts"), "const a = 1;   \nexport { a };\n");
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      `steps:
  - id: hygiene
    uses: exec:python3 ${shellQuote(gatePy)}
    with:
      checks: [trailing-whitespace]
      include: ["*.ts"]
`,
    );
    const r = await allow.run(
      "git init -q && git add -A && git -c user.name=t -c user.email=t@example.invalid commit -q -m init",
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.output);
    const result = await runCheck({ repo: dir, view: "silent" });
    assert.equal(result.ok, false);
    const gate = result.gates[0]!;
    assert.equal(gate.id, "hygiene");
    assert.equal(gate.status, "failed");
    const f = gate.failures.find((x) => x.file?.endsWith("a.ts"));
    assert.ok(f, JSON.stringify(gate.failures));
    assert.equal(f.line, 1);
    assert.equal(f.gate, "hygiene");

    await Deno.writeTextFile(join(dir, "a.ts"), "const a = 1;\nexport { a };\n");
    const again = await runCheck({ repo: dir, view: "silent" });
    assert.equal(again.ok, true, JSON.stringify(again.gates[0]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
