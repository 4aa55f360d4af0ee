/**
 * Moves Azure Pipelines jobs from a self-hosted agent pool (`pool: { name: … }`)
 * to a Microsoft-hosted one (`pool: { vmImage: ubuntu-latest }`) in the text
 * of azure-pipelines.yml.
 *
 * The `yaml` Document API finds the jobs, their pools and the source ranges
 * of those nodes; the change is then spliced into the original text, so
 * every comment, blank line, quote and indentation outside the edited pool
 * stays byte for byte (re-serialising the document would re-indent
 * sequences and fold long lines). The result is parsed again and compared
 * with the intended change before it is returned.
 *
 * @module
 */

import { isDeepStrictEqual } from "node:util";
import { isMap, isScalar, isSeq, type Pair, parseDocument, type YAMLMap } from "yaml";

/** What to move. */
export interface MoveOptions {
  /** The failing gate's command; jobs whose steps run it (or fleet-orch) are moved first. */
  gateCommand?: string;
  /** Names of the small self-hosted pools; empty means every pool given by `name`. */
  pools: readonly string[];
  /** Microsoft-hosted image to move to. */
  vmImage: string;
}

/** The edited pipeline. */
export interface MoveResult {
  /** The new file content. */
  text: string;
  /** What moved, in words: "job Build", "stage CI", "pipeline". */
  moved: string[];
}

type _Path = (string | number)[];
interface _Job {
  map: YAMLMap;
  label: string;
  path: _Path;
  /** The job, then its stage, then the root: where a `pool` may be inherited from. */
  chain: { map: YAMLMap; path: _Path; label: string }[];
}
interface _Splice {
  pos: number;
  end: number;
  text: string;
}

function _pair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key);
}

function _str(map: YAMLMap, key: string): string | undefined {
  const v = _pair(map, key)?.value;
  return isScalar(v) && v.value !== null ? String(v.value) : undefined;
}

/** The self-hosted pool name of a `pool` value, or undefined for a hosted or empty pool. */
function _poolName(value: unknown): string | undefined {
  if (isScalar(value)) return value.value === null ? undefined : String(value.value);
  if (isMap(value)) return _str(value, "name");
  return undefined;
}

/** Every job of the pipeline with the maps it may inherit its pool from. */
function _jobs(root: YAMLMap): _Job[] {
  const rootLink = { map: root, path: [] as _Path, label: "pipeline" };
  const jobs: _Job[] = [];
  if (_pair(root, "steps")) {
    jobs.push({ map: root, label: "pipeline", path: [], chain: [rootLink] });
  }
  const collect = (seq: unknown, base: _Path, parents: _Job["chain"]) => {
    if (!isSeq(seq)) return;
    seq.items.forEach((item, i) => {
      if (!isMap(item)) return;
      const name = _str(item, "job") ?? _str(item, "deployment");
      if (name === undefined) return; // a template reference: its pool is elsewhere
      const path = [...base, i];
      const label = `job ${name}`;
      jobs.push({ map: item, label, path, chain: [{ map: item, path, label }, ...parents] });
    });
  };
  collect(_pair(root, "jobs")?.value, ["jobs"], [rootLink]);
  const stages = _pair(root, "stages")?.value;
  if (isSeq(stages)) {
    stages.items.forEach((stage, si) => {
      if (!isMap(stage)) return;
      const link = { map: stage, path: ["stages", si], label: `stage ${_str(stage, "stage")}` };
      collect(_pair(stage, "jobs")?.value, ["stages", si, "jobs"], [link, rootLink]);
    });
  }
  return jobs;
}

/** Every string in a job except its pool, whitespace-normalised, for command matching. */
function _jobText(map: YAMLMap): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (isScalar(node)) parts.push(String(node.value));
    else if (isMap(node)) {
      for (const p of node.items) {
        if (isScalar(p.key) && p.key.value === "pool") continue;
        walk(p.value);
      }
    } else if (isSeq(node)) node.items.forEach(walk);
  };
  walk(map);
  return parts.join("\n").replace(/\s+/g, " ");
}

function _lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

function _lineEnd(text: string, pos: number): number {
  const nl = text.indexOf("\n", pos);
  return nl < 0 ? text.length : nl;
}

function _setPath(obj: unknown, path: _Path, value: unknown): void {
  let cur = obj as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
}

function _getPath(obj: unknown, path: _Path): unknown {
  let cur = obj as Record<string | number, unknown> | undefined;
  for (const key of path) cur = cur?.[key] as Record<string | number, unknown> | undefined;
  return cur;
}

