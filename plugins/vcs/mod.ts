/**
 * Built-in version-control host plugins, for the registry, and the CI output
 * helpers.
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { azureDevopsVcs } from "./azure_devops.ts";
import { githubVcs } from "./github.ts";

export { CHECK_ANNOTATION_BATCH, createGithub, githubVcs } from "./github.ts";
export type { GithubOptions } from "./github.ts";
export { azureDevopsVcs, createAzureDevops } from "./azure_devops.ts";
export type { AzureDevopsOptions } from "./azure_devops.ts";
export {
  createCiOutput,
  detectCi,
  escapeAzureData,
  escapeAzureProperty,
  escapeGithubData,
  escapeGithubProperty,
  formatAzureIssue,
  formatGithubAnnotation,
  GITHUB_MAX_PER_LEVEL,
} from "../../report/ci_output.ts";
export type { AzureTaskResult, CiKind, CiOutput, CiOutputOptions } from "../../report/ci_output.ts";

/** Every built-in VCS host, for the registry. */
export const builtinVcs: PluginDefinition<"vcs">[] = [githubVcs, azureDevopsVcs];
