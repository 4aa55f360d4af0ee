/**
 * SARIF 2.1.0 output for scan findings, in the shape GitHub code scanning
 * accepts (tool.driver.rules with ids, results with ruleId, ruleIndex, level,
 * message and a physical location with a relative URI and a start line).
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Finding, Rule, Severity } from "./types.ts";

/** The project's public repository; rule help links point into its docs/policy.md. */
export const PROJECT_REPOSITORY_URL = "https://github.com/fleet-orch/fleet-orch";

/** Where each rule's `helpUri` points: docs/policy.md on the default branch. */
export const POLICY_DOC_URL = `${PROJECT_REPOSITORY_URL}/blob/main/docs/policy.md`;

/**
 * The `automationDetails.id` category: GitHub code scanning keeps the alerts
 * of each category apart, so a later upload of this tool replaces only its own.
 */
export const SARIF_AUTOMATION_ID = "fleet-orch/policy/";

/** The `partialFingerprints` key fleet-orch writes (versioned: a new scheme gets a new key). */
export const FINGERPRINT_KEY = "fleetOrchFindingHash/v1";

/** The SARIF log object (only the parts fleet-orch writes). */
export interface SarifLog {
  /** Schema URI. */
  $schema: string;
  /** Always "2.1.0". */
  version: "2.1.0";
  /** One run. */
  runs: unknown[];
}

/** Optional inputs of {@link toSarif}. */
export interface SarifOptions {
  /**
   * The text of a finding's line (the scanned file), for the fingerprint: a
   * hash of the line's content survives lines added above it. Without it (or
   * when it returns undefined) the finding's message stands in for the content.
   */
  lineText?: (file: string, line: number) => string | undefined;
  /** Appended to {@link SARIF_AUTOMATION_ID} (e.g. a workflow or run name). */
  automationSuffix?: string;
  /**
   * Leave `results` empty, for a writer that streams {@link sarifResults}
   * into its place. @default false
   */
  omitResults?: boolean;
}

/**
 * GitHub code scanning's `security-severity` for a rule (a number from 0.0 to
 * 10.0 as a string; 9.0 and over shows as critical, 7.0 high, 4.0 medium,
 * under 4.0 low). A leaked secret is critical; otherwise the rule's level decides.
 *
 * @param severity The rule's level.
 * @param category The rule's category.
 * @returns The score as a string with one decimal.
 */
export function securitySeverity(severity: Severity, category: string): string {
  if (category === "secret") return "9.0";
  return severity === "error" ? "7.5" : severity === "warning" ? "5.0" : "2.0";
}

/**
 * The section of docs/policy.md that explains a rule category.
 *
 * @param category The rule's category.
 * @returns The documentation URL with its anchor.
 */
export function helpUriFor(category: string): string {
  const anchor = category === "secret"
    ? "secret-detection"
    : category === "protected-path"
    ? "protected-paths"
    : category.startsWith("content")
    ? "content-flags"
    : category.startsWith("oracle") || category.startsWith("integrity")
    ? "oracle-integrity"
    : "default-rules";
  return `${POLICY_DOC_URL}#${anchor}`;
}

/**
 * A stable fingerprint of a finding: SHA-256 of rule, file and the line's
 * content (whitespace-trimmed), plus the occurrence number among identical
 * triples so two equal lines in one file stay two alerts. The line number is
 * left out on purpose: moving code must not open a new alert.
 *
 * @param rule Rule id.
 * @param file Repository-relative path.
 * @param content The line's content (or the message when the content is unknown).
 * @param occurrence 0 for the first identical triple, 1 for the next…
 * @returns `<hex>:<occurrence>`.
 */
export function findingFingerprint(
  rule: string,
  file: string,
  content: string,
  occurrence = 0,
): string {
  const h = createHash("sha256").update(`${rule}\0${file}\0${content.trim()}`).digest("hex");
  return `${h}:${occurrence}`;
}

/**
 * Build a SARIF 2.1.0 log from findings.
 *
 * @param findings The findings.
 * @param rules The policy's rules (descriptions of the rules that fired).
 * @param toolVersion The fleet-orch version.
 * @param options Line text for fingerprints, automation id suffix.
 * @returns The SARIF log.
 */
export function toSarif(
  findings: readonly Finding[],
  rules: readonly Rule[],
  toolVersion = "0.1.0",
  options: SarifOptions = {},
): SarifLog {
  const ids = [...new Set(findings.map((f) => f.rule))];
  const byId = new Map(rules.map((r) => [r.id, r]));
  const driverRules = ids.map((id) => {
    const r = byId.get(id);
    const f = findings.find((x) => x.rule === id)!;
    return {
      id,
      name: id.replace(
        /[^A-Za-z0-9]+(.)?/g,
        (_m, c: string | undefined) => (c ?? "").toUpperCase(),
      ),
      shortDescription: { text: r?.message ?? f.message },
      fullDescription: { text: r?.message ?? f.message },
      defaultConfiguration: { level: f.severity },
      help: {
        text: `${r?.message ?? f.message}. See ${helpUriFor(r?.category ?? f.category)}`,
        markdown: `${r?.message ?? f.message}. See [docs/policy.md](${
          helpUriFor(r?.category ?? f.category)
        }).`,
      },
      helpUri: helpUriFor(r?.category ?? f.category),
      properties: {
        tags: ["security", r?.category ?? f.category],
        "security-severity": securitySeverity(f.severity, r?.category ?? f.category),
      },
    };
  });
  const results = options.omitResults ? [] : [...sarifResults(findings, options)];
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "fleet-orch-policy",
          informationUri: PROJECT_REPOSITORY_URL,
          version: toolVersion,
          rules: driverRules,
        },
      },
      automationDetails: { id: SARIF_AUTOMATION_ID + (options.automationSuffix ?? "") },
      results,
    }],
  };
}

/**
 * The results of {@link toSarif}'s log, one at a time, in its order (for
 * a writer that streams them: tens of thousands of results need not exist
 * at once).
 *
 * @param findings The findings.
 * @param options Line text for fingerprints.
 * @returns The results.
 */
export function* sarifResults(
  findings: readonly Finding[],
  options: SarifOptions = {},
): Generator<unknown> {
  const ids = [...new Set(findings.map((f) => f.rule))];
  const seen = new Map<string, number>();
  for (const f of findings) {
    const content = options.lineText?.(f.file, f.line) ?? f.message;
    const key = `${f.rule}\0${f.file}\0${content.trim()}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    yield {
      ruleId: f.rule,
      ruleIndex: ids.indexOf(f.rule),
      level: f.severity,
      message: { text: f.message },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: _uri(f.file), uriBaseId: "%SRCROOT%" },
          region: { startLine: Math.max(1, f.line) },
        },
      }],
      partialFingerprints: {
        [FINGERPRINT_KEY]: findingFingerprint(f.rule, _uri(f.file), content, occurrence),
      },
    };
  }
}

function _uri(file: string): string {
  const rel = file.replace(/^\.\//, "").replace(/^\/+/, "");
  return rel.split("/").map(encodeURIComponent).join("/");
}
