/**
 * What `init` proposes: the gate shape and the small readers its parts share.
 *
 * @module
 */

/** What a gate does; gates are ordered by it. */
export type Kind = "install" | "format" | "lint" | "typecheck" | "build" | "test" | "other";

/** Run order of each kind. */
export const RANK: Record<Kind, number> = {
  install: 0,
  format: 1,
  lint: 2,
  typecheck: 3,
  build: 4,
  test: 5,
  other: 2.5,
};

/** One proposed gate. */
export interface ProposedGate {
  /** Gate name (key under quality_gates). */
  name: string;
  /** Shell command. */
  command: string;
  /** What the gate does. */
  kind: Kind;
  /** Where the command came from (written as a comment). */
  source: string;
  /** Order within the source, for commands whose kind is "other". */
  rank: number;
  /** Directory the CI step ran in (relative to the repository root). */
  workingDirectory?: string;
  /** The CI step may fail (continue-on-error, allow_failure): not a required gate. */
  optional?: boolean;
}

/**
 * The value as a plain object, or undefined.
 *
 * @param v Any parsed value.
 * @returns The object, or undefined for arrays, null and scalars.
 */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
}

/**
 * A file's text, or "" when it cannot be read (absent files propose nothing).
 *
 * @param file Path.
 * @returns The text.
 */
export function readText(file: string): string {
  try {
    return Deno.readTextFileSync(file);
  } catch {
    return "";
  }
}
