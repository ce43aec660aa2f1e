// The recorded.json format: per case, per checkpoint, per flattened key, the
// min / median / max over the real runs and the raw value of every run.
// Built from several runs' checkpoints (summarize) and written one key per
// line so diffs between recordings stay readable (formatRecording). A case
// run with GODEBUG=gctrace=1 also keeps every run's gctrace lines, parsed
// (gctrace.ts), and their flattened keys' statistics (summarizeGctrace).
// Keys derived from the checkpoints of a run (peak HeapAlloc) are computed
// from the per-run values when needed (derivedKeys), not stored.

import { flatten, type Checkpoint, type Value } from './checkpoint.ts';
import { flattenGctrace, type GctraceLine } from './gctrace.ts';

/** What the real runs showed for one key at one checkpoint. */
export interface KeyStat {
  /** Runs in which the key was present (a mapping may exist in some runs only). */
  n: number;
  /** Numeric keys: over the runs where present. */
  min?: number;
  median?: number;
  max?: number;
  /** String keys: the distinct values seen, in first-seen order. */
  values?: string[];
  /** One entry per run, null where the key was absent. */
  runs: (Value | null)[];
}

export interface RecordedCheckpoint {
  name: string;
  keys: Record<string, KeyStat>;
}

/** Every run's gctrace lines and the statistics of their flattened keys. */
export interface RecordedGctrace {
  /** One list per run, in run order: every `gc N @…` line of its stderr, parsed. */
  runs: GctraceLine[][];
  /** gctrace.cycles, gctrace.last_cpu_pct, gctrace[N].<field> (gctrace.ts), over the runs. */
  keys: Record<string, KeyStat>;
}

export interface Recording {
  case: string;
  description: string;
  recorded: {
    date: string;
    go_version: string;
    kernel: string;
    host: Record<string, string>;
    runs: number;
    aslr: string;
    build: string;
    binary: string;
  };
  env: Record<string, string>;
  args: string[];
  /** The program's own output (not CHECKPOINT lines, not gctrace lines) in the first run: stdout then stderr. */
  output: string[];
  checkpoints: RecordedCheckpoint[];
  /** Present when the case runs with GODEBUG=gctrace=1. */
  gctrace?: RecordedGctrace;
}

/** Median of numbers; the mean of the middle two for an even count. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Aggregates runs (each a list of checkpoints) into per-checkpoint key
 * statistics. Checkpoints are matched by name, in the order of the first
 * run; a checkpoint missing from a later run counts as absent keys there.
 */
export function summarize(runs: Checkpoint[][]): RecordedCheckpoint[] {
  const names: string[] = [];
  for (const run of runs) for (const cp of run) if (!names.includes(cp.name)) names.push(cp.name);
  return names.map((name) => {
    const flat = runs.map((run) => {
      const cp = run.find((c) => c.name === name);
      return cp ? flatten(cp) : new Map<string, Value>();
    });
    return { name, keys: keyStats(flat) };
  });
}

/** Statistics per key over runs (one flattened map per run), keys in first-seen order. */
export function keyStats(flat: Map<string, Value>[]): Record<string, KeyStat> {
  const keyOrder: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) for (const k of f.keys()) if (!seen.has(k)) (seen.add(k), keyOrder.push(k));
  const keys: Record<string, KeyStat> = {};
  for (const k of keyOrder) keys[k] = statOf(flat.map((f) => f.get(k) ?? null));
  return keys;
}

/** One key's statistics from its value in each run (null: absent in that run). */
export function statOf(vals: (Value | null)[]): KeyStat {
  const present = vals.filter((v): v is Value => v !== null);
  const nums = present.filter((v): v is number => typeof v === 'number');
  return nums.length === present.length
    ? { n: present.length, min: Math.min(...nums), median: median(nums), max: Math.max(...nums), runs: vals }
    : { n: present.length, values: [...new Set(present.map(String))], runs: vals };
}

/**
 * The gctrace section from every run's parsed lines. gctrace[N] keys of a
 * cycle some runs did not reach are absent (null) in those runs.
 */
export function summarizeGctrace(runs: GctraceLine[][]): RecordedGctrace {
  return { runs, keys: keyStats(runs.map(flattenGctrace)) };
}

/** Name of the pseudo-checkpoint that holds keys derived from a whole run's checkpoints. */
export const RUN_CHECKPOINT = '(run)';
/** Name of the pseudo-checkpoint that holds the gctrace keys. */
export const GCTRACE_CHECKPOINT = '(gctrace)';

/**
 * Keys of a whole run, derived from its checkpoints (each flattened, in
 * order): peak.HeapAlloc, the largest memstats.HeapAlloc over them (absent
 * when no checkpoint has it).
 */
export function runKeys(cps: ReadonlyMap<string, Value | null>[]): Map<string, Value> {
  const out = new Map<string, Value>();
  let peak: number | null = null;
  for (const cp of cps) {
    const v = cp.get('memstats.HeapAlloc');
    if (typeof v === 'number' && (peak === null || v > peak)) peak = v;
  }
  if (peak !== null) out.set('peak.HeapAlloc', peak);
  return out;
}

/** The derived run keys of a recording, from the per-run values it stores. */
export function derivedKeys(rec: Recording): Record<string, KeyStat> {
  const perRun: Map<string, Value>[] = [];
  for (let i = 0; i < rec.recorded.runs; i++) {
    perRun.push(runKeys(rec.checkpoints.map((cp) => new Map([['memstats.HeapAlloc', cp.keys['memstats.HeapAlloc']?.runs[i] ?? null]]))));
  }
  return keyStats(perRun);
}

/**
 * Every recorded key grouped as checkpoints: the real checkpoints, then the
 * derived run keys as RUN_CHECKPOINT, then the gctrace keys as
 * GCTRACE_CHECKPOINT (when the case has them).
 */
export function allRecordedKeys(rec: Recording): RecordedCheckpoint[] {
  const out = [...rec.checkpoints, { name: RUN_CHECKPOINT, keys: derivedKeys(rec) }];
  if (rec.gctrace) out.push({ name: GCTRACE_CHECKPOINT, keys: rec.gctrace.keys });
  return out;
}

/** JSON with one key statistic per line (and one gctrace line per line). */
export function formatRecording(rec: Recording): string {
  const { checkpoints, gctrace, ...head } = rec;
  const headJson = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const keyLines = (keys: Record<string, KeyStat>, indent: string): string =>
    Object.entries(keys)
      .map(([k, s]) => `${indent}${JSON.stringify(k)}: ${JSON.stringify(s)}`)
      .join(',\n');
  const cps = checkpoints.map((cp) => `    {\n      "name": ${JSON.stringify(cp.name)},\n      "keys": {\n${keyLines(cp.keys, '        ')}\n      }\n    }`);
  let out = `${headJson},\n  "checkpoints": [\n${cps.join(',\n')}\n  ]`;
  if (gctrace) {
    const runs = gctrace.runs.map((run) => (run.length === 0 ? '      []' : `      [\n${run.map((l) => `        ${JSON.stringify(l)}`).join(',\n')}\n      ]`));
    const keys = Object.keys(gctrace.keys).length === 0 ? '{}' : `{\n${keyLines(gctrace.keys, '      ')}\n    }`;
    out += `,\n  "gctrace": {\n    "runs": [\n${runs.join(',\n')}\n    ],\n    "keys": ${keys}\n  }`;
  }
  return `${out}\n}\n`;
}
