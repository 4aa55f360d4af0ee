/**
 * The gate sandbox: bubblewrap (`bwrap`) command lines that run a command
 * with the file system read-only except the worktree and a private `/tmp`,
 * the user's credential files hidden, no network unless asked, its own pid,
 * IPC and host name namespaces, and death with its parent.
 *
 * This module only builds argument vectors and reads files; the probe and
 * every spawn happen in `core/exec.ts`, the one place processes start.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";

/** `safety.sandbox`: when gates must, may or must not run sandboxed. */
export type SandboxMode = "auto" | "required" | "off";

/** What one sandboxed run may do. */
export interface SandboxSpec {
  /** Directories bound read-write (the worktree). Everything else is read-only. */
  writable: readonly string[];
  /** Keep the host network (install steps); otherwise a private, empty one. */
  network: boolean;
}

/** Whether a sandbox can be used here, and why not. */
export interface SandboxProbe {
  /** True when `bwrap` exists and a trivial sandbox ran. */
  available: boolean;
  /** The bwrap binary tried ("" when none was found). */
  bwrap: string;
  /** `bubblewrap 0.8.0`, when known. */
  version?: string;
  /** Why it is not available, or what was found. */
  reason: string;
}

/** What the run report says about the sandbox. */
export interface SandboxReport {
  /** The configured mode. */
  mode: SandboxMode;
  /** Whether gates run sandboxed once a fix is in the worktree. */
  active: boolean;
  /** Why (the probe's answer, or "safety.sandbox is off"). */
  reason: string;
}

/** Environment variable naming the bwrap binary (tests and unusual installs). */
export const BWRAP_ENV = "FLEET_ORCH_BWRAP";

/**
 * Credential files and folders under `$HOME` that the sandbox hides
 * (folders become empty, files read as empty). `~/.npmrc` is among them:
 * `npm login` stores its registry token there. A gate that needs a private
 * registry names the token with `env_passthrough` and reads it from a
 * project `.npmrc` (`//registry.example/:_authToken=${NPM_TOKEN}`).
 */
export const HIDDEN_HOME_PATHS: readonly string[] = [
  ".ssh",
  ".aws",
  ".azure",
  ".config/gh",
  ".config/hub",
  ".config/gcloud",
  ".config/git/credentials",
  ".docker",
  ".kube",
  ".gnupg",
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
  ".netrc",
  ".git-credentials",
  ".pypirc",
  ".cargo/credentials",
  ".cargo/credentials.toml",
  ".gem/credentials",
  ".terraform.d/credentials.tfrc.json",
  ".vault-token",
  ".m2/settings.xml",
  ".gradle/gradle.properties",
];

/** Machine-wide secret folders hidden too (container and Kubernetes secrets). */
export const HIDDEN_SYSTEM_PATHS: readonly string[] = ["/run/secrets", "/var/run/secrets"];

/** The private temporary folder inside the sandbox (a fresh tmpfs). */
export const SANDBOX_TMP = "/tmp";

/**
 * The bwrap binary to use: `FLEET_ORCH_BWRAP` when set (even when it names
 * nothing: that is how a test or an operator turns the sandbox off
 * deliberately), else `bwrap` found on `PATH`.
 *
 * @param env Environment lookup.
 * @returns An absolute path, the configured value, or "" when none is found.
 */
export function findBwrap(env: (name: string) => string | undefined): string {
  const configured = env(BWRAP_ENV);
  if (configured !== undefined && configured !== "") return configured;
  for (const dir of (env("PATH") ?? "/usr/bin:/bin").split(":")) {
    if (dir === "") continue;
    const candidate = join(dir, "bwrap");
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // Not in this PATH entry.
    }
  }
  return "";
}

/**
 * The probe: the smallest sandbox with every feature a gate uses (read-only
 * root, private /tmp, new pid and network namespaces). Where user namespaces
 * are restricted (Ubuntu 24.04's AppArmor rule) it fails.
 *
 * @param bwrap The binary.
 * @returns argv that exits 0 when the sandbox works.
 */
export function probeArgv(bwrap: string): string[] {
  return [..._baseArgv(bwrap), "--unshare-net", "--die-with-parent", "--", "true"];
}

/**
 * What every sandbox starts from, the probe included, so the probe tests the
 * features a gate's sandbox uses: a read-only root, fresh /dev and /proc, a
 * private /tmp and a new pid namespace.
 */
