import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { parseConfig } from "../../core/config.ts";
import { fileURLToPath } from "node:url";
import { proposeGates, starterConfig } from "../../cli/init.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** Make a temp project from a map of relative path -> content. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "init-proj-" });
  for (const [rel, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, rel)), { recursive: true });
    await Deno.writeTextFile(join(dir, rel), text);
  }
  return dir;
}

/** Gates of the starter config, as parsed by the real config loader. */
async function gatesOf(
  dir: string,
): Promise<Record<string, { command: string; network?: boolean }>> {
  const text = await starterConfig(dir);
  const { config } = parseConfig(text, "fleet-orch.yaml", { env: () => undefined });
  return config.quality_gates as Record<string, { command: string; network?: boolean }>;
}

const BUN_WORKFLOW = `name: ci
on: [push, pull_request]
jobs:
  runtimes:
    runs-on: ubuntu-latest
    steps:
      - run: deno test -c runtime/a.json runtime/a
      - run: deno test -c runtime/b.json runtime/b
      - run: grep -R '"url":' coverage | xargs deno cache
      - run: deno coverage --lcov > coverage/lcov.info
      - run: deno run -A scripts/merge.ts
      - run: |
          cd benchmarks
          bun run bench.ts
  main:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: oven-sh/setup-bun@v2
      - run: echo "starting"
      - run: bun install --frozen-lockfile
      - run: bun run format
      - run: bun run lint
      - run: bun run build
      - run: bun run test
      - uses: actions/upload-artifact@v4
        with: { name: coverage, path: coverage }
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: bun run deploy
  matrix:
    runs-on: ubuntu-latest
    steps:
      - run: bun test --shard=\${{ matrix.shard }}
`;

