import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCases, normalize, partOf, scoreCases, totals } from "../../bench/init_corpus.ts";
import { proposeGates, screenGates, starterConfig } from "../../cli/init.ts";
import { parseConfig } from "../../core/config.ts";
import { ShellExecutor, shellJoin, shellQuote } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

async function project(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "init-corpus-" }));
  for (const [rel, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, rel)), { recursive: true });
    await Deno.writeTextFile(join(dir, rel), text);
  }
  return dir;
}

// Each part's floor, with where it comes from. A change that loses gates real
// projects run, or proposes commands they do not, fails here.
// - tuned, heldback: a little under the figures after the fourth round (tuned P 0.968 R 0.978
//   21/25, held-back P 0.966 R 0.944 24/28).
// - heldout2-tune: under the figures when the tuning on the second set's first half ended
//   (P 1.000 R 1.000 13/13).
// - heldout2-test: no longer untouched: the fourth round read its misses (P 0.542 R 0.591 0/7
//   before; P 0.957 R 1.000 6/7 after).
// - heldout3: labelled before any run (P 0.763 R 0.806 6/14 with the labels as first written;
//   P 0.829 R 0.806 9/14 once the sandbox pre-fetch was listed acceptable as in earlier cases);
//   P 1.000 R 1.000 14/14 after the changes it drove.
// - heldout4: measured once (P 0.833 R 0.893 6/11); the fifth round then fixed the general
//   causes of its misses (P 1.000 R 1.000 11/11, its Gradle pre-fetch listed acceptable).
// - heldout5: measured once (P 0.923 R 0.828 2/8); tuned on since (P 1.000 R 1.000 8/8).
// - heldout6: labelled before init ever ran on it, measured once after the last change
//   (P 0.900 R 0.900 4/8, 18 of 20 commands found, 2 wrong): the floor is that measurement.
const FLOORS: ReadonlyArray<{
  part: Parameters<typeof loadCases>[0];
  /** Exact count, or at least this many when `atLeast`. */
  projects: number;
  atLeast?: boolean;
  precision: number;
  recall: number;
  complete: number;
}> = [
  { part: "tuned", projects: 25, precision: 0.95, recall: 0.96, complete: 20 },
  { part: "heldback", projects: 25, atLeast: true, precision: 0.95, recall: 0.92, complete: 23 },
  { part: "heldout2-tune", projects: 13, precision: 0.97, recall: 0.97, complete: 12 },
  { part: "heldout2-test", projects: 7, precision: 0.93, recall: 0.97, complete: 6 },
  { part: "heldout3", projects: 14, precision: 0.97, recall: 0.97, complete: 13 },
  { part: "heldout4", projects: 11, precision: 0.97, recall: 0.97, complete: 10 },
  { part: "heldout5", projects: 8, precision: 0.999, recall: 0.999, complete: 8 },
  { part: "heldout6", projects: 8, precision: 0.899, recall: 0.899, complete: 4 },
];

for (const f of FLOORS) {
  Deno.test(`init corpus part ${f.part} keeps its precision and recall`, async () => {
    const t = totals(await scoreCases(await loadCases(f.part)));
    if (f.atLeast) assert.ok(t.projects >= f.projects, `${t.projects} projects`);
    else assert.equal(t.projects, f.projects);
    assert.ok(t.precision >= f.precision, `precision ${t.precision}`);
    assert.ok(t.recall >= f.recall, `recall ${t.recall}`);
    assert.ok(t.complete >= f.complete, `${t.complete} exact`);
    assert.equal(t.unsafe, 0);
  });
}

Deno.test("init drops a venv activation, expands format() and literal env, and names tox envs", async () => {
  const dir = await project({
    "tox.ini": "[tox]\nenvlist = py312, typing\n",
    ".github/workflows/ci.yml": `on: [push]
env:
  FEATURES: "--all-features"
jobs:
  tests:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        include:
          - {python: '3.12'}
          - {python: pypy-3.10, tox: pypy310}
    steps:
      - run: |
          python -VV
          python -m site
          pip install tox
      - run: tox run -e \${{ matrix.tox || format('py{0}', matrix.python) }}
      - run: |
          source $VENV
          make check-format
      - run: cargo -V
      - run: $BUILD_CMD build --locked
      - run: cargo test --locked "\${FEATURES}"
  typing:
    runs-on: ubuntu-latest
    steps:
      - run: pip install tox
      - run: tox run -e typing
  static:
    runs-on: ubuntu-latest
    steps:
      - run: |
          go install honnef.co/go/tools/cmd/staticcheck@latest
          staticcheck ./...
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => [g.command, g.kind]), [
    ["pip install tox", "install"],
    ["make check-format", "format"],
    ["staticcheck ./...", "lint"],
    ["tox run -e typing", "typecheck"],
    ["tox run -e py3.12", "test"],
    ["cargo test --locked --all-features", "test"],
  ]);
});

Deno.test("init takes the tests of an msrv job when no ordinary job tests, never a release job's", async () => {
  const dir = await project({
    "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n',
    ".github/workflows/ci.yml": `on: [push]
jobs:
  fmt:
    runs-on: ubuntu-latest
    steps:
      - run: cargo fmt -- --check
  release:
    runs-on: ubuntu-latest
    steps:
      - run: cargo test --release --target x86_64-unknown-linux-musl
  msrv:
    runs-on: ubuntu-latest
    steps:
      - run: cargo test --locked
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => g.command), [
    "cargo fetch",
    "cargo fmt -- --check",
    "cargo test --locked",
  ]);
});

