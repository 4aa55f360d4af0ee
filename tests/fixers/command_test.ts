import assert from "node:assert/strict";
import {
  findTool,
  findToolSync,
  rewriteTool,
  scriptName,
  toolMatcher,
} from "../../plugins/fixers/_command.ts";
import { writeFiles } from "./_helpers.ts";

const prettier = toolMatcher(["prettier"]);
const denoFmt = toolMatcher(["deno"], { subcommand: "fmt" });
const black = toolMatcher(["black"], { pythonModule: "black" });

Deno.test("toolMatcher recognises direct, runner and module invocations", () => {
  assert.equal(prettier(["prettier", "--check", "."]), 1);
  assert.equal(prettier(["./node_modules/.bin/prettier", "-c", "."]), 1);
  assert.equal(prettier(["npx", "--yes", "prettier", "--check", "."]), 3);
  assert.equal(prettier(["pnpm", "exec", "prettier", "--check"]), 3);
  assert.equal(prettier(["yarn", "prettier", "--check"]), 2);
  assert.equal(prettier(["npm", "exec", "--", "prettier", "-c"]), 4);
  assert.equal(prettier(["eslint", "."]), -1);
  assert.equal(denoFmt(["deno", "fmt", "--check"]), 2);
  assert.equal(denoFmt(["deno", "lint"]), -1);
  assert.equal(black(["python3", "-m", "black", "--check", "src"]), 3);
  assert.equal(black(["python3", "-m", "pytest"]), -1);
});

Deno.test("scriptName names the package.json script a package manager runs", () => {
  assert.equal(scriptName(["npm", "run", "format:check"]), "format:check");
  assert.equal(scriptName(["npm", "run", "--silent", "lint"]), "lint");
  assert.equal(scriptName(["npm", "test"]), "test");
  assert.equal(scriptName(["pnpm", "lint"]), "lint");
  assert.equal(scriptName(["npm", "ci"]), undefined);
  assert.equal(scriptName(["make", "lint"]), undefined);
});

Deno.test("findToolSync finds the tool inside a compound command line", () => {
  const line = `npm ci && CI=1 npx prettier --check "src/**/*.ts" 2>&1 | tee log`;
  const inv = findToolSync(line, prettier);
  assert.ok(inv);
  assert.equal(line.slice(inv.pos, inv.end), `CI=1 npx prettier --check "src/**/*.ts" 2>&1`);
  assert.deepEqual(inv.words.map((w) => w.value), ["npx", "prettier", "--check", "src/**/*.ts"]);
});

Deno.test("findToolSync returns null for a line that does not parse", () => {
  assert.equal(findToolSync("prettier --check 'unterminated", prettier), null);
});

Deno.test("findTool follows npm run into package.json scripts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFiles(dir, {
      "package.json": JSON.stringify({
        scripts: { "lint": "npm run lint:format && eslint .", "lint:format": "prettier -c src" },
      }),
    });
    const inv = await findTool("npm run lint", prettier, dir);
    assert.ok(inv);
    assert.equal(inv.script, "lint:format");
    assert.equal(inv.text, "prettier -c src");
    assert.equal(await findTool("npm run lint", prettier), null);
    assert.equal(await findTool("npm run missing", prettier, dir), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rewriteTool swaps the check for the writer and keeps quoting and redirections", () => {
  const line = `CI=1 npx prettier --check --no-color "src/**/*.ts" 'a b.ts' 2>&1`;
  const inv = findToolSync(line, prettier)!;
  const out = rewriteTool(inv, { drop: (w) => w === "--check", insert: ["--write"] });
  assert.equal(out, `CI=1 npx prettier --write --no-color "src/**/*.ts" 'a b.ts' 2>&1`);
});

Deno.test("rewriteTool drops an option with its value", () => {
  const inv = findToolSync("eslint --max-warnings 0 src", toolMatcher(["eslint"]))!;
  const out = rewriteTool(inv, {
    drop: (w) => (w === "--max-warnings" ? "with-value" : false),
    insert: ["--fix"],
  });
  assert.equal(out, "eslint --fix src");
});
