/**
 * An example module plugin: a notifier that appends the run summary (Markdown)
 * to a file. Pointed at `$GITHUB_STEP_SUMMARY` it shows the summary on the
 * GitHub Actions run page; pointed at any path it keeps a history of runs.
 *
 * ```yaml
 * notifiers:
 *   - uses: ./examples/plugins/summary_file.ts
 *     with:
 *       file: ${GITHUB_STEP_SUMMARY:-fleet-orch-summary.md}
 *       only_failures: false
 * ```
 *
 * Module plugins load under `deno run` only; the compiled binary cannot
 * import them (denoland/deno#18327): use an exec plugin there.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
// Outside this repository, import from "@fleet-orch/fleet-orch/plugin" (or the
// path or URL of fleet-orch's plugin.ts).
import { definePlugin, optionsSchema, z } from "../../plugin.ts";

/** The plugin: `uses: ./examples/plugins/summary_file.ts`. */
export default definePlugin({
  kind: "notifier",
  name: "summary-file",
  description: "Appends the run summary (Markdown) to a file, e.g. $GITHUB_STEP_SUMMARY",
  options: optionsSchema({
    /** File to append to; relative paths are under the repository root. */
    file: z.string().min(1),
    /** Write only when the run did not end green. @default false */
    only_failures: z.boolean().default(false),
  }),
  create: (options, context) => ({
    notify: async (summary) => {
      if (options.only_failures && summary.success) return;
      const file = isAbsolute(options.file) ? options.file : join(context.repoRoot, options.file);
      const head = `## fleet-orch run ${summary.runId}: ${
        summary.success ? "green" : "not green"
      } (${summary.stopReason})\n\n`;
      if (context.dryRun) {
        context.log.info(`Dry run: would append the summary to ${file}`);
        return;
      }
      await Deno.writeTextFile(file, `${head}${summary.markdown.trim()}\n\n`, { append: true });
      context.log.debug(`Appended the run summary to ${file}`);
    },
  }),
});
