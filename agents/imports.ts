/**
 * Which repository files a source file depends on, for the languages where
 * that is cheap to tell from the text: JS/TS (relative specifiers, `require`,
 * re-exports, index files, tsconfig `paths`/`baseUrl`), Python (absolute and
 * relative imports, packages, `src/` layouts), Go (the other files of the
 * same package, packages of the module in the nearest go.mod), Rust (`mod`,
 * `use crate::`, `use <crate>::` from tests), Java/Kotlin (imports and the
 * same package under any source root), Ruby (`require_relative`, `require`
 * against `lib/`). Fault localisation follows these edges from the files a
 * failure names to the module that holds the bug.
 *
 * @module
 */

/** What the project's manifests say about module resolution (read once per prompt). */
export interface ProjectHints {
  /** Go: directory of each go.mod ("" for the root) → its module path. */
  goModules: Map<string, string>;
  /** Rust: directory of each Cargo.toml → the crate's name as code writes it. */
  crates: Map<string, string>;
  /** TS/JS: tsconfig/jsconfig `paths` and `baseUrl` (null when not set), repository-relative. */
  tsPaths: { baseUrl: string | null; paths: [string, string[]][] } | null;
}

/** Hints with nothing known. */
export function noHints(): ProjectHints {
  return { goModules: new Map(), crates: new Map(), tsPaths: null };
}

/**
 * Read the manifests that steer resolution: every go.mod and Cargo.toml
 * (up to 32 of each) and the root tsconfig.json/jsconfig.json.
 *
 * @param known The repository's files.
 * @param readFile Reads a repository file (null when missing).
 * @returns The hints.
 */
export async function loadProjectHints(
  known: Set<string>,
  readFile: (path: string) => Promise<string | null>,
): Promise<ProjectHints> {
  const hints = noHints();
  const dirOf = (f: string) => (f.includes("/") ? f.slice(0, f.lastIndexOf("/")) : "");
  const manifests = [...known].filter((f) => /(?:^|\/)(?:go\.mod|Cargo\.toml)$/.test(f));
  const goMods = manifests.filter((f) => f.endsWith("go.mod")).slice(0, 32);
  const cargos = manifests.filter((f) => f.endsWith("Cargo.toml")).slice(0, 32);
  for (const f of goMods) {
    const mod = (await readFile(f))?.match(/^module\s+"?([^\s"]+)"?/m)?.[1];
    if (mod) hints.goModules.set(dirOf(f), mod);
  }
  for (const f of cargos) {
    const text = await readFile(f);
    const pkg = text?.match(/^\[package\][^[]*?^name\s*=\s*"([^"]+)"/m)?.[1];
    const lib = text?.match(/^\[lib\][^[]*?^name\s*=\s*"([^"]+)"/m)?.[1];
    const name = lib ?? pkg;
    if (name) hints.crates.set(dirOf(f), name.replaceAll("-", "_"));
  }
  for (const f of ["tsconfig.json", "jsconfig.json"]) {
    if (!known.has(f)) continue;
    const cfg = _jsonc(await readFile(f));
    const opts = (cfg?.compilerOptions ?? {}) as { baseUrl?: unknown; paths?: unknown };
    const baseUrl = typeof opts.baseUrl === "string" ? _normalize(opts.baseUrl) ?? "" : null;
    const paths: [string, string[]][] = [];
    if (opts.paths && typeof opts.paths === "object") {
      for (const [k, v] of Object.entries(opts.paths as Record<string, unknown>)) {
        if (Array.isArray(v)) paths.push([k, v.filter((x): x is string => typeof x === "string")]);
      }
    }
    if (baseUrl !== null || paths.length) hints.tsPaths = { baseUrl, paths };
    break;
  }
  return hints;
}

// JSON with comments and trailing commas, as tsconfig allows; null when unreadable.
function _jsonc(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  const stripped = text
    .replace(/("(?:[^"\\\n]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, s) => s ?? "")
    .replace(/,(\s*[}\]])/g, "$1");
  try {
    const v = JSON.parse(stripped);
    return v && typeof v === "object" ? v : null;
  } catch {
    return null;
  }
}

