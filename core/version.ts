/**
 * The fleet-orch version; kept in a module of its own so `--version` loads
 * nothing else.
 *
 * @module
 */

/** The fleet-orch version. */
export const VERSION = "0.1.0";
