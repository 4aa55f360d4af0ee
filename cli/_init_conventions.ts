/**
 * The gates a project's manifests and conventions imply when its CI says
 * nothing: the package manager of the lockfile with the manifest's scripts,
 * then Deno, Python, Go, Rust, Maven/Gradle, CMake and Makefile targets.
 *
 * @module
 */

import { join } from "node:path";
import { existsSync } from "node:fs";
import { asRecord, type Kind, type ProposedGate, RANK, readText } from "./_init_gate.ts";

interface PackageManager {
  name: "bun" | "pnpm" | "yarn" | "npm";
  install: string;
  lockfile: string | undefined;
  run: (script: string) => string;
}

function packageManager(dir: string): PackageManager {
  const has = (f: string) => existsSync(join(dir, f));
  if (has("bun.lock") || has("bun.lockb")) {
    return {
      name: "bun",
      install: "bun install --frozen-lockfile",
      lockfile: has("bun.lock") ? "bun.lock" : "bun.lockb",
      run: (s) => `bun run ${s}`,
    };
  }
  if (has("pnpm-lock.yaml")) {
    return {
      name: "pnpm",
      install: "pnpm install --frozen-lockfile",
      lockfile: "pnpm-lock.yaml",
      run: (s) => `pnpm run ${s}`,
    };
  }
  if (has("yarn.lock")) {
    // Yarn 2+ (a .yarnrc.yml) spells the frozen install --immutable.
    return {
      name: "yarn",
      install: has(".yarnrc.yml") ? "yarn install --immutable" : "yarn install --frozen-lockfile",
      lockfile: "yarn.lock",
      run: (s) => `yarn run ${s}`,
    };
  }
  const lock = has("package-lock.json") ? "package-lock.json" : undefined;
  return {
    name: "npm",
    install: lock ? "npm ci" : "npm install",
    lockfile: lock,
    run: (s) => (s === "test" ? "npm test" : `npm run ${s}`),
  };
}

/** Script names per kind, most specific first; `check` marks names kept only when the body checks. */
const SCRIPT_NAMES: [Kind, string[]][] = [
  ["format", [
    "format:check",
    "fmt:check",
    "check:format",
    "check-format",
    "prettier:check",
    "format",
    "fmt",
  ]],
  ["lint", ["lint", "lint:check", "eslint"]],
  ["typecheck", ["typecheck", "type-check", "check-types", "types", "tsc", "check:types"]],
  ["build", ["build"]],
  ["test", ["test", "test:unit", "tests"]],
];

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return asRecord(JSON.parse(await Deno.readTextFile(file)));
  } catch {
    return undefined;
  }
}

async function nodeGates(dir: string): Promise<ProposedGate[]> {
  const pm = packageManager(dir);
  const manifest = await readJson(join(dir, "package.json"));
  const scripts = asRecord(manifest?.scripts) ?? {};
  const gates: ProposedGate[] = [{
    name: "install",
    command: pm.install,
    kind: "install",
    source: pm.lockfile ? `${pm.lockfile} (${pm.name})` : "package.json, no lockfile (npm)",
    rank: 0,
  }];
  for (const [kind, names] of SCRIPT_NAMES) {
    for (const name of names) {
      const body = scripts[name];
      if (typeof body !== "string") continue;
      // npm's placeholder test script always fails; it is not a test suite.
      if (kind === "test" && /no test specified/.test(body)) continue;
      // A format script that rewrites files would always pass: only checking ones are gates.
      if (kind === "format" && !/--check|--list-different|\s-l(\s|$)|check/.test(body)) continue;
      gates.push({
        name,
        command: pm.run(name),
        kind,
        source: `package.json script "${name}" (${pm.name})`,
        rank: RANK[kind],
      });
      break;
    }
  }
  return gates;
}

