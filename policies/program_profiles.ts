/**
 * What the engine knows about how common programs read their arguments:
 * which options take a value (so the value is not mistaken for a
 * subcommand), whether short options bundle (`-rf`), and which programs are
 * shell builtins. Used to split argv into flags and positionals the way the
 * program itself would.
 *
 * @module
 */

/** How one program parses its options. */
export interface Profile {
  /** Options that consume the next word (or `=value`). */
  valueFlags: Set<string>;
  /** Every long option takes a value unless listed in `booleans` (az, aws, gcloud). */
  longTakesValue?: boolean;
  /** Long options without a value, for `longTakesValue` programs. */
  booleans?: Set<string>;
  /** Options are single-dash words that never bundle (`find -delete`, `terraform -destroy`). */
  singleDashLong?: boolean;
  /** Extra help flags besides `--help`. */
  helpFlags?: Set<string>;
}

const s = (...xs: string[]) => new Set(xs);

const DEFAULT: Profile = { valueFlags: s() };

const CLOUD_BOOLEANS = s(
  "--yes",
  "-y",
  "--no-wait",
  "--debug",
  "--verbose",
  "--only-show-errors",
  "--force",
  "--purge",
  "--no-prompt",
  "--quiet",
  "-q",
  "--recursive",
  "--dryrun",
  "--dry-run",
  "--all",
  "--no-verify-ssl",
  "--force-string",
  "--no-cli-pager",
  "--async",
  "--insecure",
); // deno-fmt-ignore

const PROFILES: Record<string, Profile> = {
  git: {
    valueFlags: s("-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env", "-m",
      "-F", "-o", "--push-option", "--repo", "--receive-pack", "--exec", "-X", "--strategy", "-e"),
    helpFlags: s("-h"),
  }, // deno-fmt-ignore
  kubectl: {
    valueFlags: s("-n", "--namespace", "-l", "--selector", "-o", "--output", "--context",
      "--cluster", "--kubeconfig", "-f", "--filename", "-c", "--container", "--field-selector",
      "--grace-period", "--timeout", "-s", "--server", "--token", "--user", "--as", "-k",
      "--kustomize", "--image", "--replicas", "-p"),
    helpFlags: s("-h"),
  }, // deno-fmt-ignore
  helm: {
    valueFlags: s("-n", "--namespace", "--kube-context", "-f", "--values", "--set", "--set-string",
      "--version", "--timeout", "-o", "--kubeconfig"),
    helpFlags: s("-h"),
  }, // deno-fmt-ignore
  az: { valueFlags: s("-n", "-g", "-l", "-o", "-s", "-u", "-p", "--query"), longTakesValue: true, booleans: CLOUD_BOOLEANS, helpFlags: s("-h") },
  aws: { valueFlags: s(), longTakesValue: true, booleans: CLOUD_BOOLEANS },
  gcloud: { valueFlags: s(), longTakesValue: true, booleans: CLOUD_BOOLEANS, helpFlags: s("-h") },
  terraform: {
    valueFlags: s("-var", "-var-file", "-target", "-state", "-out", "-lock-timeout", "-parallelism", "-replace"),
    singleDashLong: true,
    helpFlags: s("-h", "-help"),
  }, // deno-fmt-ignore
  curl: {
    valueFlags: s("-o", "-d", "-H", "-X", "-u", "-A", "-e", "-T", "-F", "-w", "-m", "-b", "-c", "-x",
      "-r", "-E", "-K", "--data", "--data-raw", "--data-binary", "--header", "--request", "--output",
      "--user", "--form", "--url", "--max-time", "--connect-timeout", "--cacert", "--cert", "--key",
      "--proxy", "--resolve", "--user-agent", "--write-out", "--retry", "--config"),
  }, // deno-fmt-ignore
  wget: { valueFlags: s("-O", "-o", "-P", "-U", "--output-document", "--header", "--user", "--password", "-t", "-T") },
  docker: {
    valueFlags: s("-t", "--tag", "-f", "--file", "--build-arg", "-e", "--env", "-v", "--volume",
      "-p", "--publish", "--name", "--network", "-w", "--workdir", "-u", "--user", "--platform",
      "--target", "-l", "--label", "--entrypoint", "--mount", "-H", "--context"),
  }, // deno-fmt-ignore
  npm: { valueFlags: s("--prefix", "-w", "--workspace", "--registry", "--tag", "--loglevel") },
  find: { valueFlags: s(), singleDashLong: true },
  chmod: { valueFlags: s("--reference") },
  kill: { valueFlags: s("-s", "-n") },
  tar: { valueFlags: s("-f", "-C", "--file", "--directory", "-T", "-X") },
  dd: { valueFlags: s(), singleDashLong: true },
  tofu: { valueFlags: s("-var", "-var-file", "-target", "-state", "-out"), singleDashLong: true },
  pulumi: { valueFlags: s("-s", "--stack", "-C", "--cwd") },
  gh: { valueFlags: s("-R", "--repo", "-b", "--body", "-e", "--env", "--org") },
  vault: { valueFlags: s(), singleDashLong: true },
};

