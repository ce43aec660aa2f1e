// CHECKPOINT lines (see /work/shared/checkpoints.md): parsing them out of a
// program's stdout, and flattening one checkpoint into "section.key" → value
// pairs, the unit every recording and comparison works in.
//
// Flattened keys:
//   t_ms, goroutines
//   memstats.<Field>, metrics.<full metric name>, proc.<Field>, smaps_summary.<field>
//   smaps_anon_ge1MiB[<range>].<field>   mappings below 0x7f0000000000, keyed by
//                                        their address range (deterministic in Go)
//   smaps_anon_ge1MiB[7f-top#<i>].<field>  mappings at 0x7f…, keyed by their order
//                                        counted from the highest address down
//                                        (ASLR moves them; mmap places new ones
//                                        below the old, so counting from the top
//                                        does not renumber the old ones when a
//                                        run has one mapping more); their .range
//                                        is kept as a field too
//   extra.<key>, extra.<key>[<i>], extra.<key>.length
// Numbers stay numbers; strings (perms, thp, name, range) stay strings.

export interface SmapsEntry {
  range: string;
  perms: string;
  name: string;
  size_kB: number;
  rss_kB: number;
  anon_kB: number;
  lazyfree_kB: number;
  anonhuge_kB: number;
  thp: string;
}

export interface Checkpoint {
  name: string;
  seq: number;
  t_ms: number;
  goroutines: number;
  memstats: Record<string, number>;
  metrics: Record<string, number | null>;
  proc: Record<string, number>;
  smaps_summary: Record<string, number>;
  smaps_anon_ge1MiB: SmapsEntry[];
  extra?: Record<string, unknown>;
}

export type Value = number | string;

/** The first address of the mmap area where ASLR places mappings. */
export const HIGH_MAPPINGS = 0x7f0000000000;

const PREFIX = 'CHECKPOINT ';

/** Splits a program's stdout into its checkpoints and its other lines. */
export function parseCheckpoints(stdout: string): { checkpoints: Checkpoint[]; other: string[] } {
  const checkpoints: Checkpoint[] = [];
  const other: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(PREFIX)) {
      checkpoints.push(JSON.parse(line.slice(PREFIX.length)) as Checkpoint);
    } else if (line !== '') {
      other.push(line);
    }
  }
  return { checkpoints, other };
}

/** The start address of a "start-end" range (exact below 2^53, enough to compare with HIGH_MAPPINGS). */
export function rangeStart(range: string): number {
  return parseInt(range.slice(0, range.indexOf('-')), 16);
}

const MAP_NUMBERS = ['size_kB', 'rss_kB', 'anon_kB', 'lazyfree_kB', 'anonhuge_kB'] as const;
const MAP_STRINGS = ['perms', 'thp', 'name'] as const;

export function flatten(cp: Checkpoint): Map<string, Value> {
  const out = new Map<string, Value>();
  const put = (k: string, v: unknown): void => {
    if (typeof v === 'number' && Number.isFinite(v)) out.set(k, v);
    else if (typeof v === 'string') out.set(k, v);
    else if (typeof v === 'boolean') out.set(k, String(v));
  };
  put('t_ms', cp.t_ms);
  put('goroutines', cp.goroutines);
  for (const section of ['memstats', 'metrics', 'proc', 'smaps_summary'] as const) {
    for (const [k, v] of Object.entries(cp[section] ?? {})) put(`${section}.${k}`, v);
  }
  const maps = cp.smaps_anon_ge1MiB ?? [];
  let high = maps.filter((m) => rangeStart(m.range) >= HIGH_MAPPINGS).length;
  for (const m of maps) {
    const isHigh = rangeStart(m.range) >= HIGH_MAPPINGS;
    const id = isHigh ? `7f-top#${--high}` : m.range;
    const base = `smaps_anon_ge1MiB[${id}]`;
    for (const f of MAP_NUMBERS) put(`${base}.${f}`, m[f]);
    for (const f of MAP_STRINGS) put(`${base}.${f}`, m[f]);
    if (isHigh) put(`${base}.range`, m.range);
  }
  const walk = (prefix: string, v: unknown): void => {
    if (Array.isArray(v)) {
      put(`${prefix}.length`, v.length);
      v.forEach((x, i) => walk(`${prefix}[${i}]`, x));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(`${prefix}.${k}`, x);
    } else {
      put(prefix, v);
    }
  };
  if (cp.extra) walk('extra', cp.extra);
  return out;
}
