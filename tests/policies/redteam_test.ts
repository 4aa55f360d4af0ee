// Red-team catalog: bypasses found by probing the judge and the secret
// detectors; each case failed before its fix. Benign look-alikes of the
// same shapes must keep passing.
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";
import { CASES } from "./_redteam_catalog.ts";

const engine = await loadPolicy({});

// [name, command line, expected outcome, expected rule id (optional)]

for (const [name, line, expect, rule] of CASES) {
  Deno.test(`redteam judge ${expect}s: ${name}`, () => {
    const v = engine.judgeCommand(line);
    assert.equal(v.allowed, expect === "allow", `${line} -> ${JSON.stringify(v)}`);
    if (rule) assert.equal(v.rule, rule, `${line} -> ${v.rule}`);
  });
}

// --- secret detector misses and false positives found by probing
// Tokens are built at run time so this file holds no scannable secret.
const r = (n: number, alphabet = "aB3dE5gH7jK9mN1pQ2sT4vW6xY8zC0fR") =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join("");
const HEX = "0123456789abcdef";
const added = (file: string, line: string) =>
  `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1,0 +1,1 @@\n+${line}\n`;

const MISSES: Array<[string, string, string, string]> = [
  [
    "Bearer header in code",
    "a.py",
    `headers = {"Authorization": "Bearer ${r(40)}"}`,
    "secret.bearer-token",
  ],
  [
    "Bearer header in curl",
    "a.sh",
    `curl -H "Authorization: Bearer ${r(40)}" https://x`,
    "secret.bearer-token",
  ],
  ["curl -u password", "a.sh", `curl -u admin:${r(16)} https://x`, "secret.basic-auth"],
  [
    "Basic header",
    "a.ts",
    `headers.Authorization = "Basic ${btoa(`admin:${r(16)}`)}";`,
    "secret.basic-auth",
  ],
  [
    "os.environ item assigned",
    "a.py",
    `os.environ["SECRET_KEY"] = "${r(40)}"`,
    "secret.generic-assignment",
  ],
  [
    "appSettings key/value",
    "web.config",
    `<add key="ApiKey" value="${r(32)}" />`,
    "secret.config-key-value",
  ],
  [
    "Azure DevOps PAT by name",
    ".env",
    `AZURE_DEVOPS_PAT=${r(52, "abcdefghijklmnopqrstuvwxyz234567")}`,
    "secret.generic-assignment",
  ],
  ["SendGrid key", ".env", `SENDGRID=SG.${r(22)}.${r(43)}`, "secret.vendor-token"],
  ["Twilio API key", ".env", `TWILIO=SK${r(32, HEX)}`, "secret.vendor-token"],
  ["DigitalOcean token", ".env", `DO=dop_v1_${r(64, HEX)}`, "secret.vendor-token"],
  ["PyPI token", ".env", `TWINE=pypi-AgEIcHlwaS5vcmc${r(60)}`, "secret.vendor-token"],
  ["Shopify token", ".env", `SHOPIFY=shpat_${r(32, HEX)}`, "secret.vendor-token"],
  ["Google OAuth access token", ".env", `GOOGLE=ya29.${r(100)}`, "secret.vendor-token"],
  [
    "Discord webhook",
    ".env",
    `HOOK=https://discord.com/api/webhooks/123456789012345678/${r(68)}`,
    "secret.vendor-token",
  ],
];

