// The CI files fleet-orch ships, validated with ajv.
//
// 1. Always: the Azure Pipelines files (the step template and the example
//    pipeline) against a reduced schema written here from the rules of
//    Microsoft's pipeline schema (service-schema.json of
//    azure-pipelines-vscode): the keys each stage, job, deployment job and
//    step kind may have, and the fields that schema types as strings (a YAML
//    `true` or `0` there fails it).
// 2. When FLEET_ORCH_SCHEMA_DIR names a directory holding the published
//    schemas (they are not part of this repository), each file is also
//    validated against them: github-action.json (SchemaStore) for action.yml,
//    github-workflow.json (SchemaStore) for .github/workflows/*.yml,
//    azure-pipelines.json (Microsoft's service-schema.json) for the Azure
//    files. See docs/integrations.md, "Checking the CI files".
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { parse } from "yaml";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

const AZURE_FILES = [
  "templates/azure-pipelines-fleet-orch.yml",
  "examples/azure/azure-pipelines.yml",
];

/** Parse YAML as the schema validators do: YAML 1.2, so `on:` stays a string key. */
async function yamlFile(path: string): Promise<unknown> {
  return parse(await Deno.readTextFile(join(REPO, path)));
}

/** ajv errors as lines naming the path, for assertion messages. */
function validate(schema: object, data: unknown): string[] {
  // The published schemas use non-standard keywords (ignoreCase, firstProperty,
  // doNotSuggest, deprecationMessage): not strict, every error reported.
  // Microsoft's branch-filter pattern escapes ':' ("\\:"), which a `u`-flag
  // RegExp refuses: patterns are compiled without it, as editors do.
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    unicodeRegExp: false,
  });
  const check = ajv.compile(schema);
  if (check(data)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}

// --- The reduced Azure Pipelines schema -----------------------------------

const str = { type: "string" };
const nonEmpty = { type: "string", minLength: 1 };
const strMap = { type: "object", additionalProperties: { type: "string" } };
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

/** What every step kind may carry besides its own key. */
const stepCommon = {
  condition: str,
  continueOnError: { type: ["string", "boolean"] },
  displayName: str,
  target: {},
  enabled: { type: ["string", "boolean"] },
  env: strMap,
  name: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
  timeoutInMinutes: nonEmpty,
  retryCountOnTaskFailure: str,
};
const scriptStep = (key: string) =>
  obj({ [key]: str, failOnStderr: str, workingDirectory: str, ...stepCommon }, [key]);
const step = {
  anyOf: [
    scriptStep("bash"),
    scriptStep("script"),
    obj({
      task: { type: "string", pattern: "^[A-Za-z0-9_.-]+@\\d+$" },
      inputs: strMap,
      ...stepCommon,
    }, [
      "task",
    ]),
    obj({
      checkout: str,
      clean: { enum: ["true", "false"] },
      fetchDepth: str,
      fetchFilter: str,
      fetchTags: str,
      lfs: str,
      persistCredentials: str,
      submodules: str,
      path: str,
      workspaceRepo: { enum: ["true", "false"] },
      ...stepCommon,
    }, ["checkout"]),
    obj({ template: nonEmpty, parameters: { type: "object" } }, ["template"]),
  ],
};
const steps = { type: "array", items: step };
const pool = { anyOf: [str, { type: "object" }] };
const dependsOn = { anyOf: [str, { type: "array", items: str }] };
const variables = {
  anyOf: [
    { type: "object" },
    {
      type: "array",
      items: {
        anyOf: [
          obj({ name: nonEmpty, value: str, readonly: {} }, ["name"]),
          obj({ group: nonEmpty }, ["group"]),
          obj({ template: nonEmpty, parameters: { type: "object" } }, ["template"]),
        ],
      },
    },
  ],
};
const jobCommon = {
  displayName: str,
  dependsOn,
  condition: str,
  continueOnError: { type: ["string", "boolean"] },
  timeoutInMinutes: nonEmpty,
  cancelTimeoutInMinutes: nonEmpty,
  variables,
  pool,
  workspace: { type: "object" },
  container: {},
  services: { type: "object" },
  uses: { type: "object" },
  templateContext: {},
};
const hook = obj({ steps, pool });
const job = {
  anyOf: [
    obj(
      { job: { type: "string", pattern: "^[-_A-Za-z0-9]*$" }, strategy: {}, steps, ...jobCommon },
      [
        "job",
      ],
    ),
    obj({
      deployment: str,
      environment: { anyOf: [str, { type: "object" }] },
      strategy: {
        anyOf: ["runOnce", "rolling", "canary"].map((k) =>
          obj({
            [k]: obj({
              preDeploy: hook,
              deploy: hook,
              routeTraffic: hook,
              postRouteTraffic: hook,
              on: { type: "object" },
              maxParallel: nonEmpty,
              increments: { type: "array" },
            }),
          }, [k])
        ),
      },
      ...jobCommon,
    }, ["deployment"]),
    obj({ template: nonEmpty, parameters: { type: "object" } }, ["template"]),
  ],
};
const stage = {
  anyOf: [
    obj({
      stage: str,
      displayName: str,
      pool,
      dependsOn,
      condition: str,
      variables,
      jobs: { type: "array", items: job },
      lockBehavior: str,
      trigger: str,
      isSkippable: {},
      templateContext: {},
    }, ["stage"]),
    obj({ template: nonEmpty, parameters: { type: "object" } }, ["template"]),
  ],
};
const branchFilter = {
  type: "string",
  pattern: "^[^\\/~\\^\\: \\[\\]\\\\]+(\\/[^\\/~\\^\\: \\[\\]\\\\]+)*$",
};
const filters = obj({
  include: { type: "array", items: branchFilter },
  exclude: { type: "array", items: branchFilter },
});
const templateParameter = obj({
  name: nonEmpty,
  displayName: str,
  type: { enum: ["boolean", "number", "object", "string", "step", "stepList", "job", "jobList"] },
  default: {},
  values: { type: "array", items: nonEmpty },
}, ["name"]);
const pipelineCommon = {
  name: str,
  trigger: {
    anyOf: [
      str,
      { type: "array" },
      obj({ batch: {}, branches: filters, paths: filters, tags: filters }),
    ],
  },
  pr: {
    anyOf: [
      str,
      { type: "array" },
      obj({ autoCancel: {}, branches: filters, paths: filters, drafts: {} }),
    ],
  },
  resources: obj({
    repositories: {
      type: "array",
      items: {
        type: "object",
        properties: { repository: nonEmpty, type: str, name: str, ref: str, endpoint: nonEmpty },
        required: ["repository"],
      },
    },
    pipelines: { type: "array" },
    containers: { type: "array" },
  }),
  variables,
  parameters: { type: "array", items: templateParameter },
  pool,
};
/** A pipeline with stages, or a step template (parameters + steps). */
const AZURE_REDUCED = {
  $schema: "http://json-schema.org/draft-07/schema#",
  anyOf: [
    obj({ stages: { type: "array", items: stage }, ...pipelineCommon }, ["stages"]),
    obj({ steps, ...pipelineCommon }, ["steps"]),
  ],
};

