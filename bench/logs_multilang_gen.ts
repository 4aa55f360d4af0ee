/**
 * Regenerates the multi-language log corpus (bench/corpus/multilang/): runs
 * each case of bench/logs_multilang_cases.ts with the real toolchain in a
 * temporary directory, then wraps the genuine output in the job log of a CI
 * system (GitHub Actions, Azure Pipelines, GitLab CI or Travis CI, chosen by
 * a hash of the name) with the steps before it (checkout, installs with
 * carriage-return progress, passing steps) and the lines after it (the
 * runner's exit-code line, fold ends, cleanup).
 *
 * Needs the toolchains (Debian: gcc clang make cmake perl ghc r-base-core
 * texlive-latex-base lua5.4 ruby ruby-rspec python3-pytest golang-go
 * shellcheck bats vim sbcl gobjc tidy php-cli elixir gfortran, plus cargo,
 * a JDK and Maven with junit 4.13.2 cached). The labels in labels.json are
 * hand-made against the committed logs: after regenerating, check them.
 *
 * Run: `deno run -A bench/logs_multilang_gen.ts [NAME...]`
 *
 * @module
 */

import { type Case, CASES } from "./logs_multilang_cases.ts";

const OUT = new URL("./corpus/multilang/", import.meta.url);

/** FNV-1a, 32 bits: the fixed hash the corpus uses for choices and the split. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Ci = "github" | "azure" | "gitlab" | "travis";
const CIS: Ci[] = ["github", "azure", "gitlab", "travis"];
const ROOT: Record<Ci, string> = {
  github: "/home/runner/work/app/app",
  azure: "/home/vsts/work/1/s",
  gitlab: "/builds/acme/app",
  travis: "/home/travis/build/acme/app",
};
const ESC = "\x1b";

async function runCase(c: Case): Promise<{ out: string; code: number; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "job" });
  for (const [path, text] of Object.entries(c.files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  const p = new Deno.Command("bash", {
    args: ["-c", `exec 2>&1; ${c.cmd}`],
    cwd: dir,
    env: { LANG: "C.UTF-8", LC_ALL: "C.UTF-8", CI: "true" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  });
  const r = await p.output();
  return { out: new TextDecoder().decode(r.stdout), code: r.code, dir };
}

// Noise a job prints before the step that fails: package installs with
// progress redraws, cache restores, passing steps. Some lines carry words
// ("error", "fail") that are no failure, as real logs do.
const PACKAGES = [
  "libgpg-error0",
  "liberror-perl",
  "libfailsafe-java",
  "ca-certificates",
  "libssl3",
  "zlib1g-dev",
  "libcurl4",
  "python3-six",
  "libexception-class-perl",
  "git-man",
  "libtry-tiny-perl",
  "libgcc-s1",
];
const PASSING = [
  "ok {n} - handles error codes",
  "test_retry_on_failure PASSED",
  "  ✓ reports errors to the sink ({ms} ms)",
  "[       OK ] ErrorTest.Propagates ({ms} ms)",
  "--- PASS: TestFailover ({s}s)",
  "  ✔ exception handler logs once",
  "PASS: test_error_paths",
  "test result: ok. {n} passed; 0 failed; 0 ignored",
  "Ran {n} tests in 0.0{n}s",
  "lint: 0 errors, 0 warnings",
];

function noise(r: () => number, count: number): string[] {
  const out: string[] = [];
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const fill = (s: string) =>
    s.replace(/\{n\}/g, () => String(1 + Math.floor(r() * 40)))
      .replace(/\{ms\}/g, () => String(Math.floor(r() * 90)))
      .replace(/\{s\}/g, () => (r() * 2).toFixed(2));
  while (out.length < count) {
    const k = r();
    if (k < 0.3) {
      const p = pick(PACKAGES);
      const v = `${1 + Math.floor(r() * 3)}.${Math.floor(r() * 20)}-${1 + Math.floor(r() * 4)}`;
      out.push(
        `Get:${
          out.length + 1
        } http://archive.example.org/debian bookworm/main amd64 ${p} amd64 ${v} [${
          (r() * 900).toFixed(1)
        } kB]`,
      );
      if (r() < 0.5) out.push(`Setting up ${p} (${v}) ...`);
    } else if (k < 0.45) {
      const steps = Array.from({ length: 6 }, (_, i) => `Downloading ${(i + 1) * 16}%`);
      out.push(steps.join("\r") + `\rDownloaded ${(r() * 40).toFixed(1)} MB`);
    } else if (k < 0.75) {
      out.push(fill(pick(PASSING)));
    } else if (k < 0.85) {
      out.push(`Cache restored from key: deps-${Math.floor(r() * 1e8).toString(16)}`);
    } else {
      out.push(`${ESC}[32m✓${ESC}[0m step ${Math.floor(r() * 30)} finished`);
    }
  }
  return out;
}

// What a job prints after the failing step: post-step cleanups, steps that
// run on failure (artifact and test-report uploads, log dumps), each in its
// CI's own shape. Some of these lines carry error words of their own.
function tail(r: () => number, ci: Ci): string[] {
  const out: string[] = [];
  const want = 8 + Math.floor(r() * 35);
  const git = [
    "[command]/usr/bin/git config --local --name-only --get-regexp core\\.sshCommand",
    "[command]/usr/bin/git submodule foreach --recursive sh -c \"git config --local --name-only --get-regexp 'core\\.sshCommand' && git config --local --unset-all 'core.sshCommand' || :\"",
    "[command]/usr/bin/git config --local --name-only --get-regexp http\\.https\\:\\/\\/github\\.com\\/\\.extraheader",
    "http.https://github.com/.extraheader",
    "[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader",
  ];
  while (out.length < want) {
    const k = r();
    if (ci === "github") {
      if (k < 0.4) out.push("Post job cleanup.", ...git);
      else if (k < 0.7) {
        out.push(
          "##[group]Run actions/upload-artifact@v4",
          "with:",
          "  name: test-logs",
          "  path: build/logs/",
          "  if-no-files-found: warn",
          "##[endgroup]",
        );
        out.push(
          "##[warning]No files were found with the provided path: build/logs/. No artifacts will be uploaded.",
        );
      } else {
        out.push(
          "Post job cleanup.",
          "Cache hit occurred on the primary key deps-3f2a, not saving cache.",
        );
      }
    } else if (ci === "azure") {
      if (k < 0.5) {
        out.push(
          "##[section]Starting: Publish test results",
          "==============================================================================",
          "Task         : Publish Test Results",
          "Version      : 2.244.1",
          "==============================================================================",
        );
        out.push(
          "##[warning]No test result files matching '**/TEST-*.xml' were found.",
          "##[section]Finishing: Publish test results",
        );
      } else {
        out.push(
          "##[section]Starting: Checkout acme/app@main to s",
          "Cleaning any cached credential from repository: acme/app (GitHub)",
          ...git.slice(0, 3),
          "##[section]Finishing: Checkout acme/app@main to s",
        );
      }
    } else if (ci === "gitlab") {
      const t = 1796370000 + Math.floor(r() * 5000);
      if (k < 0.5) {
        out.push(
          `section_start:${t}:after_script\r${ESC}[0K${ESC}[0K${ESC}[36;1mRunning after_script${ESC}[0;m${ESC}[0;m`,
          `${ESC}[32;1mRunning after script...${ESC}[0;m`,
          `${ESC}[32;1m$ du -sh build || true${ESC}[0;m`,
          "du: cannot access 'build': No such file or directory",
          `section_end:${t}:after_script\r${ESC}[0K`,
        );
      } else {
        out.push(
          `section_start:${t}:upload_artifacts_on_failure\r${ESC}[0K${ESC}[0K${ESC}[36;1mUploading artifacts for failed job${ESC}[0;m${ESC}[0;m`,
          `${ESC}[32;1mUploading artifacts...${ESC}[0;m`,
          `${ESC}[0;33mWARNING: report.xml: no matching files. Ensure that the artifact path is relative to the working directory (/builds/acme/app)${ESC}[0;m `,
          `${ESC}[31;1mERROR: No files to upload                         ${ESC}[0;m `,
          `section_end:${t}:upload_artifacts_on_failure\r${ESC}[0K`,
        );
      }
    } else {
      const id = Math.floor(r() * 0xffffffff).toString(16).padStart(8, "0");
      out.push(
        `travis_fold:start:after_failure\r${ESC}[0Ktravis_time:start:${id}\r${ESC}[0K$ cat build/*.log || true`,
        "cat: 'build/*.log': No such file or directory",
        `travis_time:end:${id}:start=5,finish=6,duration=1,event=after_failure\r${ESC}[0K`,
        `travis_fold:end:after_failure\r${ESC}[0K`,
      );
      if (k < 0.5) {
        out.push(
          "",
          `travis_fold:start:cache.2\r${ESC}[0Kstore build cache`,
          "change detected (content changed, file is created, or file is deleted):",
          "/home/travis/.cache/pip/http",
          `travis_fold:end:cache.2\r${ESC}[0K`,
        );
      }
    }
  }
  return out;
}

