// action.yml against the metadata rules of GitHub's "Metadata syntax for
// GitHub Actions" documentation, and the pull-request lookup step run as the
// runner would run it, against a loopback fake of the REST API.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { ShellExecutor } from "../../core/exec.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

/** The colours GitHub's metadata syntax allows for `branding.color`. */
const COLORS = [
  "white",
  "black",
  "yellow",
  "blue",
  "green",
  "orange",
  "red",
  "purple",
  "gray-dark",
];

/**
 * Feather icons GitHub's documentation lists for `branding.icon` (a subset of
 * the list: enough to reject an icon GitHub omits, such as "tool").
 */
const ICONS = new Set(
  ("activity airplay alert-circle alert-octagon alert-triangle align-center align-justify " +
    "align-left align-right anchor aperture archive arrow-down-circle arrow-down-left " +
    "arrow-down-right arrow-down arrow-left-circle arrow-left arrow-right-circle arrow-right " +
    "arrow-up-circle arrow-up-left arrow-up-right arrow-up at-sign award bar-chart-2 bar-chart " +
    "battery-charging battery bell-off bell bluetooth bold book-open book bookmark box " +
    "briefcase calendar camera-off camera cast check-circle check-square check chevron-down " +
    "chevron-left chevron-right chevron-up chevrons-down chevrons-left chevrons-right " +
    "chevrons-up circle clipboard clock cloud-drizzle cloud-lightning cloud-off cloud-rain " +
    "cloud-snow cloud code command compass copy corner-down-left corner-down-right cpu " +
    "credit-card crop crosshair database delete disc dollar-sign download-cloud download " +
    "droplet edit-2 edit-3 edit external-link eye-off eye fast-forward feather file-minus " +
    "file-plus file-text file film filter flag folder-minus folder-plus folder gift " +
    "git-branch git-commit git-merge git-pull-request globe grid hard-drive hash headphones " +
    "heart help-circle home image inbox info italic layers layout life-buoy link-2 link list " +
    "loader lock log-in log-out mail map-pin map maximize-2 maximize menu message-circle " +
    "message-square mic-off mic minimize-2 minimize minus-circle minus-square minus monitor " +
    "moon more-horizontal more-vertical move music navigation-2 navigation octagon package " +
    "paperclip pause-circle pause percent phone-call phone-forwarded phone-incoming " +
    "phone-missed phone-off phone-outgoing phone pie-chart play-circle play plus-circle " +
    "plus-square plus pocket power printer radio refresh-ccw refresh-cw repeat rewind " +
    "rotate-ccw rotate-cw rss save scissors search send server settings share-2 share " +
    "shield-off shield shopping-bag shopping-cart shuffle sidebar skip-back skip-forward " +
    "slash sliders smartphone speaker square star stop-circle sun sunrise sunset tablet tag " +
    "target terminal thermometer thumbs-down thumbs-up toggle-left toggle-right trash-2 " +
    "trash trending-down trending-up triangle truck tv type umbrella underline unlock " +
    "upload-cloud upload user-check user-minus user-plus user-x user users video-off video " +
    "voicemail volume-1 volume-2 volume-x volume watch wifi-off wifi wind x-circle x-square " +
    "x zap-off zap zoom-in zoom-out").split(" "),
);

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  description: string;
  author?: string;
  branding?: { icon?: string; color?: string };
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

async function loadAction(): Promise<Action> {
  return parse(await Deno.readTextFile(join(REPO, "action.yml"))) as Action;
}