function denoGates(dir: string): ProposedGate[] {
  const name = existsSync(join(dir, "deno.json")) ? "deno.json" : "deno.jsonc";
  let tasks: Record<string, unknown> = {};
  try {
    // deno.jsonc may hold comments: strip whole-line ones before parsing.
    const text = readText(join(dir, name)).replace(/^\s*\/\/.*$/gm, "");
    tasks = asRecord(asRecord(JSON.parse(text || "{}"))?.tasks) ?? {};
  } catch {
    // unparsable: the conventions below still apply
  }
  const pick = (kind: Kind, taskNames: string[], fallback?: string): ProposedGate[] => {
    const t = taskNames.find((n) => tasks[n] !== undefined);
    if (t) {
      return [{
        name: t,
        command: `deno task ${t}`,
        kind,
        source: `${name} task "${t}"`,
        rank: RANK[kind],
      }];
    }
    return fallback
      ? [{
        // "fmt" is Deno's own word for it (and the name earlier starters used).
        name: kind === "format" ? "fmt" : kind,
        command: fallback,
        kind,
        source: `${name} (Deno convention)`,
        rank: RANK[kind],
      }]
      : [];
  };
  return [
    ...pick("format", ["fmt:check", "format:check"], "deno fmt --check"),
    ...pick("lint", ["lint"], "deno lint"),
    ...pick("typecheck", ["check", "typecheck"]),
    ...pick("build", ["build"]),
    ...pick("test", ["test"], "deno test -A"),
  ];
}

function pythonGates(dir: string): ProposedGate[] {
  const has = (f: string) => existsSync(join(dir, f));
  const text = [
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
    "setup.cfg",
    "tox.ini",
  ]
    .map((f) => readText(join(dir, f))).join("\n");
  const uses = (tool: string) => new RegExp(`\\b${tool}\\b`, "i").test(text);
  let install: string;
  let installSource: string;
  let prefix = "python3 -m ";
  if (has("uv.lock")) {
    install = "uv sync";
    installSource = "uv.lock (uv)";
    prefix = "uv run ";
  } else if (has("poetry.lock")) {
    install = "poetry install";
    installSource = "poetry.lock (poetry)";
    prefix = "poetry run ";
  } else if (has("requirements.txt")) {
    install = "python3 -m pip install -r requirements.txt";
    installSource = "requirements.txt (pip)";
  } else {
    install = "python3 -m pip install -e .";
    installSource = "pyproject.toml (pip)";
  }
  const gates: ProposedGate[] = [{
    name: "install",
    command: install,
    kind: "install",
    source: installSource,
    rank: 0,
  }];
  if (has("requirements-dev.txt") && !has("uv.lock") && !has("poetry.lock")) {
    gates.push({
      name: "install_dev",
      command: "python3 -m pip install -r requirements-dev.txt",
      kind: "install",
      source: "requirements-dev.txt (pip)",
      rank: 0,
    });
  }
  const add = (kind: Kind, name: string, command: string, why: string) =>
    gates.push({ name, command, kind, source: why, rank: RANK[kind] });
  if (uses("black")) add("format", "format", `${prefix}black --check .`, "black in the manifests");
  else if (uses("ruff")) {
    add("format", "format", `${prefix}ruff format --check .`, "ruff in the manifests");
  }
  if (uses("ruff")) add("lint", "lint", `${prefix}ruff check .`, "ruff in the manifests");
  else if (uses("flake8")) add("lint", "lint", `${prefix}flake8`, "flake8 in the manifests");
  if (uses("mypy")) add("typecheck", "typecheck", `${prefix}mypy .`, "mypy in the manifests");
  if (uses("pytest") || has("pytest.ini") || has("conftest.py")) {
    add("test", "test", `${prefix}pytest -q`, "pytest in the manifests");
  } else if (existsSync(join(dir, "tests")) || existsSync(join(dir, "test"))) {
    add(
      "test",
      "test",
      `${prefix}unittest discover`,
      "a tests folder and no pytest (unittest)",
    );
  }
  return gates;
}

