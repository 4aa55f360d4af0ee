import assert from "node:assert/strict";
import { createRedactor, secretForms } from "../../policies/redact.ts";

const SECRET = "sk-live-9fQ2xT7vLm4pZ8rW3kY6";
const env = { DEPLOY_TOKEN: SECRET, HOME: "/root", PATH: "/usr/bin" };

function hex(s: string): string {
  return [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("createRedactor masks a secret in plain, base64, URL-encoded and hex form", () => {
  const value = "p@ss/w0rd+Zq9_Lx8Vy7Tu";
  const redact = createRedactor({ DB_PASSWORD: value });
  for (
    const form of [
      value,
      btoa(value),
      encodeURIComponent(value),
      hex(value),
      hex(value).toUpperCase(),
    ]
  ) {
    const out = redact(`value: ${form} end`);
    assert.ok(!out.includes(form), `leaked ${form}: ${out}`);
    // base64 padding may stay: it carries nothing.
    assert.match(out, /^value: \[REDACTED:env\.DB_PASSWORD\]=* end$/);
  }
});

Deno.test("createRedactor masks the base64 of a secret inside a longer encoded text", () => {
  const redact = createRedactor(env);
  for (const prefix of ["", "u:", "us:", "user:"]) {
    const header = `Authorization: Basic ${btoa(`${prefix}${SECRET}`)}`;
    const out = redact(header);
    // What is left of the encoded text must not decode back to the secret's middle.
    const kept = out.replace(/^Authorization: Basic /, "").replace(/\[REDACTED:[^\]]+\]/g, "");
    assert.ok(kept.length < 12, `prefix "${prefix}": ${out}`);
  }
});

Deno.test("createRedactor masks any 12+ characters of a secret (truncation, line wrap)", () => {
  const redact = createRedactor(env);
  const cut = SECRET.slice(5, 19); // 14 characters
  assert.equal(cut.length, 14);
  assert.equal(redact(`tail: …${cut}`), "tail: …[REDACTED:env.DEPLOY_TOKEN]");
  const wrapped = `${SECRET.slice(0, 14)}\n${SECRET.slice(14)}`;
  const out = redact(wrapped);
  assert.ok(!out.includes(SECRET.slice(0, 14)) && !out.includes(SECRET.slice(14)), out);
  // 11 characters are not enough to say it is the secret.
  assert.equal(redact(SECRET.slice(0, 11)), SECRET.slice(0, 11));
});

Deno.test("createRedactor a 12-character window of the hex or base64 form is masked", () => {
  const redact = createRedactor(env);
  const h = hex(SECRET).slice(7, 21);
  const b = btoa(SECRET).slice(3, 17);
  for (const piece of [h, b]) assert.ok(!redact(`x${piece}x`).includes(piece), piece);
});

Deno.test("createRedactor leaves ordinary text, paths and booleans alone", () => {
  const redact = createRedactor({
    SSH_KEY_PATH: "/home/runner/.ssh/id_rsa",
    USE_AUTH: "true",
    API_KEY: SECRET,
  });
  const log = "src/app.ts(3,7): error TS2322 in /home/runner/work/app/src/app.ts\nok true\n";
  assert.equal(redact(log), log);
});

Deno.test("createRedactor options form: declared names, labelled values and extra patterns", () => {
  const redact = createRedactor({
    env: { LLM_CRED: "abcdefghijklmnop-1234", OTHER: "abcdefghijklmnop-9999" },
    secretNames: ["LLM_CRED"],
    values: { "config.webhook": "https://hooks.example.invalid/T0/B0/xyzzy1234567" },
    patterns: [{
      name: "custom.ticket",
      *find(text: string) {
        for (const m of text.matchAll(/TCK-\d{6}/g)) {
          yield { start: m.index!, end: m.index! + m[0].length };
        }
      },
    }],
  });
  assert.equal(
    redact(
      "a abcdefghijklmnop-1234 b https://hooks.example.invalid/T0/B0/xyzzy1234567 c TCK-123456",
    ),
    "a [REDACTED:env.LLM_CRED] b [REDACTED:config.webhook] c [REDACTED:custom.ticket]",
  );
  // OTHER is neither secret-looking nor declared: only what it shares with LLM_CRED goes.
  assert.equal(redact("abcdefghijklmnop-9999"), "[REDACTED:env.LLM_CRED]9999");
});

Deno.test("createRedactor two different secrets side by side keep their own labels", () => {
  const redact = createRedactor({
    A_TOKEN: "aaaaaaaaaaaaaaaaaa-1",
    B_TOKEN: "bbbbbbbbbbbbbbbbbb-2",
  });
  assert.equal(
    redact("aaaaaaaaaaaaaaaaaa-1bbbbbbbbbbbbbbbbbb-2"),
    "[REDACTED:env.A_TOKEN][REDACTED:env.B_TOKEN]",
  );
});

Deno.test("createRedactor a large log with many secrets is masked in one pass", () => {
  const secrets: Record<string, string> = {};
  for (let i = 0; i < 50; i++) secrets[`S${i}_TOKEN`] = `v${i}-${"q".repeat(i % 7)}Zx${i * 7919}Yw`;
  const redact = createRedactor(secrets);
  const line = "ordinary build output line with nothing secret in it at all, number 42\n";
  const parts: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    parts.push(i % 1000 === 0 ? `leak ${secrets[`S${(i / 1000) % 50}_TOKEN`]}\n` : line);
  }
  const out = redact(parts.join(""));
  for (const v of Object.values(secrets)) assert.ok(!out.includes(v));
  assert.equal(out.split("[REDACTED:env.").length - 1, 20);
});

Deno.test("secretForms lists the encoded forms of a value", () => {
  const forms = secretForms("héllo wörld 123");
  assert.ok(forms.includes(encodeURIComponent("héllo wörld 123")));
  assert.ok(forms.includes(hex("héllo wörld 123")));
});
