/**
 * The gate sandbox with the real bubblewrap and real processes: what code
 * run as a sandboxed, untrusted command can and cannot read, write and reach.
 * `.ci/run` installs bubblewrap, so these tests exercise the real sandbox.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type RunOptions,
  SandboxUnavailableError,
  ShellExecutor,
  shellQuote,
} from "../../core/exec.ts";
import { BWRAP_ENV, findBwrap, sandboxArgv, sanitizeGitConfig } from "../../core/sandbox.ts";
import { sleepMarker, waitGone } from "./_proc.ts";

const allow = () => ({ allowed: true, rule: null, message: "" });

const SECRETS = {
  GITHUB_TOKEN: "ghs_sandboxtest0123456789abcdefghijkl",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSANDBOXKEY",
  DATABASE_URL: "postgres://app:hunter2@db.internal/app",
};

/** A fake home, a worktree and an outside folder, none under /tmp (the sandbox's own). */
interface Place {
  home: string;
  worktree: string;
  outside: string;
  exec: ShellExecutor;
}

async function withPlace(
  fn: (p: Place) => Promise<void>,
  mode: "auto" | "required" | "off" = "required",
  bwrap?: string,
): Promise<void> {
  // /var/tmp, not /tmp: the sandbox lays a fresh tmpfs over /tmp, which would
  // hide a home under it for the wrong reason.
  const root = await Deno.realPath(await Deno.makeTempDir({ dir: "/var/tmp", prefix: "fo-sbx-" }));
  const home = join(root, "home");
  const worktree = join(root, "work");
  const outside = join(root, "outside");
  for (const d of [home, worktree, outside, join(home, ".ssh"), join(home, ".aws")]) {
    await Deno.mkdir(d, { recursive: true });
  }
  await Deno.writeTextFile(join(home, ".ssh", "id_ed25519"), "PRIVATE-SSH-KEY-MATERIAL\n");
  await Deno.writeTextFile(join(home, ".aws", "credentials"), "aws_secret=AWS-FILE-SECRET\n");
  await Deno.writeTextFile(join(home, ".npmrc"), "//registry.npmjs.org/:_authToken=NPMRC-SECRET\n");
  await Deno.writeTextFile(join(home, ".profile"), "visible-profile\n");
  const exec = new ShellExecutor({
    judge: allow,
    parentEnv: { ...Deno.env.toObject(), ...SECRETS, HOME: home },
    sandbox: { mode, ...(bwrap !== undefined ? { bwrap } : {}) },
  });
  try {
    await fn({ home, worktree, outside, exec });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function sandboxed(p: Place, network = false): RunOptions {
  return {
    cwd: p.worktree,
    timeoutMs: 60_000,
    untrusted: { sandbox: { writable: [p.worktree], network } },
  };
}

Deno.test("sandbox probe finds a working bwrap on this machine", async () => {
  const exec = new ShellExecutor({ judge: allow, sandbox: { mode: "required" } });
  const probe = await exec.probeSandbox();
  assert.ok(probe.available, `bubblewrap must work here (.ci/run installs it): ${probe.reason}`);
  assert.match(probe.version ?? "", /^bubblewrap \d+\.\d+/);
});

Deno.test("sandbox keeps withheld tokens from the command", async () => {
  await withPlace(async (p) => {
    const r = await p.exec.run(
      'echo "[${GITHUB_TOKEN:-}][${AWS_SECRET_ACCESS_KEY:-}][${DATABASE_URL:-}][$CI]"',
      sandboxed(p),
    );
    assert.equal(r.code, 0, r.output);
    assert.equal(r.output, "[][][][true]\n");
  });
});

Deno.test("sandbox lets the command write in the worktree and its private /tmp only", async () => {
  await withPlace(async (p) => {
    const marker = `outside-${crypto.randomUUID()}`;
    const r = await p.exec.run(
      [
        "echo inside > made-inside.txt && echo wrote-inside",
        `{ echo x > ${shellQuote(join(p.home, "x"))}; } 2>/dev/null || echo home-refused`,
        `{ echo x > ${shellQuote(join(p.outside, "x"))}; } 2>/dev/null || echo outside-refused`,
        `echo x > /tmp/${marker} && echo private-tmp-ok`,
        `{ echo x > /etc/${marker}; } 2>/dev/null || echo etc-refused`,
      ].join("; "),
      sandboxed(p),
    );
    assert.equal(
      r.output,
      "wrote-inside\nhome-refused\noutside-refused\nprivate-tmp-ok\netc-refused\n",
    );
    assert.equal(await Deno.readTextFile(join(p.worktree, "made-inside.txt")), "inside\n");
    for (const f of [join(p.home, "x"), join(p.outside, "x"), `/tmp/${marker}`]) {
      assert.equal(await Deno.stat(f).then(() => true, () => false), false, `${f} must not exist`);
    }
  });
});

Deno.test("sandbox hides credential files but not the rest of the home folder", async () => {
  await withPlace(async (p) => {
    const r = await p.exec.run(
      'cat "$HOME/.ssh/id_ed25519" "$HOME/.aws/credentials" "$HOME/.npmrc" 2>&1; cat "$HOME/.profile"',
      sandboxed(p),
    );
    assert.doesNotMatch(r.output, /PRIVATE-SSH-KEY|AWS-FILE-SECRET|NPMRC-SECRET/);
    assert.match(r.output, /visible-profile/);
    // Outside the sandbox the files are untouched.
    assert.match(await Deno.readTextFile(join(p.home, ".npmrc")), /NPMRC-SECRET/);
  });
});

Deno.test("sandbox shows the repository's git config without the checkout token", async () => {
  await withPlace(async (p) => {
    await p.exec.run("git init -q .", { cwd: p.worktree });
    const config = join(p.worktree, ".git", "config");
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)) +
        '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA==\n' +
        '[remote "origin"]\n\turl = https://user:pat-secret@example.invalid/repo.git\n',
    );
    const r = await p.exec.run("cat .git/config; git config --get remote.origin.url", sandboxed(p));
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /eC1hY2Nlc3Mt|pat-secret/);
    assert.match(r.output, /https:\/\/user@example\.invalid\/repo\.git/);
    assert.match(await Deno.readTextFile(config), /extraheader/);
  });
});

