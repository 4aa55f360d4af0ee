/**
 * `fleet-orch policy`: judge one command line, or scan a diff or text for
 * secrets, unsafe SQL, commands in patched scripts and protected paths.
 *
 * @module
 */

import {
  cleanupsOnExit,
  EXIT,
  guard,
  parseFlags,
  readInput,
  unknownSubcommand,
} from "./_common.ts";
import { UsageError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { loadJudge, type LoadPolicyOptions } from "../policies/judge.ts";
import { looseningAllowedByEnv } from "../policies/loader.ts";

/**
 * Modules only one branch needs, loaded through computed specifiers: Deno
 * reads every literal import() target (and all it imports) at start-up,
 * which would make judging a command read the scanner, the patch parser and
 * the executor. `deno compile` cannot see these, so the compile task in
 * deno.json lists them with --include (tests/cli/compile_test.ts checks it).
 */
export const LAZY_MODULES = {
  engine: "../policies/engine.ts",
  exec: "../core/exec.ts",
  sarif: "../policies/sarif.ts",
  patch: "../patch/patch.ts",
  lines: "../patch/lines.ts",
  stream: "../policies/scan_stream.ts",
  jsonOut: "./_json_out.ts",
} as const;

function lazy<T>(name: keyof typeof LAZY_MODULES): Promise<T> {
  return import(new URL(LAZY_MODULES[name], import.meta.url).href);
}

/** Help text. */
export const help = `Usage:
  fleet-orch policy check-command [--policy F] [--json] -- <command line>
  fleet-orch policy scan [--policy F] [--format text|json|sarif] <file|->

check-command  Judge a shell command line the way every command fleet-orch runs
               is judged: parsed with a real shell parser, every simple command
               inside it (pipelines, lists, substitutions, bash -c strings,
               wrappers such as sudo/env/xargs) checked against the rules.
               One argument after "--" is taken as the whole command line;
               several are quoted and joined.
scan           Scan a unified diff (only added lines count; lines refer to the
               new file) or a plain text for secrets, unsafe SQL, commands in
               patched scripts, CI files, Makefiles and Dockerfiles, and
               protected paths.

Options:
  --policy F       A policy file that extends or tightens the default policy
                   (see docs/policy.md)
  --allow-policy-loosening
                   Let that file lower the built-in floor (extends: none, disable:,
                   weakening a built-in rule); also FLEET_ORCH_ALLOW_POLICY_LOOSENING=1
  --json           check-command: print {"allowed", "rule", "message", "command"}
  --format FMT     scan: text (default), json ({"findings": [...]}) or sarif (2.1.0)
  -h, --help       Show this help

Exit codes: 0 allowed / clean; 3 denied / findings; 2 usage or policy file error.`;

/**
 * Run the command.
 *
 * @param args Arguments after "policy".
 * @returns 0 allowed or clean, 3 denied or findings, 2 usage.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const dd = args.indexOf("--");
    const flagArgs = dd < 0 ? args : args.slice(0, dd);
    const tail = dd < 0 ? [] : args.slice(dd + 1);
    const { values, positionals } = parseFlags(flagArgs, {
      policy: { type: "string" },
      json: { type: "boolean" },
      format: { type: "string" },
      "allow-policy-loosening": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    }, "policy");
    if (values.help) {
      console.log(help);
      return EXIT.ok;
    }
    const [sub, ...rest] = positionals;
    const allowLoosening = values["allow-policy-loosening"] === true ||
      looseningAllowedByEnv((n) => Deno.env.get(n));
    const policyOptions: LoadPolicyOptions = values.policy !== undefined
      ? { file: values.policy, allowLoosening }
      : {};
    if (sub === "check-command") {
      if (values.format !== undefined) throw new UsageError(`--format belongs to "policy scan"`);
      const words = [...rest, ...tail];
      if (words.length === 0) throw new UsageError(`Missing the command line after "--"`);
      const command = words.length === 1
        ? words[0]!
        : (await lazy<typeof import("../core/exec.ts")>("exec")).shellJoin(words);
      const j = (await loadJudge(policyOptions)).judgeCommand(command);
      const human = j.allowed
        ? (j.action === "warn" ? `allowed with a warning (${j.rule}): ${j.message}` : "allowed")
        : `denied${j.rule ? ` (${j.rule})` : ""}: ${j.message}`;
      if (values.json) {
        console.log(
          JSON.stringify({ allowed: j.allowed, rule: j.rule, message: j.message, command }),
        );
        console.error(human);
      } else console.log(human);
      return j.allowed ? EXIT.ok : EXIT.policy;
    }
    if (sub === "scan") {
      if (values.json) throw new UsageError(`Use --format json with "policy scan"`);
      const format = values.format ?? "text";
      if (!["text", "json", "sarif"].includes(format)) {
        throw new UsageError(`--format must be text, json or sarif, got "${format}"`);
      }
      const inputs = [...rest, ...tail];
      if (inputs.length !== 1) {
        throw new UsageError(
          inputs.length
            ? `Unexpected argument "${inputs[1]}"`
            : `Missing the file to scan (or "-" for stdin)`,
        );
      }
      const input = inputs[0]!;
      const { loadPolicy } = await lazy<typeof import("../policies/engine.ts")>("engine");
      const e = await loadPolicy(policyOptions);
      // Standard input is spooled to a temporary file, so the scan can
      // stream it and read a section again; the file is read in place.
      const spool = input === "-" ? await _spoolStdin() : null;
      try {
        if (!spool) await _readable(input);
        const src = spool ? { path: spool, stripBom: true } : { path: input };
        const scan = await e.scanSource(src, {
          ...(input === "-" ? {} : { filename: input }),
          // SARIF fingerprints need each finding's line: keep them on the way.
          ...(format === "sarif" ? { lineTexts: true } : {}),
        });
        const findings = scan.findings;
        if (format === "json") {
          await (await lazy<typeof import("./_json_out.ts")>("jsonOut")).writeFindingsJson(
            findings,
          );
        } else if (format === "sarif") {
          // SARIF and the patch parser load only for the format that needs them,
          // so judging a command loads neither.
          const { sarifResults, toSarif } = await lazy<typeof import("../policies/sarif.ts")>(
            "sarif",
          );
          const lineText = scan.lineText ?? (scan.mode === "whole"
            ? await lineTextOf(
              spool ? new TextDecoder().decode(await Deno.readFile(spool)) : await readInput(input),
            )
            : await (await lazy<typeof import("../policies/scan_stream.ts")>("stream"))
              .streamedLineTexts(src, scan));
          // The results are made as they are written.
          const log = toSarif(findings, e.policy.rules, VERSION, { lineText, omitResults: true });
          const { writeJsonStreamingArray } = await lazy<typeof import("./_json_out.ts")>(
            "jsonOut",
          );
          await writeJsonStreamingArray(
            log,
            log.runs[0] as unknown as Record<string, unknown>,
            "results",
            Deno.stdout,
            sarifResults(findings, { lineText }),
          );
        } else {
          for (const f of findings) {
            console.log(`${f.file}:${f.line}: ${f.severity} [${f.rule}] ${f.message}`);
          }
          console.log(
            findings.length
              ? `${findings.length} finding${findings.length === 1 ? "" : "s"}`
              : "clean",
          );
        }
        return findings.length ? EXIT.policy : EXIT.ok;
      } finally {
        if (spool) {
          await Deno.remove(spool).catch(() => {/* already gone */});
          cleanupsOnExit.clear();
        }
      }
    }
    throw unknownSubcommand("policy", sub, ["check-command", "scan"]);
  });
}

