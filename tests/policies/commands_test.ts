// The command catalog: dangerous variants must be refused, benign
// look-alikes and ordinary build commands must pass.
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";
import { CASES, type Expect } from "./_command_catalog.ts";
import { judgeArgv } from "../../policies/command_argv.ts";
import {
  handlerOf,
  HANDLERS,
  literalWord,
  wrapperHandler,
} from "../../policies/command_handlers.ts";
import type { JudgeHost, Policy, Scope } from "../../policies/types.ts";

const engine = await loadPolicy({});

// [name, command line, expected outcome, expected rule id (optional)]

for (const [name, line, expect, rule] of CASES) {
  Deno.test(`policy judges ${name} (${expect})`, () => {
    const j = engine.judgeCommand(line);
    const got: Expect = j.action === "require-approval"
      ? "approval"
      : j.action === "deny"
      ? "deny"
      : j.action === "warn"
      ? "warn"
      : "allow";
    assert.equal(got, expect, `${JSON.stringify(line)} -> ${JSON.stringify(j)}`);
    assert.equal(j.allowed, expect === "allow" || expect === "warn");
    if (rule) assert.equal(j.rule, rule, `${JSON.stringify(line)} -> ${JSON.stringify(j)}`);
    if (expect !== "allow") assert.ok(j.message.length > 0 && j.category !== null);
  });
}

Deno.test("policy require-approval passes when approved", async () => {
  const approved = await loadPolicy({ approved: true });
  const j = approved.judgeCommand("git rebase main");
  assert.equal(j.action, "require-approval");
  assert.equal(j.allowed, true);
});

Deno.test("policy seed forbidden_commands become parsed patterns", async () => {
  const e = await loadPolicy({
    forbiddenCommands: ["rm -rf /", "kubectl delete namespace", "az group delete", "helm rollback"],
  });
  for (
    const line of [
      "sudo /bin/rm -r -f //",
      "kubectl -n x delete ns prod",
      "az group delete -n x",
      "helm rollback web 3",
    ]
  ) {
    const j = e.judgeCommand(line);
    assert.equal(j.allowed, false, line);
  }
  assert.equal(e.judgeCommand("helm rollback web 3").rule, "forbidden.4");
  assert.equal(e.judgeCommand("helm list").allowed, true);
});

Deno.test("policy argv layer and handlers need only the JudgeHost interface", () => {
  const hits: string[] = [];
  const policy: Policy = {
    rules: [],
    programs: new Set(["xargs", "kubectl", "cp"]),
    unknownPrograms: "warn",
    workspaces: [],
  };
  const host: JudgeHost = {
    policy,
    decided: false,
    hit: () => {},
    hitCheck: (check) => void hits.push(check),
    judgeSource: () => {},
    judgeWords: (words, scope, stdin) => judgeArgv(host, words, scope, stdin),
    checkAssign: () => {},
    commandRules: () => [],
  };
  const scope: Scope = { vars: new Map(), cwd: ".", functions: new Set(), depth: 0, anchor: 0 };
  const words = (line: string) => line.split(" ").map(literalWord);
  judgeArgv(host, words("xargs kubectl delete"), scope, { kind: "none" });
  assert.deepEqual(hits, ["cloud-delete-unresolved"]);
  judgeArgv(host, words("cp /bin/rm ./x"), scope, { kind: "none" });
  assert.equal(scope.aliases?.get("x"), "rm");
});

Deno.test("policy handler table registers shells, interpreters and database clients", () => {
  for (
    const name of ["bash", "sh", "python3", "node", "sqlite3", "psql", "git", "kubectl", "curl"]
  ) {
    assert.ok(HANDLERS.has(name), name);
  }
  assert.equal(handlerOf("python3.12"), HANDLERS.get("python3"));
  assert.equal(handlerOf("some-tool"), wrapperHandler);
});
