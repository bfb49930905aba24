/**
 * Where the time goes: runs a job under V8's sampling CPU profiler (the one behind `node --cpu-prof`,
 * started after module loading and warm-up so only the measured work is sampled) and summarises the
 * .cpuprofile: a call tree of nodes, each sample naming the node that was on CPU. Self time is time a
 * function itself was on CPU; total time includes the functions it called. Positions in the compiled
 * bench/.build files are mapped back to src/*.ts through their source maps.
 *
 * Also usable alone on any profile (`node --cpu-prof` output included):
 *   node --import tsx bench/lib/profile.ts <file.cpuprofile> [top]
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD, REPO, dataDir, runWorker, table } from "./harness.js";
import type { Task } from "./tasks.js";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
  /** Samples per source line (1-based, in the profiled file) inside this node's function. */
  positionTicks?: { line: number; ticks: number }[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled time, ms (idle excluded). */
  totalMs: number;
  /** Functions by self time. */
  self: { name: string; ms: number }[];
  /** Functions by total (inclusive) time. */
  total: { name: string; ms: number }[];
  /** Source files by self time. */
  files: { name: string; ms: number }[];
  /** Source lines of this repository by self time, with their text. */
  lines: { name: string; ms: number }[];
}

/**
 * Profiles `iterations` runs of `task` after `warmup` untimed ones, in a fresh worker, and summarises
 * them. The .cpuprofile is kept under $VOUCH_BENCH_DIR/profiles (open it in Chrome DevTools or speedscope).
 */
export async function profileJob(task: Task, label: string, iterations = 1, warmup = 1): Promise<{ file: string; wallMs: number; summary: ProfileSummary }> {
  const dir = join(dataDir(), "profiles");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${label}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
  const out = await runWorker({ ...task, warmup, iterations, profile: file });
  const wallMs = out.ms.reduce((a, b) => a + b, 0);
  return { file, wallMs, summary: summarize(JSON.parse(readFileSync(file, "utf8")) as CpuProfile) };
}

export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  const nodeSelf = new Map<number, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i + 1] ?? 0; // a sample lasts until the next one
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === "(idle)") return;
    totalUs += us;
    add(self, frameName(node.callFrame), us);
    add(files, fileName(node.callFrame), us);
    nodeSelf.set(id, (nodeSelf.get(id) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = frameName(byId.get(cur)!.callFrame);
      if (!seen.has(name)) add(total, name, us);
      seen.add(name);
    }
  });
  return { totalMs: totalUs / 1000, self: top(self), total: top(total), files: top(files), lines: top(hotLines(byId, nodeSelf)) };
}

/** A node's self time spread over its lines in proportion to their samples, for functions in this repository. */
function hotLines(byId: Map<number, ProfileNode>, nodeSelf: Map<number, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, us] of nodeSelf) {
    const node = byId.get(id)!;
    const ticks = node.positionTicks ?? [];
    const sum = ticks.reduce((a, t) => a + t.ticks, 0);
    if (sum === 0 || !node.callFrame.url) continue;
    for (const t of ticks) {
      const { file, line } = originalLine(node.callFrame.url, t.line - 1);
      if (!file.startsWith("src/")) continue;
      add(out, `${file}:${line}  ${sourceLine(file, line)}`, (us * t.ticks) / sum);
    }
  }
  return out;
}

const sources = new Map<string, string[]>();

function sourceLine(file: string, line: number): string {
  if (!sources.has(file)) sources.set(file, existsSync(join(REPO, file)) ? readFileSync(join(REPO, file), "utf8").split("\n") : []);
  const text = (sources.get(file)![line - 1] ?? "").trim();
  return `\`${(text.length > 90 ? `${text.slice(0, 87)}...` : text).replace(/\|/g, "\\|").replace(/`/g, "'")}\``;
}

/** The summary as Markdown: top functions by self time, by total time, and files by self time. */
export function formatSummary(s: ProfileSummary, n = 15): string {
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1)}%`;
  const rows = (xs: { name: string; ms: number }[]) => xs.slice(0, n).map((x) => [x.name, x.ms.toFixed(1), pct(x.ms)]);
  return [
    `sampled CPU time ${s.totalMs.toFixed(0)} ms (idle excluded)`,
    "",
    "By self time:",
    table(["function (file:line)", "self ms", "share"], rows(s.self)),
    "",
    "By total time (including callees; run/boot frames included):",
    table(["function (file:line)", "total ms", "share"], rows(s.total.filter((x) => !/^\((root|program)\)/.test(x.name)))),
    "",
    "Files by self time:",
    table(["file", "self ms", "share"], rows(s.files)),
    "",
    "Hot lines of src/ by self time (a function's self time spread over its sampled lines):",
    table(["line", "self ms", "share"], rows(s.lines)),
  ].join("\n");
}

function frameName(f: CallFrame): string {
  if (!f.url) return f.functionName || "(anonymous)";
  const { file, line } = original(f);
  return `${f.functionName || "(anonymous)"} (${file}:${line})`;
}

function fileName(f: CallFrame): string {
  return f.url ? original(f).file : f.functionName;
}

const maps = new Map<string, SourceMap | undefined>();

/** The frame's source position, mapped from bench/.build back to the .ts file when a source map says. */
function original(f: CallFrame): { file: string; line: number } {
  const path = f.url.startsWith("file://") ? fileURLToPath(f.url) : f.url;
  const map = path.startsWith(BUILD) ? sourceMap(path) : undefined;
  const entry = map?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
    const src = entry.originalSource.startsWith("file://") ? fileURLToPath(entry.originalSource) : resolve(dirname(path), entry.originalSource);
    return { file: shortPath(src), line: entry.originalLine + 1 };
  }
  return { file: shortPath(path), line: f.lineNumber + 1 };
}

/** The source line of the first mapping on a generated line (0-based), for line-level ticks that carry no column. */
function originalLine(url: string, line: number): { file: string; line: number } {
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const map = path.startsWith(BUILD) ? sourceMap(path) : undefined;
  for (let col = 0; map && col < 400; col++) {
    const e = map.findEntry(line, col) as { generatedLine?: number; originalSource?: string; originalLine?: number };
    if (e.generatedLine === line && e.originalSource !== undefined && e.originalLine !== undefined) {
      const src = e.originalSource.startsWith("file://") ? fileURLToPath(e.originalSource) : resolve(dirname(path), e.originalSource);
      return { file: shortPath(src), line: e.originalLine + 1 };
    }
  }
  return { file: shortPath(path), line: line + 1 };
}

function sourceMap(jsPath: string): SourceMap | undefined {
  if (!maps.has(jsPath)) {
    const mapPath = `${jsPath}.map`;
    maps.set(jsPath, existsSync(mapPath) ? new SourceMap(JSON.parse(readFileSync(mapPath, "utf8")) as ConstructorParameters<typeof SourceMap>[0]) : undefined);
  }
  return maps.get(jsPath);
}

function shortPath(path: string): string {
  return path.startsWith(REPO) ? relative(REPO, path) : path.replace(/^.*node_modules\//, "node_modules/");
}

function add(m: Map<string, number>, k: string, us: number): void {
  m.set(k, (m.get(k) ?? 0) + us);
}

function top(m: Map<string, number>): { name: string; ms: number }[] {
  return [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node --import tsx bench/lib/profile.ts <file.cpuprofile> [top]");
    process.exit(2);
  }
  console.log(formatSummary(summarize(JSON.parse(readFileSync(file, "utf8")) as CpuProfile), Number(process.argv[3] ?? 15)));
}
