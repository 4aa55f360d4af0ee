import assert from "node:assert/strict";
import { loadTokenCounter } from "../../agents/budget.ts";
import { type AttemptRecord, buildFixerMessages, proposeFix } from "../../agents/fixer.ts";
import type { Failure } from "../../core/types.ts";
import { createOpenAiClient } from "../../plugins/llm/openai.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";

const SECRET = "s3cr3t-Value-9f8e7d6c5b4a";
const TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

// A redactor in the spirit of the policy engine's: values of secret-looking
// variables from the given environment, and tokens recognised by shape.
function redactorFor(env: Record<string, string>): (t: string) => string {
  const values = Object.entries(env)
    .filter(([k, v]) => /KEY|TOKEN|SECRET|PASSWORD/i.test(k) && v.length >= 8)
    .map(([, v]) => v);
  return (t) => {
    let out = t;
    for (const v of values) out = out.replaceAll(v, "[REDACTED]");
    return out.replace(/\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, "[REDACTED]");
  };
}

async function makeRepo(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "fixer_test_" });
  for (const [path, text] of Object.entries(files)) {
    const full = `${root}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  return root;
}

function repoAccess(root: string, paths: string[]) {
  return {
    repoRoot: root,
    readFile: async (p: string) => {
      try {
        return await Deno.readTextFile(`${root}/${p}`);
      } catch {
        return null;
      }
    },
    listFiles: () => Promise.resolve(paths),
  };
}

const LONG = Array.from(
  { length: 400 },
  (_, i) =>
    i === 249
      ? "  return a - b; // MARK_FAILING_LINE"
      : `  const v${i + 1} = ${i + 1}; // filler ${i + 1}`,
)
  .join("\n");
const FILES = {
  "src/calc.ts": LONG,
  "src/config.ts": `export const apiKey = "${SECRET}";\nexport const port = 8080;\n`,
  "tests/calc_test.ts": 'import { add } from "../src/calc.ts";\nDeno.test("add", () => {});\n',
  "README.md": "# demo\n",
};
const FAILURES: Failure[] = [
  {
    gate: "test",
    tool: "deno",
    file: "src/calc.ts",
    line: 250,
    message: "AssertionError: expected 3, got -1",
    excerpt: "error: AssertionError: expected 3, got -1\n    at add (src/calc.ts:250:10)",
    fingerprint: "fp-calc",
  },
  {
    gate: "lint",
    tool: "deno-lint",
    file: "src/config.ts",
    line: 2,
    message: "prefer-const",
    excerpt: "src/config.ts:2:1 prefer-const",
    fingerprint: "fp-config",
  },
];
const HISTORY: AttemptRecord[] = [{
  iteration: 1,
  summary: "Changed the test expectation",
  diff: "--- a/tests/calc_test.ts\n+++ b/tests/calc_test.ts\n@@ -1 +1 @@\n-x\n+y\n",
  outcome: "rejected",
  reasons: ["Weakens a test to make it pass"],
}];

const REPLY = `Summary: Add instead of subtracting in calc
Here is the fix:

\`\`\`diff
--- a/src/calc.ts
+++ b/src/calc.ts
@@ -249,3 +249,3 @@
   const v249 = 249; // filler 249
-  return a - b; // MARK_FAILING_LINE
+  return a + b; // MARK_FAILING_LINE
   const v251 = 251; // filler 251
\`\`\`
`;

