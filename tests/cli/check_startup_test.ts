// What `check` loads at start-up. Deno reads every module of the static
// graph, literal dynamic import() targets included, and evaluates the static
// part. The schema (zod), the config loader, the plugins and node:fs are
// loaded only when the config is not taken from the cache
// (orchestrator/gate_runtime.ts), so they must not be read at all; the YAML
// parser may be read (the CI-pool exception names it in a literal import())
// but not evaluated. One static import of any of them costs every check tens
// of milliseconds (bench/startup_check.ts).
import assert from "node:assert/strict";
import { ShellExecutor } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const root = new URL("../../", import.meta.url);

interface Graph {
  roots: string[];
  redirects?: Record<string, string>;
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
  }[];
}

Deno.test("check reads no zod, config loader, plugin or node:fs module and evaluates no YAML parser at start-up", async () => {
  let out = ""; // the whole output: r.output keeps only its head and tail
  const r = await exec.runArgv(
    [Deno.execPath(), "info", "--json", new URL("cli/check.ts", root).pathname],
    { onOutput: (t) => out += t },
  );
  assert.equal(r.code, 0, r.output);
  const g = JSON.parse(out.slice(out.indexOf("{"))) as Graph;
  const bySpec = new Map(g.modules.map((m) => [m.specifier, m]));
  const reach = (followDynamic: boolean) => {
    const seen = new Set<string>();
    const next = [...g.roots];
    while (next.length) {
      const s0 = next.pop()!;
      const s = g.redirects?.[s0] ?? s0;
      if (seen.has(s)) continue;
      seen.add(s);
      for (const d of bySpec.get(s)?.dependencies ?? []) {
        if (d.code && (followDynamic || !d.isDynamic)) next.push(d.code.specifier);
      }
    }
    return [...seen];
  };
  const read = reach(true);
  const evaluated = reach(false);
  assert.ok(evaluated.some((m) => m.endsWith("/orchestrator/gate_runtime.ts")), "sanity");
  for (
    const heavy of [
      /npm:\/?zod@/,
      /node:fs$/,
      /\/core\/config(_schema)?\.ts$/,
      /\/plugins\/(builtins|exec)\.ts$/,
    ]
  ) {
    assert.deepEqual(read.filter((m) => heavy.test(m)), [], `${heavy} is read when check starts`);
  }
  for (const heavy of [/npm:\/?yaml@/]) {
    assert.deepEqual(
      evaluated.filter((m) => heavy.test(m)),
      [],
      `${heavy} is evaluated when check starts`,
    );
  }
});