function goGates(dir: string): ProposedGate[] {
  const g = (name: string, command: string, kind: Kind, source = "go.mod (Go convention)") => ({
    name,
    command,
    kind,
    source,
    rank: RANK[kind],
  });
  const gates: ProposedGate[] = [
    // The sandbox has no network outside install gates: fetch modules first.
    g("install", "go mod download", "install"),
    g("vet", "go vet ./...", "lint"),
  ];
  if ([".golangci.yml", ".golangci.yaml", ".golangci.toml"].some((f) => existsSync(join(dir, f)))) {
    gates.push(g("golangci_lint", "golangci-lint run", "lint", "golangci-lint configuration"));
  }
  gates.push(g("build", "go build ./...", "build"), g("test", "go test ./...", "test"));
  return gates;
}

function rustGates(dir: string): ProposedGate[] {
  const gates: ProposedGate[] = [
    {
      name: "install",
      command: "cargo fetch",
      kind: "install",
      source: "Cargo.toml (Rust convention)",
      rank: 0,
    },
  ];
  if (existsSync(join(dir, "rustfmt.toml")) || existsSync(join(dir, ".rustfmt.toml"))) {
    gates.push({
      name: "format",
      command: "cargo fmt --check",
      kind: "format",
      source: "rustfmt.toml",
      rank: 1,
    });
  }
  if (existsSync(join(dir, "clippy.toml")) || existsSync(join(dir, ".clippy.toml"))) {
    gates.push({
      name: "clippy",
      command: "cargo clippy --offline -- -D warnings",
      kind: "lint",
      source: "clippy.toml",
      rank: 2,
    });
  }
  gates.push({
    name: "test",
    command: "cargo test --offline",
    kind: "test",
    source: "Cargo.toml (Rust convention)",
    rank: 5,
  });
  return gates;
}

function jvmGates(dir: string): ProposedGate[] {
  const has = (f: string) => existsSync(join(dir, f));
  if (has("pom.xml")) {
    const mvn = has("mvnw") ? "./mvnw -B" : "mvn -B";
    return [
      {
        name: "install",
        command: `${mvn} dependency:go-offline`,
        kind: "install",
        source: "pom.xml (Maven)",
        rank: 0,
      },
      {
        name: "test",
        command: `${mvn} -o verify`,
        kind: "test",
        source: "pom.xml (Maven)",
        rank: 5,
      },
    ];
  }
  const file = ["build.gradle", "build.gradle.kts"].find(has);
  if (!file) return [];
  const gradle = has("gradlew") ? "./gradlew --no-daemon" : "gradle --no-daemon";
  return [
    {
      name: "install",
      command: `${gradle} dependencies`,
      kind: "install",
      source: `${file} (Gradle)`,
      rank: 0,
    },
    {
      name: "test",
      command: `${gradle} --offline check`,
      kind: "test",
      source: `${file} (Gradle)`,
      rank: 5,
    },
  ];
}

function cmakeGates(dir: string): ProposedGate[] {
  const g = (name: string, command: string, kind: Kind): ProposedGate => ({
    name,
    command,
    kind,
    source: "CMakeLists.txt (CMake convention)",
    rank: RANK[kind],
  });
  const gates = [
    g("configure", "cmake -S . -B build", "build"),
    g("build", "cmake --build build", "build"),
  ];
  if (/enable_testing|add_test/i.test(readText(join(dir, "CMakeLists.txt")))) {
    gates.push(g("test", "ctest --test-dir build", "test"));
  }
  return gates;
}

