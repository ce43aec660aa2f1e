// Benchmark history (bench/history.jsonl): what `npm run bench -- … --record`
// appends, and what `npm run bench -- compare` reads. A library for
// bench/main.ts, not a benchmark.
//
// One history line per line a benchmark printed, the printed object kept
// whole under "result", with when, which commit (and whether src/ or bench/
// had uncommitted changes, as they usually do on a shared machine) and on
// what machine it was measured:
//
//   {"run":"2026-12-07T02:10:00.000Z","commit":"f216c29…","dirty":true,
//    "machine":{"cpu":"AMD EPYC","cores":2,"memGiB":23.5,"node":"v20.20.2",
//               "os":"linux 6.18.44-fc-v1272 x64"},"load":[3.1,2.9,2.5],
//    "module":"mallocgc","result":{"bench":"mallocgc/tiny8","gomem_ns_per_op":17.2,…}}
//
// A case is (module, result.bench, result.case): the benchmarks that print
// several runs of one case (mark, tree) give it several lines per run, and
// the median of their figures is the run's value.
//
// The figure compared is `ratio` wherever the line has one: gomem over real
// Go measured in the same invocation (mallocgc, mark, tree, pagealloc,
// procs), or over a baseline of its own measured beside it (startup: over
// `node -e 0`; trace: traced over untraced). A ratio cancels most of what
// the neighbours' load does to both sides on this shared 2-core machine, so
// a 10% move in it is the code's. A line without one (no Go installed, or
// no Go side at all) falls back to its own cost: ns per op (mallocgc,
// pagealloc, pagetouch's resident cases), ms (pagetouch's page cases,
// procs), or host memory as a percentage of the simulated RSS (spans).
// Those are absolute, so they move with the machine's load too: compare
// says which figure it used.

import { spawnSync } from 'node:child_process';
import { cpus, loadavg, platform, release, arch, totalmem } from 'node:os';
import { median } from './go/calibrate/results.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memGiB: number;
  node: string;
  os: string;
}

export interface HistoryEntry {
  /** When the recording run started (one value for every line it recorded). */
  run: string;
  commit: string;
  dirty: boolean;
  machine: Machine;
  /** The 1, 5 and 15 minute load averages when the line was recorded. */
  load: number[];
  /** The benchmark module (bench/<module>.ts). */
  module: string;
  /** The line the benchmark printed. */
  result: Record<string, unknown>;
}

/** This machine, without its name. */
export function thisMachine(): Machine {
  const c = cpus();
  return {
    cpu: (c[0]?.model ?? 'unknown').trim(),
    cores: c.length,
    memGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  };
}

/** The commit checked out, and whether src/ or bench/ differ from it. */
export function thisCommit(root: string): { commit: string; dirty: boolean } {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: root, encoding: 'utf8' });
  return { commit: head.status === 0 ? head.stdout.trim() : 'unknown', dirty: status.status !== 0 || status.stdout.trim() !== '' };
}

export function loadAverages(): number[] {
  return loadavg().map((x) => Number(x.toFixed(2)));
}

/** The objects among lines printed to stdout: what a benchmark reported (skips are not results). */
export function resultsIn(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      continue;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
    const o = v as Record<string, unknown>;
    if (typeof o.bench !== 'string' || 'skipped' in o) continue;
    out.push(o);
  }
  return out;
}

export function parseHistory(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as HistoryEntry);
    } catch {
      throw new Error(`bench/history.jsonl:${i + 1}: not a JSON line`);
    }
  });
  return out;
}

export function caseKey(module: string, result: Record<string, unknown>): string {
  const parts = [module, String(result.bench)];
  if (typeof result.case === 'string') parts.push(result.case);
  return parts.join(' · ');
}

/** The costs a line may carry without a ratio, in order of preference; lower is better for all. */
const fallbackFigures = ['gomem_ns_per_op', 'ns_per_op', 'nsPerOp', 'gomem_ms', 'ms', 'host_percent_of_rss'];

/** The figure of a line that compare compares (lower is better), or null when it has none. */
export function figureOf(result: Record<string, unknown>): { name: string; value: number } | null {
  if (typeof result.ratio === 'number' && Number.isFinite(result.ratio)) return { name: 'ratio', value: result.ratio };
  for (const name of fallbackFigures) {
    const v = result[name];
    if (typeof v === 'number' && Number.isFinite(v)) return { name, value: v };
  }
  return null;
}

/** One case's value in one run: the median of its lines' figures. */
export interface RunValue {
  key: string;
  run: string;
  commit: string;
  figure: string;
  value: number;
  lines: number;
}

