/**
 * SARIF 2.1.0 output for scan findings, in the shape GitHub code scanning
 * accepts (tool.driver.rules with ids, results with ruleId, ruleIndex, level,
 * message and a physical location with a relative URI and a start line).
 *
 * @module
 */

import type { Finding, Rule } from "./types.ts";

/** The SARIF log object (only the parts fleet-orch writes). */
export interface SarifLog {
  /** Schema URI. */
  $schema: string;
  /** Always "2.1.0". */
  version: "2.1.0";
  /** One run. */
  runs: unknown[];
}

/**
 * Build a SARIF 2.1.0 log from findings.
 *
 * @param findings The findings.
 * @param rules The policy's rules (descriptions of the rules that fired).
 * @param toolVersion The fleet-orch version.
 * @returns The SARIF log.
 */
export function toSarif(
  findings: readonly Finding[],
  rules: readonly Rule[],
  toolVersion = "0.1.0",
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
      properties: { tags: ["security", r?.category ?? f.category] },
    };
  });
  const results = findings.map((f) => ({
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
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "fleet-orch-policy",
          informationUri: "https://github.com/fleet-orch/fleet-orch",
          version: toolVersion,
          rules: driverRules,
        },
      },
      results,
    }],
  };
}

function _uri(file: string): string {
  const rel = file.replace(/^\.\//, "").replace(/^\/+/, "");
  return rel.split("/").map(encodeURIComponent).join("/");
}
