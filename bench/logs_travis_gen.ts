/**
 * Regenerates the second log corpus (bench/corpus/travis/): runs each case of
 * bench/logs_travis_cases.ts with the real toolchain in a temporary
 * directory, then lays the genuine output out in one of four shapes, chosen
 * by a hash of the name:
 *
 * - `travis`: a Travis CI job log (worker and system information folds,
 *   `travis_fold`/`travis_time` markers with `\r` and `ESC[0K`, coloured
 *   `$ command` echoes, `The command "…" exited with N.`, after_failure and
 *   cache folds, `Done. Your build exited with 1.`);
 * - `jenkins`: a Jenkins Pipeline console log (`[Pipeline]` steps, `+ cmd`
 *   echoes, Timestamper prefixes, post steps, `ERROR: script returned exit
 *   code N`, `Finished: FAILURE`);
 * - `raw`: the tool's output with no CI wrapper, followed by cleanup output
 *   (coverage table, teardown, a summary table);
 * - `noisy`: a Travis log whose passing steps print many lines naming
 *   "error"/"fail" and whose failure is followed by artifact uploads and
 *   notifications. Cases with a second failing command always use it.
 *
 * Every log has 1,000 to 20,000 lines of build noise before the failure
 * (installs with `\r` progress, compiler warnings of passing files, passing
 * tests). The logs are stored gzip-compressed; labels.json holds the
 * hand-made labels (line ranges, lines numbered by "\n" as grep -n does on
 * the decompressed log): after regenerating, check them.
 *
 * Run: `deno run -A bench/logs_travis_gen.ts [NAME...]`
 *
 * @module
 */

import { type Case, CASES } from "./logs_travis_cases.ts";
import { fnv1a } from "./logs_multilang_gen.ts";

const OUT = new URL("./corpus/travis/", import.meta.url);
const ESC = "\x1b";
const EL = `\r${ESC}[0K`;

/** Layouts of the corpus. */
export type Layout = "travis" | "jenkins" | "raw" | "noisy";
const LAYOUTS: Layout[] = ["travis", "travis", "jenkins", "raw", "noisy"];

/** The layout a case is written in. */
export function layoutOf(c: Case): Layout {
  return c.cmd2 ? "noisy" : LAYOUTS[fnv1a(c.name + "#layout") % LAYOUTS.length]!;
}

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
    t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
}

