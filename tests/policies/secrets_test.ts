// The secret catalog: real-looking tokens are found, look-alike non-secrets
// (documentation examples, placeholders, env references, hashes, UUIDs,
// commit ids) are not.
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";

const engine = await loadPolicy({});

// Build tokens at run time so this file itself holds no scannable secret.
const r = (n: number, alphabet = "aB3dE5gH7jK9mN1pQ2sT4vW6xY8zC0fR") =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join("");
const UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const SECRETS: Array<[string, string, string]> = [
  ["AWS access key id", `aws_access_key_id = AKIA${r(16, UP)}`, "secret.aws-access-key"],
  ["AWS temporary key id", `key: "ASIA${r(16, UP)}"`, "secret.aws-access-key"],
  ["AWS secret access key", `aws_secret_access_key = ${r(40)}`, "secret.aws-secret-key"],
  [
    "Azure storage connection string",
    `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${
      r(86)
    }==;EndpointSuffix=core.windows.net`,
    "secret.azure-storage-key",
  ],
  [
    "Azure SAS URL",
    `https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&sig=${r(43)}%3D`,
    "secret.azure-sas",
  ],
  ["Azure AD client secret", `secret: ${r(3)}8Q~${r(34)}`, "secret.azure-client-secret"],
  ["GCP API key", `const key = "AIza${r(35)}";`, "secret.gcp-api-key"],
  [
    "GCP service account key id",
    `"private_key_id": "${"0123456789abcdef".repeat(2)}01234567",`,
    "secret.gcp-service-account",
  ],
  ["GitHub classic token", `GH=ghp_${r(36)}`, "secret.github-token"],
  ["GitHub fine-grained token", `token github_pat_${r(22)}_${r(59)}`, "secret.github-token"],
  ["GitHub app token", `ghs_${r(36)}`, "secret.github-token"],
  ["GitLab token", `glpat-${r(20)}`, "secret.gitlab-token"],
  ["Slack bot token", `xoxb-123456789012-1234567890123-${r(24)}`, "secret.slack-token"],
  [
    "Slack webhook",
    `https://hooks.slack.com/services/T0${r(8, UP)}/B0${r(8, UP)}/${r(24)}`,
    "secret.slack-webhook",
  ],
  ["Stripe live key", `sk_live_${r(24)}`, "secret.stripe-key"],
  ["Stripe restricted key", `rk_live_${r(24)}`, "secret.stripe-key"],
  ["OpenAI project key", `OPENAI_API_KEY=sk-proj-${r(48)}`, "secret.openai-key"],
  ["OpenAI legacy key", `sk-${r(20)}T3BlbkFJ${r(20)}`, "secret.openai-key"],
  ["Anthropic key", `sk-ant-api03-${r(93)}AA`, "secret.anthropic-key"],
  ["npm token", `//registry.npmjs.org/:_authToken=npm_${r(36)}`, "secret.npm-token"],
  ["RSA private key", "-----BEGIN RSA PRIVATE KEY-----", "secret.private-key"],
  ["OpenSSH private key", "-----BEGIN OPENSSH PRIVATE KEY-----", "secret.private-key"],
  ["signed JWT", `auth: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.${r(43)}`, "secret.jwt"],
  [
    "postgres URL with password",
    `DATABASE_URL=postgres://app:${r(16)}@db.internal:5432/app`,
    "secret.url-password",
  ],
  [
    "mongodb URL with password",
    `mongodb+srv://admin:${r(12)}@cluster0.x.mongodb.net/db`,
    "secret.url-password",
  ],
  [
    "SQL Server connection string",
    `Server=tcp:db;Database=app;User Id=sa;Password=${r(14)};`,
    "secret.connection-string-password",
  ],
  ["generic api key assignment", `const apiKey = "${r(32)}";`, "secret.generic-assignment"],
  ["generic client secret in YAML", `client_secret: ${r(24)}`, "secret.generic-assignment"],
  [
    "password assignment with symbols",
    `DB_PASSWORD="Zq8!vR2#pL9@wX4$"`,
    "secret.generic-assignment",
  ],
];