Deno.test("init reads a static check run in one matrix include variant and a Release build", async () => {
  const dir = await project({
    ".github/workflows/ci.yml": `on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        include:
          - elixir: "1.10"
          - elixir: "1.18"
            lint: true
    steps:
      - run: mix deps.get
      - run: mix format --check-formatted
        if: \${{ matrix.lint }}
      - run: mix deps.get --check-locked
        if: matrix.lint
      - run: dotnet build ./App.sln -c Release
      - run: mix test
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => g.command), [
    "mix deps.get",
    "mix format --check-formatted",
    "dotnet build ./App.sln -c Release",
    "mix deps.get --check-locked",
    "mix test",
  ]);
});

Deno.test("init expands a local composite action with its inputs and skips another repository's checkout", async () => {
  const dir = await project({
    "package.json": JSON.stringify({ scripts: { build: "tsc", test: "vitest run" } }),
    "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    ".github/actions/setup/action.yml": `name: setup
inputs:
  build:
    default: 'false'
  args:
    default: ''
runs:
  using: composite
  steps:
    - uses: pnpm/action-setup@v4
    - run: pnpm install \${{ inputs.args }}
      shell: bash
    - run: poetry show
      shell: bash
    - if: inputs.build == 'true'
      run: pnpm run build
      shell: bash
`,
    ".github/workflows/ci.yml": `on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/setup
        with:
          build: true
      - run: pnpm run test
      - uses: actions/checkout@v4
        with:
          repository: someone/plugin
          path: plugin
      - run: pnpm test
        working-directory: plugin
      - run: |
          cd plugin
          pnpm test
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => [g.command, g.kind]), [
    ["pnpm install", "install"],
    ["pnpm run build", "build"],
    ["pnpm run test", "test"],
  ]);
});

Deno.test("init reads platform conditions, include combinations and a guarded install", async () => {
  const dir = await project({
    "requirements.txt": "pytest\n",
    ".github/workflows/ci.yml": `on: [push]
jobs:
  test:
    runs-on: \${{ matrix.os }}
    strategy:
      matrix:
        os: [macos-latest, ubuntu-latest]
        python: ["3.12", "3.13"]
        include:
          - os: ubuntu-latest
            python: "3.11"
            coverage: true
    steps:
      - run: |
          python -m pip install --upgrade pip flake8
          if [ -f requirements.txt ]; then
            pip install -r requirements.txt
          fi
      - if: startsWith(matrix.os, 'ubuntu') && matrix.python == '3.13'
        run: flake8 .
      - if: runner.os == 'Windows'
        run: pytest -p no:cacheprovider
      - if: \${{ !matrix.coverage }}
        run: pytest
      - if: matrix.coverage
        run: pytest --cov
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => g.command), [
    "python -m pip install --upgrade pip flake8",
    "if [ -f requirements.txt ]; then pip install -r requirements.txt; fi",
    "flake8 .",
    "pytest",
    "pytest --cov",
  ]);
});

Deno.test("init takes the ecosystem's test command for a reusable test workflow of another repository", async () => {
  const dir = await project({
    "Package.swift": "// swift-tools-version:5.9\n",
    "Gemfile": "source 'https://rubygems.org'\n",
    ".github/workflows/ci.yml": `on: [pull_request]
jobs:
  tests:
    uses: example/workflows/.github/workflows/swift_package_test.yml@v1
  build:
    runs-on: ubuntu-latest
    steps:
      - run: swift build
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => g.command), ["bundle install", "swift build", "swift test"]);
});

Deno.test("init corpus proposes exactly the main CI job's gates for honojs/hono", async () => {
  const [hono] = await scoreCases((await loadCases("all")).filter((c) => c.repo === "honojs/hono"));
  assert.deepEqual(hono!.proposed, [
    "bun install",
    "bun run format",
    "bun run lint",
    "bun run build",
    "bun run test",
  ]);
});