/** Output names a step writes: fleet-orch's (report/report.ts) or `name=` lines of its script. */
async function stepOutputs(step: Step): Promise<Set<string>> {
  const text = step.id === "fleet"
    ? await Deno.readTextFile(join(REPO, "report/report.ts"))
    : step.run ?? "";
  const names = new Set<string>();
  for (const m of text.matchAll(/setOutput\("([\w-]+)"/g)) names.add(m[1]!);
  for (const m of text.matchAll(/(?:^|[\s`"']|\\n)([a-z][\w-]*)=(?:\$|\{|[^=\s])/gm)) {
    names.add(m[1]!);
  }
  return names;
}

Deno.test("action.yml follows GitHub's metadata syntax for a composite action", async () => {
  const a = await loadAction();
  const top = new Set(["name", "author", "description", "inputs", "outputs", "runs", "branding"]);
  for (const k of Object.keys(a)) assert.ok(top.has(k), `unknown top-level key ${k}`);
  assert.ok(a.name && a.description && a.runs, "name, description and runs are required");
  assert.ok(a.branding?.icon && ICONS.has(a.branding.icon), `icon ${a.branding?.icon}`);
  assert.ok(COLORS.includes(a.branding!.color!), `color ${a.branding?.color}`);
  assert.equal(a.runs.using, "composite");
  assert.ok(Array.isArray(a.runs.steps) && a.runs.steps.length > 0);
  for (const [id, input] of Object.entries(a.inputs)) {
    assert.match(id, /^[A-Za-z_][\w-]*$/, `input id ${id}`);
    assert.equal(typeof input.description, "string", `input ${id} has a description`);
    if (input.default !== undefined) assert.equal(typeof input.default, "string", id);
  }
  const ids = new Set<string>();
  for (const [i, s] of a.runs.steps.entries()) {
    // A composite step runs a script (with a shell) or uses an action, not both.
    assert.ok(Boolean(s.run) !== Boolean(s.uses), `step ${i}: exactly one of run/uses`);
    if (s.run) assert.ok(s.shell, `step ${s.id ?? i} runs a script, so it needs shell`);
    if (s.id) {
      assert.ok(!ids.has(s.id), `duplicate step id ${s.id}`);
      assert.match(s.id, /^[A-Za-z_][\w-]*$/);
      ids.add(s.id);
    }
    // Every expression refers to a declared input and to an earlier step.
    const text = JSON.stringify(s);
    for (const m of text.matchAll(/inputs\.([\w-]+)/g)) {
      assert.ok(m[1]! in a.inputs, `step ${s.id ?? i} reads unknown input ${m[1]}`);
    }
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      assert.ok(ids.has(m[1]!) && m[1] !== s.id, `step ${s.id ?? i} reads later step ${m[1]}`);
      const from = a.runs.steps.find((x) => x.id === m[1])!;
      assert.ok((await stepOutputs(from)).has(m[2]!), `step ${m[1]} writes no ${m[2]}`);
    }
  }
  for (const [id, out] of Object.entries(a.outputs)) {
    assert.equal(typeof out.description, "string", `output ${id} has a description`);
    const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(out.value);
    assert.ok(m, `output ${id}: a composite output's value names one step output`);
    const step = a.runs.steps.find((s) => s.id === m[1]);
    assert.ok(step, `output ${id}: no step ${m[1]}`);
    assert.ok((await stepOutputs(step)).has(m[2]!), `output ${id}: step ${m[1]} writes no ${m[2]}`);
  }
});

Deno.test("action.yml has the token input, PR outputs and a Deno cache keyed by deno.lock", async () => {
  const a = await loadAction();
  assert.equal(a.inputs["github-token"]?.default, "${{ github.token }}");
  const fleet = a.runs.steps.find((s) => s.id === "fleet")!;
  assert.equal(fleet.env?.GITHUB_TOKEN, "${{ inputs.github-token }}");
  assert.ok(a.outputs["pull-request-url"] && a.outputs["pull-request-number"]);
  const cache = a.runs.steps.find((s) => s.uses?.startsWith("actions/cache@"))!;
  assert.ok(cache, "an actions/cache step");
  assert.equal(cache.with?.path, "${{ steps.deno-dir.outputs.dir }}");
  assert.match(cache.with!.key!, /steps\.deno-dir\.outputs\.lock-hash/);
  for (const s of a.runs.steps.filter((x) => x.run?.includes("deno "))) {
    assert.equal(s.env?.DENO_DIR, "${{ steps.deno-dir.outputs.dir }}", `step ${s.id}`);
  }
  // The existing trust and sandbox steps stay, before fleet-orch runs.
  const names = a.runs.steps.map((s) => s.id ?? s.name);
  assert.ok(names.indexOf("trust") < names.indexOf("fleet"));
  assert.ok(names.indexOf("Gate sandbox (bubblewrap)") < names.indexOf("fleet"));

  // The deno-dir step, run as the runner runs it, hashes this deno.lock.
  const dir = await Deno.makeTempDir({ prefix: "action-cache-" });
  try {
    const out = join(dir, "out");
    await Deno.writeTextFile(out, "");
    const step = a.runs.steps.find((s) => s.id === "deno-dir")!;
    const r = await exec.runArgv(["bash", "-c", step.run!], {
      cwd: dir,
      env: { GITHUB_ACTION_PATH: REPO, GITHUB_OUTPUT: out, RUNNER_TEMP: dir },
    });
    assert.equal(r.code, 0, r.output);
    const lock = await Deno.readFile(join(REPO, "deno.lock"));
    const hex = [...new Uint8Array(await crypto.subtle.digest("SHA-256", lock))]
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    assert.equal(
      await Deno.readTextFile(out),
      `dir=${dir}/fleet-orch-deno-dir\nlock-hash=${hex}\n`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("action.yml pr step writes the open pull request of the work branch to GITHUB_OUTPUT", async () => {
  const a = await loadAction();
  const step = a.runs.steps.find((s) => s.id === "pr")!;
  assert.match(step.if!, /steps\.fleet\.outputs\.work-branch/);
  const seen: { url: string; auth: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    seen.push({ url: url.pathname + url.search, auth: req.headers.get("authorization") });
    const head = url.searchParams.get("head");
    const body = head === "acme:fleet-orch/fix/main"
      ? [{ number: 42, html_url: "https://github.example/acme/app/pull/42" }]
      : [];
    return Response.json(body);
  });
  const dir = await Deno.makeTempDir({ prefix: "action-pr-" });
  try {
    const run = async (branch: string) => {
      const out = join(dir, `out-${seen.length}`);
      await Deno.writeTextFile(out, "");
      const r = await exec.runArgv(["bash", "-c", step.run!], {
        cwd: dir,
        env: {
          GITHUB_API_URL: `http://127.0.0.1:${server.addr.port}/`,
          GITHUB_REPOSITORY: "acme/app",
          GITHUB_OUTPUT: out,
          FO_TOKEN: "tok-123",
          FO_WORK_BRANCH: branch,
        },
      });
      assert.equal(r.code, 0, r.output);
      return await Deno.readTextFile(out);
    };
    assert.equal(
      await run("fleet-orch/fix/main"),
      "pull-request-url=https://github.example/acme/app/pull/42\npull-request-number=42\n",
    );
    assert.equal(seen[0]!.auth, "Bearer tok-123");
    assert.equal(
      seen[0]!.url,
      "/repos/acme/app/pulls?state=open&head=acme%3Afleet-orch%2Ffix%2Fmain",
    );
    // No open pull request for the branch: no outputs, and the step still succeeds.
    assert.equal(await run("fleet-orch/fix-other"), "");
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
