/**
 * Built-in verifier plugins, for the registry, and the verification API.
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { httpVerifier } from "./http.ts";

export { createHttpVerifier, httpVerifier, verifyEnvironment } from "./http.ts";
export type { HttpVerifierDeps, HttpVerifierOptions, VerifyEnvironmentOptions } from "./http.ts";
export { writeVerificationReport } from "./report.ts";
export type { VerificationReport } from "./report.ts";

/** Every built-in verifier, for the registry. */
export const builtinVerifiers: PluginDefinition<"verifier">[] = [httpVerifier];