function _baseArgv(bwrap: string): string[] {
  return [
    bwrap,
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--tmpfs",
    SANDBOX_TMP,
    "--unshare-pid",
  ];
}

/** Options of {@link sandboxArgv}. */
export interface SandboxArgvOptions {
  /** The bwrap binary. */
  bwrap: string;
  /** The user's home folder, whose credential files are hidden. */
  home?: string | undefined;
  /** Working directory inside the sandbox. */
  cwd: string;
  /**
   * Folders bound read-only: the git directories of a worktree. One that
   * holds a writable folder is bound before it (else the private /tmp would
   * cover a repository under /tmp); one inside a writable folder (a main
   * working tree's `.git`) after it, so it stays read-only.
   */
  readable?: readonly string[];
  /** Read-only files laid over others: `[replacement, target]` (sanitised git config). */
  overlays?: readonly (readonly [string, string])[];
}

// Deno's own calls, not node:fs: loading node:fs costs every command ~10 ms
// of start-up (bench/startup_check.ts), and the executor imports this module.
function _exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A path with symlinks resolved (bwrap mounts on the real path), or null when absent. */
function _real(path: string): string | null {
  try {
    return Deno.realPathSync(path);
  } catch {
    return null;
  }
}

/**
 * The bwrap argument vector (without the command) for one run. The order
 * matters: later mounts cover earlier ones, so the writable folders come
 * after the tmpfs on /tmp (a worktree under /tmp stays visible) and the
 * hidden credentials after the writable folders.
 *
 * @param spec What the run may do.
 * @param options The binary, home, working directory and overlays.
 * @returns argv ending with `--`; append the command.
 */
export function sandboxArgv(spec: SandboxSpec, options: SandboxArgvOptions): string[] {
  const argv = [
    ..._baseArgv(options.bwrap),
    "--unshare-ipc",
    "--unshare-uts",
    "--die-with-parent",
  ];
  if (!spec.network) argv.push("--unshare-net");
  const writable = spec.writable.map(_real).filter((d): d is string => d !== null);
  const readable = (options.readable ?? []).map(_real).filter((d): d is string => d !== null);
  const nested = (d: string) => writable.some((w) => d.startsWith(w + "/"));
  for (const dir of readable.filter((d) => !nested(d))) argv.push("--ro-bind", dir, dir);
  for (const dir of writable) argv.push("--bind", dir, dir);
  for (const dir of readable.filter(nested)) argv.push("--ro-bind", dir, dir);
  const hidden = [
    ...(options.home ? HIDDEN_HOME_PATHS.map((p) => join(options.home!, p)) : []),
    ...HIDDEN_SYSTEM_PATHS,
  ];
  for (const path of hidden) {
    const real = _real(path);
    if (real === null) continue;
    let isDir = false;
    try {
      isDir = Deno.statSync(real).isDirectory;
    } catch {
      continue;
    }
    if (isDir) argv.push("--tmpfs", real);
    else argv.push("--ro-bind", "/dev/null", real);
  }
  for (const [replacement, target] of options.overlays ?? []) {
    const real = _real(target);
    if (real !== null) argv.push("--ro-bind", replacement, real);
  }
  argv.push("--chdir", options.cwd, "--");
  return argv;
}

/**
 * The git directories of `worktree` (its own and the repository's common
 * one), found from the `.git` file or folder without running git.
 *
 * @param worktree A worktree or repository root.
 * @returns `{ gitDir, common }`, or null when `worktree` has no `.git`.
 */
export function gitDirsOf(worktree: string): { gitDir: string; common: string } | null {
  const dotGit = join(worktree, ".git");
  let gitDir: string;
  try {
    if (Deno.statSync(dotGit).isDirectory) gitDir = dotGit;
    else {
      const line = Deno.readTextFileSync(dotGit).match(/^gitdir:\s*(.+?)\s*$/m)?.[1];
      if (!line) return null;
      gitDir = isAbsolute(line) ? line : resolve(worktree, line);
    }
  } catch {
    return null;
  }
  let common = gitDir;
  try {
    const rel = Deno.readTextFileSync(join(gitDir, "commondir")).trim();
    common = isAbsolute(rel) ? rel : resolve(gitDir, rel);
  } catch {
    // A main working tree: its git dir is the common dir.
  }
  return { gitDir, common };
}

/**
 * The git config files a command in `worktree` reads (the shared one of the
 * repository, and the worktree's own).
 *
 * @param worktree A worktree or repository root.
 * @returns Existing config file paths.
 */