/** Each case's value in each run, in the order the runs were recorded; lines without a figure are left out. */
export function runValues(entries: readonly HistoryEntry[]): RunValue[] {
  const groups = new Map<string, { key: string; run: string; commit: string; figures: Map<string, number[]> }>();
  for (const e of entries) {
    const f = figureOf(e.result);
    if (f === null) continue;
    const key = caseKey(e.module, e.result);
    const id = `${e.run}\n${key}`;
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = { key, run: e.run, commit: e.commit, figures: new Map() }));
    const list = g.figures.get(f.name) ?? [];
    list.push(f.value);
    g.figures.set(f.name, list);
  }
  const out: RunValue[] = [];
  for (const g of groups.values()) {
    // Lines of one case in one run carry the same figure unless Go came and went mid-run; the ratio wins then.
    const name = g.figures.has('ratio') ? 'ratio' : [...g.figures.keys()][0]!;
    const xs = g.figures.get(name)!;
    out.push({ key: g.key, run: g.run, commit: g.commit, figure: name, value: median(xs), lines: xs.length });
  }
  return out;
}

export type Verdict = 'regressed' | 'ok' | 'improved' | 'new' | 'incomparable';

export interface Comparison {
  key: string;
  figure: string;
  now: number;
  /** The last recorded value (null: none on this machine). */
  before: RunValue | null;
  /** now / before − 1. */
  change: number | null;
  verdict: Verdict;
}

/** More than this much worse (now / before > 1 + slack) is a regression. */
export const regressionSlack = 0.1;

function sameMachine(a: Machine, b: Machine): boolean {
  return a.cpu === b.cpu && a.cores === b.cores;
}

/**
 * Each case of `current` against its last value in `history` measured on
 * the same machine (CPU model and core count): regressed when its figure is
 * more than 10% higher, improved when more than 10% lower. A case whose
 * figure changed kind (a ratio then, no Go now) cannot be compared.
 */
export function compareWith(history: readonly HistoryEntry[], current: readonly HistoryEntry[]): Comparison[] {
  const machine = current[0]?.machine;
  const past = runValues(machine === undefined ? history : history.filter((e) => sameMachine(e.machine, machine)));
  const last = new Map<string, RunValue>();
  for (const v of past) last.set(v.key, v);
  return runValues(current).map((v) => judge(v, last.get(v.key) ?? null));
}

/**
 * The newest recorded run of each case against the run of it recorded
 * before, on the same machine as the newest: what `npm run bench -- compare`
 * says after `npm run bench -- all --record`.
 */
export function compareLatest(history: readonly HistoryEntry[]): Comparison[] {
  const latestRun = new Map<string, string>();
  for (const e of history) if (figureOf(e.result) !== null) latestRun.set(caseKey(e.module, e.result), e.run);
  const out: Comparison[] = [];
  for (const [key, run] of latestRun) {
    const mine = history.filter((e) => caseKey(e.module, e.result) === key);
    const newest = mine.filter((e) => e.run === run);
    const older = mine.filter((e) => e.run !== run && sameMachine(e.machine, newest[0]!.machine));
    const now = runValues(newest)[0];
    if (now === undefined) continue;
    const before = runValues(older);
    out.push(judge(now, before.length > 0 ? before[before.length - 1]! : null));
  }
  return out;
}

function judge(now: RunValue, before: RunValue | null): Comparison {
  const base = { key: now.key, figure: now.figure, now: now.value, before };
  if (before === null) return { ...base, change: null, verdict: 'new' };
  if (before.figure !== now.figure) return { ...base, change: null, verdict: 'incomparable' };
  const change = before.value === 0 ? (now.value === 0 ? 0 : Infinity) : now.value / before.value - 1;
  // The epsilon keeps exactly 10% (440 after 400: 0.10000000000000009 in doubles) on the right side of the line.
  const verdict: Verdict = change > regressionSlack + 1e-9 ? 'regressed' : change < -regressionSlack - 1e-9 ? 'improved' : 'ok';
  return { ...base, change, verdict };
}

/** One line per case, regressions first, for the terminal. */
export function formatComparisons(cs: readonly Comparison[]): string[] {
  const order: Verdict[] = ['regressed', 'incomparable', 'improved', 'ok', 'new'];
  const sorted = [...cs].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict) || a.key.localeCompare(b.key));
  return sorted.map((c) => {
    const now = `${c.figure} ${fmt(c.now)}`;
    if (c.before === null) return `${c.verdict.padEnd(12)} ${c.key}: ${now} (nothing recorded before on this machine)`;
    const was = `${c.before.figure} ${fmt(c.before.value)} at ${c.before.commit.slice(0, 10)} (${c.before.run})`;
    if (c.change === null) return `${c.verdict.padEnd(12)} ${c.key}: ${now}, was ${was}`;
    const pct = `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%`;
    return `${c.verdict.padEnd(12)} ${c.key}: ${now}, was ${fmt(c.before.value)} at ${c.before.commit.slice(0, 10)} (${c.before.run}): ${pct}`;
  });
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}