function wrap(c: Case, out: string, code: number, ci: Ci): string {
  const r = rng(fnv1a(c.name));
  let t = Date.UTC(2026, 11, 4, 8, 0, 0) + Math.floor(r() * 3600_000);
  const stamp = () => {
    t += Math.floor(r() * 400);
    const d = new Date(t).toISOString(); // 2026-12-04T08:00:00.123Z
    return d.slice(0, -1) + String(Math.floor(r() * 10000)).padStart(4, "0") + "Z ";
  };
  const body = out.replace(/\n$/, "").split("\n");
  const pre = noise(r, 25 + Math.floor(r() * 100));
  const cmd = c.cmd.length > 60 ? c.cmd.slice(0, c.cmd.indexOf(" ", 50)) + " …" : c.cmd;
  const lines: string[] = [];
  if (ci === "github" || ci === "azure") {
    const s = (l: string) => lines.push(stamp() + l);
    if (ci === "github") {
      s("Current runner version: '2.321.0'");
      s("##[group]Operating System");
      s("Ubuntu");
      s("24.04.1");
      s("##[endgroup]");
      s("##[group]Run actions/checkout@v4");
      s("with:");
      s("  repository: acme/app");
      s("##[endgroup]");
      s("Syncing repository: acme/app");
      s("##[group]Run ./ci/setup.sh");
      s(`${ESC}[36;1m./ci/setup.sh${ESC}[0m`);
      s("shell: /usr/bin/bash -e {0}");
      s("##[endgroup]");
      for (const l of pre) s(l);
      s(`##[group]Run ${cmd}`);
      s(`${ESC}[36;1m${cmd}${ESC}[0m`);
      s("shell: /usr/bin/bash -e {0}");
      s("env:");
      s("  CI: true");
      s("##[endgroup]");
      for (const l of body) s(l);
      s(`##[error]Process completed with exit code ${code}.`);
      if (r() < 0.5) {
        s("Post job cleanup.");
        s("[command]/usr/bin/git version");
        s("git version 2.47.1");
      }
      for (const l of tail(r, "github")) s(l);
      s("Cleaning up orphan processes");
    } else {
      s("##[section]Starting: Initialize job");
      s("Agent name: 'Azure Pipelines 3'");
      s("##[section]Finishing: Initialize job");
      s("##[section]Starting: Install dependencies");
      s("==============================================================================");
      s("Task         : Command line");
      s("Version      : 2.246.1");
      s("==============================================================================");
      for (const l of pre) s(l);
      s("##vso[task.setvariable variable=DEPS_OK]true");
      s("##[section]Finishing: Install dependencies");
      s("##[section]Starting: Build and test");
      s("==============================================================================");
      s("Task         : Bash");
      s("Description  : Run a Bash script on macOS, Linux, or Windows");
      s("==============================================================================");
      s("Generating script.");
      s("========================== Starting Command Output ===========================");
      s("[command]/usr/bin/bash /home/vsts/work/_temp/5f2c1a9e-build.sh");
      for (const l of body) s(l);
      s(`##[error]Bash exited with code '${code}'.`);
      s("##[section]Finishing: Build and test");
      for (const l of tail(r, "azure")) s(l);
      s("##[section]Starting: Finalize Job");
      s("Cleaning up task key");
      s("##[section]Finishing: Finalize Job");
    }
  } else if (ci === "gitlab") {
    const sec = (name: string, title: string) =>
      `section_start:${
        Math.floor(t / 1000)
      }:${name}\r${ESC}[0K${ESC}[0K${ESC}[36;1m${title}${ESC}[0;m`;
    const end = (name: string) => `section_end:${Math.floor(t / 1000)}:${name}\r${ESC}[0K`;
    lines.push(`${ESC}[0KRunning with gitlab-runner 17.5.0 (c5b4c5f2)${ESC}[0;m`);
    lines.push(`${ESC}[0K  on docker-runner-1 t3_abc, system ID: s_0123456789ab${ESC}[0;m`);
    lines.push(sec("prepare_executor", 'Preparing the "docker" executor'));
    lines.push(`${ESC}[0KUsing Docker executor with image debian:bookworm ...${ESC}[0;m`);
    lines.push(end("prepare_executor"));
    lines.push(sec("get_sources", "Getting source from Git repository"));
    lines.push(`${ESC}[32;1mFetching changes with git depth set to 20...${ESC}[0;m`);
    lines.push(end("get_sources"));
    lines.push(sec("step_script", 'Executing "step_script" stage of the job script'));
    lines.push(`${ESC}[32;1m$ ./ci/setup.sh${ESC}[0;m`);
    lines.push(...pre);
    lines.push(`${ESC}[32;1m$ ${cmd}${ESC}[0;m`);
    lines.push(...body);
    lines.push(end("step_script"));
    lines.push(...tail(r, "gitlab"));
    lines.push(
      sec("cleanup_file_variables", "Cleaning up project directory and file based variables"),
    );
    lines.push(end("cleanup_file_variables"));
    lines.push(`${ESC}[31;1mERROR: Job failed: exit code ${code}`);
    lines.push(`${ESC}[0;m`);
  } else {
    const id = () => Math.floor(r() * 0xffffffff).toString(16).padStart(8, "0");
    lines.push(
      "travis_fold:start:worker_info\r" + `${ESC}[0K${ESC}[33;1mWorker information${ESC}[0m`,
    );
    lines.push("hostname: 7f3c9a1b-2d4e");
    lines.push("travis_fold:end:worker_info\r" + `${ESC}[0K`);
    lines.push(
      `travis_fold:start:install\r${ESC}[0Ktravis_time:start:${id()}\r${ESC}[0K$ ./ci/setup.sh`,
    );
    lines.push(...pre);
    lines.push(`travis_time:end:${id()}:start=1,finish=2,duration=1,event=install\r${ESC}[0K`);
    lines.push(`travis_fold:end:install\r${ESC}[0K`);
    lines.push(`travis_time:start:${id()}\r${ESC}[0K$ ${cmd}`);
    lines.push(...body);
    lines.push(
      `travis_time:end:${id()}:start=3,finish=4,duration=1,event=script\r${ESC}[0K${ESC}[31;1mThe command "${cmd}" exited with ${code}.${ESC}[0m`,
    );
    lines.push(...tail(r, "travis"));
    lines.push("");
    lines.push(`Done. Your build exited with 1.`);
  }
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  const only = new Set(Deno.args);
  await Deno.mkdir(OUT, { recursive: true });
  for (const c of CASES) {
    if (only.size > 0 && !only.has(c.name)) continue;
    const ci = CIS[fnv1a(c.name + "/ci") % CIS.length]!;
    const { out, code, dir } = await runCase(c);
    await Deno.remove(dir, { recursive: true });
    const clean = out.split(dir).join(ROOT[ci]).replace(/\/root\//g, "/home/runner/");
    if (code === 0) console.error(`${c.name}: exit 0 (the case does not fail)`);
    await Deno.writeTextFile(new URL(`${c.name}.log`, OUT), wrap(c, clean, code, ci));
    console.log(
      `${c.name.padEnd(28)} ${ci.padEnd(7)} exit ${code} ${clean.split("\n").length} lines`,
    );
  }
}