/** Text splices that turn the `pool` pair of `map` into the hosted pool. */
function _editPool(text: string, map: YAMLMap, image: string): _Splice[] {
  const pair = _pair(map, "pool")!;
  const value = pair.value;
  const flow = `{ vmImage: ${image} }`;
  if (isScalar(value) || (isMap(value) && value.flow)) {
    const [pos, end] = (value as { range: [number, number, number] }).range;
    return [{ pos, end, text: flow }];
  }
  const pool = value as YAMLMap;
  const splices: _Splice[] = [];
  for (const p of pool.items) {
    if (!isScalar(p.key)) continue;
    const key = p.key.range!;
    const v = (p.value as { range?: [number, number, number] } | null)?.range;
    if (p.key.value === "name" && v) {
      // Replace the pair but keep a comment that follows it on the same line.
      splices.push({ pos: key[0], end: v[1], text: `vmImage: ${image}` });
    } else if (p.key.value === "demands") {
      // Demands select self-hosted agents; hosted pools do not support them.
      const last = v ? Math.max(v[1], key[1]) : key[1];
      const end = Math.min(_lineEnd(text, last - 1) + 1, text.length);
      splices.push({ pos: _lineStart(text, key[0]), end, text: "" });
    }
  }
  return splices;
}

/** Text splice that adds a hosted `pool` to a block-style job map after its first line. */
function _insertPool(text: string, job: YAMLMap, image: string): _Splice {
  const first = job.items[0]!;
  const keyPos = (first.key as { range: [number, number, number] }).range[0];
  const indent = " ".repeat(keyPos - _lineStart(text, keyPos));
  const valueEnd = (first.value as { range: [number, number, number] }).range[1];
  const at = _lineEnd(text, valueEnd);
  return { pos: at, end: at, text: `\n${indent}pool:\n${indent}  vmImage: ${image}` };
}

/**
 * Move the jobs that need more memory to the Microsoft-hosted pool.
 *
 * Jobs whose steps run the gate command (or fleet-orch) are chosen; when none
 * does, every job on a small pool is. A pool shared by a stage or the whole
 * pipeline is edited where it is declared when all its jobs move, otherwise
 * the moving jobs get their own `pool`.
 *
 * @param source The content of azure-pipelines.yml.
 * @param options The gate command, the small pool names and the hosted image.
 * @returns The new text and what moved, or null when no job runs on a small pool.
 * @throws {SyntaxError} When the file is not valid YAML or the edit did not come out as intended.
 */
export function moveJobsToHostedPool(source: string, options: MoveOptions): MoveResult | null {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) {
    throw new SyntaxError(`Pipeline YAML does not parse: ${doc.errors[0]!.message}`);
  }
  const root = doc.contents;
  if (!isMap(root)) return null;
  const image = /^[A-Za-z0-9._-]+$/.test(options.vmImage)
    ? options.vmImage
    : JSON.stringify(options.vmImage);
  const small = (name: string | undefined) =>
    name !== undefined &&
    (options.pools.length === 0 ||
      options.pools.some((p) => p.toLowerCase() === name.toLowerCase()));
  const jobs = _jobs(root).map((job) => ({
    job,
    owner: job.chain.find((link) => _pair(link.map, "pool") !== undefined),
  }));
  const onSmall = jobs.filter((j) =>
    j.owner && small(_poolName(_pair(j.owner.map, "pool")!.value))
  );
  const command = options.gateCommand?.replace(/\s+/g, " ").trim();
  const running = onSmall.filter(({ job }) => {
    const t = _jobText(job.map);
    return (command !== undefined && command !== "" && t.includes(command)) ||
      t.includes("fleet-orch");
  });
  const chosen = new Set((running.length > 0 ? running : onSmall).map((j) => j.job));
  if (chosen.size === 0) return null;

  const splices: _Splice[] = [];
  const moved: string[] = [];
  const expected = doc.toJS();
  const hosted = { vmImage: options.vmImage };
  const owners = new Map<YAMLMap, { link: _Job["chain"][number]; users: _Job[] }>();
  for (const { job, owner } of jobs) {
    if (!owner) continue;
    const entry = owners.get(owner.map) ?? { link: owner, users: [] };
    entry.users.push(job);
    owners.set(owner.map, entry);
  }
  for (const [map, { link, users }] of owners) {
    const movers = users.filter((u) => chosen.has(u));
    if (movers.length === 0) continue;
    if (movers.length === users.length) {
      splices.push(..._editPool(source, map, image));
      const old = _getPath(expected, [...link.path, "pool"]);
      const poolValue = _pair(map, "pool")!.value;
      const kept = isMap(poolValue) && !poolValue.flow
        ? Object.fromEntries(
          Object.entries(old as object).filter(([k]) => k !== "name" && k !== "demands"),
        )
        : {};
      _setPath(expected, [...link.path, "pool"], { ...kept, ...hosted });
      moved.push(link.label);
      continue;
    }
    for (const job of movers) {
      if (job.map.flow) throw new SyntaxError(`Cannot add a pool to flow-style ${job.label}`);
      splices.push(_insertPool(source, job.map, image));
      _setPath(expected, [...job.path, "pool"], { ...hosted });
      moved.push(job.label);
    }
  }
  splices.sort((a, b) => b.pos - a.pos);
  let text = source;
  for (const s of splices) text = text.slice(0, s.pos) + s.text + text.slice(s.end);
  const check = parseDocument(text);
  if (check.errors.length > 0 || !isDeepStrictEqual(check.toJS(), expected)) {
    throw new SyntaxError(
      `Moving ${moved.join(", ")} to the hosted pool did not produce the intended YAML` +
        (check.errors[0] ? `: ${check.errors[0].message}` : ""),
    );
  }
  return { text, moved };
}
