import assert from "node:assert/strict";
import { join } from "node:path";
import { nodeHeapFixer } from "../../plugins/fixers/node_heap.ts";
import {
  assertRestored,
  failure,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
} from "./_helpers.ts";

const HEAP = "<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - " +
  "JavaScript heap out of memory\n";
const PKG = JSON.stringify({
  name: "app",
  version: "1.0.0",
  scripts: { build: `node -e "console.log('limit=' + process.env.NODE_OPTIONS)"` },
});

Deno.test("node-heap recipe applies to a heap OOM in an npm gate", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(nodeHeapFixer, repo);
  const oom = { status: "oom" as const, exitCode: 134 };
  assert.equal(fixer.applies([], gate({ ...oom, command: "npm run build", output: HEAP })), true);
  assert.equal(
    fixer.applies(
      [failure({ tool: "oom", message: "JavaScript heap out of memory" })],
      gate({ command: "CI=1 npm test" }),
    ),
    true,
  );
  assert.equal(fixer.applies([], gate({ ...oom, command: "pnpm build", output: HEAP })), true);
});

Deno.test("node-heap recipe does not apply to a SIGKILL or a gate npm does not run", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(nodeHeapFixer, repo);
  const killed = gate({ status: "oom", exitCode: 137, command: "npm run build", output: "Killed" });
  assert.equal(fixer.applies([], killed), false);
  const direct = gate({ status: "oom", command: "node build.js", output: HEAP });
  assert.equal(fixer.applies([], direct), false);
  assert.equal(fixer.applies([], gate({ command: "npm run build", output: HEAP })), false);
});

Deno.test("node-heap recipe sets node-options in .npmrc and npm passes it to scripts", async () => {
  await using repo = await tempRepo({ "package.json": PKG });
  const fixer = await instance(nodeHeapFixer, repo);
  const g = gate({ status: "oom", command: "npm run build", output: HEAP });
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: [], gate: g });
  assert.ok(proposal);
  assert.match(proposal.summary, /^Raised the Node heap to 6144 MiB with node-options in \.npmrc/);
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  const r = await repo.exec.run("npm run build --silent", { cwd: repo.dir });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /limit=--max-old-space-size=6144/);
});

Deno.test("node-heap recipe raises an existing limit and keeps other node-options", async () => {
  await using repo = await tempRepo({
    "package.json": PKG,
    ".npmrc": "save-exact=true\nnode-options=--enable-source-maps --max-old-space-size=2048\n",
  });
  const fixer = await instance(nodeHeapFixer, repo, { heapMb: 4096 });
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ status: "oom", command: "npm run build", output: HEAP }),
  });
  assert.ok(proposal);
  assert.match(proposal.summary, /4096 MiB \(was 2048 MiB\)/);
  await gitApply(repo, proposal.diff);
  assert.equal(
    await Deno.readTextFile(join(repo.dir, ".npmrc")),
    "save-exact=true\nnode-options=--enable-source-maps --max-old-space-size=4096\n",
  );
});

Deno.test("node-heap recipe returns null when the limit is already as high", async () => {
  await using repo = await tempRepo({ ".npmrc": "node-options=--max-old-space-size=8192\n" });
  const fixer = await instance(nodeHeapFixer, repo);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ status: "oom", command: "npm run build", output: HEAP }),
  });
  assert.equal(proposal, null);
});
