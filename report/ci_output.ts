/**
 * CI output: GitHub Actions workflow commands (`::error …::`, step summary,
 * outputs) and Azure Pipelines logging commands (`##vso[…]`), behind one
 * small interface that detects where it runs.
 *
 * @module
 */

import type { Annotation } from "../core/plugin.ts";

/** The CI system a run is inside. */
export type CiKind = "github" | "azure" | "none";

/**
 * Detect the CI system from its environment variables.
 *
 * @param env Environment lookup.
 * @returns "github" with GITHUB_ACTIONS=true, "azure" with TF_BUILD=True, else "none".
 */
export function detectCi(env: (name: string) => string | undefined): CiKind {
  if (env("GITHUB_ACTIONS") === "true") return "github";
  if ((env("TF_BUILD") ?? "").toLowerCase() === "true") return "azure";
  return "none";
}

/**
 * Escape a GitHub workflow-command message: `%`, CR and LF.
 *
 * @param s The message.
 * @returns The escaped message.
 */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * Escape a GitHub workflow-command property: as data, plus `:` and `,`.
 *
 * @param s The property value.
 * @returns The escaped value.
 */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * Escape an Azure Pipelines logging-command message (as azure-pipelines-task-lib does).
 *
 * @param s The message.
 * @returns The escaped message.
 */