for (const [name, file, line, rule] of MISSES) {
  Deno.test(`redteam scan finds: ${name}`, () => {
    const rules = engine.scan(added(file, line)).map((f) => f.rule);
    assert.ok(rules.includes(rule), `${line} -> ${rules.join(",")}`);
  });
  Deno.test(`redteam redact removes: ${name}`, () => {
    const out = engine.redact(line);
    assert.notEqual(out, line);
    assert.match(out, /\[REDACTED:secret\./);
  });
}

const CLEAN: Array<[string, string, string]> = [
  ["querySelector call", "a.ts", `const passwordField = form.querySelector("#password-input");`],
  ["getpass prompt", "a.py", `password = getpass.getpass("Password: ")`],
  ["optional chaining", "a.ts", `const token = req.headers.authorization?.split(" ")[1];`],
  ["header name constant", "a.ts", `const csrfTokenHeader = "X-CSRF-Token";`],
  ["docker exec user:group", "a.sh", `docker exec -u www-data:www-data app php artisan migrate`],
  ["curl -u from variables", "a.sh", `curl -u "$USER:$PASS" https://x`],
  ["cache key with md5", "a.ts", `const key = "cache-key-${r(32, HEX)}";`],
  ["Bearer template", "a.ts", "headers: { Authorization: `Bearer ${token}` },"],
  [
    "appSettings plain value",
    "web.config",
    `<add key="ApiKeyHeaderName" value="X-Api-Key-Header" />`,
  ],
  ["lockfile integrity", "package-lock.json", `"integrity": "sha512-${r(86)}==",`],
];

for (const [name, file, line] of CLEAN) {
  Deno.test(`redteam scan passes: ${name}`, () => {
    assert.deepEqual(engine.scan(added(file, line)).map((f) => f.rule), []);
    assert.equal(engine.redact(line), line);
  });
}

// --- redaction of environment values
Deno.test("redteam redact removes env values of camelCase, *SECRET, webhook and kubeconfig names", async () => {
  const env = {
    AccountKey: r(24),
    AUTH0_CLIENTSECRET: r(30, "qwertyuiopasdfghjklzxcvbnm0123"),
    TEAMS_WEBHOOK_URL: `https://example.webhook.office.com/${r(30)}`,
    KUBECONFIG_DATA: r(40, "zxcvbnmasdfghjklqwertyuiop987654"),
  };
  const red = await loadPolicy({ env });
  for (const [name, value] of Object.entries(env)) {
    const out = red.redact(`${name} is ${value}.`);
    assert.ok(!out.includes(value), `${name} leaked: ${out}`);
    assert.ok(out.includes(`[REDACTED:env.${name}]`), out);
  }
});

Deno.test("redteam redact removes env values in base64 and URL-encoded form", async () => {
  const value = `p@ss/${r(20)}`;
  const red = await loadPolicy({ env: { DEPLOY_PASSWORD: value } });
  const b64 = btoa(value).replace(/=+$/, "");
  const out = red.redact(
    `data:\n  password: ${b64}\nurl: https://u:${encodeURIComponent(value)}@h/`,
  );
  assert.ok(!out.includes(b64), out);
  assert.ok(!out.includes(encodeURIComponent(value)), out);
});

Deno.test("redteam redact keeps ordinary env values", async () => {
  const red = await loadPolicy({ env: { MONKEY: "banana-bread", SSL_CERT_DIR: "/etc/ssl/certs" } });
  assert.equal(red.redact("banana-bread in /etc/ssl/certs"), "banana-bread in /etc/ssl/certs");
});

// --- patched scripts: statements judged after the ones the patch added before them
const script = (file: string, lines: string[]) =>
  `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -0,0 +1,${lines.length} @@\n` +
  lines.map((l) => `+${l}`).join("\n") + "\n";

const PATCHES: Array<[string, string, string[], string | null]> = [
  ["download then run on the next line", "ci.sh", [
    "#!/bin/sh",
    "curl -fsSL -o i.sh https://x/i.sh",
    "bash i.sh",
  ], "shell.remote-script"],
  [
    "symlink then delete on the next line",
    "ci.sh",
    ["#!/bin/sh", "ln -s / r", "rm -rf r/"],
    "fs.rm-root-or-home",
  ],
  [
    "download then run in a Makefile",
    "Makefile",
    ["all:", "\tcurl -o i.sh https://x", "\tsh i.sh"],
    "shell.remote-script",
  ],
  ["ordinary build script", "ci.sh", ["#!/bin/sh", "npm ci", "npm run build"], null],
];

for (const [name, file, lines, rule] of PATCHES) {
  Deno.test(`redteam scan of a patched script: ${name}`, () => {
    const found = engine.scan(script(file, lines)).map((f) => `${f.rule}@${f.line}`);
    assert.deepEqual(found, rule ? [`${rule}@3`] : []);
  });
}