export function gitConfigFiles(worktree: string): string[] {
  const dirs = gitDirsOf(worktree);
  if (dirs === null) return [];
  return [join(dirs.common, "config"), join(dirs.gitDir, "config.worktree")]
    .filter((f) => _exists(f));
}

/**
 * A git config without credentials: `actions/checkout` stores the job token
 * as an `http.<url>.extraheader`, and remote URLs may carry `user:password@`.
 * Code in the sandbox reads the repository's config, so it reads this copy.
 *
 * @param text The config file's text.
 * @returns The text without extra headers and URL passwords.
 */
export function sanitizeGitConfig(text: string): string {
  return text.split("\n")
    .filter((line) => !/^\s*extraheader\s*=/i.test(line))
    .map((line) => line.replace(/(:\/\/[^/\s:@]*):[^/\s@]+@/g, "$1@"))
    .join("\n");
}

/**
 * Where a sanitised copy of each git config lives for the length of a run.
 *
 * @param worktrees The writable folders of the run.
 * @param tmpDir A host folder for the copies (removed by the caller).
 * @returns `[copy, original]` pairs for {@link SandboxArgvOptions.overlays}.
 */
export function sanitizedGitConfigs(
  worktrees: readonly string[],
  tmpDir: string,
): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const w of worktrees) {
    for (const file of gitConfigFiles(w)) {
      if (seen.has(file)) continue;
      seen.add(file);
      let text: string;
      try {
        text = Deno.readTextFileSync(file);
      } catch {
        continue;
      }
      const copy = join(tmpDir, `gitconfig-${out.length}`);
      Deno.writeTextFileSync(copy, sanitizeGitConfig(text));
      out.push([copy, file]);
    }
  }
  return out;
}

/**
 * Variables the sandbox sets for tools that would otherwise write under the
 * read-only home: npm and go fail outright on a cache they cannot write
 * (Deno, pip and cargo read their caches and carry on).
 *
 * @param env The command's environment.
 * @returns Additions (a variable already set is left as it is).
 */
export function sandboxToolEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const add: Record<string, string> = { TMPDIR: SANDBOX_TMP };
  if (env.npm_config_cache === undefined && env.NPM_CONFIG_CACHE === undefined) {
    add.npm_config_cache = join(SANDBOX_TMP, ".npm");
  }
  if (env.GOCACHE === undefined) add.GOCACHE = join(SANDBOX_TMP, "go-build");
  return add;
}

/** The AppArmor switch that blocks unprivileged user namespaces (Ubuntu 23.10 and later). */
export const APPARMOR_USERNS_SYSCTL = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

/**
 * What to do about a sandbox that does not work, in commands a user can run.
 *
 * @param probe The probe's answer.
 * @param readFile Reads a /proc file (tests inject one). @default Deno.readTextFileSync
 * @returns The advice ("" when the sandbox works).
 */
export function sandboxFix(
  probe: SandboxProbe,
  readFile: (path: string) => string = Deno.readTextFileSync,
): string {
  if (probe.available) return "";
  if (probe.bwrap === "" || /does not exist|is not a file/.test(probe.reason)) {
    return "install bubblewrap (sudo apt-get install -y bubblewrap; dnf install bubblewrap)" +
      (probe.bwrap !== "" ? `, or unset ${BWRAP_ENV}` : "");
  }
  let restricted = false;
  try {
    restricted = readFile(APPARMOR_USERNS_SYSCTL).trim() === "1";
  } catch {
    // No such switch on this kernel.
  }
  if (restricted) {
    return "AppArmor blocks unprivileged user namespaces: " +
      "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 " +
      "(or run fleet-orch as root)";
  }
  return "allow user namespaces (sysctl user.max_user_namespaces > 0; in a container, " +
    "run it with --security-opt seccomp=unconfined or --privileged), or run as root";
}

/**
 * The report's view of the sandbox.
 *
 * @param mode The configured mode.
 * @param probe The probe's answer (not needed when the mode is off).
 * @returns Mode, whether it is active, and why.
 */
export function sandboxReport(mode: SandboxMode, probe: SandboxProbe | undefined): SandboxReport {
  if (mode === "off") return { mode, active: false, reason: "safety.sandbox is off" };
  if (!probe) return { mode, active: false, reason: "The sandbox was not probed" };
  return { mode, active: probe.available, reason: probe.reason };
}
