import assert from "node:assert/strict";
import { join } from "node:path";
import { npmEresolveFixer } from "../../plugins/fixers/npm_eresolve.ts";
import {
  assertRestored,
  failure,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
} from "./_helpers.ts";

const ERESOLVE = `npm error code ERESOLVE
npm error ERESOLVE unable to resolve dependency tree
npm error Could not resolve dependency:
npm error peer react@"^17.0.0" from some-lib@1.0.0
`;

Deno.test("npm-eresolve recipe applies to ERESOLVE only", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(npmEresolveFixer, repo);
  assert.equal(fixer.applies([], gate({ command: "npm ci", output: ERESOLVE })), true);
  assert.equal(fixer.applies([], gate({ output: "npm ERR! code ERESOLVE" })), true);
  assert.equal(fixer.applies([failure({ tool: "npm", code: "ERESOLVE" })], gate({})), true);
  assert.equal(fixer.applies([failure({ tool: "npm", code: "E404" })], gate({})), false);
  assert.equal(fixer.applies([], gate({ output: ERESOLVE, status: "passed" })), false);
});

Deno.test("npm-eresolve recipe creates .npmrc with legacy-peer-deps that npm reads", async () => {
  await using repo = await tempRepo({ "package.json": `{"name":"app","version":"1.0.0"}` });
  const fixer = await instance(npmEresolveFixer, repo);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ output: ERESOLVE }),
  });
  assert.ok(proposal);
  assert.match(proposal.summary, /legacy-peer-deps=true/);
  assert.match(proposal.diff, /new file mode 100644/);
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  assert.equal(await Deno.readTextFile(join(repo.dir, ".npmrc")), "legacy-peer-deps=true\n");
  const r = await repo.exec.run("npm config get legacy-peer-deps", { cwd: repo.dir });
  assert.equal(r.output.trim(), "true");
});

Deno.test("npm-eresolve recipe keeps the lines of an existing .npmrc", async () => {
  await using repo = await tempRepo({
    ".npmrc":
      "# registry mirror\nregistry=https://registry.example.invalid/\nlegacy-peer-deps=false\n",
  });
  const fixer = await instance(npmEresolveFixer, repo);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ output: ERESOLVE }),
  });
  assert.ok(proposal);
  await gitApply(repo, proposal.diff);
  assert.equal(
    await Deno.readTextFile(join(repo.dir, ".npmrc")),
    "# registry mirror\nregistry=https://registry.example.invalid/\nlegacy-peer-deps=true\n",
  );
});

Deno.test("npm-eresolve recipe returns null when legacy-peer-deps is already on", async () => {
  await using repo = await tempRepo({ ".npmrc": "legacy-peer-deps = true\n" });
  const fixer = await instance(npmEresolveFixer, repo);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ output: ERESOLVE }),
  });
  assert.equal(proposal, null);
});
