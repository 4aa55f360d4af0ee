// Loading policy files: extend and override by id, validation with
// FILE:LINE:COL for every problem at once, the embedded default.
import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors.ts";
import { loadPolicy } from "../../policies/engine.ts";
import { DEFAULT_POLICY_TEXT } from "../../policies/loader.ts";

async function withPolicy<T>(text: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "policy-test-" });
  const file = `${dir}/policy.yaml`;
  await Deno.writeTextFile(file, text);
  try {
    return await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("policy default is embedded and every default rule is complete", async () => {
  assert.match(DEFAULT_POLICY_TEXT, /^# fleet-orch default policy/);
  const e = await loadPolicy({});
  assert.ok(e.policy.rules.length >= 60);
  for (const r of e.policy.rules) {
    assert.ok(r.id && r.category && r.action && r.message && r.match, JSON.stringify(r));
  }
  const ids = e.policy.rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, "Rule ids are unique");
});

Deno.test("policy file overrides a default rule by id", async () => {
  await withPolicy("rules:\n  - id: git.reset-hard\n    action: deny\n", async (file) => {
    const e = await loadPolicy({ file });
    const j = e.judgeCommand("git reset --hard");
    assert.equal(j.action, "deny");
    assert.equal(j.message.startsWith("git reset --hard discards work"), true);
  });
});

Deno.test("policy file adds a new command rule", async () => {
  const text = `rules:
  - id: team.no-npm-publish
    category: release
    action: deny
    message: Publishing happens in the release pipeline only
    match: { command: { program: npm, words: [publish] } }
`;
  await withPolicy(text, async (file) => {
    const e = await loadPolicy({ file });
    assert.equal(
      e.judgeCommand("cd pkg && npm publish --access public").rule,
      "team.no-npm-publish",
    );
    assert.equal(e.judgeCommand("npm pack").allowed, true);
  });
});

Deno.test("policy file adds a text pattern rule limited to files", async () => {
  const text = `rules:
  - id: team.no-console
    category: quality
    action: warn
    message: No console.log in library code
    files: ["src/**"]
    match: { pattern: "console\\\\.log\\\\(" }
`;
  await withPolicy(text, async (file) => {
    const e = await loadPolicy({ file });
    const d = (p: string) => `--- a/${p}\n+++ b/${p}\n@@ -1,0 +1,1 @@\n+console.log(1)\n`;
    const f = e.scan(d("src/a.ts"));
    assert.deepEqual(f.map((x) => [x.rule, x.severity, x.line]), [[
      "team.no-console",
      "warning",
      1,
    ]]);
    assert.deepEqual(e.scan(d("test/a.ts")), []);
  });
});

Deno.test("policy file disables a rule (when loosening is allowed) and tightens unknown programs", async () => {
  const text =
    "disable: [tls.curl-insecure]\nrules:\n  - id: allowlist.unknown-program\n    action: deny\n";
  await withPolicy(text, async (file) => {
    const e = await loadPolicy({ file, allowLoosening: true });
    assert.equal(e.judgeCommand("curl -k https://localhost:8443").allowed, true);
    assert.equal(e.judgeCommand("frobnicate").allowed, false);
    assert.equal(e.judgeCommand("npm test").allowed, true);
  });
});

Deno.test("policy file extends the allowlist of programs", async () => {
  await withPolicy("programs: [frobnicate]\n", async (file) => {
    const e = await loadPolicy({ file });
    assert.equal(e.judgeCommand("frobnicate --all").action, "allow");
  });
});

Deno.test("policy file with extends none starts empty but keeps the unparsable invariant", async () => {
  await withPolicy("extends: none\n", async (file) => {
    const e = await loadPolicy({ file, allowLoosening: true });
    assert.equal(e.judgeCommand("rm -rf /").allowed, true);
    assert.equal(e.judgeCommand("echo $(").allowed, false);
  });
});

Deno.test("policy file errors are reported all at once with FILE:LINE:COL", async () => {
  const text = `version: 1
rules:
  - id: x.bad-action
    action: explode
  - id: x.new-without-fields
    category: c
  - id: x.two-matches
    category: c
    action: deny
    message: m
    match: { check: unparsable, secret: jwt }
  - id: x.bad-check
    category: c
    action: deny
    message: m
    match: { check: nope }
unknown_key: 1
`;
  await withPolicy(text, async (file) => {
    const err = await loadPolicy({ file }).then(() => null, (e) => e);
    assert.ok(err instanceof ConfigError, String(err));
    const lines = err.problems.map((p) => `${p.line}:${p.col}`);
    assert.ok(err.problems.length >= 4, err.message);
    assert.ok(err.message.includes(`${file}:4:`), err.message); // bad action
    assert.ok(err.message.includes(`${file}:16:`), err.message); // bad check
    assert.ok(err.message.includes(`${file}:17:`), err.message); // unknown key
    assert.ok(err.message.includes(`${file}:11:`), err.message); // two matches
    assert.ok(lines.every((l) => !l.startsWith("0:")), err.message);
  });
});

Deno.test("policy file missing fields on a new rule is located", async () => {
  await withPolicy("rules:\n  - id: x.new\n    category: c\n", async (file) => {
    const err = await loadPolicy({ file }).then(() => null, (e) => e);
    assert.ok(err instanceof ConfigError);
    assert.match(
      err.message,
      new RegExp(`${file}:2:\\d+: Rule "x.new" is new and needs action, message, match`),
    );
  });
});

Deno.test("policy file with a YAML syntax error is located", async () => {
  await withPolicy("rules: [\n  - id: a\n", async (file) => {
    const err = await loadPolicy({ file }).then(() => null, (e) => e);
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, new RegExp(`^${file}:\\d+:\\d+: `));
  });
});

Deno.test("policy file that does not exist is a ConfigError", async () => {
  const err = await loadPolicy({ file: "/nonexistent/policy.yaml" }).then(() => null, (e) => e);
  assert.ok(err instanceof ConfigError);
  assert.match(err.message, /Cannot read the policy file/);
});

Deno.test("policy workspaces allow recursive deletes under an absolute workspace", async () => {
  const e = await loadPolicy({ workspaces: ["/home/runner/work/app/app"] });
  assert.equal(e.judgeCommand("rm -rf /home/runner/work/app/app/dist").allowed, true);
  assert.equal(e.judgeCommand("rm -rf /home/runner/work/app/app").allowed, false);
  assert.equal(e.judgeCommand("rm -rf /home/runner/work/other").allowed, false);
});