/** A loopback HTTP server for the network tests. */
function serve(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("hello-from-host"),
  );
}

// bash's /dev/tcp: no curl needed on the machine.
const fetchLine = (port: number) =>
  `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && cat <&3`;

Deno.test("sandbox cuts the network unless the gate declares it", async () => {
  const server = serve();
  try {
    await withPlace(async (p) => {
      const off = await p.exec.run(fetchLine(server.addr.port), sandboxed(p, false));
      assert.notEqual(off.code, 0);
      assert.doesNotMatch(off.output, /hello-from-host/);
      const on = await p.exec.run(fetchLine(server.addr.port), sandboxed(p, true));
      assert.equal(on.code, 0, on.output);
      assert.match(on.output, /hello-from-host/);
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("sandbox is judged as the command written, never as the bwrap wrapper", async () => {
  await withPlace(async (p) => {
    const judged: string[] = [];
    const exec = new ShellExecutor({
      judge: (c) => {
        judged.push(c);
        return { allowed: true, rule: null, message: "" };
      },
      parentEnv: { ...Deno.env.toObject(), HOME: p.home },
      sandbox: { mode: "required" },
    });
    const line = "echo judged-as-written";
    const r = await exec.run(line, sandboxed(p));
    assert.equal(r.output, "judged-as-written\n");
    assert.equal(r.command, line);
    assert.ok(judged.includes(line));
    assert.ok(!judged.some((c) => c !== line && c.includes("judged-as-written")));
  });
});

Deno.test("sandbox kills the whole sandboxed tree on timeout", async () => {
  await withPlace(async (p) => {
    const marker = sleepMarker();
    const r = await p.exec.run(`sleep ${marker} & sleep ${marker}; wait`, {
      ...sandboxed(p),
      timeoutMs: 1500,
    });
    assert.equal(r.timedOut, true);
    assert.deepEqual(await waitGone(marker, 20_000), []);
  });
});

Deno.test("sandbox required without bwrap refuses to run the command", async () => {
  await withPlace(
    async (p) => {
      const made = join(p.outside, "ran");
      await assert.rejects(
        p.exec.run(`touch ${shellQuote(made)}`, sandboxed(p)),
        (e: unknown) =>
          e instanceof SandboxUnavailableError && /required/.test(e.message) &&
          /does not exist/.test(e.message),
      );
      assert.equal(await Deno.stat(made).then(() => true, () => false), false);
    },
    "required",
    "/nonexistent/bwrap",
  );
});

Deno.test("sandbox auto without bwrap runs the command unsandboxed", async () => {
  await withPlace(
    async (p) => {
      const made = join(p.outside, "ran");
      const r = await p.exec.run(`touch ${shellQuote(made)} && echo $CI`, sandboxed(p));
      assert.equal(r.output, "true\n");
      assert.equal((await Deno.stat(made)).isFile, true);
    },
    "auto",
    "/nonexistent/bwrap",
  );
});

Deno.test("sandbox off never wraps, even when bwrap works", async () => {
  await withPlace(async (p) => {
    const made = join(p.outside, "ran");
    const r = await p.exec.run(`touch ${shellQuote(made)}`, sandboxed(p));
    assert.equal(r.code, 0, r.output);
    assert.equal((await Deno.stat(made)).isFile, true);
  }, "off");
});

Deno.test("findBwrap takes FLEET_ORCH_BWRAP first, then PATH", () => {
  assert.equal(findBwrap((n) => (n === BWRAP_ENV ? "/opt/bw" : undefined)), "/opt/bw");
  assert.equal(findBwrap((n) => (n === "PATH" ? "/nonexistent-dir" : undefined)), "");
});

Deno.test("sanitizeGitConfig drops extra headers and URL passwords", () => {
  const out = sanitizeGitConfig(
    '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n' +
      '[remote "origin"]\n\turl = https://x-access-token:ghs_abc@github.com/a/b\n',
  );
  assert.doesNotMatch(out, /extraheader|c2VjcmV0|ghs_abc/);
  assert.match(out, /url = https:\/\/x-access-token@github\.com\/a\/b/);
});

Deno.test("sandboxArgv binds the worktree after the private /tmp and cuts the network", () => {
  const argv = sandboxArgv({ writable: ["/"], network: false }, { bwrap: "bwrap", cwd: "/" });
  const tmp = argv.indexOf("--tmpfs");
  const bind = argv.indexOf("--bind");
  assert.ok(tmp > 0 && bind > tmp, argv.join(" "));
  assert.ok(argv.includes("--unshare-net"));
  assert.ok(argv.includes("--die-with-parent"));
  assert.ok(argv.includes("--unshare-pid"));
  assert.equal(argv.at(-1), "--");
  const withNet = sandboxArgv({ writable: [], network: true }, { bwrap: "bwrap", cwd: "/" });
  assert.ok(!withNet.includes("--unshare-net"));
});

Deno.test("sandbox lets git read a worktree of a repository under /tmp but not change its .git", async () => {
  const repo = await Deno.realPath(await Deno.makeTempDir({ prefix: "fo-sbx-git-" }));
  const exec = new ShellExecutor({ judge: allow, sandbox: { mode: "required" } });
  const id = "-c user.name=t -c user.email=t@example.invalid";
  try {
    const setup = await exec.run(
      `git init -q -b main . && echo a > a.txt && git add a.txt && git ${id} commit -q -m one && ` +
        "mkdir -p .git/fleet-orch/worktrees && git worktree add -q .git/fleet-orch/worktrees/w",
      { cwd: repo },
    );
    assert.equal(setup.code, 0, setup.output);
    const worktree = join(repo, ".git/fleet-orch/worktrees/w");
    const r = await exec.run(
      "git log --format=%s && echo b > b.txt && echo wrote-worktree && " +
        '{ echo x > "$(git rev-parse --git-common-dir)/hooks/pre-commit"; } 2>/dev/null || echo hook-refused',
      { cwd: worktree, untrusted: { sandbox: { writable: [worktree], network: false } } },
    );
    assert.equal(r.output, "one\nwrote-worktree\nhook-refused\n");
    assert.equal(
      await Deno.stat(join(repo, ".git/hooks/pre-commit")).then(() => true, () => false),
      false,
    );
    // A main working tree: the worktree is writable, its .git is not.
    const main = await exec.run(
      "{ echo x > .git/hooks/pre-commit; } 2>/dev/null || echo main-hook-refused; git log --format=%s",
      { cwd: repo, untrusted: { sandbox: { writable: [repo], network: false } } },
    );
    assert.equal(main.output, "main-hook-refused\none\n");
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
