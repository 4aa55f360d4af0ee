/**
 * What README.md and docs/*.md promise a new user, checked against the code:
 * every relative link (and its #anchor) leads somewhere, every
 * `fleet-orch <command> --flag` they show is a command with that flag, the
 * README's command table names every flag each command's --help has, every
 * YAML example parses (and the config and policy-file examples validate),
 * the built-in plugin list is the registry's, and the example configs pass
 * `doctor --offline`.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { parse as parseYamlText } from "yaml";
import { parseConfig } from "../../core/config.ts";
import { ConfigSchema } from "../../core/config_schema.ts";
import { PolicyFileSchema } from "../../policies/policy_file.ts";
import { loadPolicy } from "../../policies/engine.ts";
import { builtinPlugins } from "../../plugins/builtins.ts";
import { exec, MAIN } from "../e2e/_helpers.ts";
import { shellJoin } from "../../core/exec.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** README.md and every docs/*.md, repository-relative. */
function documents(): string[] {
  const docs = [...Deno.readDirSync(join(ROOT, "docs"))]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`)
    .sort();
  return ["README.md", ...docs];
}

const read = (doc: string) => Deno.readTextFileSync(join(ROOT, doc));

/** A fenced code block: its info string, its text (indentation removed) and where it starts. */
interface Block {
  lang: string;
  text: string;
  line: number;
}

const FENCE = /^( *)```([a-z]*)\n([\s\S]*?)^\1```/gm;

function blocks(text: string): Block[] {
  return [...text.matchAll(FENCE)].map((m) => ({
    lang: m[2]!,
    text: m[3]!.split("\n").map((l) => l.slice(m[1]!.length)).join("\n"),
    line: text.slice(0, m.index).split("\n").length,
  }));
}

/** Text with every character but line breaks blanked: offsets and line numbers stay. */
const blank = (s: string) => s.replace(/[^\n]/g, " ");

/** The prose of a document: fenced blocks and inline code blanked. */
function prose(text: string): string {
  return text.replace(FENCE, blank).replace(/`[^`\n]*`/g, blank);
}