const NOT_SECRETS: Array<[string, string]> = [
  ["AWS documentation example key", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"],
  [
    "AWS documentation example secret",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  ],
  ["Stripe documentation test key", "stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'"],
  [
    "jwt.io example token",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  ],
  [
    "Azurite well-known key",
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  ],
  ["env reference in shell", 'export GITHUB_TOKEN="${GITHUB_TOKEN}"'],
  ["process.env reference", "const apiKey = process.env.OPENAI_API_KEY;"],
  ["GitHub Actions secret expression", "token: ${{ secrets.GITHUB_TOKEN }}"],
  ["Azure Pipelines variable", "password: $(dbPassword)"],
  ["Helm template", "password: {{ .Values.db.password }}"],
  ["placeholder value", 'api_key = "your-api-key-here"'],
  ["angle bracket placeholder", "token: <YOUR_TOKEN>"],
  ["masked value", 'password: "********"'],
  ["changeme", "password=changeme"],
  ["URL with placeholder password", "postgres://user:password@localhost/db"],
  ["URL with env password", "postgres://app:${DB_PASS}@db/app"],
  ["URL without password", "https://user@github.com/org/repo.git"],
  ["git commit id", 'secret_commit = "9fceb02d0ae598e95dc970b74767f19372d61af8"'],
  [
    "sha256 hash",
    'token_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
  ],
  ["UUID", 'client_secret_id = "123e4567-e89b-12d3-a456-426614174000"'],
  [
    "npm integrity",
    '"integrity": "sha512-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=="',
  ],
  ["secret name with a word value", "secret_name: database-password"],
  ["token type word", "token_type = bearer_token_value"],
  ["file path value", "private_key: ./keys/dev.pem"],
  ["key id number", "api_key_version = 20240101"],
  ["public key block", "-----BEGIN PUBLIC KEY-----"],
  ["prose mentioning tokens", "Set the token in your environment before running the tests."],
  ["unsigned-looking short jwt parts", "eyJhbGci.eyJzdWIi.abc"],
];

for (const [name, text, rule] of SECRETS) {
  Deno.test(`policy scan finds ${name}`, () => {
    const f = engine.scan(text + "\n", { filename: "config.txt" });
    assert.ok(f.some((x) => x.rule === rule), `${rule} not in ${JSON.stringify(f)}`);
    assert.ok(
      f.every((x) => !x.message.includes(text.slice(-12))),
      "The finding must not quote the secret",
    );
  });
  Deno.test(`policy redact removes ${name}`, () => {
    const out = engine.redact(`before ${text} after`);
    assert.match(out, /\[REDACTED:[a-z0-9.-]+\]/);
    assert.ok(out.startsWith("before "));
    // A key block without its END line is redacted to the end of the text.
    if (rule !== "secret.private-key") assert.ok(out.endsWith(" after"), out);
  });
}

for (const [name, text] of NOT_SECRETS) {
  Deno.test(`policy scan ignores ${name}`, () => {
    const f = engine.scan(text + "\n", { filename: "config.txt" }).filter((x) =>
      x.category === "secret"
    );
    assert.deepEqual(f, [], JSON.stringify(f));
  });
}

Deno.test("policy scan counts only lines a diff adds", () => {
  const key = `AKIA${r(16, UP)}`;
  const diff = [
    "diff --git a/app.env b/app.env",
    "--- a/app.env",
    "+++ b/app.env",
    "@@ -1,3 +1,3 @@",
    " KEEP=1",
    `-OLD_KEY=${key}`,
    "+NEW_KEY=${AWS_KEY}",
    ` CONTEXT_KEY=${key}`,
    "",
  ].join("\n");
  assert.deepEqual(engine.scan(diff), []);
  const added = diff.replace("+NEW_KEY=${AWS_KEY}", `+NEW_KEY=${key}`);
  const f = engine.scan(added);
  assert.equal(f.length, 1);
  assert.deepEqual([f[0]!.file, f[0]!.line, f[0]!.rule], ["app.env", 2, "secret.aws-access-key"]);
});

Deno.test("policy redact removes whole private key blocks", () => {
  const block = `-----BEGIN PRIVATE KEY-----\n${r(64)}\n${r(64)}\n-----END PRIVATE KEY-----`;
  const out = engine.redact(`key:\n${block}\ndone`);
  assert.equal(out, "key:\n[REDACTED:secret.private-key]\ndone");
});
