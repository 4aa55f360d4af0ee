/**
 * Wrappers: programs that run another program given in their arguments
 * (sudo, env, nice, nohup, timeout, xargs, command, exec, time, npx, ssh,
 * watch, su -c, ...). Each is described by the options it takes, so the
 * wrapped command can be found and judged like any other.
 *
 * @module
 */

import type { JudgeHost, Scope } from "./types.ts";
import type { EvalWord } from "./shell_words.ts";

interface WrapperSpec {
  /** Options that take a value. */
  value?: string[];
  /** Operands to skip before the wrapped command (timeout's duration, ssh's host). */
  skip?: number;
  /** `NAME=value` words set the environment (env). */
  assignments?: boolean;
  /** Options whose value is a command string run by a shell. */
  stringFlags?: string[];
  /** The remaining words are joined into one command string (ssh, watch). */
  joinRest?: boolean;
  /** Options after which nothing runs (`command -v`). */
  lookupOnly?: string[];
  /** Option naming a replacement string (xargs -I). */
  replaceFlag?: string[];
  /** Leading subcommand words, one of which must be present (`npm exec`, `kubectl exec`). */
  sub?: string[];
  /** The wrapped command starts after `--` only (kubectl exec). */
  afterDashDash?: boolean;
  /** String options may follow operands (`su root -c CMD`, `su - -c CMD`). */
  scanAll?: boolean;
  /** Options naming the working directory of the wrapped command (`env -C DIR`). */
  chdir?: string[];
}

const WRAPPERS: Record<string, WrapperSpec> = {
  sudo: {
    chdir: ["-D", "--chdir"],
    value: [
      "-u",
      "-g",
      "-C",
      "-D",
      "-h",
      "-p",
      "-r",
      "-t",
      "-T",
      "-U",
      "--user",
      "--group",
      "--chdir",
      "--prompt",
      "--host",
      "--close-from",
    ],
  },
  doas: { value: ["-u", "-C"] },
  env: {
    value: ["-u", "--unset", "-C", "--chdir"],
    chdir: ["-C", "--chdir"],
    assignments: true,
    stringFlags: ["-S", "--split-string"],
  },
  nice: { value: ["-n", "--adjustment"] },
  nohup: {},
  time: { value: ["-f", "-o", "--format", "--output"] },
  command: { lookupOnly: ["-v", "-V"] },
  builtin: {},
  exec: { value: ["-a"] },
  timeout: { value: ["-s", "--signal", "-k", "--kill-after"], skip: 1 },
  ionice: { value: ["-c", "-n", "-p", "--class", "--classdata"] },
  stdbuf: { value: ["-i", "-o", "-e"] },
  setsid: {},
  unbuffer: {},
  caffeinate: { value: ["-t", "-w"] },
  chroot: { value: ["--userspec", "--groups"], skip: 1 },
  flock: {
    value: ["-w", "--timeout", "-E", "--conflict-exit-code"],
    skip: 1,
    stringFlags: ["-c", "--command"],
  },
  su: {
    value: ["-s", "--shell", "-g", "-G", "--group"],
    stringFlags: ["-c", "--command"],
    skip: 99,
    scanAll: true,
  },
  runuser: {
    value: ["-u", "-s", "--shell", "-g", "-G"],
    stringFlags: ["-c", "--command"],
    scanAll: true,
  },
  xargs: {
    value: [
      "-n",
      "-L",
      "-l",
      "-P",
      "-d",
      "-E",
      "-e",
      "-s",
      "-a",
      "--arg-file",
      "--delimiter",
      "--max-args",
      "--max-procs",
      "--max-lines",
      "--eof",
    ],
    replaceFlag: ["-I", "--replace", "-i"],
  },
  watch: { value: ["-n", "--interval", "-d", "--differences"], joinRest: true },
  ssh: {
    value: [
      "-i",
      "-p",
      "-l",
      "-o",
      "-F",
      "-J",
      "-L",
      "-R",
      "-D",
      "-b",
      "-c",
      "-e",
      "-m",
      "-O",
      "-Q",
      "-S",
      "-W",
      "-w",
      "-E",
      "-B",
    ],
    skip: 1,
    joinRest: true,
  },
  npx: { value: ["-p", "--package", "--cache", "--registry"], stringFlags: ["-c", "--call"] },
  bunx: { value: ["-p", "--package"] },
  strace: { value: ["-o", "-e", "-p", "-s", "-u"] },
  ltrace: { value: ["-o", "-e", "-p", "-s", "-u"] },
  torsocks: {},
  proxychains: { value: ["-f"] },
  pnpx: {},
  shx: {},
  nsenter: { value: ["-t", "--target", "-S", "--setuid", "-G", "--setgid", "-W", "--wd"] },
  unshare: {
    value: [
      "--map-user",
      "--map-group",
      "--setuid",
      "--setgid",
      "-S",
      "-G",
      "-R",
      "--root",
      "-w",
      "--wd",
    ],
  },
  chrt: { skip: 1 },
  taskset: { skip: 1 },
  cpulimit: { value: ["-l", "--limit", "-p", "--pid", "-e", "--exe"] },
  "systemd-run": {
    value: [
      "-u",
      "--unit",
      "-p",
      "--property",
      "-E",
      "--setenv",
      "--slice",
      "-M",
      "--machine",
      "--description",
      "--uid",
      "--gid",
      "--working-directory",
      "-H",
      "--host",
      "--on-active",
      "--on-calendar",
      "--nice",
    ],
  },
  script: {
    value: [
      "-t",
      "--timing",
      "-E",
      "--echo",
      "-O",
      "--log-out",
      "-I",
      "--log-in",
      "-T",
      "--log-timing",
    ],
    stringFlags: ["-c", "--command"],
  },
  screen: { value: ["-S", "-c", "-t", "-L", "-Logfile", "-T", "-e", "-h", "-p", "-X"] },
  firejail: {},
  fakeroot: {},
  faketime: { skip: 1 },
  catchsegv: {},
  valgrind: {},
  "dbus-launch": {},
  "proxychains4": { value: ["-f"] },
}; // deno-fmt-ignore

