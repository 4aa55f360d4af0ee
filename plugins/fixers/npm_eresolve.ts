/**
 * Recipe: npm stopped with ERESOLVE (a peer dependency conflict), so make the
 * install use npm 6's peer resolution through `legacy-peer-deps=true` in the
 * project's `.npmrc`. The gate's command lives in fleet-orch's config, which
 * is protected, so the project file is the place to say it; it also makes
 * developers' and CI's installs agree.
 *
 * @module
 */

import { join } from "node:path";
import { z } from "zod";
import { definePlugin, type PluginDefinition } from "../../core/plugin.ts";
import { captureChanges } from "./_worktree.ts";
import { getNpmrc, readNpmrc, setNpmrc } from "./_npmrc.ts";

const _SIGNATURE =
  /npm (?:ERR!|error) code ERESOLVE|ERESOLVE (?:unable to resolve|could not resolve)/;

/** Options of {@link npmEresolveFixer} (none). */
export type NpmEresolveOptions = Record<string, never>;

/** Adds `legacy-peer-deps=true` to `.npmrc` when npm fails with ERESOLVE. */
export const npmEresolveFixer: PluginDefinition<"fixer", NpmEresolveOptions> = definePlugin({
  kind: "fixer",
  name: "npm-eresolve",
  description: "Sets legacy-peer-deps=true in .npmrc when npm fails with ERESOLVE",
  options: z.strictObject({}) as z.ZodType<NpmEresolveOptions>,
  create: (_options, context) => ({
    applies: (failures, gate) =>
      gate.status === "failed" &&
      (failures.some((f) => f.code === "ERESOLVE") || _SIGNATURE.test(gate.output)),
    fix: async ({ cwd }) => {
      const before = await readNpmrc(cwd);
      if (getNpmrc(before, "legacy-peer-deps") === "true") {
        context.log.info(".npmrc already sets legacy-peer-deps=true: nothing to add");
        return null;
      }
      const changes = await captureChanges(context.exec, cwd, async () => {
        await Deno.writeTextFile(join(cwd, ".npmrc"), setNpmrc(before, "legacy-peer-deps", "true"));
      });
      if (changes.diff === "") return null;
      return {
        source: "npm-eresolve",
        diff: changes.diff,
        summary: `Set legacy-peer-deps=true in .npmrc: npm installs ignore the peer dependency ` +
          `conflict (ERESOLVE) as npm 6 did, for CI and developers alike`,
        calls: [],
      };
    },
  }),
});
