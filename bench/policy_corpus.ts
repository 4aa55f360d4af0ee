// Refusal rates of the command judge over labelled corpora, class by class:
//   deno run -A bench/policy_corpus.ts
// The corpora: tests/policies/corpus/*.tsv (dangerous and benign lines, each
// split into a tuning and a held-out set) and the existing catalogs
// (tests/policies/_command_catalog.ts, tests/policies/_redteam_catalog.ts,
// bench/policy_bench.ts). tests/policies/corpus_test.ts enforces the
// thresholds; bench/policy_judge_rate.ts prints the figures with the rate.
import { loadPolicy, type PolicyEngine } from "../policies/engine.ts";

/** One labelled command line. */
export interface CorpusLine {
  /** Class (dangerous family, or benign ecosystem). */
  cls: string;
  /** The command line. */
  line: string;
  /** Whether the line is dangerous (must be refused) or benign (must pass with no warning). */
  dangerous: boolean;
}

/** Counts for one class. */
export interface ClassRate {
  /** Class name. */
  cls: string;
  /** Lines in the class. */
  total: number;
  /** Lines judged as expected (dangerous refused; benign allowed with no warning). */
  ok: number;
  /** Lines judged otherwise. */
  misses: string[];
}

/** Figures of one corpus. */
export interface CorpusRates {
  /** Corpus name. */
  name: string;
  /** Per class. */
  classes: ClassRate[];
  /** Over every line. */
  total: number;
  /** Lines judged as expected. */
  ok: number;
}

const DIR = new URL("../tests/policies/corpus/", import.meta.url);

/**
 * Read a corpus file (`class<TAB>line`, `#` comments).
 *
 * @param file File name in tests/policies/corpus/.
 * @param dangerous Whether its lines are dangerous.
 * @returns The lines.
 */
export function readCorpus(file: string, dangerous: boolean): CorpusLine[] {
  return Deno.readTextFileSync(new URL(file, DIR)).split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => {
      const tab = l.indexOf("\t");
      return { cls: l.slice(0, tab), line: l.slice(tab + 1), dangerous };
    });
}

/**
 * Whether the engine judged a line as its label wants: a dangerous line is
 * refused (deny, or approval not given); a benign one is allowed with no warning.
 *
 * @param engine The policy engine (without approval).
 * @param l The labelled line.
 * @returns True when judged as expected.
 */
export function judgedAsExpected(engine: PolicyEngine, l: CorpusLine): boolean {
  const v = engine.judgeCommand(l.line);
  return l.dangerous ? !v.allowed : v.action === "allow";
}

/**
 * Judge a corpus class by class.
 *
 * @param engine The policy engine.
 * @param name Corpus name.
 * @param lines Its lines.
 * @returns The figures.
 */
export function rates(engine: PolicyEngine, name: string, lines: CorpusLine[]): CorpusRates {
  const by = new Map<string, ClassRate>();
  let ok = 0;
  for (const l of lines) {
    const c = by.get(l.cls) ?? { cls: l.cls, total: 0, ok: 0, misses: [] };
    by.set(l.cls, c);
    c.total++;
    if (judgedAsExpected(engine, l)) {
      c.ok++;
      ok++;
    } else c.misses.push(l.line);
  }
  return { name, classes: [...by.values()], total: lines.length, ok };
}

/** Classes of the existing catalogs: the `// ---` section a case sits in. */
function _sections(file: string, names: string[]): Map<string, string> {
  const text = Deno.readTextFileSync(new URL(file, import.meta.url));
  const out = new Map<string, string>();
  for (const n of names) {
    const at = text.indexOf(JSON.stringify(n));
    const before = at < 0 ? "" : text.slice(0, at);
    const m = [...before.matchAll(/\/\/ --- ([^\n]+)/g)].pop();
    out.set(n, m ? m[1]!.trim() : "other");
  }
  return out;
}

/**
 * The existing catalogs as labelled lines (approval-gated cases count as dangerous).
 *
 * @returns Named catalogs.
 */
export async function existingCatalogs(): Promise<Array<[string, CorpusLine[]]>> {
  const { CASES: commands } = await import("../tests/policies/_command_catalog.ts");
  const { CASES: redteam } = await import("../tests/policies/_redteam_catalog.ts");
  const { COMMANDS } = await import("./policy_bench.ts");
  const label = (file: string, cases: Array<[string, string, string, string?]>) => {
    const sec = _sections(file, cases.map((c) => c[0]));
    return cases.filter((c) => c[2] !== "warn").map(([n, line, expect]) => ({
      cls: `${expect === "allow" ? "benign" : "dangerous"}: ${sec.get(n)}`,
      line,
      dangerous: expect !== "allow",
    }));
  };
  // policy_bench.ts lists 10 benign lines, 7 dangerous ones, then 3 benign.
  return [
    ["commands_test catalog", label("../tests/policies/_command_catalog.ts", commands)],
    ["redteam_test catalog", label("../tests/policies/_redteam_catalog.ts", redteam)],
    [
      "policy_bench mix",
      COMMANDS.map((line, i) => {
        const dangerous = i >= 10 && i < 17;
        return { cls: dangerous ? "dangerous" : "benign", line, dangerous };
      }),
    ],
  ];
}

/** Every corpus: the four new files and the existing catalogs. */
export async function allCorpora(): Promise<Array<[string, CorpusLine[]]>> {
  return [
    ["dangerous tuning", readCorpus("dangerous_tuning.tsv", true)],
    ["dangerous held-out", readCorpus("dangerous_heldout.tsv", true)],
    ["dangerous held-out 2", readCorpus("dangerous_heldout2.tsv", true)],
    ["benign tuning", readCorpus("benign_tuning.tsv", false)],
    ["benign held-out", readCorpus("benign_heldout.tsv", false)],
    ["benign held-out 2", readCorpus("benign_heldout2.tsv", false)],
    ...await existingCatalogs(),
  ];
}

/**
 * Print figures, class by class. Misses of held-out sets are never listed:
 * seeing them would turn the set into a tuning set.
 *
 * @param r Figures of one corpus.
 * @param verbose Also list the lines judged otherwise (tuning sets and catalogs only).
 */
export function printRates(r: CorpusRates, verbose = false): void {
  if (r.name.includes("held-out")) verbose = false;
  const pct = (a: number, b: number) => b ? `${(100 * a / b).toFixed(1)}%` : "-";
  console.log(`${r.name}: ${r.ok}/${r.total} as expected (${pct(r.ok, r.total)})`);
  for (const c of r.classes) {
    console.log(`  ${c.cls.padEnd(40)} ${String(c.ok).padStart(3)}/${c.total}`);
    if (verbose) { for (const m of c.misses) console.log(`      miss: ${m}`); }
  }
}

if (import.meta.main) {
  const engine = await loadPolicy({});
  const verbose = Deno.args.includes("--verbose");
  const only = Deno.args.find((a) => !a.startsWith("-"));
  for (const [name, lines] of await allCorpora()) {
    if (only && !name.includes(only)) continue;
    printRates(rates(engine, name, lines), verbose);
  }
}