/** Inline code spans outside fenced blocks. */
function spans(text: string): string[] {
  const outside = text.replace(FENCE, blank);
  return [...outside.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of prose(text).matchAll(/^#{1,6} +(.+?) *$/gm)) {
    // prose() blanked inline code; take the heading from the original line.
    const line = text.split("\n")[text.slice(0, m.index).split("\n").length - 1]!;
    const base = slug(line.replace(/^#+ +/, ""));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

Deno.test("docs links: every relative link in README.md and docs/*.md leads to an existing file and heading", () => {
  const broken: string[] = [];
  let count = 0;
  for (const doc of documents()) {
    const text = read(doc);
    for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
      count++;
      const [path, anchor] = target.split("#") as [string, string | undefined];
      const file = path === "" ? join(ROOT, doc) : join(ROOT, dirname(doc), path);
      let stat: Deno.FileInfo | null = null;
      try {
        stat = Deno.statSync(file);
      } catch {
        broken.push(`${doc}: ${target}: no such file`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!stat.isFile || !file.endsWith(".md")) {
        broken.push(`${doc}: ${target}: an anchor into a file that is not Markdown`);
      } else if (!anchors(Deno.readTextFileSync(file)).has(anchor)) {
        broken.push(`${doc}: ${target}: no heading with that anchor`);
      }
    }
  }
  assert.ok(count >= 10, `found only ${count} relative links`);
  assert.deepEqual(broken, []);
});

Deno.test("docs links: every repository path in code spans of README.md and docs/*.md exists", () => {
  // A path counts when its first folder is one of this repository's (docs/, examples/,
  // tests/, .github/, ...): `logs/orchestrator.log` or `infra/main.tf` are a user's files.
  const top = new Set(
    [...Deno.readDirSync(ROOT)].filter((e) => e.isDirectory && e.name !== ".git").map((e) =>
      e.name
    ),
  );
  const missing: string[] = [];
  let count = 0;
  for (const doc of documents()) {
    for (const span of spans(read(doc))) {
      const path = span.replace(/:\d+$/, "").replace(/\/$/, "");
      if (!/^[\w.-]+(\/[\w.-]+)+$/.test(path) || !top.has(path.split("/")[0]!)) continue;
      count++;
      try {
        Deno.statSync(join(ROOT, path));
      } catch {
        missing.push(`${doc}: \`${span}\``);
      }
    }
  }
  assert.ok(count >= 50, `found only ${count} paths`);
  assert.deepEqual(missing, []);
});

Deno.test("docs links: the anchor of a heading is GitHub's", () => {
  assert.equal(slug("From the CI log (`--from-ci`)"), "from-the-ci-log---from-ci");
  assert.equal(
    slug("Triage: code, flaky, infrastructure, configuration"),
    "triage-code-flaky-infrastructure-configuration",
  );
  assert.deepEqual([...anchors("# A\n\n```\n# not a heading\n```\n## A\n")], ["a", "a-1"]);
});

/** Output of `fleet-orch ARGS` (exit 0 expected). */
async function cli(...args: string[]): Promise<string> {
  const r = await exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, ...args]), {
    env: { NO_COLOR: "1" },
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, `fleet-orch ${args.join(" ")}: ${r.output}`);
  return r.output;
}

/** The commands `fleet-orch --help` lists, each with its own --help text. */
async function commandHelp(): Promise<Map<string, string>> {
  const top = await cli("--help");
  const section = top.slice(top.indexOf("Commands:"), top.indexOf("Global options:"));
  const names = [...section.matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1]!);
  assert.ok(names.length >= 10, `read ${names.length} commands from --help`);
  const out = new Map<string, string>();
  for (const name of names) {
    const mod = await import(new URL(`../../cli/${name}.ts`, import.meta.url).href);
    assert.equal(typeof mod.help, "string", `cli/${name}.ts exports its help`);
    out.set(name, mod.help as string);
  }
  return out;
}

/** The subcommands a help text shows in its usage lines (`fleet-orch policy scan ...`). */
function subcommands(command: string, help: string): string[] {
  const re = new RegExp(`fleet-orch ${command} ([a-z][a-z-]*)`, "g");
  return [...new Set([...help.matchAll(re)].map((m) => m[1]!))];
}

/** The long flags in a text (`--dry-run`, `[--json]`, `--max-chunks=3`). */
function flagsOf(text: string): string[] {
  return [...text.matchAll(/(?:^|[\s[(|])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!);
}

const GLOBAL = ["--help", "--version"];

/**
 * A command line as a document shows it, after "fleet-orch ": the command, a
 * subcommand where the command has them, and the flags before a lone "--".
 */
function problemsOf(line: string, help: Map<string, string>): string[] {
  const words = line.split(/\s+/).filter((w) => w !== "");
  const first = words[0];
  if (first === undefined || first.startsWith("<")) return [];
  if (first.startsWith("-")) {
    return GLOBAL.includes(first) || first === "-h" || first === "-V"
      ? []
      : [`"${first}" is not a global flag`];
  }
  const text = help.get(first);
  if (text === undefined) return [`"${first}" is not a command of fleet-orch --help`];
  const problems: string[] = [];
  const subs = subcommands(first, text);
  const second = words[1];
  if (subs.length && second !== undefined && /^[a-z]/.test(second) && !subs.includes(second)) {
    problems.push(`"${first} ${second}": ${first} has only ${subs.join(", ")}`);
  }
  const end = words.indexOf("--");
  const own = (end >= 0 ? words.slice(0, end) : words).join(" ");
  for (const flag of flagsOf(own)) {
    if (GLOBAL.includes(flag)) continue;
    if (!new RegExp(`(^|[^a-z-])${flag}([^a-z-]|$)`, "m").test(text)) {
      problems.push(`"${first} ${flag}": not in fleet-orch ${first} --help`);
    }
  }
  return problems;
}

/** `fleet-orch ...` command lines in code: a code span or a code block line that runs it. */
function mentions(text: string): string[] {
  const lines = [
    ...spans(text),
    ...blocks(text).flatMap((b) => b.text.split("\n")),
  ];
  const out: string[] = [];
  const start =
    /(?:^|[;&|]\s*|\$\s+|(?:run|script|bash):\s+|[A-Z_][A-Z0-9_]*=\S+\s+)fleet-orch\s+([^#\n]+)/g;
  for (const line of lines) {
    for (const m of line.matchAll(start)) {
      // "plugins | init | doctor" lists alternatives, each its own command.
      out.push(...m[1]!.split(/ \| /).map((s) => s.trim()));
    }
  }
  return out;
}

Deno.test("docs commands: every fleet-orch command line in README.md and docs/*.md is a real command with real flags", async () => {
  const help = await commandHelp();
  const problems: string[] = [];
  let count = 0;
  for (const doc of documents()) {
    for (const line of mentions(read(doc))) {
      count++;
      for (const p of problemsOf(line, help)) problems.push(`${doc}: fleet-orch ${line}: ${p}`);
    }
  }
  assert.ok(count >= 30, `found only ${count} command lines`);
  assert.deepEqual(problems, []);
});

Deno.test("docs commands: a mistyped command, subcommand or flag in a document is caught", async () => {
  const help = await commandHelp();
  assert.deepEqual(problemsOf("run --dry-run --approve", help), []);
  assert.deepEqual(problemsOf("policy check-command -- 'rm --force x'", help), []);
  assert.equal(problemsOf("chek", help).length, 1);
  assert.equal(problemsOf("policy scna x.diff", help).length, 1);
  assert.equal(problemsOf("run --dryrun", help).length, 1);
  assert.equal(problemsOf("--verison", help).length, 1);
  assert.deepEqual(mentions("`fleet-orch plugins | init | --help`"), ["plugins", "init", "--help"]);
});

/** The first-column code spans of the README's "Commands, flags and exit codes" table. */
function readmeTable(): string[] {
  const text = read("README.md");
  const at = text.indexOf("### Commands, flags and exit codes");
  assert.ok(at >= 0, "the README has its command table");
  const table = text.slice(at, text.indexOf("\n\n", text.indexOf("\n|", at)));
  const rows = table.split("\n").filter((l) => /^\| `/.test(l));
  assert.ok(rows.length >= 10, `read ${rows.length} rows`);
  return rows.flatMap((row) => {
    const cell = row.split(/(?<!\\)\|/)[1]!;
    return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\\\|/g, "|"));
  });
}

Deno.test("docs commands: the README's command table names every command and every flag of its --help", async () => {
  const help = await commandHelp();
  const entries = readmeTable();
  const problems = entries.flatMap((e) => problemsOf(e, help).map((p) => `${e}: ${p}`));
  const listed = new Map<string, string>();
  for (const e of entries) {
    const [command] = e.split(" ");
    if (command && help.has(command)) listed.set(command, `${listed.get(command) ?? ""} ${e}`);
  }
  for (const [command, text] of help) {
    const row = listed.get(command);
    if (row === undefined) {
      problems.push(`${command}: not in the README's table`);
      continue;
    }
    const shown = new Set(flagsOf(row));
    for (const flag of new Set(flagsOf(text))) {
      if (flag === "--help" || shown.has(flag)) continue;
      problems.push(`${command} ${flag}: in --help, not in the README's table`);
    }
  }
  assert.deepEqual(problems, []);
});

/** The top-level keys of a YAML mapping, or null for anything else. */
function topKeys(doc: unknown): string[] | null {
  return doc !== null && typeof doc === "object" && !Array.isArray(doc) ? Object.keys(doc) : null;
}

Deno.test("docs YAML: every example parses, and the config and policy-file examples validate", async () => {
  const configKeys = new Set(Object.keys(ConfigSchema.shape));
  const policyKeys = new Set(Object.keys(PolicyFileSchema.shape));
  const problems: string[] = [];
  let configs = 0;
  let policies = 0;
  const dir = await Deno.makeTempDir({ prefix: "docs-yaml-" });
  try {
    for (const doc of documents()) {
      for (const b of blocks(read(doc)).filter((b) => b.lang === "yaml" || b.lang === "yml")) {
        const where = `${doc}:${b.line}`;
        let value: unknown;
        try {
          value = parseYamlText(b.text);
        } catch (e) {
          problems.push(`${where}: not YAML: ${(e as Error).message.split("\n")[0]}`);
          continue;
        }
        const keys = topKeys(value);
        if (keys === null || keys.length === 0) continue; // a list of workflow steps
        if (keys.every((k) => configKeys.has(k))) {
          configs++;
          try {
            // Any ${VAR} an example uses is set.
            parseConfig(b.text, where, { env: () => "x" });
          } catch (e) {
            problems.push(`${where}: ${(e as Error).message}`);
          }
        } else if (keys.every((k) => policyKeys.has(k))) {
          policies++;
          const file = join(dir, `policy-${policies}.yaml`);
          await Deno.writeTextFile(file, b.text);
          // (*)-marked keys lower the floor: the example shows them, with permission.
          await loadPolicy({ file, allowLoosening: true }).catch((e) =>
            problems.push(`${where}: ${(e as Error).message}`)
          );
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(configs >= 15, `validated only ${configs} config examples`);
  assert.ok(policies >= 2, `validated only ${policies} policy-file examples`);
  assert.deepEqual(problems, []);
});

Deno.test("docs plugins: the README's list of built-in plugins is the registry's", () => {
  const text = read("README.md");
  const at = text.indexOf("Built-in plugins:");
  assert.ok(at >= 0, "the README lists the built-in plugins");
  const paragraph = text.slice(at, text.indexOf("\n\n", at));
  const listed = [...paragraph.matchAll(/`([a-z][a-z0-9-]*)`/g)].map((m) => m[1]!).sort();
  assert.deepEqual(listed, builtinPlugins.map((p) => p.name).sort());
});

Deno.test("docs examples: every example config passes doctor --offline", async () => {
  const configs = ["config.yaml", "examples/app/fleet-orch.yaml"];
  for await (const e of Deno.readDir(join(ROOT, "examples"))) {
    if (e.isFile && /^fleet-orch\.ya?ml$/.test(e.name)) configs.push(`examples/${e.name}`);
  }
  for (const c of configs) {
    // Warnings (a missing model key) are fine; a problem or an invalid config is not.
    const out = await cli("doctor", "--offline", "--repo", ROOT, "--config", join(ROOT, c));
    assert.doesNotMatch(out, /^FAIL /m, `${c}: ${out}`);
  }
});

Deno.test("docs commands: exit 0 means in fleet-orch --help what it means in the README", async () => {
  const row = read("README.md").match(/^\| 0 +\| success: green \([^)]*\), ([^|]+?) *\|$/m);
  assert.ok(row, "the README's exit-code table has its 0 row");
  const words = row[1]!.split(/, */);
  assert.ok(words.length >= 4, words.join(","));
  const help = await cli("--help");
  const zero = help.match(/^ {2}0 +(.*)$/m)?.[1] ?? "";
  assert.deepEqual(words.filter((w) => !new RegExp(`\\b${w}\\b`).test(zero)), [], zero);
});

Deno.test("docs commands: every deno task they name is in deno.json and every script deno runs exists", () => {
  const tasks = Object.keys(JSON.parse(read("deno.json")).tasks as Record<string, string>);
  const problems: string[] = [];
  let count = 0;
  for (const doc of documents()) {
    const text = read(doc);
    for (const m of text.matchAll(/deno task ([a-z][a-z:-]*)/g)) {
      count++;
      if (!tasks.includes(m[1]!)) problems.push(`${doc}: deno task ${m[1]}: not in deno.json`);
    }
    for (const m of text.matchAll(/deno (?:run|bench|test)(?: -[A-Za-z-]+)* ([\w/.-]+\.ts)\b/g)) {
      if (m[1]!.startsWith("./x")) continue; // docs/plugins.md: a plugin path as a user writes it
      count++;
      try {
        Deno.statSync(join(ROOT, m[1]!));
      } catch {
        problems.push(`${doc}: ${m[0]}: no such file`);
      }
    }
  }
  assert.ok(count >= 20, `found only ${count} deno commands`);
  assert.deepEqual(problems, []);
});
