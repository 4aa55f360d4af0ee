import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { checkImports, importSpecifiers } from "../../tools/check_imports.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SCRIPT = join(ROOT, "tools", "check_imports.ts");
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-imports-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, path)), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  return dir;
}

async function runChecker(dir: string): Promise<{ code: number; output: string }> {
  const r = await exec.run(shellJoin([Deno.execPath(), "run", "--allow-read", SCRIPT, dir]), {
    env: { NO_COLOR: "1" },
  });
  return { code: r.code, output: r.output };
}

Deno.test("check_imports exits 1 on a cycle and names its files in import order", async () => {
  const dir = await tree({
    "core/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
    "core/b.ts": 'import { c } from "./c.ts";\nexport const b = () => c;\n',
    "core/c.ts": 'import type { a } from "./a.ts";\nexport const c = 1 as unknown as typeof a;\n',
    "core/d.ts": 'import { a } from "./a.ts";\nexport const d = a;\n',
  });
  try {
    const r = await runChecker(dir);
    assert.equal(r.code, 1, r.output);
    assert.match(
      r.output,
      /cycle: core\/a\.ts -> core\/b\.ts -> core\/c\.ts -\(type\)-> core\/a\.ts/,
    );
    // d.ts imports into the cycle but is not on it.
    assert.doesNotMatch(r.output, /d\.ts/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check_imports exits 1 on an import up the layering, with file and line", async () => {
  const dir = await tree({
    "cli/run.ts": 'import { x } from "../core/x.ts";\nexport const run = x;\n',
    "core/x.ts": '// header\nimport type { run } from "../cli/run.ts";\nexport const x = 1;\n',
  });
  try {
    const r = await runChecker(dir);
    assert.equal(r.code, 1, r.output);
    assert.match(
      r.output,
      /layering: core\/x\.ts:2 imports cli\/run\.ts \(type\): core\/ \(rank 7\)/,
    );
    // The two files also form a cycle.
    assert.match(r.output, /cycle: cli\/run\.ts -> core\/x\.ts -\(type\)-> cli\/run\.ts/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check_imports allows downward and sideways service imports and exits 0", async () => {
  const dir = await tree({
    "main.ts": 'const load = () => import("./cli/run.ts");\nexport { load };\n',
    "cli/run.ts": 'import "../stats/s.ts";\nexport * from "../core/x.ts";\n',
    "stats/s.ts": 'import { r } from "../report/r.ts";\nexport const s = r;\n',
    "report/r.ts": 'import { x } from "../core/x.ts";\nexport const r = x;\n',
    "core/x.ts": "export const x = 1;\n",
    "tests/t_test.ts": 'import "../main.ts";\n',
  });
  try {
    const r = await runChecker(dir);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /5 files, 5 imports: 0 cycle\(s\), 0 layering violation\(s\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check_imports flags a file in no layer and a sideways import between plain layers", async () => {
  const dir = await tree({
    "extra/e.ts": 'import { x } from "../core/x.ts";\nexport const e = x;\n',
    "patch/p.ts": 'import { q } from "../policies/q.ts";\nexport const p = q;\n',
    "policies/q.ts": "export const q = 1;\n",
    "core/x.ts": "export const x = 1;\n",
  });
  try {
    const report = await checkImports(dir);
    const messages = report.layering.map((v) => v.message);
    assert.deepEqual(messages, [
      "extra/e.ts is in no layer of tools/check_imports.ts",
      "patch/ (rank 6) imports up into policies/ (rank 5)",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("importSpecifiers skips comments, strings, templates and regex literals", () => {
  const source = [
    '/** @example import { no } from "./doc.ts"; */',
    '// import "./comment.ts";',
    "const s = \"import x from './string.ts'\";",
    "const re = /[\"'`]import/g;",
    "const t = `import ${'./in-template.ts'} ${{ a: `nested ${1}` }.a}`;",
    'import type { A } from "./a.ts";',
    'import { type B, C } from "./bc.ts";',
    'export type { D } from "./d.ts";',
    'export * as e from "./e.ts";',
    'const f = await import("./f.ts");',
    'type G = typeof import("./g.ts");',
    'import "./side.ts";',
    "const h = 10 / 2; const i = (h) / 5; // a division, not a regex",
    'import J from "./j.ts";',
  ].join("\n");
  assert.deepEqual(importSpecifiers(source), [
    { specifier: "./a.ts", line: 6, kind: "type" },
    { specifier: "./bc.ts", line: 7, kind: "static" },
    { specifier: "./d.ts", line: 8, kind: "type" },
    { specifier: "./e.ts", line: 9, kind: "static" },
    { specifier: "./f.ts", line: 10, kind: "dynamic" },
    { specifier: "./g.ts", line: 11, kind: "type" },
    { specifier: "./side.ts", line: 12, kind: "static" },
    { specifier: "./j.ts", line: 14, kind: "static" },
  ]);
});

Deno.test("check_imports reads the same local imports as deno info", async () => {
  const log = await Deno.makeTempFile({ prefix: "fleet-orch-deno-info-" });
  try {
    // deno info prints the graph reachable from one module; main.ts loads the
    // command modules through computed specifiers, so every cli/ module is a
    // root of its own. stderr goes away so the log holds the JSON only.
    const roots = ["main.ts", "mod.ts"];
    for await (const e of Deno.readDir(`${ROOT}/cli`)) {
      if (e.isFile && e.name.endsWith(".ts")) roots.push(`cli/${e.name}`);
    }
    const prefix = `file://${ROOT}/`;
    const expected = new Set<string>();
    for (const root of roots) {
      const r = await exec.run(
        `${shellJoin([Deno.execPath(), "info", "--json", root])} 2>/dev/null`,
        { cwd: ROOT, logFile: log, env: { NO_COLOR: "1" } },
      );
      assert.equal(r.code, 0, r.output);
      const info = JSON.parse(await Deno.readTextFile(log)) as {
        modules: { specifier: string; dependencies?: Record<string, { specifier?: string }>[] }[];
      };
      for (const module of info.modules) {
        if (!module.specifier.startsWith(prefix)) continue;
        const from = module.specifier.slice(prefix.length);
        for (const dependency of module.dependencies ?? []) {
          for (const kind of ["code", "type"]) {
            const to = dependency[kind]?.specifier;
            // Text imports (the embedded default policy) are data, not modules.
            if (to?.startsWith(prefix) && /\.[cm]?[jt]sx?$/.test(to)) {
              expected.add(`${from} -> ${to.slice(prefix.length)}`);
            }
          }
        }
      }
    }
    const reached = new Set([...expected].map((edge) => edge.split(" -> ")[0]!));
    const report = await checkImports(ROOT);
    const found = new Set(
      report.edges.filter((e) => reached.has(e.from)).map((e) => `${e.from} -> ${e.to}`),
    );
    assert.ok(expected.size > 100, `only ${expected.size} edges from deno info`);
    assert.deepEqual([...found].sort(), [...expected].sort());
  } finally {
    await Deno.remove(log);
  }
});