const SUBCOMMAND_WRAPPERS: Record<string, WrapperSpec> = {
  npm: { sub: ["exec", "x"], value: ["-p", "--package", "-w", "--workspace"], stringFlags: ["-c", "--call"] },
  pnpm: { sub: ["dlx", "exec"], value: ["--package", "-C", "--dir", "--filter", "-F"] },
  yarn: { sub: ["dlx", "exec"], value: ["-p", "--package"] },
  kubectl: { sub: ["exec"], afterDashDash: true },
  oc: { sub: ["exec", "rsh"], afterDashDash: true },
  // `docker exec [OPTIONS] CONTAINER CMD...`: no `--` needed.
  docker: { sub: ["exec"], value: ["-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys"], skip: 1 },
  podman: { sub: ["exec"], value: ["-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys"], skip: 1 },
  git: { sub: ["bisect"], skip: 1 },
  bundle: { sub: ["exec"], value: ["--gemfile"] },
  poetry: { sub: ["run"], value: ["-C", "--directory", "-P", "--project"] },
  uv: {
    sub: ["run"],
    value: ["--with", "--python", "-p", "--project", "--directory", "--package", "--env-file", "--from"],
  },
  pipx: { sub: ["run"], value: ["--spec", "--python"] },
  hatch: { sub: ["run"], value: ["-e", "--env"] },
  pdm: { sub: ["run"], value: ["-p", "--project"] },
  pipenv: { sub: ["run"] },
  rye: { sub: ["run"] },
}; // deno-fmt-ignore

/** Package runners whose first word may carry a version (`npx rimraf@5`). */
const PACKAGE_RUNNERS = new Set(["npx", "bunx", "npm", "pnpm", "yarn", "pnpx"]);

/** The wrapped command of a wrapper. */
export interface WrapperRest {
  /** Words of the wrapped command (possibly empty). */
  words: EvalWord[];
  /** xargs' replacement string, when given. */
  replace?: string;
  /** The working directory the wrapper gives the command (`env -C DIR`, `sudo -D DIR`). */
  cwd?: EvalWord;
}

/**
 * Find the command a wrapper runs; strings it hands to a shell are judged
 * here directly.
 *
 * @param j The judge.
 * @param name The program basename.
 * @param args Its arguments.
 * @param scope The walk scope.
 * @returns The wrapped command, or null when the program is no wrapper.
 */
