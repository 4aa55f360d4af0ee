// The GitHub Action refuses pull_request_target events and pull requests
// from forks unless the workflow allows them: the guard's decisions, and the
// step in action.yml run as the runner would run it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { ShellExecutor } from "../../core/exec.ts";
import { untrustedReason } from "../../cli/_action_guard.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

const pr = (head: string | null, base = "acme/app") => ({
  pull_request: {
    head: { repo: head === null ? null : { full_name: head } },
    base: { repo: { full_name: base } },
  },
});

Deno.test("action guard trusts pushes and pull requests from the repository's own branches", () => {
  assert.equal(untrustedReason("push", { repository: { full_name: "acme/app" } }), null);
  assert.equal(untrustedReason("pull_request", pr("acme/app")), null);
  assert.equal(untrustedReason("workflow_dispatch", {}), null);
});

Deno.test("action guard refuses pull_request_target, forks and fork-triggered workflow_run", () => {
  assert.match(untrustedReason("pull_request_target", pr("acme/app"))!, /pull_request_target/);
  assert.match(untrustedReason("pull_request", pr("mallory/app"))!, /fork \(mallory\/app\)/);
  assert.match(untrustedReason("pull_request", pr(null))!, /deleted repository/);
  assert.match(
    untrustedReason("workflow_run", {
      workflow_run: { event: "pull_request", head_repository: { full_name: "mallory/app" } },
      repository: { full_name: "acme/app" },
    })!,
    /fork/,
  );
  assert.equal(
    untrustedReason("workflow_run", {
      workflow_run: { event: "push", head_repository: { full_name: "acme/app" } },
      repository: { full_name: "acme/app" },
    }),
    null,
  );
});

Deno.test("action.yml runs the guard as its own step before fleet-orch, with the allow input", async () => {
  const action = parse(await Deno.readTextFile(join(REPO, "action.yml"))) as {
    inputs: Record<string, { default?: string }>;
    runs: { steps: Array<{ id?: string; run?: string; env?: Record<string, string> }> };
  };
  assert.equal(action.inputs["allow-untrusted-pull-requests"]?.default, "false");
  const ids = action.runs.steps.map((s) => s.id);
  assert.ok(ids.indexOf("trust") >= 0 && ids.indexOf("trust") < ids.indexOf("fleet"), ids.join());
  const step = action.runs.steps.find((s) => s.id === "trust")!;
  assert.equal(step.env?.FO_ALLOW_UNTRUSTED, "${{ inputs.allow-untrusted-pull-requests }}");
  const script = step.run!.replaceAll("${{ github.action_path }}", REPO);

  const dir = await Deno.makeTempDir({ prefix: "action-guard-" });
  try {
    const run = async (event: string, payload: unknown, allow = "false") => {
      const path = join(dir, `${event}.json`);
      await Deno.writeTextFile(path, JSON.stringify(payload));
      return exec.runArgv(["bash", "-c", script], {
        cwd: dir,
        env: { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: path, FO_ALLOW_UNTRUSTED: allow },
      });
    };
    const fork = await run("pull_request", pr("mallory/app"));
    assert.equal(fork.code, 3, fork.output);
    assert.match(fork.output, /::error title=fleet-orch refused an untrusted pull request::/);
    assert.match(fork.output, /allow-untrusted-pull-requests/);
    const target = await run("pull_request_target", pr("acme/app"));
    assert.equal(target.code, 3, target.output);
    const allowed = await run("pull_request", pr("mallory/app"), "true");
    assert.equal(allowed.code, 0, allowed.output);
    assert.match(allowed.output, /::warning/);
    const own = await run("pull_request", pr("acme/app"));
    assert.equal(own.code, 0, own.output);
    assert.equal(own.output.trim(), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
