/**
 * The demo behind `deno task demo`: copies the small broken app in
 * examples/app (a formatting failure, a lint error, a failing unit test) into
 * a temporary git repository and heals it with `fleet-orch run`. Recipes fix
 * what they can; a model fixes the rest when one is configured (set
 * OPENAI_API_KEY, or OPENAI_BASE_URL for any OpenAI-compatible endpoint such
 * as a local Ollama); without one, the run says what is left and why.
 *
 * Usage: deno run -A examples/demo.ts
 *
 * @module
 */

import { cpSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ShellExecutor } from "../core/exec.ts";
import { loadPolicy } from "../policies/engine.ts";
import { runOrchestration } from "../orchestrator/loop.ts";

const app = fileURLToPath(new URL("./app", import.meta.url));
const repo = await Deno.makeTempDir({ prefix: "fleet-orch-demo-" });
cpSync(app, repo, { recursive: true });

const policy = await loadPolicy({ env: Deno.env.toObject() });
const exec = new ShellExecutor({ judge: (c) => policy.judgeCommand(c) });
const git = (args: string) =>
  exec.run(`git -c user.name=demo -c user.email=demo@example.invalid ${args}`, { cwd: repo });
await git("init -q -b main");
await git("add -A");
await git("commit -q -m 'broken app'");

const haveModel = !!(Deno.env.get("OPENAI_API_KEY") || Deno.env.get("OPENAI_BASE_URL"));
console.error(`fleet-orch demo: healing a copy of examples/app in ${repo}`);
console.error(
  haveModel
    ? "A model is configured: recipes first, the model for the rest."
    : "No OPENAI_API_KEY: recipes fix what they can; the run will say what needs a model.",
);
const started = performance.now();
const result = await runOrchestration({ repo, view: Deno.stderr.isTerminal() ? "tty" : "plain" });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const r = result.report;
console.error("");
console.error(`Stopped after ${seconds} s: ${r.stopReason} — ${r.message}`);
for (const it of r.iterations) {
  console.error(
    `  iteration ${it.index}: ${
      it.proposal ? `${it.proposal.source}: ${it.proposal.summary}` : "no fix"
    }${it.commit ? ` (commit ${it.commit.slice(0, 8)})` : ""}`,
  );
}
for (const g of r.gates) console.error(`  gate ${g.id}: ${g.status}`);
if (r.workBranch && r.iterations.some((i) => i.commit)) {
  const log = await git(`log --oneline main..${r.workBranch}`);
  console.error(`Commits on ${r.workBranch}:\n${log.output}`);
}
console.error(`Report: ${result.files.json}`);
if (result.files.html) console.error(`HTML report: ${result.files.html}`);
console.error(`The demo repository stays at ${repo} for inspection (a temporary folder).`);
Deno.exit(r.exitCode === 0 || r.stopReason === "needs_model" ? 0 : r.exitCode);