/** Ruby, Swift, Elixir, PHP and .NET: the install and test command each toolchain has. */
function otherEcosystemGates(dir: string): ProposedGate[] {
  const has = (f: string) => existsSync(join(dir, f));
  const g = (source: string, command: string, kind: Kind): ProposedGate => ({
    name: kind,
    command,
    kind,
    source,
    rank: RANK[kind],
  });
  const out: ProposedGate[] = [];
  if (has("Gemfile")) {
    out.push(g("Gemfile (Bundler)", "bundle install", "install"));
    if (has("Rakefile")) out.push(g("Rakefile", "bundle exec rake", "test"));
    else if (has("spec")) out.push(g("Gemfile (RSpec convention)", "bundle exec rspec", "test"));
  }
  if (has("Package.swift")) {
    out.push(g("Package.swift (SwiftPM)", "swift build", "build"));
    out.push(g("Package.swift (SwiftPM)", "swift test", "test"));
  }
  if (has("mix.exs")) {
    out.push(g("mix.exs (Mix)", "mix deps.get", "install"));
    out.push(g("mix.exs (Mix)", "mix test", "test"));
  }
  if (has("composer.json")) {
    out.push(g("composer.json (Composer)", "composer install", "install"));
    let scripts: Record<string, unknown> = {};
    try {
      scripts = asRecord(asRecord(JSON.parse(readText(join(dir, "composer.json"))))?.scripts) ??
        {};
    } catch {
      // an unreadable manifest names no script
    }
    if (scripts.test !== undefined) out.push(g("composer.json script", "composer test", "test"));
    else if (has("phpunit.xml.dist") || has("phpunit.xml")) {
      out.push(g("phpunit.xml (PHPUnit)", "vendor/bin/phpunit", "test"));
    }
  }
  let entries: string[] = [];
  try {
    entries = [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    // an unreadable folder has no .NET solution
  }
  const dotnet = entries.find((n) => /\.(sln|slnx)$/.test(n)) ??
    entries.find((n) => /\.(cs|fs|vb)proj$/.test(n));
  if (dotnet) {
    out.push(g(`${dotnet} (.NET)`, "dotnet restore", "install"));
    out.push(g(`${dotnet} (.NET)`, "dotnet build --no-restore", "build"));
    out.push(g(`${dotnet} (.NET)`, "dotnet test --no-build", "test"));
  }
  return out;
}

/** Make targets that map to a gate kind, most specific first. */
const MAKE_TARGETS: [Kind, string[]][] = [
  ["install", ["install-deps", "deps", "setup"]],
  ["format", ["fmt-check", "format-check", "check-format", "check-fmt"]],
  ["lint", ["lint"]],
  ["typecheck", ["typecheck", "type-check"]],
  ["build", ["build", "all"]],
  ["test", ["test", "check"]],
];

function makeGates(dir: string): ProposedGate[] {
  const file = ["GNUmakefile", "Makefile", "makefile"].find((f) => existsSync(join(dir, f)));
  if (!file) return [];
  const targets = new Set<string>();
  for (const m of readText(join(dir, file)).matchAll(/^([A-Za-z0-9_.\-]+)\s*:(?!=)/gm)) {
    targets.add(m[1]!);
  }
  const gates: ProposedGate[] = [];
  for (const [kind, names] of MAKE_TARGETS) {
    const t = names.find((n) => targets.has(n));
    if (!t) continue;
    gates.push({
      name: kind === "install" ? "install" : t,
      command: `make ${t}`,
      kind,
      source: `${file} target "${t}"`,
      rank: RANK[kind],
    });
  }
  return gates;
}

/** Gates from the manifests and conventions of the ecosystems present. */
export async function conventionGates(dir: string): Promise<ProposedGate[]> {
  const has = (f: string) => existsSync(join(dir, f));
  const out: ProposedGate[] = [];
  if (has("package.json")) out.push(...await nodeGates(dir));
  if (has("deno.json") || has("deno.jsonc")) out.push(...denoGates(dir));
  if (has("pyproject.toml") || has("requirements.txt") || has("setup.py")) {
    out.push(...pythonGates(dir));
  }
  if (has("go.mod")) out.push(...goGates(dir));
  if (has("Cargo.toml")) out.push(...rustGates(dir));
  out.push(...jvmGates(dir));
  if (has("CMakeLists.txt")) out.push(...cmakeGates(dir));
  out.push(...otherEcosystemGates(dir));
  // Makefile targets fill the kinds no ecosystem above supplied.
  const kinds = new Set(out.map((g) => g.kind));
  out.push(...makeGates(dir).filter((g) => !kinds.has(g.kind)));
  return out;
}
