import assert from "node:assert/strict";
import { join } from "node:path";
import { eslintFixer } from "../../plugins/fixers/eslint.ts";
import {
  assertRestored,
  failure,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
} from "./_helpers.ts";

// A stand-in for eslint: reports `var` (fixable) and `debugger` (not fixable);
// with --fix it rewrites `var` to `let` in the files it is given.
const FAKE = `#!/usr/bin/env bash
printf '%s\\n' "eslint $*" >> "$(dirname "$0")/calls.log"
fix=0; files=()
for a in "$@"; do
  case "$a" in --fix) fix=1 ;; -*) ;; *) if [ -d "$a" ]; then while IFS= read -r f; do files+=("$f"); done < <(find "$a" -name '*.js' | sort); elif [ -f "$a" ]; then files+=("$a"); fi ;; esac
done
n=0
for f in "\${files[@]}"; do
  if [ $fix = 1 ]; then sed -i -E 's/\\bvar /let /g' "$f"; fi
  n=$((n + $(grep -cE '\\bvar |debugger' "$f")))
done
[ $n -gt 0 ] && { echo "✖ $n problems ($n errors, 0 warnings)"; exit 1; }
exit 0
`;

const FIXABLE = `/repo/src/a.js
  1:1  error  Unexpected var, use let or const instead  no-var

✖ 1 problem (1 error, 0 warnings)
  1 error and 0 warnings potentially fixable with the \`--fix\` option.
`;
const UNFIXABLE = `/repo/src/b.js
  2:1  error  Unexpected 'debugger' statement  no-debugger

✖ 1 problem (1 error, 0 warnings)
`;

Deno.test("eslint-fix recipe applies when eslint says problems are fixable", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(eslintFixer, repo);
  assert.equal(fixer.applies([], gate({ command: "npx eslint src", output: FIXABLE })), true);
  assert.equal(
    fixer.applies([failure({ tool: "eslint", code: "no-var" })], gate({ command: "npm run lint" })),
    true,
  );
});

Deno.test("eslint-fix recipe does not apply when no problem is fixable", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(eslintFixer, repo);
  const failures = [failure({ tool: "eslint", code: "no-debugger" })];
  assert.equal(fixer.applies(failures, gate({ command: "eslint src", output: UNFIXABLE })), false);
  assert.equal(
    fixer.applies([], gate({ command: "eslint src", output: "Oops! Config error" })),
    false,
  );
  assert.equal(fixer.applies([], gate({ command: "eslint src", status: "passed" })), false);
});

Deno.test("eslint-fix recipe runs the gate's eslint with --fix and keeps unfixable errors", async () => {
  await using repo = await tempRepo({
    "src/a.js": "var a = 1;\nexport { a };\n",
    "src/b.js": "export const b = 2;\ndebugger;\n",
  }, { eslint: FAKE });
  const fixer = await instance(eslintFixer, repo);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [failure({ tool: "eslint", file: "src/a.js" })],
    gate: gate({ command: "eslint --max-warnings 0 src", output: FIXABLE }),
  });
  assert.ok(proposal);
  assert.equal(proposal.source, "eslint-fix");
  assert.equal(
    await Deno.readTextFile(join(repo.bin, "calls.log")),
    "eslint --fix --max-warnings 0 src\n",
  );
  assert.match(proposal.diff, /^-var a = 1;\n\+let a = 1;$/m);
  assert.doesNotMatch(proposal.diff, /b\.js/);
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  assert.equal(await Deno.readTextFile(join(repo.dir, "src/a.js")), "let a = 1;\nexport { a };\n");
});

Deno.test("eslint-fix recipe returns null when --fix changes nothing", async () => {
  await using repo = await tempRepo({ "src/b.js": "debugger;\n" }, { eslint: FAKE });
  const fixer = await instance(eslintFixer, repo);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [failure({ tool: "eslint", file: "src/b.js" })],
    gate: gate({ command: "eslint src" }),
  });
  assert.equal(proposal, null);
});