export function escapeAzureData(s: string): string {
  return s.replace(/%/g, "%AZP25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * Escape an Azure Pipelines logging-command property: as data, plus `;` and `]`.
 *
 * @param s The property value.
 * @returns The escaped value.
 */
export function escapeAzureProperty(s: string): string {
  return escapeAzureData(s).replace(/;/g, "%3B").replace(/]/g, "%5D");
}

/**
 * Format one annotation as a GitHub workflow command.
 *
 * @param a The annotation.
 * @param title Optional title shown above the message.
 * @returns E.g. `::error file=src/a.ts,line=3::Type error`.
 */
export function formatGithubAnnotation(a: Annotation, title?: string): string {
  const props: string[] = [];
  if (a.file) props.push(`file=${escapeGithubProperty(a.file)}`);
  if (a.file && a.line) props.push(`line=${a.line}`);
  if (title) props.push(`title=${escapeGithubProperty(title)}`);
  return `::${a.level}${props.length ? " " + props.join(",") : ""}::${escapeGithubData(a.message)}`;
}

/**
 * Format one annotation as an Azure Pipelines `task.logissue` command. Azure
 * knows only errors and warnings, so a notice becomes a warning.
 *
 * @param a The annotation.
 * @returns E.g. `##vso[task.logissue type=error;sourcepath=src/a.ts;linenumber=3;]Type error`.
 */
export function formatAzureIssue(a: Annotation): string {
  const props = [`type=${a.level === "error" ? "error" : "warning"}`];
  if (a.file) props.push(`sourcepath=${escapeAzureProperty(a.file)}`);
  if (a.file && a.line) props.push(`linenumber=${a.line}`);
  return `##vso[task.logissue ${props.join(";")};]${escapeAzureData(a.message)}`;
}

/**
 * The Azure Pipelines name of an output: hyphens are not usable in a
 * variable reference (`$(fleetOrch.stop-reason)` is not expanded), so
 * `stop-reason` becomes `stopReason`, `pull-request-url` `pullRequestUrl`.
 *
 * @param name The output name as GitHub sees it.
 * @returns The camelCase name.
 */
export function azureOutputName(name: string): string {
  return name.replace(/-+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The Azure task result for the end of a run or check: a non-zero exit is
 * Failed; a zero exit after fixes were committed (on a work branch, not the
 * build's own commit) is SucceededWithIssues, so the pipeline shows the build
 * needed healing; otherwise Succeeded.
 *
 * @param exitCode The process exit code.
 * @param healed Whether fixes were committed.
 * @returns The result for `##vso[task.complete]`.
 */
export function azureTaskResult(exitCode: number, healed: boolean): AzureTaskResult {
  if (exitCode !== 0) return "Failed";
  return healed ? "SucceededWithIssues" : "Succeeded";
}

/** GitHub shows at most this many annotations of each level per step. */
export const GITHUB_MAX_PER_LEVEL = 10;

/** Where CI output goes; tests inject their own. */
export interface CiOutputOptions {
  /** Environment lookup. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** Write one line to the build log. @default stdout */
  write?: (line: string) => void;
  /** Append text to a file. @default Deno.writeTextFile with append */
  appendFile?: (path: string, text: string) => Promise<void>;
  /** Force a CI system instead of detecting it. */
  kind?: CiKind;
}

/** Final result of an Azure Pipelines task. */
export type AzureTaskResult = "Succeeded" | "SucceededWithIssues" | "Failed";

/** CI output for the system a run is inside; every method is a no-op outside CI. */
export interface CiOutput {
  /** The detected system. */
  readonly kind: CiKind;
  /**
   * Print annotations (GitHub: at most 10 per level, the rest counted on one line).
   * @returns How many were printed as annotations.
   */
  annotate(annotations: Annotation[]): number;
  /** Add Markdown to the step summary (GitHub) or the build summary tab (Azure). */
  summary(markdown: string): Promise<void>;
  /** Set a step output (GitHub) or an output variable (Azure, named by {@link azureOutputName}). */
  setOutput(name: string, value: string): Promise<void>;
  /** Set the task result (Azure only; GitHub takes the exit code). */
  complete(result: AzureTaskResult, message?: string): void;
}

/**
 * Make the CI output for the current environment.
 *
 * @param options Environment, sinks and an optional forced kind.
 * @returns The output helper.
 * @throws {Deno.errors.PermissionDenied} From `summary`/`setOutput` when the file cannot be written.
 */
export function createCiOutput(options: CiOutputOptions = {}): CiOutput {
  const env = options.env ?? ((n: string) => Deno.env.get(n));
  const enc = new TextEncoder();
  const write = options.write ??
    ((line: string) => void Deno.stdout.writeSync(enc.encode(line + "\n")));
  const append = options.appendFile ??
    ((path: string, text: string) => Deno.writeTextFile(path, text, { append: true }));
  const kind = options.kind ?? detectCi(env);
  return {
    kind,
    annotate(annotations) {
      if (kind === "none") return 0;
      if (kind === "azure") {
        for (const a of annotations) write(formatAzureIssue(a));
        return annotations.length;
      }
      const count = { error: 0, warning: 0, notice: 0 };
      let printed = 0;
      for (const a of annotations) {
        if (++count[a.level] > GITHUB_MAX_PER_LEVEL) continue;
        write(formatGithubAnnotation(a));
        printed++;
      }
      const hidden = annotations.length - printed;
      // GitHub drops annotations past the limit silently; say so in the log instead.
      if (hidden > 0) {
        write(
          `fleet-orch: ${hidden} more annotation${
            hidden === 1 ? "" : "s"
          } not shown (see the step summary)`,
        );
      }
      return printed;
    },
    async summary(markdown) {
      if (kind === "github") {
        const file = env("GITHUB_STEP_SUMMARY");
        if (file) await append(file, markdown.endsWith("\n") ? markdown : markdown + "\n");
      } else if (kind === "azure") {
        const dir = env("AGENT_TEMPDIRECTORY") ?? env("RUNNER_TEMP") ?? Deno.makeTempDirSync();
        const file = `${dir.replace(/\/+$/, "")}/fleet-orch-summary-${crypto.randomUUID()}.md`;
        await append(file, markdown);
        write(`##vso[task.uploadsummary]${escapeAzureData(file)}`);
      }
    },
    async setOutput(name, value) {
      if (kind === "github") {
        const file = env("GITHUB_OUTPUT");
        if (!file) return;
        // The heredoc form carries any value; the delimiter must not occur in it.
        let delim = `ghadelimiter_${crypto.randomUUID()}`;
        while (value.includes(delim)) delim = `ghadelimiter_${crypto.randomUUID()}`;
        await append(file, `${name}<<${delim}\n${value}\n${delim}\n`);
      } else if (kind === "azure") {
        write(
          `##vso[task.setvariable variable=${
            escapeAzureProperty(azureOutputName(name))
          };isOutput=true]${escapeAzureData(value)}`,
        );
      }
    },
    complete(result, message) {
      if (kind === "azure") {
        write(`##vso[task.complete result=${result};]${escapeAzureData(message ?? "")}`);
      }
    },
  };
}