Deno.test("azure files pass the reduced pipeline schema: allowed keys, string-typed fields as strings", async () => {
  for (const file of AZURE_FILES) {
    const errors = validate(AZURE_REDUCED, await yamlFile(file));
    assert.deepEqual(errors, [], `${file}:\n${errors.join("\n")}`);
  }
});

Deno.test("azure reduced schema refuses what Microsoft's schema refuses", () => {
  const pipeline = (
    checkout: Record<string, unknown>,
    extraStep: Record<string, unknown> = {},
  ) => ({
    stages: [{
      stage: "s",
      jobs: [{
        job: "j",
        steps: [{ checkout: "self", ...checkout }, { bash: "true", ...extraStep }],
      }],
    }],
  });
  assert.deepEqual(validate(AZURE_REDUCED, pipeline({ persistCredentials: "true" })), []);
  // An unquoted YAML true is a boolean where the schema wants a string.
  assert.notDeepEqual(validate(AZURE_REDUCED, pipeline({ persistCredentials: true })), []);
  assert.notDeepEqual(validate(AZURE_REDUCED, pipeline({ fetchDepth: 0 })), []);
  // An unknown step key, and a step name with a hyphen.
  assert.notDeepEqual(validate(AZURE_REDUCED, pipeline({}, { workingDir: "x" })), []);
  assert.notDeepEqual(validate(AZURE_REDUCED, pipeline({}, { name: "fleet-orch" })), []);
  // A job's timeout as a number.
  assert.notDeepEqual(
    validate(AZURE_REDUCED, {
      stages: [{ stage: "s", jobs: [{ job: "j", timeoutInMinutes: 90, steps: [] }] }],
    }),
    [],
  );
});

