import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadConfig, parseConfig } from "../../core/config.ts";
import { starterConfig } from "../../cli/init.ts";

const REFERENCE = fileURLToPath(new URL("../../config.yaml", import.meta.url));

Deno.test("config.yaml, the commented reference, is itself a valid configuration", async () => {
  const { config } = await loadConfig(REFERENCE, { env: () => undefined });
  assert.deepEqual(Object.keys(config.quality_gates), ["install", "build"]);
  assert.equal(config.agents.orchestrator.stop_on_rejection, true);
  assert.deepEqual(config.safety.forbidden_commands, [
    "rm -rf /",
    "kubectl delete namespace",
    "az group delete",
  ]);
});

Deno.test("init's starter config is valid for each kind of project", async () => {
  for (
    const files of [
      ["package.json"],
      ["deno.json"],
      ["pyproject.toml"],
      ["go.mod"],
      ["Cargo.toml"],
      [],
    ]
  ) {
    const dir = await Deno.makeTempDir({ prefix: "init-kind-" });
    try {
      for (const f of files) {
        await Deno.writeTextFile(`${dir}/${f}`, f.endsWith(".json") ? "{}" : "");
      }
      const text = await starterConfig(dir);
      const { config } = parseConfig(text, "fleet-orch.yaml", { env: () => undefined });
      // An empty folder gets no gates (nothing to run), every other kind at least one.
      assert.equal(Object.keys(config.quality_gates).length > 0, files.length > 0, files.join(","));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});
