/**
 * An example verifier plugin: after a deploy, fetches a JSON document from the
 * environment (`base_url` + `path`) and checks that one field has the
 * expected value, e.g. that `/health` says `{"status": "ok"}` or that
 * `/version` reports the commit just deployed.
 *
 * ```yaml
 * deployment:
 *   environments:
 *     staging:
 *       base_url: https://staging.example.com
 *       verifiers:
 *         - uses: ./examples/plugins/json_field_verifier.ts
 *           with: { path: /health, field: status, equals: ok }
 * ```
 *
 * @module
 */

import { definePlugin, optionsSchema, z } from "../../plugin.ts";

/** The plugin: a `verifier` named `json-field`. */
export default definePlugin({
  kind: "verifier",
  name: "json-field",
  description: "Checks one field of a JSON endpoint of the deployed environment",
  options: optionsSchema({
    /** Path under the environment's base_url. */
    path: z.string().startsWith("/"),
    /** Dotted field name, e.g. `build.commit`. */
    field: z.string().min(1),
    /** The value it must have (compared as text). */
    equals: z.union([z.string(), z.number(), z.boolean()]).transform(String),
  }),
  create: (options, context) => ({
    verify: async ({ environment, settings }) => {
      const started = performance.now();
      const base = typeof settings.base_url === "string" ? settings.base_url : "";
      const target = `${base.replace(/\/+$/, "")}${options.path}`;
      const result = (ok: boolean, message: string) => [{
        target,
        ok,
        message,
        durationMs: Math.round(performance.now() - started),
      }];
      if (!base) return result(false, `Environment "${environment}" has no base_url`);
      try {
        const res = await context.fetch(target, { signal: AbortSignal.timeout(10_000) });
        if (!res.ok) {
          await res.body?.cancel();
          return result(false, `Answered ${res.status}`);
        }
        let value: unknown = await res.json();
        for (const key of options.field.split(".")) {
          value = value && typeof value === "object"
            ? (value as Record<string, unknown>)[key]
            : undefined;
        }
        const ok = value !== undefined && String(value) === options.equals;
        return result(
          ok,
          ok
            ? `${options.field} is "${options.equals}"`
            : `${options.field} is ${JSON.stringify(value)}, expected "${options.equals}"`,
        );
      } catch (e) {
        return result(false, `Cannot read ${target}: ${e instanceof Error ? e.message : e}`);
      }
    },
  }),
});