/**
 * The profile of a program (a default one when unknown).
 *
 * @param name Program basename.
 * @returns Its profile.
 */
export function profileOf(name: string): Profile {
  return PROFILES[name] ?? DEFAULT;
}

/** Shell builtins and keywords: always known programs. */
export const SHELL_BUILTINS: ReadonlySet<string> = s(
  "cd",
  "export",
  "set",
  "unset",
  "shift",
  "read",
  "local",
  "declare",
  "typeset",
  "readonly",
  "return",
  "exit",
  "true",
  "false",
  "test",
  "[",
  "[[",
  "printf",
  "echo",
  "pwd",
  "trap",
  "wait",
  "source",
  ".",
  "exec",
  "command",
  "type",
  "hash",
  "ulimit",
  "umask",
  "alias",
  "unalias",
  "shopt",
  "getopts",
  "let",
  "eval",
  "builtin",
  ":",
  "break",
  "continue",
  "pushd",
  "popd",
  "dirs",
  "jobs",
  "fg",
  "bg",
  "disown",
  "times",
  "enable",
  "help",
  "mapfile",
  "readarray",
  "caller",
  "compgen",
  "complete",
  "suspend",
  "logout",
  "history",
  "fc",
  "kill",
); // deno-fmt-ignore

/** One option of a command, after bundles are split. */
export interface ParsedFlag {
  /** Option name as written (`-r`, `--recursive`, `-delete`). */
  name: string;
  /** Its value when given with `=` or as the following word. */
  value?: string;
}

/** Argv split into options and operands. */
export interface ParsedArgv {
  /** Options in order. */
  flags: ParsedFlag[];
  /** Operands in order (indexes into the argument list). */
  positionals: number[];
  /** Whether a help option is present. */
  help: boolean;
}

/**
 * Split a program's arguments into options and operands the way the program
 * would (GNU permutation: options after operands count too).
 *
 * @param name Program basename.
 * @param args Argument values (without the program).
 * @returns Flags and operand indexes.
 */
export function parseArgv(name: string, args: readonly string[]): ParsedArgv {
  const p = profileOf(name);
  const flags: ParsedFlag[] = [];
  const positionals: number[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      for (let j = i + 1; j < args.length; j++) positionals.push(j);
      break;
    }
    if (a.length < 2 || a[0] !== "-") {
      positionals.push(i);
      continue;
    }
    if (a === "--help" || p.helpFlags?.has(a)) help = true;
    const eq = a.indexOf("=");
    if (a.startsWith("--") || p.singleDashLong) {
      const flagName = eq > 0 ? a.slice(0, eq) : a;
      if (eq > 0) flags.push({ name: flagName, value: a.slice(eq + 1) });
      else if (_takesValue(p, flagName) && i + 1 < args.length) {
        flags.push({ name: flagName, value: args[++i]! });
      } else flags.push({ name: flagName });
      continue;
    }
    // Short options: `-rf` bundles; a value-taking letter ends the bundle.
    for (let k = 1; k < a.length; k++) {
      const f = "-" + a[k];
      if (p.valueFlags.has(f)) {
        const rest = a.slice(k + 1);
        if (rest) flags.push({ name: f, value: rest });
        else if (i + 1 < args.length) flags.push({ name: f, value: args[++i]! });
        else flags.push({ name: f });
        break;
      }
      flags.push({ name: f });
    }
  }
  return { flags, positionals, help };
}

function _takesValue(p: Profile, flag: string): boolean {
  if (p.valueFlags.has(flag)) return true;
  if (p.longTakesValue && flag.startsWith("--")) return !(p.booleans?.has(flag) ?? false);
  return false;
}

/**
 * Whether a written option matches a rule's option spelling: exact, or an
 * unambiguous GNU abbreviation of a long option (`--rec` for `--recursive`).
 *
 * @param written The option as parsed from the command.
 * @param wanted The rule's spelling.
 * @returns Whether they denote the same option.
 */
export function flagMatches(written: string, wanted: string): boolean {
  if (written === wanted) return true;
  return written.startsWith("--") && wanted.startsWith("--") && written.length >= 4 &&
    wanted.startsWith(written);
}
