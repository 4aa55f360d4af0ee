/**
 * The names of the config files fleet-orch looks for, in a module of their
 * own so a command that only needs the names does not load the YAML parser
 * and the schema (`core/config.ts`).
 *
 * @module
 */

/** The default config file name, looked up at the repository root. */
export const DEFAULT_CONFIG_FILE = "fleet-orch.yaml";

/**
 * The seed's reference config file name: used at the repository root when
 * {@link DEFAULT_CONFIG_FILE} is absent and it validates (see `findConfigFile`
 * in `core/config.ts`).
 */
export const SEED_CONFIG_FILE = "config.yaml";
