/**
 * Entry point that runs `fleet-orch stats` alone, so the CLI tests start it as
 * a subprocess the way main.ts would dispatch it.
 *
 * @module
 */

import { run } from "../../cli/stats.ts";

if (import.meta.main) Deno.exit(await run(Deno.args));