Deno.test("init proposes the gates a bun project's GitHub workflow runs, in order", async () => {
  const dir = await project({
    "package.json": JSON.stringify({
      scripts: { format: "prettier --write .", lint: "eslint .", build: "tsc", test: "vitest" },
    }),
    "bun.lock": "{}",
    ".github/workflows/ci.yml": BUN_WORKFLOW,
  });
  try {
    const gates = await gatesOf(dir);
    assert.deepEqual(Object.values(gates).map((g) => g.command), [
      "bun install --frozen-lockfile",
      "bun run format",
      "bun run lint",
      "bun run build",
      "bun run test",
    ]);
    assert.equal(gates.install?.network, true);
    assert.equal(gates.test?.network, undefined);
    const text = await starterConfig(dir);
    assert.match(text, /# from \.github\/workflows\/ci\.yml, job "main"\n {2}lint:/);
    assert.doesNotMatch(text, /npm|echo|deploy|shard/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init keeps a CI step of unknown purpose in its place and adds the lockfile install", async () => {
  const dir = await project({
    "package.json": "{}",
    "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    ".github/workflows/test.yaml": `jobs:
  t:
    steps:
      - uses: ./.github/actions/setup
      - run: |
          pnpm run lint
          pnpm run editorconfig-checker -format github-actions
      - run: pnpm test
`,
  });
  try {
    const gates = await proposeGates(dir);
    assert.deepEqual(gates.map((g) => [g.name, g.command]), [
      ["install", "pnpm install --frozen-lockfile"],
      ["lint", "pnpm run lint"],
      ["editorconfig-checker", "pnpm run editorconfig-checker -format github-actions"],
      ["test", "pnpm test"],
    ]);
    assert.match(gates[0]!.source, /pnpm-lock\.yaml/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init keeps a CI block whose lines depend on each other as one gate", async () => {
  const dir = await project({
    ".github/workflows/ci.yml": `jobs:
  t:
    steps:
      - run: |
          cd packages/core
          npm ci
          npm test
      - run: |
          sudo apt-get install -y xvfb
          cd tools
          make
`,
  });
  try {
    const gates = await proposeGates(dir);
    assert.deepEqual(gates.map((g) => [g.kind, g.command]), [
      ["test", "cd packages/core && npm ci && npm test"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init keeps a CI step's working directory and makes a step allowed to fail optional", async () => {
  const dir = await project({
    ".github/workflows/ci.yml": `jobs:
  web:
    defaults:
      run:
        working-directory: web
    steps:
      - run: npm ci
      - run: npm run lint
        continue-on-error: true
      - run: npm test
        working-directory: web/app
`,
  });
  try {
    const gates = await gatesOf(dir) as Record<
      string,
      { command: string; working_directory?: string; required: boolean }
    >;
    assert.deepEqual(
      Object.values(gates).map((g) => [g.command, g.working_directory, g.required]),
      [["npm ci", "web", true], ["npm run lint", "web", false], ["npm test", "web/app", true]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init reads a pnpm project's lockfile and scripts when there is no CI", async () => {
  const dir = await project({
    "package.json": JSON.stringify({
      scripts: {
        test: "vitest run",
        build: "tsup",
        lint: "eslint .",
        typecheck: "tsc --noEmit",
        format: "prettier --write .",
        "format:check": "prettier --check .",
      },
    }),
    "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
  });
  try {
    const gates = await gatesOf(dir);
    assert.deepEqual(Object.entries(gates).map(([n, g]) => [n, g.command]), [
      ["install", "pnpm install --frozen-lockfile"],
      ["format_check", "pnpm run format:check"],
      ["lint", "pnpm run lint"],
      ["typecheck", "pnpm run typecheck"],
      ["build", "pnpm run build"],
      ["test", "pnpm run test"],
    ]);
    assert.match(await starterConfig(dir), /# from package\.json script "lint" \(pnpm\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init maps package-lock.json to npm ci and skips a rewriting format and npm's placeholder test", async () => {
  const dir = await project({
    "package.json": JSON.stringify({
      scripts: { format: "prettier --write .", test: 'echo "Error: no test specified" && exit 1' },
    }),
    "package-lock.json": "{}",
  });
  try {
    assert.deepEqual(Object.values(await gatesOf(dir)).map((g) => g.command), ["npm ci"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init reads an Azure pipeline's script and bash steps across stages", async () => {
  const dir = await project({
    "azure-pipelines.yml": `trigger: [main]
stages:
  - stage: ci
    jobs:
      - job: build
        steps:
          - checkout: self
          - task: NodeTool@0
            inputs: { versionSpec: '20.x' }
          - script: npm ci
          - bash: npm run lint
          - script: echo done
          - script: npm test
          - task: PublishTestResults@2
  - stage: release
    jobs:
      - deployment: prod
        steps:
          - script: npm run deploy
`,
    "package.json": "{}",
  });
  try {
    const gates = await proposeGates(dir);
    assert.deepEqual(gates.map((g) => g.command), ["npm ci", "npm run lint", "npm test"]);
    assert.match(gates[1]!.source, /azure-pipelines\.yml, stage "ci", job "build"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init reads a GitLab job's before_script and script", async () => {
  const dir = await project({
    ".gitlab-ci.yml": `stages: [test, deploy]
default:
  before_script:
    - pip install -r requirements.txt
test:
  stage: test
  script:
    - ruff check .
    - pytest -q
deploy:
  stage: deploy
  script: ./deploy.sh
  environment: production
`,
  });
  try {
    const gates = await proposeGates(dir);
    assert.deepEqual(gates.map((g) => [g.kind, g.command]), [
      ["install", "pip install -r requirements.txt"],
      ["lint", "ruff check ."],
      ["test", "pytest -q"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init proposes pip and pytest for a Python project only for tools it names", async () => {
  const dir = await project({
    "requirements.txt": "requests\npytest==8.0\n",
    "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
  });
  try {
    const gates = await gatesOf(dir);
    assert.deepEqual(Object.values(gates).map((g) => g.command), [
      "python3 -m pip install -r requirements.txt",
      "python3 -m ruff format --check .",
      "python3 -m ruff check .",
      "python3 -m pytest -q",
    ]);
    assert.equal(gates.install?.network, true);
    assert.doesNotMatch(await starterConfig(dir), /mypy|black|make/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init proposes module download, vet, build and test for a Go module", async () => {
  const dir = await project({ "go.mod": "module example.com/x\n\ngo 1.22\n" });
  try {
    const gates = await gatesOf(dir);
    assert.deepEqual(Object.entries(gates).map(([n, g]) => [n, g.command]), [
      ["install", "go mod download"],
      ["vet", "go vet ./..."],
      ["build", "go build ./..."],
      ["test", "go test ./..."],
    ]);
    assert.equal(gates.install?.network, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init uses Makefile targets that exist and no others", async () => {
  const dir = await project({
    "Makefile":
      "CC := cc\n.PHONY: lint all\nall: main\nlint:\n\t./lint.sh\nmain: main.c\n\t$(CC) -o main main.c\n",
  });
  try {
    const gates = await proposeGates(dir);
    assert.deepEqual(gates.map((g) => g.command), ["make lint", "make all"]);
    assert.match(gates[0]!.source, /Makefile target "lint"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init gives an empty folder no gates and says so", async () => {
  const dir = await project({});
  try {
    const text = await starterConfig(dir);
    assert.deepEqual(await gatesOf(dir), {});
    assert.match(text, /No CI definition, lockfile, manifest or Makefile target was found/);
    assert.doesNotMatch(text, /make test/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("init's command prints the empty-folder message and writes a valid file", async () => {
  const dir = await project({});
  try {
    const out = await exec.run(
      shellJoin([Deno.execPath(), "run", "-A", MAIN, "init", "--repo", dir]),
      {
        timeoutMs: 120_000,
        env: { NO_COLOR: "1" },
      },
    );
    assert.equal(out.code, 0, out.output);
    assert.match(out.output, /no gates/);
    const text = await Deno.readTextFile(join(dir, "fleet-orch.yaml"));
    parseConfig(text, "fleet-orch.yaml", { env: () => undefined });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
