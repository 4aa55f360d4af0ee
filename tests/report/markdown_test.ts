import assert from "node:assert/strict";
import { mdCode, mdText, renderMarkdown } from "../../report/markdown.ts";
import { sampleReport } from "./_fixture.ts";

Deno.test("renderMarkdown heads a green run with the success title", () => {
  const md = renderMarkdown(sampleReport());
  assert.ok(md.startsWith("## ✅ fleet-orch: Build is green\n"));
  assert.match(md, /\| Stop reason \| `success` \(exit 0\) \|/);
  assert.match(md, /\| Backup branch \| `backup\/pre-orchestration-20260102_030405` \|/);
  assert.match(md, /1,200 tokens in, 300 out, \$0\.0123/);
});

Deno.test("renderMarkdown names each stop reason", () => {
  const md = renderMarkdown(sampleReport({ stopReason: "no_progress", exitCode: 1 }));
  assert.ok(md.startsWith("## ❌ fleet-orch: Not fixed: no progress\n"));
});

Deno.test("renderMarkdown escapes markup coming from failures", () => {
  const md = renderMarkdown(sampleReport());
  assert.ok(!md.includes("<script>"));
  assert.match(md, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(md, /Fix the \\\| type of \\`count\\`/);
});

Deno.test("renderMarkdown fences a diff that itself contains a fence", () => {
  const md = renderMarkdown(sampleReport());
  assert.match(md, /\n````diff\n--- a\/src\/app\.ts\n[\s\S]*\/\/ ```\n````\n/);
});

Deno.test("renderMarkdown cuts long diffs and says how much", () => {
  const diff = Array.from({ length: 450 }, (_, i) => `+line ${i}`).join("\n");
  const base = sampleReport();
  const it = { ...base.iterations[0]!, proposal: { source: "r", summary: "s", diff } };
  const md = renderMarkdown({ ...base, iterations: [it] });
  assert.match(md, /first lines; 50 more lines in the JSON report/);
  assert.ok(md.includes("+line 399\n"));
  assert.ok(!md.includes("+line 400"));
});

Deno.test("renderMarkdown lists the verification checks", () => {
  const md = renderMarkdown(sampleReport());
  assert.match(md, /### Verification: staging ✅/);
  assert.match(
    md,
    /\| health: https:\/\/staging\.example\/health \| ✅ pass \| Status 200 \| 42 ms \|/,
  );
});

Deno.test("mdCode holds backticks and pipes", () => {
  assert.equal(mdCode("a`b"), "``a`b``");
  assert.equal(mdCode("`x`"), "`` `x` ``");
  assert.equal(mdCode("a|b"), "`a\\|b`");
});

Deno.test("mdText neutralises line-start block markers", () => {
  assert.equal(mdText("# not a heading"), "\\# not a heading");
  assert.equal(mdText("1. not a list"), "1\\. not a list");
  assert.equal(mdText("- not an item"), "\\- not an item");
});