Deno.test("init corpus splits by a hash of the repository name", async () => {
  const cases = await loadCases("all");
  const held = (await loadCases("heldback")).map((c) => c.repo);
  assert.equal(cases.length, 114);
  const third = cases.filter((c) => c.part === "heldout3").map((c) => c.repo);
  assert.deepEqual((await loadCases("heldout3")).map((c) => c.repo), third);
  assert.equal(third.length, 14);
  const fourth = cases.filter((c) => c.part === "heldout4").map((c) => c.repo);
  assert.deepEqual((await loadCases("heldout4")).map((c) => c.repo), fourth);
  assert.equal(fourth.length, 11);
  const fifth = cases.filter((c) => c.part === "heldout5").map((c) => c.repo);
  assert.deepEqual((await loadCases("heldout5")).map((c) => c.repo), fifth);
  assert.equal(fifth.length, 8);
  const sixth = cases.filter((c) => c.part === "heldout6").map((c) => c.repo);
  assert.deepEqual((await loadCases("heldout6")).map((c) => c.repo), sixth);
  assert.equal(sixth.length, 8);
  const second = cases.filter((c) => c.part === "heldout2");
  assert.equal(second.length, 20);
  for (const c of cases.filter((c) => c.part === undefined)) {
    assert.equal(held.includes(c.repo), await partOf(c.repo) === "heldback", c.repo);
  }
  const tune = (await loadCases("heldout2-tune")).map((c) => c.repo);
  const test = (await loadCases("heldout2-test")).map((c) => c.repo);
  assert.equal(tune.length + test.length, 20);
  for (const c of second) {
    assert.equal(tune.includes(c.repo), await partOf(c.repo, c.part) === "heldout2-tune", c.repo);
  }
});

Deno.test("init corpus normalize folds cd and leading assignments into a directory", () => {
  assert.equal(
    normalize("cd serde && cargo build --features rc"),
    "serde: cargo build --features rc",
  );
  assert.equal(normalize("RICHGO_FORCE_COLOR=1 make  test"), "make test");
  assert.equal(normalize("go build -v ./...", "./examples/"), "examples: go build -v ./...");
});

const UNSAFE_WORKFLOW = `name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: curl -fsSL https://example.invalid/install.sh | sh
      - run: sudo make install
      - run: deno run -A https://example.invalid/setup.ts
      - run: npm ci
      - run: npm test
`;

Deno.test("init never proposes a download piped to a shell, sudo or a fetched program", async () => {
  const dir = await project({
    ".github/workflows/ci.yml": UNSAFE_WORKFLOW,
    "package.json": JSON.stringify({ scripts: { test: "node --test" } }),
    "package-lock.json": "{}",
  });
  const text = await starterConfig(dir);
  const { config } = parseConfig(text, "fleet-orch.yaml", { env: () => undefined });
  const commands = Object.values(config.quality_gates as Record<string, { command: string }>)
    .map((g) => g.command);
  assert.deepEqual(commands, ["npm ci", "npm test"]);
  // The fetched program reached the proposal and the policy screen refused it, with a comment.
  const { refused } = await screenGates(await proposeGates(dir));
  assert.deepEqual(refused.map((r) => r.command), ["deno run -A https://example.invalid/setup.ts"]);
  assert.match(
    text,
    /# Not proposed[^\n]*\n#\s+deno run -A https:\/\/example\.invalid\/setup\.ts .*policy/,
  );
});

Deno.test("init screen refuses a gate that runs as root even where the policy allows sudo", async () => {
  const { kept, refused } = await screenGates([
    { name: "a", command: "make && sudo make install", kind: "build", source: "s", rank: 4 },
    { name: "b", command: "make test", kind: "test", source: "s", rank: 5 },
  ]);
  assert.deepEqual(kept.map((g) => g.command), ["make test"]);
  assert.match(refused[0]!.reason, /sudo/);
});

Deno.test("check refuses a gate copied from a workflow that pipes a download into a shell", async () => {
  const repo = await project({
    "fleet-orch.yaml": `quality_gates:
  setup:
    command: "curl -fsSL https://example.invalid/install.sh | sh"
`,
  });
  const git = await exec.run(
    "git init -q -b main && git add -A && git -c user.name=t -c user.email=t@example.invalid commit -q -m init",
    { cwd: repo },
  );
  assert.equal(git.code, 0, git.output);
  const r = await exec.run(
    `${shellJoin([Deno.execPath(), "run", "-A", MAIN, "check", "--repo", repo])} 2>&1 >${
      shellQuote(join(repo, ".git", "stdout"))
    }`,
    { cwd: repo, timeoutMs: 600_000, env: { NO_COLOR: "1" } },
  );
  const out = r.output + await Deno.readTextFile(join(repo, ".git", "stdout"));
  assert.notEqual(r.code, 0, out);
  assert.match(out, /remote-script|Never pipe a downloaded script/);
});

