// Azure OpenAI: deployment URLs (path, api-version query, api-key header) and
// Microsoft Entra ID tokens (client secret, workload identity, managed
// identity), against a fake Azure OpenAI resource and a fake token endpoint,
// both real HTTP servers on 127.0.0.1.
import assert from "node:assert/strict";
import { join } from "node:path";
import { doctorExitCode, runDoctor } from "../../cli/doctor.ts";
import { ShellExecutor } from "../../core/exec.ts";
import { createEntraTokenSource, EntraTokenError } from "../../plugins/llm/entra.ts";
import { createOpenAiClient, OpenAiSettingsSchema } from "../../plugins/llm/openai.ts";
import { resolveEndpoint } from "../../plugins/llm/presets.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];
const msgs = [{ role: "user" as const, content: "Fix the build please" }];
const SECRET = "client-secret-value-never-shown";

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

interface Fake {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** A loopback HTTP server answering with `reply`, recording every request. */
function serve(reply: (req: Seen) => Response | Promise<Response>): Fake {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const u = new URL(request.url);
      const req: Seen = {
        method: request.method,
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: Object.fromEntries(request.headers),
        body: await request.text(),
      };
      seen.push(req);
      return await reply(req);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close: () => server.shutdown(),
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * A fake Azure OpenAI resource: chat completions only on
 * /openai/deployments/<deployment>/chat/completions with api-version, the
 * model list on /openai/models; it accepts `api-key: <key>` or
 * `Authorization: Bearer <token>` as configured, and answers 401 otherwise.
 */
function azureResource(opts: { deployment: string; apiVersion: string; accept: string }): Fake {
  return serve((req) => {
    const authorized = req.headers["api-key"] === opts.accept ||
      req.headers["authorization"] === `Bearer ${opts.accept}`;
    if (!authorized) {
      return json(401, { error: { code: "401", message: "Access denied: invalid credentials" } });
    }
    if (req.query["api-version"] !== opts.apiVersion) {
      return json(404, { error: { code: "404", message: "Resource not found" } });
    }
    if (req.method === "GET" && req.path === "/openai/models") {
      return json(200, { data: [{ id: "gpt-4o", object: "model" }] });
    }
    if (
      req.method === "POST" &&
      req.path === `/openai/deployments/${opts.deployment}/chat/completions`
    ) {
      return json(200, {
        id: "c1",
        object: "chat.completion",
        created: 0,
        model: "gpt-4o-2024-11-20",
        choices: [{
          index: 0,
          finish_reason: "stop",
          message: { role: "assistant", content: "patched" },
        }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      });
    }
    return json(404, { error: { code: "DeploymentNotFound", message: "no such deployment" } });
  });
}

/** A fake Entra ID token endpoint handing out numbered tokens. */
function tokenEndpoint(options: { reject?: boolean; expiresIn?: number } = {}): Fake {
  let n = 0;
  return serve((req) => {
    if (options.reject) {
      return json(401, {
        error: "invalid_client",
        error_description: "AADSTS7000215: Invalid client secret provided.",
      });
    }
    n++;
    return json(200, {
      token_type: "Bearer",
      expires_in: options.expiresIn ?? 3599,
      access_token: `entra-token-${n}`,
      // Managed identity endpoints add a resource field; the form grant does not.
      ...(req.method === "GET" ? { resource: req.query.resource } : {}),
    });
  });
}

Deno.test("azure deployment URL: path, api-version query and api-key header, no Authorization", async () => {
  const az = await azureResource({
    deployment: "gpt4o-prod",
    apiVersion: "2024-10-21",
    accept: "k1",
  });
  try {
    const llm = createOpenAiClient(
      { provider: "azure", base_url: `${az.url}/openai/deployments/gpt4o-prod`, max_retries: 0 },
      { env: envOf({ AZURE_OPENAI_API_KEY: "k1", AZURE_OPENAI_API_VERSION: "2024-10-21" }) },
    );
    assert.equal(llm.auth, "api-key");
    const { text, record } = await llm.complete({ model: "gpt-4o", messages: msgs });
    assert.equal(text, "patched");
    assert.equal(record.tokensIn, 5);
    const call = az.seen.at(-1)!;
    assert.equal(call.path, "/openai/deployments/gpt4o-prod/chat/completions");
    assert.deepEqual(call.query, { "api-version": "2024-10-21" });
    assert.equal(call.headers["api-key"], "k1");
    assert.equal(call.headers["authorization"], undefined);
    // doctor's probe: the resource's model list with the same header and version.
    const probe = await llm.probe();
    assert.equal(probe.outcome, "reachable", probe.message);
    assert.equal(az.seen.at(-1)!.path, "/openai/models");
    assert.equal(az.seen.at(-1)!.headers["api-key"], "k1");
    // A wrong key: rejected, and the error names the variable, not the key.
    const bad = createOpenAiClient(
      { provider: "azure", base_url: `${az.url}/openai/deployments/gpt4o-prod`, max_retries: 0 },
      { env: envOf({ AZURE_OPENAI_API_KEY: "wrong", AZURE_OPENAI_API_VERSION: "2024-10-21" }) },
    );
    assert.equal((await bad.probe()).outcome, "key_rejected");
    await assert.rejects(
      bad.complete({ model: "gpt-4o", messages: msgs }),
      (e: Error) =>
        /answered 401.*AZURE_OPENAI_API_KEY/.test(e.message) && !/wrong/.test(e.message),
    );
  } finally {
    await az.close();
  }
});

Deno.test("azure deployment URL copied from the portal keeps its api-version; none is an error", () => {
  const portal =
    "https://acme.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2025-01-01-preview";
  const e = resolveEndpoint(
    { provider: "azure", base_url: portal },
    envOf({ AZURE_OPENAI_API_KEY: "k" }),
  );
  assert.equal(e.baseUrl, "https://acme.openai.azure.com/openai/deployments/gpt-4o");
  assert.equal(e.apiVersion, "2025-01-01-preview");
  assert.equal(e.deployment, "gpt-4o");
  assert.equal(e.auth, "api-key");
  assert.equal(
    e.modelsUrl,
    "https://acme.openai.azure.com/openai/models?api-version=2025-01-01-preview",
  );
  // api_version in config wins over the URL's.
  assert.equal(
    resolveEndpoint({ provider: "azure", base_url: portal, api_version: "2024-10-21" }, envOf({}))
      .apiVersion,
    "2024-10-21",
  );
  assert.throws(
    () =>
      resolveEndpoint(
        { provider: "azure", base_url: "https://acme.openai.azure.com/openai/deployments/gpt-4o" },
        envOf({}),
      ),
    /needs an API version: set api_version/,
  );
  // The v1 API keeps Bearer unless told otherwise.
  const v1 = resolveEndpoint(
    { provider: "azure", base_url: "https://acme.openai.azure.com" },
    envOf({}),
  );
  assert.equal(v1.auth, "bearer");
  assert.equal(v1.baseUrl, "https://acme.openai.azure.com/openai/v1");
  assert.equal(v1.apiVersion, null);
  assert.equal(
    resolveEndpoint({
      provider: "azure",
      base_url: "https://acme.openai.azure.com",
      auth: "api-key",
    }, envOf({}))
      .auth,
    "api-key",
  );
  // Options: auth and api_version are checked; entra options only with auth: entra.
  assert.ok(OpenAiSettingsSchema.safeParse({ auth: "entra", api_version: "2024-10-21" }).success);
  assert.ok(!OpenAiSettingsSchema.safeParse({ auth: "token" }).success);
  assert.ok(!OpenAiSettingsSchema.safeParse({ api_version: "2024 10" }).success);
  assert.ok(
    !OpenAiSettingsSchema.safeParse({ entra: { authority_host: "https://login.example" } }).success,
  );
});

Deno.test("azure entra: client secret grant, token cached across calls, sent as Bearer only", async () => {
  const login = await tokenEndpoint();
  const az = await azureResource({
    deployment: "d1",
    apiVersion: "2024-10-21",
    accept: "entra-token-1",
  });
  try {
    const env = envOf({
      AZURE_TENANT_ID: "contoso.onmicrosoft.com",
      AZURE_CLIENT_ID: "app-id",
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_AUTHORITY_HOST: login.url,
    });
    const llm = createOpenAiClient({
      provider: "azure",
      base_url: `${az.url}/openai/deployments/d1`,
      api_version: "2024-10-21",
      auth: "entra",
      max_retries: 0,
    }, { env });
    assert.equal(llm.credentialProblem(), null);
    assert.equal(llm.keyEnv, "AZURE_CLIENT_SECRET");
    for (let i = 0; i < 3; i++) {
      assert.equal((await llm.complete({ model: "gpt-4o", messages: msgs })).text, "patched");
    }
    assert.equal((await llm.probe()).outcome, "reachable");
    // One token request for three completions and a probe.
    assert.equal(login.seen.length, 1);
    const t = login.seen[0]!;
    assert.equal(t.method, "POST");
    assert.equal(t.path, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
    const form = new URLSearchParams(t.body);
    assert.equal(form.get("grant_type"), "client_credentials");
    assert.equal(form.get("client_id"), "app-id");
    assert.equal(form.get("client_secret"), SECRET);
    assert.equal(form.get("scope"), "https://cognitiveservices.azure.com/.default");
    const chats = az.seen.filter((s) => s.method === "POST");
    assert.equal(chats.length, 3);
    for (const c of chats) {
      assert.equal(c.headers["authorization"], "Bearer entra-token-1");
      assert.equal(c.headers["api-key"], undefined);
      // Neither the token nor the secret is part of what the model reads.
      assert.ok(!c.body.includes("entra-token") && !c.body.includes(SECRET));
    }
  } finally {
    await login.close();
    await az.close();
  }
});

Deno.test("azure entra: a token is renewed near expiry, concurrent callers share one request", async () => {
  const login = await tokenEndpoint({ expiresIn: 3600 });
  try {
    let clock = 1_000_000;
    const source = createEntraTokenSource(
      { authority_host: login.url },
      envOf({ AZURE_TENANT_ID: "t1", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: SECRET }),
      fetch,
      () => clock,
    );
    const both = await Promise.all([source.token(), source.token()]);
    assert.deepEqual(both, ["entra-token-1", "entra-token-1"]);
    assert.equal(login.seen.length, 1);
    clock += 54 * 60 * 1000; // 54 min: still more than 5 min left
    assert.equal(await source.token(), "entra-token-1");
    clock += 2 * 60 * 1000; // 56 min: inside the renewal margin
    assert.equal(await source.token(), "entra-token-2");
    assert.equal(login.seen.length, 2);
  } finally {
    await login.close();
  }
});

Deno.test("azure entra: a refused credential fails clearly, without the secret, and doctor's probe says rejected", async () => {
  const login = await tokenEndpoint({ reject: true });
  const az = await azureResource({ deployment: "d1", apiVersion: "v", accept: "never" });
  try {
    const env = envOf({
      AZURE_TENANT_ID: "t1",
      AZURE_CLIENT_ID: "c",
      AZURE_CLIENT_SECRET: SECRET,
    });
    const llm = createOpenAiClient({
      provider: "azure",
      base_url: `${az.url}/openai/deployments/d1?api-version=v`,
      auth: "entra",
      entra: { authority_host: login.url },
    }, { env });
    await assert.rejects(llm.complete({ model: "gpt-4o", messages: msgs }), (e: Error) => {
      assert.match(
        e.message,
        /token endpoint ".*\/t1\/oauth2\/v2\.0\/token" \(client_secret\) answered HTTP 401/,
      );
      assert.match(e.message, /invalid_client: AADSTS7000215/);
      assert.ok(!e.message.includes(SECRET));
      return true;
    });
    // The model was never called.
    assert.equal(az.seen.length, 0);
    const probe = await llm.probe();
    assert.equal(probe.outcome, "key_rejected");
    assert.ok(!probe.message.includes(SECRET));
    // Missing tenant: reported before any request.
    const partial = createOpenAiClient(
      { provider: "azure", base_url: `${az.url}/openai/v1`, auth: "entra" },
      { env: envOf({ AZURE_CLIENT_SECRET: SECRET, AZURE_CLIENT_ID: "c" }) },
    );
    assert.match(partial.credentialProblem() ?? "", /needs AZURE_TENANT_ID/);
    await assert.rejects(partial.verify!(), /needs AZURE_TENANT_ID/);
    // A clear-text authority off this machine is refused.
    assert.throws(
      () =>
        createOpenAiClient({
          provider: "azure",
          base_url: `${az.url}/openai/v1`,
          auth: "entra",
          entra: { authority_host: "http://login.example.test" },
        }, { env }),
      /must be an https URL/,
    );
  } finally {
    await login.close();
    await az.close();
  }
});

Deno.test("azure entra: workload identity sends the federated token file as a client assertion", async () => {
  const login = await tokenEndpoint();
  const dir = await Deno.makeTempDir({ prefix: "entra-wif-" });
  try {
    const file = join(dir, "azure-identity-token");
    await Deno.writeTextFile(file, "federated.jwt.one\n");
    const env = envOf({
      AZURE_TENANT_ID: "t1",
      AZURE_CLIENT_ID: "c",
      AZURE_FEDERATED_TOKEN_FILE: file,
      AZURE_AUTHORITY_HOST: login.url,
    });
    const source = createEntraTokenSource({}, env, fetch);
    assert.equal(source.method, "workload_identity");
    assert.equal(source.credentialEnv, "AZURE_FEDERATED_TOKEN_FILE");
    assert.equal(await source.token(), "entra-token-1");
    const form = new URLSearchParams(login.seen[0]!.body);
    assert.equal(form.get("client_assertion"), "federated.jwt.one");
    assert.equal(
      form.get("client_assertion_type"),
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    assert.equal(form.get("client_secret"), null);
    // An unreadable file is named, not retried blindly.
    await Deno.remove(file);
    const again = createEntraTokenSource({}, env, fetch);
    await assert.rejects(
      again.token(),
      (e: Error) => e instanceof EntraTokenError && /federated token file/.test(e.message),
    );
  } finally {
    await login.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("azure entra: managed identity through IDENTITY_ENDPOINT and its header, or the metadata service", async () => {
  const mi = await tokenEndpoint();
  try {
    const appService = createEntraTokenSource(
      {},
      envOf({ IDENTITY_ENDPOINT: `${mi.url}/msi/token`, IDENTITY_HEADER: "hdr" }),
      fetch,
    );
    assert.equal(appService.method, "managed_identity");
    assert.equal(await appService.token(), "entra-token-1");
    const a = mi.seen[0]!;
    assert.equal(a.method, "GET");
    assert.equal(a.path, "/msi/token");
    assert.equal(a.headers["x-identity-header"], "hdr");
    assert.equal(a.query.resource, "https://cognitiveservices.azure.com");
    assert.equal(a.query["api-version"], "2019-08-01");
    // A VM: the metadata service (here a loopback stand-in), Metadata: true,
    // a user-assigned identity picked by AZURE_CLIENT_ID.
    const vm = createEntraTokenSource(
      { managed_identity_endpoint: `${mi.url}/metadata/identity/oauth2/token` },
      envOf({ AZURE_CLIENT_ID: "uai" }),
      fetch,
    );
    assert.equal(await vm.token(), "entra-token-2");
    const b = mi.seen[1]!;
    assert.equal(b.headers["metadata"], "true");
    assert.equal(b.query.client_id, "uai");
    assert.equal(b.query["api-version"], "2018-02-01");
  } finally {
    await mi.close();
  }
});

Deno.test("azure doctor probes an Entra-authenticated deployment configured as a plugin", async () => {
  const login = await tokenEndpoint();
  const az = await azureResource({
    deployment: "d1",
    apiVersion: "2024-10-21",
    accept: "entra-token-1",
  });
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "doctor-azure-" }));
  try {
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      `plugins:
  - name: azure-entra
    uses: openai
    with:
      provider: azure
      base_url: "${az.url}/openai/deployments/d1"
      api_version: "2024-10-21"
      auth: entra
      entra: { authority_host: "${login.url}" }
agents:
  codex: { provider: azure-entra, model: gpt-4o }
  jules: { provider: azure-entra, model: gpt-4o }
quality_gates:
  ok: { command: "true" }
`,
    );
    const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
    const r = await exec.run(
      "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m i",
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.output);
    const checks = await runDoctor({
      repo: dir,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        AZURE_TENANT_ID: "t1",
        AZURE_CLIENT_ID: "c",
        AZURE_CLIENT_SECRET: SECRET,
      },
    });
    const ep = checks.find((c) => c.name === "codex endpoint");
    assert.equal(ep?.status, "ok", JSON.stringify(checks));
    assert.match(ep!.message, /answered with 1 model/);
    assert.ok(!JSON.stringify(checks).includes(SECRET));
    assert.ok(!JSON.stringify(checks).includes("entra-token"));
    assert.notEqual(doctorExitCode(checks), 2);
  } finally {
    await login.close();
    await az.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("azure agent settings carry auth and api_version to the provider (no plugins: entry)", async () => {
  const login = tokenEndpoint();
  const az = azureResource({ deployment: "d2", apiVersion: "2024-10-21", accept: "entra-token-1" });
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "doctor-azure-agent-" }));
  try {
    const agent =
      `{ provider: azure, model: gpt-4o, base_url: "${az.url}/openai/deployments/d2", api_version: "2024-10-21", auth: entra }`;
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      `agents:\n  codex: ${agent}\n  jules: ${agent}\nquality_gates:\n  ok: { command: "true" }\n`,
    );
    const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
    const r = await exec.run(
      "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m i",
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.output);
    const checks = await runDoctor({
      repo: dir,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        AZURE_TENANT_ID: "t1",
        AZURE_CLIENT_ID: "c",
        AZURE_CLIENT_SECRET: SECRET,
        AZURE_AUTHORITY_HOST: login.url,
      },
    });
    const ep = checks.find((c) => c.name === "jules endpoint");
    assert.equal(ep?.status, "ok", JSON.stringify(checks));
    assert.equal(login.seen.length, 1);
    assert.equal(az.seen[0]!.headers["authorization"], "Bearer entra-token-1");
  } finally {
    await login.close();
    await az.close();
    await Deno.remove(dir, { recursive: true });
  }
});