async function run(c: Case, cmd: string): Promise<{ out: string; code: number }> {
  const dir = await Deno.makeTempDir({ prefix: "build" });
  for (const [path, text] of Object.entries(c.files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  const home = Deno.env.get("HOME") ?? "/root";
  const r = await new Deno.Command("bash", {
    args: ["-c", `exec 2>&1; ${cmd}`],
    cwd: dir,
    env: {
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      CI: "true",
      HOME: home,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${home}/.cache/deno`,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  await Deno.remove(dir, { recursive: true });
  const out = new TextDecoder().decode(r.stdout).split(dir).join("/home/travis/build/acme/app")
    .replaceAll(home + "/", "/home/travis/");
  return { out, code: r.code };
}

// ---- noise before the failure ----

const PKGS = [
  "libgpg-error0",
  "liberror-perl",
  "libssl-dev",
  "zlib1g-dev",
  "libxml2-dev",
  "libyaml-0-2",
  "libsqlite3-dev",
  "libffi-dev",
  "python3-pip",
  "ruby-dev",
  "libtest-fatal-perl",
  "libfailure-perl",
];
const PY = ["requests", "six", "pytest-cov", "coverage", "urllib3", "idna", "attrs", "pluggy"];
const GEMS = ["rake", "nokogiri", "rspec-core", "rubocop", "json", "minitest", "parallel"];
const NPM = ["request@2.88.2", "har-validator@5.1.5", "uuid@3.4.0", "core-js@2.6.12"];
const TESTS = [
  "test_error_response_is_json (tests.test_api.ApiTest) ... ok",
  "test_retry_after_failure (tests.test_client.ClientTest) ... ok",
  "ok {n} - rejects error input",
  "ok {n} - fail-safe defaults",
  "--- PASS: TestErrorWrapping (0.00s)",
  "=== RUN   TestFailover",
  "  ✓ logs errors once ({n}ms)",
  "  ✓ handles failure of the upstream ({n}ms)",
  "[       OK ] ErrorCodes.RoundTrip ({n} ms)",
  "PASS: test-error-paths",
  "tests/test_errors.py::test_raises_value_error PASSED",
  "tests/test_errors.py::test_failure_message[{n}] PASSED",
  "    ErrorReporter should report the error to the sink",
  "Testing failure modes ... passed",
];

function noise(r: () => number, count: number, layout: Layout): string[] {
  const out: string[] = [];
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const n = () => String(1 + Math.floor(r() * 90));
  const tests = layout === "noisy" ? 0.6 : 0.25;
  while (out.length < count) {
    const k = r();
    if (k < tests) {
      const m = 3 + Math.floor(r() * 25);
      for (let i = 0; i < m; i++) out.push(pick(TESTS).replace(/\{n\}/g, n));
    } else if (k < tests + 0.15) {
      const p = pick(PKGS);
      const v = `${1 + Math.floor(r() * 3)}.${Math.floor(r() * 20)}-${1 + Math.floor(r() * 4)}`;
      out.push(
        `Get:${n()} http://archive.ubuntu.com/ubuntu xenial/main amd64 ${p} amd64 ${v} [${n()}.${n()} kB]`,
        `Selecting previously unselected package ${p}:amd64.`,
        `Preparing to unpack .../${p}_${v}_amd64.deb ...`,
        `Unpacking ${p}:amd64 (${v}) ...`,
        `Setting up ${p}:amd64 (${v}) ...`,
      );
    } else if (k < tests + 0.3) {
      const p = pick(PY);
      out.push(`Collecting ${p}`);
      const bars = [" |██▌                             | 10kB 9.1MB/s eta 0:00:01"];
      bars.push(" |██████████████████▊             | 40kB 3.0MB/s eta 0:00:01");
      bars.push(" |████████████████████████████████| 61kB 2.4MB/s ");
      out.push(
        `  Downloading https://files.pythonhosted.org/packages/${n()}/${p}-2.${n()}.0-py3-none-any.whl (61kB)`,
      );
      out.push(`\r${bars.join("\r")}`);
      if (r() < 0.3) {
        out.push(
          `Requirement already satisfied: ${pick(PY)} in ./venv/lib/python3.6/site-packages`,
        );
      }
    } else if (k < tests + 0.4) {
      const g = pick(GEMS);
      out.push(
        r() < 0.5 ? `Using ${g} 1.${n()}.0` : `Installing ${g} 1.${n()}.0 with native extensions`,
      );
    } else if (k < tests + 0.47) {
      out.push(
        `npm WARN deprecated ${pick(NPM)}: this library is no longer supported`,
        `added ${n()}${n()} packages from ${n()}${n()} contributors and audited ${n()}${n()} packages in ${n()}.${n()}s`,
        `found ${Math.floor(r() * 4)} vulnerabilities`,
      );
    } else if (k < tests + 0.55) {
      // a passing compile with a warning: a warning is no failure
      const f = pick(["src/io.c", "src/pool.c", "lib/fmt.c", "src/error.c"]);
      const line = n();
      out.push(
        `gcc -O2 -Wall -c ${f} -o ${f.replace(".c", ".o")}`,
        `${f}: In function 'flush_${n()}':`,
        `${f}:${line}:9: warning: unused variable 'err' [-Wunused-variable]`,
        `   ${line} |     int err = 0;`,
        "      |         ^~~",
      );
    } else if (k < tests + 0.62) {
      out.push(
        `remote: Counting objects: ${n()}% (${n()}/${n()})\rremote: Counting objects: 100% (412/412), done.`,
        `Receiving objects:  ${n()}% (${n()}/412)\rReceiving objects: 100% (412/412), 1.2 MiB | 8.1 MiB/s, done.`,
      );
    } else if (k < tests + 0.68) {
      out.push(
        `/home/travis/virtualenv/python3.6/lib/python3.6/site-packages/yaml/constructor.py:${n()}: DeprecationWarning: The default Loader is unsafe`,
      );
    } else {
      out.push(
        `${ESC}[32m✔${ESC}[0m ${
          pick(["lint", "format", "typecheck", "docs"])
        } passed (${n()} files, 0 errors)`,
      );
    }
  }
  return out;
}

const COVERAGE = [
  "----------- coverage: platform linux, python 3.6.7-final-0 -----------",
  "Name                 Stmts   Miss  Cover",
  "----------------------------------------",
  "app/__init__.py          4      0   100%",
  "app/errors.py           31      6    81%",
  "app/failover.py         58     19    67%",
  "----------------------------------------",
  "TOTAL                   93     25    73%",
];

function rawTail(r: () => number): string[] {
  const out = r() < 0.6 ? [...COVERAGE, ""] : [];
  out.push(
    "Tearing down test fixtures ...",
    "Destroying test database for alias 'default'...",
    "removed 'tmp/fixtures/users.json'",
    "",
    "Summary",
    "=======",
    "  step        status     time",
    "  configure   ok         0.4s",
    "  build       ok         12.1s",
    "  test        FAILED     3.2s",
    "  package     skipped    -",
    "",
    `Total: 4 steps, 2 ok, 1 failed, 1 skipped`,
  );
  return out;
}

function travisHead(r: () => number, id: () => string): string[] {
  return [
    `travis_fold:start:worker_info${EL}${ESC}[33;1mWorker information${ESC}[0m`,
    "hostname: 5d2c8e1f-7a3b-4c11-9e0d-b8f4a1c2d3e4@1.worker-com-75f8b5d4c-x2k9p.gce-production-3",
    "version: v6.2.8 https://github.com/travis-ci/worker/tree/a0f8e3b1c6f7e2d8b2c0f1a6c4d9e3b7a1f2c3d4",
    "instance: travis-job-0a1b2c3d travis-ci-sardonyx-xenial-1553530528-f909ac5 (via amqp)",
    "startup: 6.412587706s",
    `travis_fold:end:worker_info${EL}`,
    `travis_time:start:${id()}${EL}travis_time:end:${id()}:start=1796371200416224000,finish=1796371200532036000,duration=115812000${EL}travis_fold:start:system_info${EL}${ESC}[33;1mBuild system information${ESC}[0m`,
    "Build language: generic",
    "Build group: stable",
    "Build dist: xenial",
    `Build id: ${Math.floor(r() * 1e9)}`,
    "Runtime kernel version: 4.15.0-1028-gcp",
    `travis_fold:end:system_info${EL}`,
    "",
    `travis_fold:start:git.checkout${EL}travis_time:start:${id()}${EL}$ git clone --depth=50 --branch=master https://github.com/acme/app.git acme/app`,
    "Cloning into 'acme/app'...",
    `travis_time:end:${id()}:start=1796371201000000000,finish=1796371202000000000,duration=1000000000${EL}$ cd acme/app`,
    `$ git checkout -qf ${Math.floor(r() * 0xffffffff).toString(16)}`,
    `travis_fold:end:git.checkout${EL}`,
  ];
}

function travisStep(
  id: () => string,
  fold: string | null,
  cmd: string,
  body: string[],
  code: number | null,
): string[] {
  const t = id();
  const out: string[] = [];
  const start = `travis_time:start:${t}${EL}${ESC}[32;1m$ ${cmd}${ESC}[0m`;
  out.push(fold ? `travis_fold:start:${fold}${EL}${start}` : start);
  out.push(...body);
  const end =
    `travis_time:end:${t}:start=1796371210000000000,finish=1796371290000000000,duration=80000000000${EL}`;
  if (code === null) {
    out.push(end);
  } else {
    out.push(end + `${ESC}[31;1mThe command "${cmd}" exited with ${code}.${ESC}[0m`);
  }
  if (fold) out.push(`travis_fold:end:${fold}${EL}`);
  return out;
}

function travisTail(r: () => number, id: () => string, noisy: boolean): string[] {
  const out: string[] = [""];
  out.push(
    ...travisStep(id, "after_failure.1", "cat logs/server.log", [
      "2026-12-04 08:01:02,113 INFO  [main] server listening on :8080",
      "2026-12-04 08:01:05,409 WARN  [pool-2] slow request GET /health 1204ms",
      "2026-12-04 08:01:09,771 INFO  [main] shutting down",
    ], null),
  );
  if (noisy) {
    out.push(
      `travis_fold:start:artifacts.0${EL}Uploading Artifacts`,
      "ATTENTION: the artifacts addon is deprecated; use a deploy provider instead",
      `$ artifacts upload --target-paths artifacts/${Math.floor(r() * 1e6)} build/reports`,
      "INFO: uploading with settings",
      "  bucket: acme-ci-artifacts",
      "  cache_control: private",
      "  permissions: private",
      "  working_dir: /home/travis/build/acme/app",
      "  target_paths: artifacts/build",
      "INFO: uploading: build/reports/junit.xml (size: 4.1KB)",
      "ERROR: failed to upload: build/reports/coverage.xml: no such file or directory",
      "INFO: done uploading artifacts",
      `travis_fold:end:artifacts.0${EL}`,
      "",
      "Sending Slack notification to #ci-builds: build #4821 (master - 1f3c2a9) failed",
      "Sending email notification to dev@acme.example",
    );
  }
  out.push(
    "",
    `travis_fold:start:cache.2${EL}store build cache`,
    `travis_time:start:${id()}${EL}travis_time:end:${id()}:start=1796371300000000000,finish=1796371300500000000,duration=500000000${EL}change detected (content changed, file is created, or file is deleted):`,
    "/home/travis/.cache/pip/wheels/3f/2a/requests-2.21.0-py2.py3-none-any.whl",
    "",
    "changes detected, packing new archive",
    "uploading master/cache-linux-xenial-e3b0c442-generic.tgz",
    `${ESC}[32;1mcache uploaded${ESC}[0m`,
    `travis_fold:end:cache.2${EL}`,
    "",
    "Done. Your build exited with 1.",
  );
  return out;
}

function jenkins(
  r: () => number,
  pre: string[],
  steps: Array<{ stage: string; cmd: string; body: string[]; code: number | null }>,
): string[] {
  let t = Date.UTC(2026, 11, 4, 8, 0, 0) + Math.floor(r() * 3600_000);
  const ts = (l: string) => {
    t += Math.floor(r() * 300);
    return `[${new Date(t).toISOString()}] ${l}`;
  };
  const out = [
    "Started by GitHub push by ann",
    "Obtained Jenkinsfile from git https://github.com/acme/app.git",
    "[Pipeline] Start of Pipeline",
    "[Pipeline] node",
    "Running on agent-3 in /var/lib/jenkins/workspace/app_master",
    "[Pipeline] {",
    "[Pipeline] stage",
    "[Pipeline] { (Declarative: Checkout SCM)",
    "[Pipeline] checkout",
    "The recommended git tool is: NONE",
    "No credentials specified",
    " > git rev-parse --resolve-git-dir /var/lib/jenkins/workspace/app_master/.git # timeout=10",
    "Fetching changes from the remote Git repository",
    "Checking out Revision 1f3c2a9e7b (refs/remotes/origin/master)",
    "[Pipeline] }",
    "[Pipeline] // stage",
    "[Pipeline] withEnv",
    "[Pipeline] {",
    "[Pipeline] timestamps",
    "[Pipeline] {",
    "[Pipeline] stage",
    "[Pipeline] { (Install)",
    "[Pipeline] sh",
    ts("+ ./ci/install.sh"),
    ...pre.map(ts),
    "[Pipeline] }",
    "[Pipeline] // stage",
  ];
  let failed = false;
  for (const s of steps) {
    out.push("[Pipeline] stage", `[Pipeline] { (${s.stage})`);
    if (failed) {
      out.push(`Stage "${s.stage}" skipped due to earlier failure(s)`);
    } else {
      out.push("[Pipeline] sh", ts(`+ ${s.cmd}`), ...s.body.map(ts));
      if (s.code !== null) failed = true;
    }
    out.push("[Pipeline] }", "[Pipeline] // stage");
  }
  out.push(
    "[Pipeline] stage",
    "[Pipeline] { (Declarative: Post Actions)",
    "[Pipeline] junit",
    ts("Recording test results"),
    ts("None of the test reports contained any result"),
    "[Pipeline] archiveArtifacts",
    ts("Archiving artifacts"),
    ts(
      'ERROR: No artifacts found that match the file pattern "build/dist/**". Configuration error?',
    ),
    "[Pipeline] slackSend",
    ts(
      "Slack Send Pipeline step running, values are - baseUrl: <empty>, teamDomain: acme, channel: #ci, color: danger, botUser: false, tokenCredentialId: slack-token, notifyCommitters: false, iconEmoji: <empty>, username: <empty>, timestamp: <empty>",
    ),
    "[Pipeline] }",
    "[Pipeline] // stage",
    "[Pipeline] }",
    "[Pipeline] // timestamps",
    "[Pipeline] }",
    "[Pipeline] // withEnv",
    "[Pipeline] }",
    "[Pipeline] // node",
    "[Pipeline] End of Pipeline",
    `ERROR: script returned exit code ${steps.find((s) => s.code !== null)?.code ?? 1}`,
    "Finished: FAILURE",
  );
  return out;
}

function lines(s: string): string[] {
  return s.replace(/\n$/, "").split("\n");
}

/**
 * Build one log.
 *
 * @returns The log text and, for labelling, the line ranges of each failing
 *   command's output in it.
 */
async function build(c: Case): Promise<{ text: string; spans: Array<[number, number]> }> {
  const r = rng(fnv1a(c.name + "#noise"));
  const layout = layoutOf(c);
  const id = () => Math.floor(r() * 0xffffffff).toString(16).padStart(8, "0");
  const count = 1000 + Math.floor(r() ** 4 * 19000);
  const pre = noise(r, count, layout);
  const first = await run(c, c.cmd);
  if (first.code === 0) throw new Error(`${c.name}: exit 0`);
  const second = c.cmd2 ? await run(c, c.cmd2) : null;
  if (second && second.code === 0) throw new Error(`${c.name}: second command exit 0`);
  const out: string[] = [];
  const spans: Array<[number, number]> = [];
  const mark = (body: string[]) => spans.push([out.length + 1, out.length + body.length]);
  const short = (s: string) => s.split("\n")[0]!.slice(0, 70);
  if (layout === "jenkins") {
    const steps = [{
      stage: "Build and test",
      cmd: short(c.cmd),
      body: lines(first.out),
      code: first.code,
    }];
    const all = jenkins(r, pre, steps);
    const at = all.indexOf(`[Pipeline] { (Build and test)`) + 3;
    spans.push([at + 1, at + steps[0]!.body.length]);
    return { text: all.join("\n") + "\n", spans };
  }
  if (layout === "raw") {
    out.push(...pre);
    const body = lines(first.out);
    mark(body);
    out.push(...body, ...rawTail(r));
    return { text: out.join("\n") + "\n", spans };
  }
  out.push(...travisHead(r, id));
  const half = Math.floor(pre.length / 2);
  out.push(...travisStep(id, "install.1", "./ci/install.sh", pre.slice(0, half), null));
  out.push(...travisStep(id, "before_script", "make deps", pre.slice(half), null));
  const step = (cmd: string, res: { out: string; code: number }) => {
    const body = lines(res.out);
    out.push(`travis_time:start:${id()}${EL}${ESC}[32;1m$ ${short(cmd)}${ESC}[0m`);
    mark(body);
    out.push(...body);
    out.push(
      `travis_time:end:${id()}:start=1796371210000000000,finish=1796371290000000000,duration=80000000000${EL}${ESC}[31;1mThe command "${
        short(cmd)
      }" exited with ${res.code}.${ESC}[0m`,
    );
  };
  step(c.cmd, first);
  if (second) {
    out.push(
      `travis_time:start:${id()}${EL}${ESC}[32;1m$ ./ci/check-docs.sh${ESC}[0m`,
      "checking 41 pages for broken links ... 0 errors",
      `travis_time:end:${id()}:start=1796371290000000000,finish=1796371295000000000,duration=5000000000${EL}${ESC}[32;1mThe command "./ci/check-docs.sh" exited with 0.${ESC}[0m`,
    );
    step(c.cmd2!, second);
  }
  out.push(...travisTail(r, id, layout === "noisy"));
  return { text: out.join("\n") + "\n", spans };
}

if (import.meta.main) {
  const only = new Set(Deno.args);
  await Deno.mkdir(OUT, { recursive: true });
  for (const c of CASES) {
    if (only.size > 0 && !only.has(c.name)) continue;
    const { text, spans } = await build(c);
    const gz = new Uint8Array(
      await new Response(
        new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer(),
    );
    await Deno.writeFile(new URL(`${c.name}.log.gz`, OUT), gz);
    console.log(
      `${c.name.padEnd(30)} ${layoutOf(c).padEnd(8)} ${
        text.split("\n").length - 1
      } lines, output at ${spans.map(([a, b]) => `${a}-${b}`).join(",")}`,
    );
  }
}
