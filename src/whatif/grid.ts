// A what-if sweep's grid: each run flag given as a list of values, and the
// configurations that are their cross product, in a fixed order (the first
// axis varies slowest), numbered from 0. The values are kept as the user
// wrote them (Go's syntax: 400MiB, off); whether each one is a value
// `gomem run` takes is checked by the command, with run's own checks.
// Also the shard a batch runner's task runs (--shard I/N).

/** The run flags a sweep varies, in the grid's order, with the name Go (or the cgroup) gives the setting. */
export const gridAxes = [
  { key: 'gogc', flag: '--gogc', name: 'GOGC' },
  { key: 'memlimit', flag: '--memlimit', name: 'GOMEMLIMIT' },
  { key: 'gomaxprocs', flag: '--gomaxprocs', name: 'GOMAXPROCS' },
  { key: 'godebug', flag: '--godebug', name: 'GODEBUG' },
  { key: 'cgroupMemoryMax', flag: '--cgroup-memory-max', name: 'memory.max' },
] as const;

export type AxisKey = (typeof gridAxes)[number]['key'];

/** One point of the grid: the flag values it sets (an axis not swept is absent). */
export interface Configuration {
  index: number;
  settings: Partial<Record<AxisKey, string>>;
}

/** A list the user wrote that is not one: the message names the flag and the value. */
export class GridError extends Error {}

/**
 * The values of one flag's list. Values are separated by commas, except
 * GODEBUG's: a GODEBUG value is itself a comma-separated list of key=value
 * fields (gctrace=1,madvdontneed=0, as Go and `gomem run` read it), so its
 * alternatives are separated by ';' or given by repeating the flag. An
 * empty value and a value listed twice are refused; so is a GODEBUG
 * alternative that sets one key twice, which is almost surely two
 * alternatives joined with a comma.
 */
export function parseList(key: AxisKey, texts: string | readonly string[]): string[] {
  const axis = gridAxes.find((a) => a.key === key)!;
  const out: string[] = [];
  for (const text of typeof texts === 'string' ? [texts] : texts) {
    const parts = key === 'godebug' ? text.split(';') : text.split(',');
    for (const raw of parts) {
      const v = raw.trim();
      if (v === '') {
        const how = key === 'godebug' ? "alternatives are separated by ';': 'madvdontneed=0;madvdontneed=1'" : 'a list is comma-separated: 50,100,off';
        throw new GridError(`${axis.flag}: "${text}" has an empty value (${how})`);
      }
      if (key === 'godebug') {
        const seen = new Set<string>();
        for (const field of v.split(',')) {
          const k = field.split('=')[0]!;
          if (k !== '' && seen.has(k)) {
            throw new GridError(`${axis.flag}: "${v}" sets ${k} twice; separate alternatives with ';' (--godebug '${v.split(',').join(';')}')`);
          }
          seen.add(k);
        }
      }
      if (out.includes(v)) throw new GridError(`${axis.flag}: "${v}" is listed twice`);
      out.push(v);
    }
  }
  return out;
}

/** The cross product of the lists, the first axis (gridAxes' order) varying slowest. */
export function gridOf(lists: Partial<Record<AxisKey, readonly string[]>>): Configuration[] {
  let points: Partial<Record<AxisKey, string>>[] = [{}];
  for (const { key } of gridAxes) {
    const values = lists[key];
    if (values === undefined || values.length === 0) continue;
    const next: Partial<Record<AxisKey, string>>[] = [];
    for (const p of points) for (const v of values) next.push({ ...p, [key]: v });
    points = next;
  }
  return points.map((settings, index) => ({ index, settings }));
}

/** A batch runner's part of the grid: --shard I/N, I from 1 to N. */
export interface Shard {
  /** 1-based, as written. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new GridError(`--shard: "${text}" is not I/N (the I-th of N shards, counted from 1: 1/4 … 4/4)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new GridError(`--shard: "${text}" has no shards (N is at least 1)`);
  if (!Number.isSafeInteger(index) || index < 1 || index > count) throw new GridError(`--shard: "${text}": I counts from 1 to N (1/${count} … ${count}/${count})`);
  return { index, count };
}

/** Whether configuration number i (from 0) is in the shard: i mod N = I − 1. */
export function inShard(i: number, shard: Shard | null): boolean {
  return shard === null || i % shard.count === shard.index - 1;
}
