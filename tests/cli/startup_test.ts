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

Deno.test("policy check-command evaluates no scanner, executor, picomatch, yaml or zod", async () => {
  // The modules evaluated before judging: the static graph of cli/policy.ts
  // without type-only edges and without `import defer` edges.
  const g = await graphOf("cli/policy.ts");
  const bySpec = new Map(g.modules.map((m) => [m.specifier, m]));
  const deferred = new Set<string>();
  for (const m of g.modules) {
    if (!m.specifier.startsWith("file:")) continue;
    const src = await Deno.readTextFile(new URL(m.specifier)).catch(() => "");
    for (const d of src.matchAll(/import\s+defer\s+\*\s+as\s+\w+\s+from\s+"([^"]+)"/g)) {
      const dep = m.dependencies?.find((x) => x.specifier === d[1]);
      if (dep?.code) deferred.add(`${m.specifier} -> ${dep.code.specifier}`);
    }
  }
  assert.ok(deferred.size >= 3, `found ${deferred.size} deferred imports`);
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
    const heavy of [
      /npm:\/?yaml@/,
      /npm:\/?zod@/,
      /npm:\/?picomatch@/,
      /node:fs$/,
      /\/policies\/scan\.ts$/,
      /\/policies\/secrets\.ts$/,
      /\/patch\/parse\.ts$/,
      /\/core\/exec\.ts$/,
    ]
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