export function wrapperRest(
  j: JudgeHost,
  name: string,
  args: EvalWord[],
  scope: Scope,
): WrapperRest | null {
  let spec = WRAPPERS[name];
  let start = 0;
  if (!spec) {
    const sw = SUBCOMMAND_WRAPPERS[name];
    const at = args.findIndex((a) => !(a.values[0] ?? "").startsWith("-"));
    if (!sw || at < 0 || !sw.sub?.includes(args[at]!.values[0] ?? "")) return null;
    // `git bisect run CMD`: only `run` runs a command.
    if (name === "git" && args[at + 1]?.values[0] !== "run") return null;
    spec = sw;
    start = at + 1;
    if (sw.afterDashDash) {
      const dd = args.findIndex((a, i) => i >= start && a.values[0] === "--");
      return { words: dd < 0 ? [] : args.slice(dd + 1) };
    }
  }
  const value = new Set(spec.value ?? []);
  const strings = new Set(spec.stringFlags ?? []);
  if (spec.scanAll) {
    const at = args.findIndex((a) => {
      const x = a.values[0] ?? "";
      return strings.has(x) ||
        [...strings].some((f) => f.startsWith("--") && x.startsWith(f + "="));
    });
    if (at >= 0) {
      const x = args[at]!.values[0] ?? "";
      const str = x.includes("=")
        ? { ...args[at]!, values: [x.slice(x.indexOf("=") + 1)] }
        : args[at + 1];
      if (str && !str.resolved) {
        j.hitCheck("encoded-payload", `${name} -c runs a string only known at run time`, scope);
      } else if (str) j.judgeSource(str.values[0] ?? "", scope);
      return { words: [] };
    }
  }
  const replaceFlags = new Set(spec.replaceFlag ?? []);
  let replace: string | undefined;
  let cwd: EvalWord | undefined;
  let i = start;
  for (; i < args.length; i++) {
    const w = args[i]!;
    const a = w.values[0] ?? "";
    if (a === "--") {
      i++;
      break;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
      const eq = a.indexOf("=");
      j.checkAssign(a.slice(0, eq), a.slice(eq + 1), scope);
      continue;
    }
    if (!a.startsWith("-") || a === "-") break;
    const [flag, attached] = a.startsWith("--") && a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    if (spec.lookupOnly?.includes(flag)) return { words: [] };
    if (strings.has(flag)) {
      const str = attached !== undefined ? { ...w, values: [attached] } : args[++i];
      if (str) {
        if (!str.resolved) {
          j.hitCheck(
            "encoded-payload",
            `${name} ${flag} runs a string only known at run time`,
            scope,
          );
        } else j.judgeSource(str.values[0] ?? "", scope);
      }
      continue;
    }
    if (replaceFlags.has(flag) || replaceFlags.has(a.slice(0, 2))) {
      replace = attached ??
        (a.length > 2 && !a.startsWith("--") ? a.slice(2) : args[++i]?.values[0]) ?? "{}";
      continue;
    }
    if (spec.chdir?.includes(flag)) {
      cwd = attached !== undefined ? { ...w, values: [attached] } : args[i + 1];
    } else if (spec.chdir?.some((f) => /^-[A-Za-z]$/.test(f) && a.startsWith(f) && a.length > 2)) {
      cwd = { ...w, values: [a.slice(2)] }; // `env -C/`
    }
    if (value.has(flag) && attached === undefined) i++;
  }
  const rest = args.slice(Math.min(i + (spec.skip ?? 0), args.length));
  // `flock FILE -c CMD`: the string option may follow the skipped operand.
  if (rest[0] && strings.has(rest[0].values[0] ?? "")) {
    const str = rest[1];
    if (str && !str.resolved) {
      j.hitCheck("encoded-payload", `${name} runs a string only known at run time`, scope);
    } else if (str) j.judgeSource(str.values[0] ?? "", scope);
    return { words: [] };
  }
  if (spec.joinRest) {
    if (rest.length) {
      if (rest.some((w) => !w.resolved)) {
        j.hitCheck("encoded-payload", `${name} runs a command only known at run time`, scope);
      } else j.judgeSource(rest.map((w) => w.values[0] ?? "").join(" "), scope);
    }
    return { words: [] };
  }
  const words = PACKAGE_RUNNERS.has(name) && rest[0]
    ? [_unversioned(rest[0]), ...rest.slice(1)]
    : rest;
  return { words, ...(replace === undefined ? {} : { replace }), ...(cwd ? { cwd } : {}) };
}

function _unversioned(w: EvalWord): EvalWord {
  const v = w.values[0] ?? "";
  const m = /^(@[^/@]+\/[^@]+|[^@]+)@[^/]*$/.exec(v);
  return m ? { ...w, values: [m[1]!], text: m[1]! } : w;
}