if (import.meta.main) Deno.exit(await run(Deno.args));

/** Copy standard input to a temporary file; returns its path. */
async function _spoolStdin(): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "fleet-orch-scan-" });
  // A signal exits at once (the scan does not poll it): the spooled copy of
  // standard input goes with the process, not into /tmp for good.
  const cleanup = () => Deno.removeSync(path);
  cleanupsOnExit.add(cleanup);
  try {
    const file = await Deno.open(path, { write: true, truncate: true });
    await Deno.stdin.readable.pipeTo(file.writable);
    return path;
  } catch (e) {
    cleanupsOnExit.delete(cleanup);
    await Deno.remove(path).catch(() => {/* nothing to clean */});
    throw e;
  }
}

/** Fail as reading the whole file would, with the same message. */
async function _readable(path: string): Promise<void> {
  try {
    using file = await Deno.open(path);
    if ((await file.stat()).isDirectory) throw new Error("Is a directory");
  } catch (e) {
    throw new UsageError(`Cannot read "${path}": ${(e as Error).message}`);
  }
}

/**
 * The text of a finding's line, for SARIF fingerprints that survive moved code:
 * the new file's line for a diff, the scanned text's line otherwise.
 *
 * @param text The whole scanned text.
 * @returns A lookup by file and line.
 */
export async function lineTextOf(
  text: string,
): Promise<(file: string, line: number) => string | undefined> {
  const [{ extractDiff, parsePatch }, { looksLikeDiff, newSideLines }] = await Promise.all([
    lazy<typeof import("../patch/patch.ts")>("patch"),
    lazy<typeof import("../patch/lines.ts")>("lines"),
  ]);
  if (!looksLikeDiff(text)) {
    const lines = text.split("\n");
    return (_file, line) => lines[line - 1];
  }
  const byFile = new Map<string, Map<number, string>>();
  for (const fp of parsePatch(extractDiff(text) ?? text)) {
    const lines = new Map(newSideLines(fp).map((l) => [l.line, l.text]));
    for (const name of [fp.newPath, fp.oldPath]) if (name) byFile.set(name, lines);
  }
  return (file, line) => byFile.get(file)?.get(line);
}