Deno.test("azure example pipeline is the seed's: build, heal on failure of listed branches, docker, staging, approved production", async () => {
  // deno-lint-ignore no-explicit-any
  const p = await yamlFile("examples/azure/azure-pipelines.yml") as any;
  const stages = new Map<string, Record<string, unknown>>(
    p.stages.map((s: { stage: string }) => [s.stage, s]),
  );
  assert.deepEqual([...stages.keys()], [
    "BuildAndTest",
    "AIOrchestration",
    "Docker",
    "DeployStaging",
    "DeployProduction",
  ]);
  const heal = stages.get("AIOrchestration")!;
  assert.equal(heal.dependsOn, "BuildAndTest");
  assert.match(String(heal.condition), /failed\('BuildAndTest'\)/);
  assert.match(String(heal.condition), /in\(variables\['Build\.SourceBranch'\], 'refs\/heads\//);
  // deno-lint-ignore no-explicit-any
  const healSteps = (heal.jobs as any[])[0].steps as Record<string, unknown>[];
  const use = healSteps.find((s) =>
    s.template === "templates/azure-pipelines-fleet-orch.yml@fleet-orch"
  );
  assert.ok(use, "the heal job uses the fleet-orch template from the repository resource");
  assert.equal((use.parameters as Record<string, string>).environment, "staging");
  assert.ok(
    p.resources.repositories.some((r: { repository: string; ref: string }) =>
      r.repository === "fleet-orch" && /^refs\/tags\/v\d/.test(r.ref)
    ),
    "the template's repository is pinned to a tag",
  );
  // deno-lint-ignore no-explicit-any
  const docker = (stages.get("Docker")!.jobs as any[])[0].steps.find((s: any) =>
    s.task === "Docker@2"
  );
  assert.equal(docker.inputs.command, "buildAndPush");
  for (
    const [name, env] of [["DeployStaging", "fleet-staging"], [
      "DeployProduction",
      "fleet-production",
    ]]
  ) {
    // deno-lint-ignore no-explicit-any
    const job = (stages.get(name!)!.jobs as any[])[0];
    assert.ok(job.deployment, `${name} is a deployment job`);
    assert.equal(job.environment, env);
    assert.ok(job.strategy.runOnce.deploy.steps.length > 0);
  }
  assert.equal(stages.get("DeployProduction")!.dependsOn, "DeployStaging");
});

// --- A reduced action metadata schema --------------------------------------

/**
 * The structure GitHub's metadata syntax (and SchemaStore's github-action
 * schema) allows for a composite action: known top-level keys; inputs with a
 * description and, for older schema versions, `required`; outputs with a
 * description and a value; steps that either `run` with a `shell` or `uses`
 * an action, with no other keys than those listed. (Branding icons are
 * checked against GitHub's list in tests/cli/action_metadata_test.ts.)
 */
const ACTION_REDUCED = obj({
  name: nonEmpty,
  author: str,
  description: nonEmpty,
  inputs: {
    type: "object",
    propertyNames: { pattern: "^[_a-zA-Z][a-zA-Z0-9_-]*$" },
    additionalProperties: obj({
      description: str,
      required: { type: "boolean" },
      default: str,
      deprecationMessage: str,
    }, ["description", "required"]),
  },
  outputs: {
    type: "object",
    propertyNames: { pattern: "^[_a-zA-Z][a-zA-Z0-9_-]*$" },
    additionalProperties: obj({ description: str, value: str }, ["description", "value"]),
  },
  branding: obj({ icon: str, color: str }),
  runs: obj({
    using: { const: "composite" },
    steps: {
      type: "array",
      items: {
        ...obj({
          run: str,
          shell: str,
          uses: str,
          with: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
          name: str,
          id: str,
          if: str,
          env: { type: "object", additionalProperties: { type: "string" } },
          "working-directory": str,
        }),
        oneOf: [{ required: ["run", "shell"] }, { required: ["uses"] }],
      },
    },
  }, ["using", "steps"]),
}, ["name", "description", "runs"]);

Deno.test("action.yml passes the reduced metadata schema (composite steps, inputs, outputs)", async () => {
  const action = await yamlFile("action.yml");
  const errors = validate(ACTION_REDUCED, action);
  assert.deepEqual(errors, [], errors.join("\n"));
  // A run step without a shell fails it.
  // deno-lint-ignore no-explicit-any
  const copy = structuredClone(action) as any;
  copy.runs.steps.push({ run: "true" });
  assert.notDeepEqual(validate(ACTION_REDUCED, copy), []);
});

// --- The published schemas, when provided ---------------------------------

const SCHEMA_DIR = Deno.env.get("FLEET_ORCH_SCHEMA_DIR");

async function publishedSchema(name: string): Promise<object | null> {
  if (!SCHEMA_DIR) return null;
  try {
    return JSON.parse(await Deno.readTextFile(join(SCHEMA_DIR, name)));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

Deno.test({
  name: "published schemas (FLEET_ORCH_SCHEMA_DIR): action.yml, workflows and Azure files validate",
  ignore: !SCHEMA_DIR,
  async fn() {
    const checks: [string, string[]][] = [
      ["github-action.json", ["action.yml"]],
      [
        "github-workflow.json",
        [...Deno.readDirSync(join(REPO, ".github/workflows"))]
          .filter((e) => /\.ya?ml$/.test(e.name))
          .map((e) => `.github/workflows/${e.name}`),
      ],
      ["azure-pipelines.json", AZURE_FILES],
    ];
    let used = 0;
    for (const [schemaName, files] of checks) {
      const schema = await publishedSchema(schemaName);
      if (!schema) continue;
      used++;
      for (const file of files) {
        const errors = validate(schema, await yamlFile(file));
        assert.deepEqual(errors, [], `${file} against ${schemaName}:\n${errors.join("\n")}`);
      }
    }
    assert.ok(used > 0, `no known schema file in ${SCHEMA_DIR}`);
  },
});
