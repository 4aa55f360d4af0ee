// What `--version` and `--help` load, and what `policy check-command`
// evaluates: Deno reads every module of the static graph, literal dynamic
// import() targets included, when a program starts; `import defer` targets
// are read but evaluated only on first use.
import assert from "node:assert/strict";
import { ShellExecutor } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const root = new URL("../../", import.meta.url);

type Dep = {
  specifier: string;
  code?: { specifier: string };
  type?: { specifier: string };
  isDynamic?: boolean;
};
interface Graph {
  roots: string[];
  redirects?: Record<string, string>;
  modules: { specifier: string; dependencies?: Dep[] }[];
}

function bySpecOf(g: Graph) {
  return new Map(g.modules.map((m) => [m.specifier, m]));
}

async function graphOf(entry: string): Promise<Graph> {
  let out = ""; // the whole output: r.output keeps only its head and tail
  const path = new URL(entry, root).pathname;
  const r = await exec.runArgv([Deno.execPath(), "info", "--json", path], {
    onOutput: (t) => out += t,
  });
  assert.equal(r.code, 0, r.output);
  return JSON.parse(out.slice(out.indexOf("{"))) as Graph;
}

Deno.test("--version and --help read main.ts and the version only", async () => {
  const g = await graphOf("main.ts");
  const names = g.modules.map((m) => m.specifier.slice(root.href.length)).sort();
  assert.deepEqual(names, ["core/version.ts", "main.ts"]);
  for (const args of [["--version"], ["--help"]]) {
    const r = await exec.runArgv([Deno.execPath(), "run", "-A", "main.ts", ...args], {
      cwd: root.pathname,
    });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /fleet-orch \d+\.\d+\.\d+/);
  }
});

Deno.test("policy check-command reads no scanner, executor, yaml or zod and evaluates no picomatch", async () => {
  const g = await graphOf("cli/policy.ts");
  // What Deno reads at start-up: code edges, literal dynamic import()s included.
  const read = new Set<string>();
  const next = [...g.roots];
  while (next.length) {
    const s0 = next.pop()!;
    const s = g.redirects?.[s0] ?? s0;
    if (read.has(s)) continue;
    read.add(s);
    for (const d of bySpecOf(g).get(s)?.dependencies ?? []) if (d.code) next.push(d.code.specifier);
  }
  for (
    const heavy of [
      /npm:\/?yaml@/,
      /npm:\/?zod@/,
      /node:fs$/,
      /node:util$/,
      /\/policies\/(scan|secrets|redact|engine|sarif|policy_file)\.ts$/,
      /\/patch\//,
      /\/core\/(exec|config)\.ts$/,
    ]
  ) {
    assert.ok(![...read].some((m) => heavy.test(m)), `${heavy} is read on this path`);
  }
  // What is evaluated before judging: the code edges read, without
  // `import defer` edges (their targets are evaluated on first use).
  const bySpec = bySpecOf(g);
  const deferred = new Set<string>();
  for (const m of g.modules) {
    if (!m.specifier.startsWith("file:")) continue;
    const src = await Deno.readTextFile(new URL(m.specifier)).catch(() => "");
    for (const d of src.matchAll(/import\s+defer\s+\*\s+as\s+\w+\s+from\s+"([^"]+)"/g)) {
      const dep = m.dependencies?.find((x) => x.specifier === d[1]);
      if (dep?.code) deferred.add(`${m.specifier} -> ${dep.code.specifier}`);
    }
  }
  assert.ok(deferred.size >= 2, `found ${deferred.size} deferred imports`);
  const seen = new Set<string>();
  const todo = [...g.roots];
  while (todo.length) {
    const s0 = todo.pop()!;
    const s = g.redirects?.[s0] ?? s0;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpec.get(s)?.dependencies ?? []) {
      if (!d.code || d.isDynamic || deferred.has(`${s} -> ${d.code.specifier}`)) continue;
      todo.push(d.code.specifier);
    }
  }
  const evaluated = [...seen];
  for (
    const heavy of [/npm:\/?picomatch@/, /node:/, /\/core\/lock\.ts$/]
  ) {
    assert.ok(!evaluated.some((m) => heavy.test(m)), `${heavy} is evaluated on this path`);
  }
  assert.ok(evaluated.some((m) => m.endsWith("/policies/command_judge.ts")));
  const r = await exec.runArgv(
    [Deno.execPath(), "run", "-A", "main.ts", "policy", "check-command", "--", "npm ci"],
    { cwd: root.pathname },
  );
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /^allowed/m);
});