Deno.test("proposeFix sends windows, map, log and history and extracts the diff", async () => {
  const root = await makeRepo(FILES);
  const fake = await startFakeOpenAi([REPLY]);
  try {
    const env = { OPENAI_API_KEY: "sk-fake-key-for-tests", DEPLOY_TOKEN: SECRET };
    const llm = createOpenAiClient({ base_url: fake.url }, {
      env: (n) => env[n as keyof typeof env],
    });
    const out = await proposeFix({
      llm,
      model: "gpt-4o",
      temperature: 0.1,
      maxTokens: 2000,
      failures: FAILURES,
      logChunk: `$ deno test\nusing token ${TOKEN}\nerror: AssertionError: expected 3, got -1`,
      ...repoAccess(root, Object.keys(FILES)),
      history: HISTORY,
      redact: redactorFor(env),
    });
    assert.ok(out.proposal, "no proposal");
    assert.equal(out.proposal.source, "llm:gpt-4o");
    assert.equal(out.proposal.summary, "Add instead of subtracting in calc");
    assert.match(out.proposal.diff, /^\+ {2}return a \+ b;/m);
    assert.deepEqual(out.proposal.calls, [out.record]);
    assert.ok(out.record.costUsd > 0);

    const user = out.prompt;
    assert.ok(user.includes("MARK_FAILING_LINE"), "the failing line is shown");
    assert.ok(user.includes("filler 230"), "context before the failing line is shown");
    assert.ok(!user.includes("filler 100;"), "far lines are not shown");
    assert.ok(!user.includes("filler 399"), "the file is not sent whole");
    assert.match(user, /### src\/config\.ts \(whole file/);
    assert.match(user, /## Repository map\n[\s\S]*README\.md/);
    assert.match(
      user,
      /Changed the test expectation[\s\S]*rejected by the reviewer[\s\S]*Weakens a test/,
    );
    assert.match(user, /one unified diff/);

    const sent = JSON.stringify(fake.requests[0]);
    assert.ok(!sent.includes(SECRET), "an environment secret reached the model");
    assert.ok(!sent.includes(TOKEN), "a token from the log reached the model");
    assert.ok(sent.includes("[REDACTED]"));
    const body = fake.requests[0] as { temperature: number; max_tokens: number };
    assert.equal(body.temperature, 0.1);
    assert.equal(body.max_tokens, 2000);
  } finally {
    await fake.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("proposeFix returns no proposal for a reply without a diff or with NO_FIX", async () => {
  const root = await makeRepo(FILES);
  const fake = await startFakeOpenAi([
    "I think you should add the numbers.",
    "NO_FIX: the failure is in a generated file",
  ]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url }, {
      env: (n) => (n === "OPENAI_API_KEY" ? "k" : undefined),
    });
    const input = {
      llm,
      model: "gpt-4o-mini",
      failures: FAILURES,
      ...repoAccess(root, Object.keys(FILES)),
      history: [],
      redact: (t: string) => t,
    };
    const first = await proposeFix(input);
    assert.equal(first.proposal, null);
    assert.equal(first.reply, "I think you should add the numbers.");
    const second = await proposeFix(input);
    assert.equal(second.proposal, null);
    assert.ok(second.record.tokensIn > 0);
  } finally {
    await fake.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("buildFixerMessages stays within the token budget", async () => {
  const count = await loadTokenCounter();
  const many: Record<string, string> = { ...FILES };
  for (let i = 0; i < 40; i++) {
    many[`src/mod${i}/file${i}.ts`] = Array.from(
      { length: 300 },
      (_, j) => `export const k${j} = "${i}-${j}";`,
    )
      .join("\n");
  }
  const root = await makeRepo(many);
  try {
    const failures: Failure[] = Object.keys(many).filter((p) => p.startsWith("src/mod")).map((
      p,
      i,
    ) => ({
      gate: "typecheck",
      tool: "tsc",
      file: p,
      line: 100 + i,
      code: "TS2322",
      message: `Type 'string' is not assignable to type 'number' (${i})`,
      excerpt: `${p}:${100 + i}:5 - error TS2322`,
      fingerprint: `fp${i}`,
    }));
    const log = Array.from({ length: 5000 }, (_, i) => `noise line ${i} of a very chatty build`)
      .join("\n");
    const history: AttemptRecord[] = Array.from({ length: 10 }, (_, i) => ({
      ...HISTORY[0]!,
      iteration: i + 1,
      diff: HISTORY[0]!.diff.repeat(50),
    }));
    for (const budget of [3000, 8000]) {
      const messages = await buildFixerMessages({
        failures,
        logChunk: log,
        ...repoAccess(root, Object.keys(many)),
        history,
        redact: (t) => t,
        tokenBudget: budget,
      }, count);
      const total = messages.reduce((n, m) => n + count(m.content), 0);
      assert.ok(total <= budget, `${total} tokens > budget ${budget}`);
      assert.ok(total >= budget * 0.6, `${total} tokens leaves most of budget ${budget} unused`);
      const user = messages[1]!.content;
      assert.match(user, /## Failures/);
      assert.match(user, /## Files the failures point at/);
      assert.match(user, /noise line 4999/);
    }
    await assert.rejects(
      () =>
        buildFixerMessages({
          failures,
          ...repoAccess(root, []),
          history: [],
          redact: (t) => t,
          tokenBudget: 100,
        }, count),
      RangeError,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
