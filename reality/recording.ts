// The recorded.json format: per case, per checkpoint, per flattened key, the
// min / median / max over the real runs and the raw value of every run.
// Built from several runs' checkpoints (summarize) and written one key per
// line so diffs between recordings stay readable (formatRecording).

import { flatten, type Checkpoint, type Value } from './checkpoint.ts';

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
  /** The program's own output (not CHECKPOINT lines) in the first run: stdout then stderr. */
  output: string[];
  checkpoints: RecordedCheckpoint[];
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
    const keyOrder: string[] = [];
    const seen = new Set<string>();
    for (const f of flat) for (const k of f.keys()) if (!seen.has(k)) (seen.add(k), keyOrder.push(k));
    const keys: Record<string, KeyStat> = {};
    for (const k of keyOrder) {
      const vals = flat.map((f) => f.get(k) ?? null);
      const present = vals.filter((v): v is Value => v !== null);
      const nums = present.filter((v): v is number => typeof v === 'number');
      keys[k] =
        nums.length === present.length
          ? { n: present.length, min: Math.min(...nums), median: median(nums), max: Math.max(...nums), runs: vals }
          : { n: present.length, values: [...new Set(present.map(String))], runs: vals };
    }
    return { name, keys };
  });
}

/** JSON with one key statistic per line. */
export function formatRecording(rec: Recording): string {
  const { checkpoints, ...head } = rec;
  const headJson = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const cps = checkpoints.map((cp) => {
    const lines = Object.entries(cp.keys).map(([k, s]) => `        ${JSON.stringify(k)}: ${JSON.stringify(s)}`);
    return `    {\n      "name": ${JSON.stringify(cp.name)},\n      "keys": {\n${lines.join(',\n')}\n      }\n    }`;
  });
  return `${headJson},\n  "checkpoints": [\n${cps.join(',\n')}\n  ]\n}\n`;
}