Deno.test("init evaluates && / || / == in env and run expressions for the first variant", async () => {
  const dir = await project({
    "CMakeLists.txt": "project(x)\nenable_testing()\n",
    ".github/workflows/ci.yml": `on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        build: [static, shared]
        generator: ["Default Generator", "Ninja"]
        target: [native]
    env:
      SHARED: \${{ matrix.build == 'shared' && 'ON' || 'OFF' }}
      GEN: >-
        \${{ format(matrix.generator != 'Default Generator' && '-G "{0}"' || '', matrix.generator) }}
      PREFIX: "\${{ github.workspace }}/install-prefix"
      TOOL: "\${{ matrix.target == 'native' && 'cargo' || 'cross' }}"
      TOKEN: \${{ secrets.TOKEN }}
    steps:
      - run: |
          cmake \\
            \${{ env.GEN }} \\
            -S "\${{ github.workspace }}" \\
            -B build \\
            -D SHARED=\${{ env.SHARED }} \\
            -D PREFIX="\${{ env.PREFIX }}"
      - run: cmake --build build --config \${{ matrix.build == 'static' && 'Debug' || 'Release' }}
      - run: ctest --test-dir build
      - run: $TOOL build
      - run: tool --token \${{ env.TOKEN }} check
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => g.command), [
    "cmake -S . -B build -D SHARED=OFF -D PREFIX=install-prefix",
    "cmake --build build --config Debug",
    "ctest --test-dir build",
  ]);
});

Deno.test("init leaves out a block run on another machine and fixers a job commits", async () => {
  const dir = await project({
    "package.json": JSON.stringify({
      scripts: { lint: "eslint .", "format-fix": "prettier --write .", test: "vitest run" },
      devDependencies: { eslint: "9", prettier: "3", vitest: "2" },
    }),
    "package-lock.json": "{}",
    ".github/workflows/ci.yml": `on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci
      - run: npm test
  s390x:
    runs-on: ubuntu-latest
    steps:
      - run: |
          rsync -az --delete . ci@s390x.example.org:/var/tmp/build
          ssh ci@s390x.example.org "cd /var/tmp/build && npm test"
  autofix:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci
      - run: npx eslint . --fix
      - run: npm run format-fix
      - run: npm run lint
      - uses: autofix-ci/action@v1
  style:
    runs-on: ubuntu-latest
    steps:
      - run: npx prettier --write .
      - run: git diff --exit-code
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => g.command), [
    "npm ci",
    "npx prettier --write .",
    "npm run lint",
    "npm test",
  ]);
});

Deno.test("init takes a project task another ordinary job runs and no gate runs yet", async () => {
  const dir = await project({
    "noxfile.py": "import nox\n",
    ".github/workflows/ci.yml": `on: [push]
jobs:
  tests:
    runs-on: ubuntu-latest
    steps:
      - run: python -m pip install nox
      - run: nox --session tests
  man:
    runs-on: ubuntu-latest
    steps:
      - run: python -m pip install nox
      - run: nox --session build_man
  docs:
    runs-on: ubuntu-latest
    steps:
      - run: nox --session docs
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => g.command), [
    "python -m pip install nox",
    "nox --session tests",
    "nox --session build_man",
  ]);
});

Deno.test("init reads a matrix include's static check, a shell-logic block's top level, the clippy action and run labels", async () => {
  const dir = await project({
    "package.json": JSON.stringify({
      private: true,
      scripts: { "install:app": "cd app && yarn install", "test:app": "cd app && yarn test" },
    }),
    "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n',
    "tox.ini": "[tox]\nenvlist = py312, typing\n",
    ".github/workflows/ci.yml": `on: [push]
jobs:
  tests:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        include:
          - {python: '3.12', tox: py312}
          - {python: '3.12', tox: typing}
    steps:
      - run: pdm run tox -e \${{ matrix.tox }}
      - run: yarn install:app
      - run: yarn test:app "Coverage for \${{ github.sha }}"
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: |
          STATUS=0
          quiet() {
            if ! "$@" >/dev/null; then
              STATUS=1
            fi
          }
          quiet go mod tidy
          bin/golangci-lint run --timeout=3m || STATUS=$?
          exit $STATUS
      - uses: actions-rs/clippy-check@v1
        with:
          args: --all -- -D warnings
  test-wasm:
    runs-on: ubuntu-latest
    steps:
      - run: cargo test --no-run --target wasm32-unknown-unknown
`,
  });
  const gates = await proposeGates(dir);
  assert.deepEqual(gates.map((g) => g.command), [
    "yarn install:app",
    "bin/golangci-lint run --timeout=3m",
    "cargo clippy --all -- -D warnings",
    "pdm run tox -e typing",
    "pdm run tox -e py312",
    "yarn test:app",
  ]);
  assert.equal(gates.find((g) => g.command === "pdm run tox -e typing")?.kind, "typecheck");
});
