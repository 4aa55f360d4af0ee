import assert from "node:assert/strict";
import {
  findingFingerprint,
  FINGERPRINT_KEY,
  POLICY_DOC_URL,
  SARIF_AUTOMATION_ID,
  securitySeverity,
  toSarif,
} from "../../policies/sarif.ts";
import type { Finding } from "../../policies/types.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const secret: Finding = {
  rule: "secret.aws",
  category: "secret",
  file: "src/config.ts",
  line: 4,
  message: "AWS access key",
  severity: "error",
};
const curl: Finding = {
  rule: "cmd.curl-pipe",
  category: "shell",
  file: "build.sh",
  line: 2,
  message: "Piping a download to a shell",
  severity: "warning",
};

Deno.test("sarif rules carry security-severity, help and helpUri into docs/policy.md", () => {
  const log = toSarif([secret, curl], []);
  const run = log.runs[0] as Any;
  const rules = run.tool.driver.rules;
  assert.equal(rules.length, 2);
  for (const r of rules) {
    const sev = r.properties["security-severity"];
    assert.equal(typeof sev, "string");
    assert.match(sev, /^\d+(\.\d+)?$/);
    assert.ok(Number(sev) >= 0 && Number(sev) <= 10);
    assert.ok(r.helpUri.startsWith(POLICY_DOC_URL + "#"));
    assert.ok(r.help.text.length > 0);
    assert.ok(r.help.markdown.includes(r.helpUri));
  }
  assert.equal(rules[0].properties["security-severity"], "9.0");
  assert.ok(rules[0].helpUri.endsWith("#secret-detection"));
  assert.equal(rules[1].properties["security-severity"], "5.0");
  assert.equal(run.automationDetails.id, SARIF_AUTOMATION_ID);
  assert.equal(
    (toSarif([secret], [], "1", { automationSuffix: "ci" }).runs[0] as Any).automationDetails.id,
    "fleet-orch/policy/ci",
  );
});

Deno.test("sarif securitySeverity maps levels onto GitHub's bands", () => {
  assert.equal(securitySeverity("error", "shell"), "7.5");
  assert.equal(securitySeverity("warning", "shell"), "5.0");
  assert.equal(securitySeverity("note", "shell"), "2.0");
  assert.equal(securitySeverity("note", "secret"), "9.0");
});

Deno.test("sarif partialFingerprints are stable across line moves and distinct per content", () => {
  const lines: Record<string, string[]> = {
    "src/config.ts": ["", "", "", "  const key = 'AKIA…';", "const key = 'AKIA…';"],
  };
  const lineText = (file: string, line: number) => lines[file]?.[line - 1];
  const fp = (f: Finding, opts = { lineText }) =>
    (toSarif([f], [], "1", opts).runs[0] as Any).results[0].partialFingerprints[FINGERPRINT_KEY];
  const a = fp(secret);
  // The same content one line lower (indentation aside) keeps its fingerprint.
  assert.equal(fp({ ...secret, line: 5 }), a);
  assert.match(a, /^[0-9a-f]{64}:0$/);
  // Another rule, another file or other content gives another fingerprint.
  assert.notEqual(fp({ ...secret, rule: "secret.gcp" }), a);
  assert.notEqual(fp({ ...secret, file: "src/other.ts" }), fp({ ...secret, line: 1 }));
  assert.notEqual(fp({ ...secret, line: 1 }), a);
  // Two identical findings in one log stay two alerts.
  const both = (toSarif([secret, { ...secret, line: 5 }], [], "1", { lineText }).runs[0] as Any)
    .results.map((r: Any) => r.partialFingerprints[FINGERPRINT_KEY]);
  assert.deepEqual(both, [a, a.replace(/:0$/, ":1")]);
  // Without line text the message stands in, still deterministic.
  assert.equal(
    fp(secret, { lineText: () => undefined }),
    findingFingerprint(secret.rule, secret.file, secret.message),
  );
});
