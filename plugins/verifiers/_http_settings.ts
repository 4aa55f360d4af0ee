/**
 * The schema of an environment's verification settings, as the seed wrote
 * them under `deployment.environments.<env>`: `health_endpoint`,
 * `verification_endpoints`, `smoke_tests` and `critical_flows`.
 *
 * @module
 */

import { z } from "zod";

const _status = z.union([
  z.number().int().min(100).max(599),
  z.array(z.number().int().min(100).max(599)).min(1),
]);

const _body = z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]);

/** One HTTP request and what its answer must look like. */
export const RequestCheckSchema = z.object({
  url: z.string().min(1),
  method: z.string().min(1).default("GET"),
  expected_status: _status.default(200),
  timeout: z.number().positive().optional(),
  expect_body_contains: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: _body.optional(),
});

/** A checked request, defaults applied. */
export type RequestCheck = z.infer<typeof RequestCheckSchema>;

/** The environment settings the HTTP verifier reads; other keys are ignored. */
export const HttpSettingsSchema = z.looseObject({
  base_url: z.string().optional(),
  health_endpoint: z.string().min(1).optional(),
  health_expected_status: _status.default(200),
  health_timeout: z.number().positive().optional(),
  retries: z.number().int().min(0).max(100).optional(),
  retry_delay_seconds: z.number().min(0).optional(),
  verification_endpoints: z.array(RequestCheckSchema).default([]),
  smoke_tests: z.array(RequestCheckSchema.extend({ name: z.string().min(1) })).default([]),
  critical_flows: z.array(
    z.object({ name: z.string().min(1), steps: z.array(RequestCheckSchema).min(1) }),
  ).default([]),
});

/** Parsed environment settings. */
export type HttpSettings = z.infer<typeof HttpSettingsSchema>;

/**
 * Validate an environment's settings.
 *
 * @param environment The environment name, for the message.
 * @param settings The raw settings from config.
 * @returns The parsed settings with defaults.
 * @throws {TypeError} When a field has the wrong shape; every problem is listed.
 */
export function parseHttpSettings(environment: string, settings: unknown): HttpSettings {
  const parsed = HttpSettingsSchema.safeParse(settings ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) =>
    `deployment.environments.${environment}${_path(i.path)}: ${i.message}`
  );
  throw new TypeError(
    `Environment "${environment}" has invalid verification settings:\n${problems.join("\n")}`,
  );
}

function _path(path: readonly PropertyKey[]): string {
  return path.map((p) => typeof p === "number" ? `[${p}]` : `.${String(p)}`).join("");
}
