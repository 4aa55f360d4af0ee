import assert from "node:assert/strict";
import { gateEnvironment, isAllowed } from "../../core/gate_env.ts";

const PARENT: Record<string, string> = {
  PATH: "/usr/bin:/bin",
  HOME: "/home/ci",
  USER: "ci",
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  TERM: "xterm",
  NODE_ENV: "test",
  GITHUB_TOKEN: "ghs_0123456789abcdefghijklmnopqrstuvwxyz",
  GITHUB_SHA: "0123abcd",
  GITHUB_REPOSITORY: "acme/app",
  GITHUB_ENV: "/home/runner/work/_temp/_runner_file_commands/set_env_1",
  ACTIONS_RUNTIME_TOKEN: "eyJ0eXAi.runtime",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "eyJ0eXAi.oidc",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://pipelines.actions.example/oidc",
  RUNNER_OS: "Linux",
  RUNNER_TEMP: "/home/runner/work/_temp",
  BUILD_BUILDID: "42",
  SYSTEM_TEAMPROJECT: "fleet",
  SYSTEM_ACCESSTOKEN: "azdo-pat-0123456789",
  CI_COMMIT_SHA: "0123abcd",
  CI_JOB_TOKEN: "glcbt-0123456789",
  CI_REGISTRY_PASSWORD: "registry-pass",
  CI_REPOSITORY_URL: "https://gitlab-ci-token:glcbt-0123@gitlab.example/acme/app.git",
  AWS_ACCESS_KEY_ID: "AKIAABCDEFGHIJKLMNOP",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  DATABASE_URL: "postgres://app:hunter2@db.internal/app",
  AZURE_DEVOPS_EXT_PAT: "azdo-pat-abc",
  NPM_TOKEN: "npm_0123456789",
  HTTPS_PROXY: "http://proxyuser:proxypass@proxy.internal:3128",
  HTTP_PROXY: "http://proxy.internal:3128",
};

Deno.test("gateEnvironment withholds tokens and variables it does not know", () => {
  const env = gateEnvironment(PARENT);
  for (
    const name of [
      "GITHUB_TOKEN",
      "GITHUB_ENV",
      "ACTIONS_RUNTIME_TOKEN",
      "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
      "ACTIONS_ID_TOKEN_REQUEST_URL",
      "SYSTEM_ACCESSTOKEN",
      "CI_JOB_TOKEN",
      "CI_REGISTRY_PASSWORD",
      "CI_REPOSITORY_URL",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "DATABASE_URL",
      "AZURE_DEVOPS_EXT_PAT",
      "NPM_TOKEN",
    ]
  ) {
    assert.equal(env[name], undefined, `${name} must be withheld`);
  }
});

Deno.test("gateEnvironment keeps the basics, locale, tool settings and CI descriptions", () => {
  const env = gateEnvironment(PARENT);
  for (
    const name of [
      "PATH",
      "HOME",
      "USER",
      "LANG",
      "LC_ALL",
      "TERM",
      "NODE_ENV",
      "GITHUB_SHA",
      "GITHUB_REPOSITORY",
      "RUNNER_OS",
      "RUNNER_TEMP",
      "BUILD_BUILDID",
      "SYSTEM_TEAMPROJECT",
      "CI_COMMIT_SHA",
      "HTTP_PROXY",
    ]
  ) {
    assert.equal(env[name], PARENT[name], `${name} must pass`);
  }
});

Deno.test("gateEnvironment always says CI=true", () => {
  assert.equal(gateEnvironment({ PATH: "/bin" }).CI, "true");
  assert.equal(gateEnvironment({ PATH: "/bin", CI: "false" }).CI, "true");
});

Deno.test("gateEnvironment withholds an allowed name whose value carries a URL password", () => {
  assert.equal(gateEnvironment(PARENT).HTTPS_PROXY, undefined);
  assert.equal(isAllowed("HTTPS_PROXY", "http://proxy.internal:3128"), true);
});

Deno.test("gateEnvironment passes exactly the variables a gate names", () => {
  const env = gateEnvironment(PARENT, ["DATABASE_URL", "NOT_SET_ANYWHERE"]);
  assert.equal(env.DATABASE_URL, PARENT.DATABASE_URL);
  assert.equal("NOT_SET_ANYWHERE" in env, false);
  assert.equal(env.GITHUB_TOKEN, undefined);
  assert.equal(env.AWS_SECRET_ACCESS_KEY, undefined);
});
