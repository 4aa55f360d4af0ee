import assert from "node:assert/strict";
import { writeFindingsJson, writeJsonStreamingArray } from "../../cli/_json_out.ts";

// policy scan --format json writes its findings in batches; the bytes must
// be those of console.log(JSON.stringify({ findings }, null, 2)).

class Sink {
  chunks: Uint8Array[] = [];
  /** Takes at most 1000 bytes a call, as a pipe may. */
  write(p: Uint8Array): Promise<number> {
    const n = Math.min(p.length, 1000);
    this.chunks.push(p.slice(0, n));
    return Promise.resolve(n);
  }
  text(): string {
    const all = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all);
  }
}

Deno.test("writeFindingsJson writes what JSON.stringify(..., null, 2) and a newline give", async () => {
  let seed = 3;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const texts = ["plain", 'quote " and \\ slash', "line\nbreak\ttab", "ünïcödé ✓ 😀", "", "a\r\nb"];
  const finding = () => ({
    rule: `rule.${rnd(9)}`,
    category: "secret",
    file: `src/${texts[rnd(texts.length)]}.ts`,
    line: rnd(100000),
    message: texts[rnd(texts.length)]!,
    severity: rnd(2) ? "error" : "warning",
    ...(rnd(3) === 0 ? { extra: { nested: [1, texts[rnd(texts.length)], null, {}] } } : {}),
  });
  for (const n of [0, 1, 2, 7, 600, 3000]) {
    const findings = Array.from({ length: n }, finding);
    const sink = new Sink();
    await writeFindingsJson(findings, sink);
    assert.equal(sink.text(), JSON.stringify({ findings }, null, 2) + "\n", `${n} findings`);
    if (n >= 600) assert.ok(sink.chunks.length > 2, "written in several pieces");
  }
});

Deno.test("writeJsonStreamingArray writes a SARIF log as JSON.stringify(log, null, 2) does", async () => {
  const { toSarif } = await import("../../policies/sarif.ts");
  const { loadPolicy } = await import("../../policies/engine.ts");
  const rules = (await loadPolicy({})).policy.rules;
  const pick = ["secret.github-token", "sql.unsafe-query", "path.protected", "content.bidi"];
  for (const n of [0, 1, 5, 900]) {
    const findings = Array.from({ length: n }, (_, i) => ({
      rule: pick[i % pick.length]!,
      category: "secret",
      file: `src/dir ${i % 7}/f\u00e9${i % 3}.ts`,
      line: 1 + i,
      message: `finding ${i} "quoted"\n second line`,
      severity: "error" as const,
    }));
    const log = toSarif(findings, rules, "1.2.3", { lineText: (_f, l) => `line ${l}` });
    const want = JSON.stringify(log, null, 2) + "\n";
    const sink = new Sink();
    await writeJsonStreamingArray(log, log.runs[0] as Record<string, unknown>, "results", sink);
    assert.equal(sink.text(), want, `${n} results`);
    // The document is left as it was.
    assert.equal(JSON.stringify(log, null, 2) + "\n", want);
  }
});