const _JS_SOURCE = /\.(?:[cm]?[jt]sx?|vue|svelte)$/;
const _JS_IMPORT =
  /(?:\bimport|\bexport)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?["']([^"'\n]+)["']|\brequire\(\s*["']([^"'\n]+)["']\s*\)|\bimport\(\s*["']([^"'\n]+)["']\s*\)/g;
const _JS_EXTS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte"];

/**
 * The repository files a source file imports.
 *
 * @param file The importing file, repository-relative.
 * @param text Its content.
 * @param known The repository's files.
 * @param hints Manifests' hints (or, for compatibility, the root go.mod's module path).
 * @returns Imported repository files, in the order the file names them.
 */
export function importsOf(
  file: string,
  text: string,
  known: Set<string>,
  hints: ProjectHints | string | null = null,
): string[] {
  const h: ProjectHints = typeof hints === "string"
    ? { ...noHints(), goModules: new Map([["", hints]]) }
    : hints ?? noHints();
  const dir = _dirOf(file);
  const out = new Set<string>();
  const first = (cands: string[]): boolean => {
    const hit = cands.map(_normalize).find((c) => c !== null && known.has(c));
    if (hit && hit !== file) out.add(hit);
    return hit !== undefined;
  };
  if (_JS_SOURCE.test(file)) {
    const candidates = (base: string) => {
      const stem = base.replace(/\.(?:[cm]?js|jsx)$/, "");
      return [base, ..._JS_EXTS.map((e) => stem + e), ..._JS_EXTS.map((e) => `${base}/index${e}`)];
    };
    for (const m of text.matchAll(_JS_IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith(".")) {
        first(candidates(_join(dir, spec)));
        continue;
      }
      if (spec.startsWith("/") || /^[a-z]+:/.test(spec)) continue;
      // tsconfig `paths` (`@/*` → `src/*`), then `baseUrl`.
      const ts = h.tsPaths;
      if (!ts) continue;
      let done = false;
      for (const [pattern, targets] of ts.paths) {
        const star = pattern.indexOf("*");
        const hit = star < 0
          ? spec === pattern ? "" : null
          : spec.startsWith(pattern.slice(0, star)) && spec.endsWith(pattern.slice(star + 1))
          ? spec.slice(star, spec.length - (pattern.length - star - 1))
          : null;
        if (hit === null) continue;
        for (const t of targets) {
          // Without baseUrl, `paths` are relative to the tsconfig (the root).
          if (first(candidates(_join(ts.baseUrl ?? "", t.replace("*", hit))))) {
            done = true;
            break;
          }
        }
        if (done) break;
      }
      if (!done && ts.baseUrl !== null) first(candidates(_join(ts.baseUrl, spec)));
    }
  } else if (file.endsWith(".py")) {
    const pyRoots = ["", "src", "lib", dir.split("/")[0] ?? ""];
    const findModule = (mod: string): string | null => {
      for (const r of pyRoots) {
        const base = _join(r, mod);
        for (const c of [`${base}.py`, `${base}/__init__.py`]) if (known.has(c)) return c;
      }
      // A package under some other root (`packages/x/src/pkg/mod.py`): the
      // shortest known file that ends with the module's path.
      const tails = [`/${mod}.py`, `/${mod}/__init__.py`];
      let best: string | null = null;
      for (const f of known) {
        if (tails.some((t) => f.endsWith(t)) && (!best || f.length < best.length)) best = f;
      }
      return best;
    };
    const addModule = (mod: string) => {
      const f = findModule(mod);
      if (f && f !== file) out.add(f);
      return f;
    };
    for (
      const m of text.matchAll(
        /^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)/gm,
      )
    ) {
      const dots = m[1]!.length;
      const mod = m[2]!.replaceAll(".", "/");
      const names = m[3]!.replace(/[()\\]/g, " ").split(",")
        .map((n) => n.trim().split(/\s+/)[0]!).filter((n) => /^\w+$/.test(n));
      if (dots > 0) {
        const base = _normalize(_join(dir, "../".repeat(dots - 1) + (mod || ".")));
        if (base === null && dots > 1) continue;
        const b = base ?? "";
        if (mod) first([`${b}.py`, `${b}/__init__.py`]);
        else first([_join(b, "__init__.py")]);
        for (const n of names) first([_join(b, `${n}.py`), _join(b, `${n}/__init__.py`)]);
      } else {
        const found = addModule(mod);
        // `from pkg import mod`: the names may be submodules.
        const pkgDir = found?.endsWith("/__init__.py")
          ? found.slice(0, -"/__init__.py".length)
          : null;
        for (const n of names) {
          if (pkgDir) first([`${pkgDir}/${n}.py`, `${pkgDir}/${n}/__init__.py`]);
        }
      }
    }
    for (
      const m of text.matchAll(
        /^[ \t]*import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)/gm,
      )
    ) {
      for (const part of m[1]!.split(",")) {
        const mod = part.trim().split(/\s+/)[0]!.replaceAll(".", "/");
        addModule(mod);
      }
    }
  } else if (file.endsWith(".go")) {
    // The other files of the package: a test exercises them without an import.
    const stem = file.slice(dir.length ? dir.length + 1 : 0).replace(/(?:_test)?\.go$/, "");
    const siblings = [...known].filter((f) =>
      _dirOf(f) === dir && f.endsWith(".go") && !f.endsWith("_test.go") && f !== file
    ).sort((a, b) =>
      Number(_base(b).startsWith(stem)) - Number(_base(a).startsWith(stem)) || a.localeCompare(b)
    );
    for (const f of siblings.slice(0, 6)) out.add(f);
    // Imports of packages of the module (nearest go.mod above the file).
    let modDir: string | null = null;
    for (const d of h.goModules.keys()) {
      if (
        (d === "" || dir === d || dir.startsWith(d + "/")) &&
        (modDir === null || d.length > modDir.length)
      ) {
        modDir = d;
      }
    }
    const mod = modDir === null ? null : h.goModules.get(modDir)!;
    if (mod) {
      for (const m of text.matchAll(/"([^"\n]+)"/g)) {
        const spec = m[1]!;
        if (!spec.startsWith(mod + "/")) continue;
        const pkg = _join(modDir!, spec.slice(mod.length + 1));
        const files = [...known].filter((f) =>
          _dirOf(f) === pkg && f.endsWith(".go") && !f.endsWith("_test.go")
        ).sort().slice(0, 4);
        for (const f of files) out.add(f);
      }
    }
  } else if (file.endsWith(".rs")) {
    const own = /(?:^|\/)(?:lib|main|mod)\.rs$/.test(file) ? dir : file.replace(/\.rs$/, "");
    for (const m of text.matchAll(/^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;/gm)) {
      first([_join(own, `${m[1]}.rs`), _join(own, `${m[1]}/mod.rs`)]);
    }
    // The crate this file belongs to: the nearest Cargo.toml above it.
    let crateDir = "";
    for (const d of h.crates.keys()) {
      if ((d === "" || file.startsWith(d + "/")) && d.length > crateDir.length) crateDir = d;
    }
    if (!h.crates.has(crateDir) && file.includes("/src/")) {
      crateDir = file.slice(0, file.indexOf("/src/"));
    }
    const srcRoot = _join(crateDir, "src");
    const crateName = h.crates.get(crateDir);
    const roots = ["crate", ...(crateName ? [crateName] : [])].join("|");
    for (const m of text.matchAll(new RegExp(`\\buse\\s+(?:${roots})::([\\w:]+)`, "g"))) {
      const parts = m[1]!.split("::");
      for (let n = parts.length; n >= 1; n--) {
        const p = parts.slice(0, n).join("/");
        if (first([_join(srcRoot, `${p}.rs`), _join(srcRoot, `${p}/mod.rs`)])) break;
      }
    }
    // `use <crate>::x` from an integration test that resolved to no module:
    // at least the library root.
    if (
      out.size === 0 && crateName && new RegExp(`\\b${crateName}::`).test(text) &&
      !file.startsWith(srcRoot + "/")
    ) {
      first([_join(srcRoot, "lib.rs")]);
    }
  } else if (/\.(?:java|kt|scala|groovy)$/.test(file)) {
    const byTail = (tail: string) =>
      [...known].filter((f) => f === tail || f.endsWith("/" + tail)).sort((a, b) =>
        Number(/\/test\//.test(a)) - Number(/\/test\//.test(b)) || a.length - b.length
      )[0];
    for (const m of text.matchAll(/^\s*import\s+(?:static\s+)?([\w.]+?)(?:\.\*)?\s*;?\s*$/gm)) {
      const parts = m[1]!.split(".");
      // `import a.b.C`, `import static a.b.C.method`: the first capitalised part is the class.
      const cls = parts.findIndex((p) => /^[A-Z]/.test(p));
      const upTo = cls < 0 ? parts.length : cls + 1;
      for (const ext of ["java", "kt", "scala", "groovy"]) {
        const hit = byTail(`${parts.slice(0, upTo).join("/")}.${ext}`);
        if (hit) {
          if (hit !== file) out.add(hit);
          break;
        }
      }
    }
    // The same package under any source root (src/test/java → src/main/java):
    // the class under test (`CalcTest` → `Calc`) and the classes the file names.
    const pkg = text.match(/^\s*package\s+([\w.]+)/m)?.[1];
    if (pkg) {
      const pkgPath = pkg.replaceAll(".", "/");
      const words = new Set(text.match(/\b[A-Z]\w*/g) ?? []);
      const own = _base(file).replace(/\.\w+$/, "");
      const subject = own.replace(/^Test(?=[A-Z])|(?:Tests?|IT|Spec)$/, "");
      const samePackage = [...known].filter((f) =>
        /\.(?:java|kt|scala|groovy)$/.test(f) && f !== file &&
        (_dirOf(f) === pkgPath || _dirOf(f).endsWith("/" + pkgPath))
      );
      const ranked = samePackage.map((f) => ({ f, cls: _base(f).replace(/\.\w+$/, "") }))
        .filter(({ cls }) => cls === subject || words.has(cls))
        .sort((a, b) =>
          Number(b.cls === subject) - Number(a.cls === subject) ||
          Number(/\/test\//.test(a.f)) - Number(/\/test\//.test(b.f)) || a.f.localeCompare(b.f)
        );
      for (const { f } of ranked.slice(0, 6)) out.add(f);
    }
  } else if (file.endsWith(".rb")) {
    for (const m of text.matchAll(/\brequire_relative\s*\(?\s*["']([^"'\n]+)["']/g)) {
      const base = _join(dir, m[1]!);
      first([base.endsWith(".rb") ? base : `${base}.rb`]);
    }
    for (const m of text.matchAll(/(?:^|[\s;])require\s*\(?\s*["']([^"'\n]+)["']/gm)) {
      const spec = m[1]!.replace(/\.rb$/, "");
      first([`lib/${spec}.rb`, `${spec}.rb`, `app/${spec}.rb`]);
    }
  }
  return [...out];
}

/** Whether a file mostly passes on what others define (index, `__init__`, `mod.rs`). */
export function isBarrel(file: string): boolean {
  return /(?:^|\/)(?:index\.[cm]?[jt]sx?|__init__\.py|mod\.rs|lib\.rs)$/.test(file);
}

function _dirOf(f: string): string {
  return f.includes("/") ? f.slice(0, f.lastIndexOf("/")) : "";
}

function _base(f: string): string {
  return f.slice(f.lastIndexOf("/") + 1);
}

function _join(dir: string, rel: string): string {
  return dir ? `${dir}/${rel}` : rel;
}

/** Resolve `.` and `..` segments; null when the path leaves the repository. */
export function _normalize(p: string): string | null {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(seg);
  }
  return out.join("/") || null;
}
