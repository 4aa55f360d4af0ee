// cli/_common.ts parses flags itself (node:util costs a Node compatibility
// start-up a fast command cannot afford): it must agree with node:util's
// strict parseArgs on every argument list, errors included.
import assert from "node:assert/strict";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseArgsStrict } from "../../cli/_common.ts";

const OPTIONS: NonNullable<ParseArgsConfig["options"]> = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean", short: "v" },
  config: { type: "string", short: "c" },
  only: { type: "string", multiple: true },
  flag: { type: "boolean", multiple: true, short: "f" },
  format: { type: "string", default: "text" },
  tags: { type: "string", multiple: true, default: ["a"] },
};
const TOKENS = [
  "--json",
  "--json=1",
  "--help",
  "-h",
  "-v",
  "-hv",
  "-vc",
  "-cX",
  "-c",
  "--config",
  "--config=",
  "--config=a=b",
  "--only",
  "--only=x",
  "-f",
  "-ff",
  "--format",
  "--format=sarif",
  "--tags=t",
  "--",
  "-",
  "-x",
  "--nope",
  "file.txt",
  "-1",
  "value",
  "--json=",
  "-hc",
];

function outcome(f: () => { values: unknown; positionals: string[] }): string {
  try {
    const r = f();
    return JSON.stringify({ values: { ...r.values as object }, positionals: r.positionals });
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

Deno.test("flag parsing agrees with node:util parseArgs (strict, positionals allowed)", () => {
  let seed = 11;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const cases: string[][] = [[]];
  for (const t of TOKENS) cases.push([t], [t, "value"], ["value", t]);
  while (cases.length < 4000) {
    cases.push(Array.from({ length: 1 + rand(5) }, () => TOKENS[rand(TOKENS.length)]!));
  }
  let errors = 0;
  for (const args of cases) {
    const want = outcome(() =>
      parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true })
    );
    const got = outcome(() => parseArgsStrict(args, OPTIONS));
    assert.equal(got, want, JSON.stringify(args));
    if (want.startsWith("error")) errors++;
  }
  assert.ok(errors > 100 && errors < cases.length - 100, `${errors} of ${cases.length} errors`);
});
