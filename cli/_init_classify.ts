/**
 * Whether one line of a CI step is a gate, and what kind: install, format,
 * lint, typecheck, build or test; setup, reporting and release lines are not.
 *
 * @module
 */

import type { Kind } from "./_init_gate.ts";

/** What classifying a command needs to know about the project. */
export interface Project {
  /** Whether a bare `make` runs an install target (the Makefile's first target). */
  makeInstalls: () => boolean;
}

/** First words of commands that set the machine up or publish, never gates. */
const NOT_GATE =
  /^(echo|printf|cd|ls|cat|pwd|export|set|mkdir|cp|mv|rm|touch|chmod|sudo|apt|apt-get|brew|choco|curl|wget|git|gh|docker|sleep|tee|env|which|corepack|nvm|source|\.|codecov|true|exit|if|then|fi|for|do|done|while|else|\[|\[\[|test\s+-[a-z]|md|strip|tar|unzip|sed|rustup|adb|emulator\S*|xvfb-run|until|pushd|popd|dnf|yum|apk|pacman|zypper)(\s|$)/;
/** Publishing, deploying, uploading and release steps. */
const PUBLISH =
  /\b(publish|deploy|release|upload|semantic-release|changeset\s+publish|twine|coveralls|codecov|gh-pages|surge|netlify|vercel|wrangler\s+deploy|push)\b/i;
/** Lines that set the runner up or report on it rather than check the code. */
const RUNNER_ONLY =
  /(\$GITHUB_(ENV|OUTPUT|PATH|STEP_SUMMARY)|\s&$|--version$|^[\w./-]+\s+(-V{1,2}|-v|version)(\s*\|\|\s*true)?$|--version\s*(\|\|\s*true|\|\s*grep\b.*)$|^python[\d.]*\s+-m\s+site$|^poetry\s+(env\s+info|show|config)\b|^(pip3?|python3?\s+-m\s+pip)\s+(list|freeze)\b|^go\s+env\b|^nix\s+develop(\s+--?[\w-]+)*$|^conda\s+(info|list)\b|^(npm|pnpm|yarn)\s+(config|rm|remove|uninstall|ls|-s\s+ls)\b|^\(|>\s*\S+\.(lcov|info)$|\bplaywright\s+install\b|install-packages\b)/;

/**
 * Classify one shell command line from a CI definition, or `undefined` when it
 * is not a gate (setup, echo, upload, deploy...).
 */
function classify(command: string, project: Project): Kind | undefined {
  const c = command.trim();
  if (!c || c.startsWith("#")) return undefined;
  // `if [ -f requirements.txt ]; then pip install -r requirements.txt; fi`: the command it guards.
  const guarded = FILE_GUARD.exec(c);
  if (guarded) return classify(guarded[1]!, project);
  // Adding a dependency (`composer require x --no-update`) changes the manifest: a matrix variant.
  if (/^composer\s+require\s/.test(c)) return undefined;
  if (/^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(c)) return undefined; // a bare assignment
  if (/^[A-Za-z_][A-Za-z0-9_]*=("|'|\$\()/.test(c) && !/\s(&&|\|\|)\s/.test(c)) {
    return undefined; // a variable set from a string or a command's output
  }
  // A build configuration named Release (`-c Release`, `--release`, `-DCMAKE_BUILD_TYPE=Release`)
  // is not a release step.
  const unconfigured = c.replace(/(?:--?[\w:.-]+[= ]|=)release\b|--release\b/gi, " ");
  if (NOT_GATE.test(c) || PUBLISH.test(unconfigured) || RUNNER_ONLY.test(c)) return undefined;
  // A command named by a variable CI sets (`$BUILD_CMD build`) cannot be run outside CI.
  if (/^"?\$\{?[A-Za-z_]/.test(c)) return undefined;
  // Adding a package changes the manifest: a matrix variant, not a gate.
  if (/^(yarn|pnpm|bun)\s+add\s/.test(c) || /^npm\s+(i|install)\s+(?!-)\S/.test(c)) {
    return undefined;
  }
  if (/^npm\s+(i|install)\s+--save/.test(c)) return undefined;
  // Tools installed for CI's own use (go install x@latest) are not the project's gates.
  if (/^go\s+install\s+\S+@/.test(c) || /^go\s+install\s+\S+"/.test(c)) return undefined;
  if (/^cargo\s+install\s/.test(c)) return undefined;
  // Global tool installs and pip self-upgrades prepare the runner, not the project.
  if (/\b(npm|pnpm|yarn|bun)\s+(i|install|add)\s+(-g|--global)\b/.test(c)) return undefined;
  if (/\byarn\s+global\s+add\b/.test(c)) return undefined;
  // (only when nothing else is installed with them: `pip install -U pip nox` installs nox).
  if (
    /\bpip3?\s+install\s+(-U\s+|--upgrade\s+)+((pip|setuptools|wheel)(\s+|$))+$/.test(c)
  ) {
    return undefined;
  }
  // Installing the package just built (a wheel under dist/) is a smoke check's setup.
  if (/^(pipx|pip3?|python3?\s+-m\s+pip)\s+install\b.*\sdist\//.test(c)) return undefined;
  if (/\b(playwright|puppeteer)\s+install\b/.test(c)) return undefined;
  if (
    /^(npm\s+(ci|install|i)|pnpm\s+(install|i)|yarn\s*$|yarn\s+install|bun\s+(install|i)|deno\s+install|pip3?\s+install|python3?\s+-m\s+pip\s+install|poetry\s+install|uv\s+sync|pipenv\s+install|go\s+mod\s+download|cargo\s+fetch|bundle\s+install|composer\s+install|mix\s+deps\.get(?!.*\s--check)|swift\s+package\s+resolve|(?:dart|flutter)\s+pub\s+get)(\s|$)/
      .test(c)
  ) return "install";
  if (c === "make" && project.makeInstalls()) return "install";
  // `mix deps.get --check-locked` checks the lockfile rather than installing: read on below.
  // A project's own install script (scripts/install, ./bootstrap) prepares it.
  if (/^(\.\/)?([\w.-]+\/)*(install|bootstrap|setup-deps)(\.sh)?(\s|$)/.test(c)) return "install";
  if (
    /^(composer\s+(update|install)|dotnet\s+restore|mvn\b.*dependency:go-offline)(\s|$)/.test(c)
  ) {
    return "install";
  }
  // `tox run -e typing`, `nox -s lint`: the environment's name says what it checks.
  const session =
    /^(?:(?:pdm|poetry|uv|hatch|pipenv)\s+run\s+)?(?:python3?\s+-m\s+)?(?:tox|nox)\b(?:\s+run)?(?:\s+\S+)*?\s+(?:-e|-s|--sessions?)\s+(\S+)/
      .exec(c)?.[1]?.toLowerCase();
  if (session && /^(typing|types?|mypy|pyright|typecheck)\b/.test(session)) return "typecheck";
  if (session && /^(lint|style|flake8|ruff|pylint|pre-commit)\b/.test(session)) return "lint";
  if (session && /^(format|fmt|black)\b/.test(session)) return "format";
  // A Maven run that skips the tests builds.
  if (/^(\.\/mvnw|mvn)\s/.test(c) && /\s-D(skipTests|maven\.test\.skip)(=true)?(\s|$)/.test(c)) {
    return "build";
  }
  // `bun run lint:ci -x`: the script's name says what it does, not its flags.
  const script = /^(?:npm|pnpm|yarn|bun|deno)\s+(?:run|task)\s+(\S+)/.exec(c)?.[1] ??
    /^(?:npm|pnpm|yarn|bun)\s+(test|lint|build)\b/.exec(c)?.[1] ??
    /^(?:pnpm|yarn|bun)\s+((?:install|setup|bootstrap)[:_-][\w:.-]+)$/.exec(c)?.[1];
  // A script named for installing (`install:react-vite`, `bootstrap`) installs.
  if (script && /^(install|bootstrap|setup)([:_-]|$)/i.test(script)) return "install";
  const words = (script ?? c).toLowerCase();
  if (/\b(typecheck|type-check|check-types|tsc|mypy|pyright|deno\s+check)\b/.test(words)) {
    return "typecheck";
  }
  if (/\b(format|fmt|prettier|black|gofmt|isort)\b/.test(words)) return "format";
  if (
    /\b(\w*lint|linters?|staticcheck|govulncheck|pre-commit|pre_commit|eslint|ruff|flake8|pylint|clippy|vet|golangci-lint|brakeman|bandit|gosec|biome|stylelint|pmd|checkstyle|spotbugs|detekt|ktlint|rubocop|phpstan|phpcs|psalm|shellcheck|php\s+-l|editorconfig|cspell|spellcheck|knip|typos|publint)\b/
      .test(words)
  ) {
    return "lint";
  }
  if (
    /\b(test|tests|pytest|phpunit|jest|vitest|mocha|tox|nox|verify|ctest|unit|spec|rspec|rake|runtest\S*|check)\b/
      .test(words)
  ) return "test";
  if (/\b(build|compile|assemble|package|tsup|vite\s+build|webpack|rollup)\b/.test(words)) {
    return "build";
  }
  return "other";
}

/** Split a `run:`/`script:` block into command lines, joining `\` continuations. */
function commandLines(block: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (const raw of block.split("\n")) {
    const line = raw.trimEnd();
    if (line.endsWith("\\")) {
      const piece = line.slice(0, -1).trim();
      if (piece) cur += piece + " ";
      continue;
    }
    // A line ended by `;` (a habit in multi-line blocks) is the same command.
    const full = (cur + line.trim()).trim().replace(/\s*;$/, "");
    cur = "";
    if (full) out.push(full);
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** A one-line `if [ -f FILE ]; then COMMAND; fi`: COMMAND runs when the project has FILE. */
const FILE_GUARD = /^if\s+\[\s+-[fed]\s+\S+\s+\];\s*then\s+([^;]+?);?\s*fi$/;

/** `if [ -f FILE ]; then` / one command / `fi` written over three lines, as one line. */
function foldGuards(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^if\s+\[\s+-[fed]\s+\S+\s+\];\s*then$/.test(lines[i]!);
    if (head && lines[i + 2] === "fi" && !SHELL_LOGIC.test(lines[i + 1]!)) {
      out.push(`${lines[i]} ${lines[i + 1]!.replace(/;$/, "")}; fi`);
      i += 2;
    } else out.push(lines[i]!);
  }
  return out;
}

/** A line that runs on or copies to another machine: `ssh host`, `scp`, `rsync ... user@host:dir`. */
const REMOTE =
  /^(ssh|scp|sftp)\s|^rsync\s.*\s(\S+@)?[\w.-]+\.[\w.-]+:\S*$|^rsync\s.*\s\S+@[\w.-]+:/;

/** Lines of shell control flow. */
const SHELL_LOGIC = /^(if|case|for|while|until|declare|set\s+-o|shopt)\s/;
/** Lines that change the shell's state for the lines after them. */
const CONTEXT = /^(cd|pushd|export|source|\.)\s/;
/** A line that activates a Python virtualenv. */
const VENV_ACTIVATE =
  /^(source|\.)\s+("?\$\{?\w*VENV\w*\}?"?|\S*\/bin\/activate|\S*venv\S*\/activate\S*)$/i;
/** Lines that set the machine up (root, downloads): a block with one is not a gate. */
const MACHINE_SETUP = /^(sudo|apt|apt-get|brew|choco|wget|curl|git\s+clone)(\s|$)/;

/**
 * The commands a block of shell logic runs at its top level, outside its
 * functions, conditionals and loops, or undefined when it has none besides
 * setup: `lint run || STATUS=$?` collecting statuses for a final `exit
 * $STATUS` is `lint run`; a line calling a function the block defines is
 * CI's own wrapper and left out.
 */
function topLevel(lines: string[]): string[] | undefined {
  const functions = new Set<string>();
  const out: string[] = [];
  let depth = 0;
  for (const l of lines) {
    const fn = /^(?:function\s+)?([\w-]+)\s*\(\)\s*\{?$|^function\s+([\w-]+)\s*\{?$/.exec(l);
    if (fn) {
      functions.add((fn[1] ?? fn[2])!);
      depth++;
      continue;
    }
    if (/^(if|case|for|while|until)\s/.test(l) && !/;\s*(fi|done|esac)$/.test(l)) {
      depth++;
      continue;
    }
    if (/^(fi|done|esac|\})(\s|;|$)/.test(l)) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth > 0 || SHELL_LOGIC.test(l)) continue;
    if (functions.has(l.split(/\s+/)[0]!)) continue;
    if (/^exit(\s|$)|^[A-Za-z_]\w*=\S*$/.test(l)) continue;
    out.push(l.replace(/\s*\|\|\s*[A-Za-z_]\w*=\S*$/, ""));
  }
  // Lines that depend on the state the logic set (`cd build`, `$OPTIONS`) are CI's script.
  if (out.some((l) => CONTEXT.test(l) || /\$/.test(l))) return undefined;
  return depth === 0 && out.length ? out : undefined;
}

/**
 * The gates of one `run:`/`script:` block. Lines are separate gates, except in
 * a block whose lines depend on each other (`cd`, `export`): it stays one gate,
 * joined with && (CI runs blocks with bash -e), named by its last gate line.
 */
export function blockGates(block: string, project: Project): { line: string; kind: Kind }[] {
  // `cmd || { upload the logs; exit 1; }`: the handler reports a failure CI already sees.
  // Activating CI's virtualenv (`source $VENV`, `. .venv/bin/activate`) is the environment a
  // local run already has: the lines after it are the gates.
  const lines = foldGuards(
    commandLines(block.replace(/\s*\|\|\s*\{[\s\S]*\}\s*$/, "")).filter((l) =>
      !VENV_ACTIVATE.test(l)
    ),
  );
  // A block that downloads or installs onto the machine prepares the runner, and a block of
  // shell logic (if/case/loops) is a script of CI's own: neither is a gate.
  if (lines.some((l) => /\b(curl|wget)\b|^git\s+clone\b/.test(l))) return [];
  // A block that copies the tree to another machine or runs there (ssh, scp, rsync to host:)
  // checks that machine, not the local checkout.
  if (lines.some((l) => REMOTE.test(l))) return [];
  if (lines.some((l) => SHELL_LOGIC.test(l) && !FILE_GUARD.test(l))) {
    const top = topLevel(lines);
    if (!top) return [];
    return top.flatMap((line) => {
      const kind = classify(line, project);
      return kind && kind !== "other" ? [{ line, kind }] : [];
    });
  }
  if (lines.length > 1 && lines.some((l) => CONTEXT.test(l) || /&&\s*cd\s/.test(l))) {
    if (lines.some((l) => MACHINE_SETUP.test(l))) return [];
    const kinds = lines.map((l) => classify(l, project)).filter((k): k is Kind => k !== undefined);
    const kind = kinds.filter((k) => k !== "other").at(-1) ?? kinds.at(-1);
    return kind ? [{ line: lines.join(" && "), kind }] : [];
  }
  return lines.flatMap((line) => {
    // `python -m pip install -U pip && pip install tox`: a leading runner setup is dropped and
    // the rest of the chain stays one gate.
    let parts = line.split(/\s+&&\s+/);
    while (
      parts.length > 1 && /\binstall\b/.test(parts[0]!) && !/[|;(]/.test(parts[0]!) &&
      !classify(parts[0]!, project)
    ) {
      parts = parts.slice(1);
    }
    parts = [parts.join(" && ")];
    return parts.flatMap((part) => {
      const kind = classify(part, project);
      return kind ? [{ line: part, kind }] : [];
    });
  });
}
