// A workload model (src/whatif/workload.ts) inferred from Prometheus samples
// of one Go process over time (prom.ts), under client_golang's metric names.
// docs/workloads.md, "Importing Prometheus samples", says the same in a
// user's words; the reasoning is here.
//
// Required, at every scrape:
//   go_memstats_alloc_bytes_total   allocation: its rate between scrapes
//                                   (/gc/heap/allocs:bytes, size-class bytes)
//   go_memstats_next_gc_bytes       the heap goal (/gc/heap/goal:bytes), from
//                                   which the long-lived set: mgcpacer.go's
//                                   commit sets the goal to
//                                     marked + (marked + stackScan + globalsScan) × GOGC/100
//                                   (at least heapMinimum = 4 MiB × GOGC/100), so
//                                     marked = (goal − (stackScan + globals) × g) / (1 + g),  g = GOGC/100
//                                   with go_memstats_stack_inuse_bytes for the
//                                   stack term (the stacks' spans: an upper
//                                   bound of the scanned part) and no globals
//                                   term (client_golang exports none), capped
//                                   by go_memstats_heap_alloc_bytes (the heap
//                                   holds at least its marked part, except
//                                   before the first cycle, when the goal is
//                                   heapMinimum's and the heap nearly empty).
// Used when present:
//   go_gc_gogc_percent              GOGC (else --gogc, default 100)
//   go_gc_gomemlimit_bytes          GOMEMLIMIT: a goal under the limit's pull
//                                   is not GOGC's, so its scrapes take the
//                                   heap's low point instead (warned)
//   go_gc_heap_allocs_by_size_bytes the size mix (histogram; else the default mix)
//   go_sched_gomaxprocs_threads     gomaxprocs
//   go_goroutines                   connections and idle goroutines
//   go_gc_duration_seconds_count    cycles, for `source`
//   process_resident_memory_bytes   peak RSS seen, for `source`
//   process_start_time_seconds      with timed samples: the time before the first scrape

import { workloadFormat } from '../whatif/workload.ts';
import { type KindBytes, type KindJson, type PhaseSpan, type PointerRule, type PprofPhaseJson, fitPhases, goDuration, mergeKinds, mixJson, nameOf, phaseJson, slotSize } from './pprof_workload.ts';
import { PromError, type Scrape } from './prom.ts';

const MiB = 2 ** 20;
const heapMinimum = 4 * MiB;
const maxSmallSize = 32768;
/** GOMEMLIMIT at or over this is "no limit" (math.MaxInt64 as a float). */
const noLimit = 2 ** 62;
/** An interval joins the phase while its rate is within this share of the phase's (or 1 MiB/s). */
export const rateTolerance = 0.25;
/** … and its live set within this share of the phase's line (or 2 MiB). */
export const liveTolerance = 0.1;
/** Default connections; fewer when the process has fewer goroutines. */
const maxConnections = 16;

export interface PromImportOptions {
  /** The input's name(s), for `source` and the workload's default name. */
  readonly files: readonly string[];
  readonly name?: string;
  /** GOGC the service ran with when the samples do not say (go_gc_gogc_percent); null: off. */
  readonly gogc: number | null;
  /** How long the workload runs, ns (null: to the last scrape). */
  readonly durationNs: number | null;
  readonly rule: PointerRule;
}

export interface PromWorkloadJson {
  format: string;
  name: string;
  description: string;
  source: Record<string, unknown>;
  gomaxprocs?: number;
  connections: number;
  idleGoroutines: number;
  objects?: KindJson[];
  phases: PprofPhaseJson[];
}

export interface PromImport {
  readonly workload: PromWorkloadJson;
  readonly warnings: readonly string[];
}

function need(s: Scrape, key: string): number {
  const v = s.samples.get(key);
  if (v === undefined || !Number.isFinite(v)) throw new PromError(`${s.file}: no ${key} at the scrape at ${s.t}: it is required (client_golang's Go collector exports it)`);
  return v;
}

/** A series' value at every scrape where present (finite), else null. */
function maybe(s: Scrape, key: string): number | null {
  const v = s.samples.get(key);
  return v === undefined || !Number.isFinite(v) ? null : v;
}

/** The long-lived set a scrape's heap goal implies (see the header). */
function liveOf(s: Scrape, gogc: number | null, limited: boolean): number {
  const goal = need(s, 'go_memstats_next_gc_bytes');
  const heapAlloc = maybe(s, 'go_memstats_heap_alloc_bytes') ?? Infinity;
  if (gogc === null || limited) return Math.min(goal, heapAlloc);
  const g = gogc / 100;
  const stacks = maybe(s, 'go_memstats_stack_inuse_bytes') ?? 0;
  if (goal <= heapMinimum * g + 1) return Math.min(heapAlloc, goal / (1 + g));
  return Math.max(0, Math.min(heapAlloc, (goal - stacks * g) / (1 + g)));
}

/** The histogram's buckets at a scrape: upper bound → cumulative count, sorted. */
function bucketsOf(s: Scrape, name: string): [number, number][] {
  const out: [number, number][] = [];
  const prefix = `${name}_bucket{le=`;
  for (const [k, v] of s.samples) {
    if (!k.startsWith(prefix)) continue;
    const le = JSON.parse(k.slice(prefix.length, -1)) as string;
    out.push([le === '+Inf' ? Infinity : Number(le), v]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * The size mix from go_gc_heap_allocs_by_size_bytes between two scrapes:
 * each bucket's objects at one size in it, the same fraction θ of the way
 * from its lower to its upper bound for every finite bucket, θ chosen so
 * that the sizes add up to the histogram's _sum (its exact
 * /gc/heap/allocs:bytes) with the +Inf bucket's objects at the smallest
 * large object (40 KiB); only the bytes θ = 1 cannot hold make them larger.
 * (Spreading the leftover over the few +Inf objects first gave one steady
 * service a 25 MB "request object" that held 16% of its allocation.) Sizes
 * round to their size class.
 */
function mixOfHistogram(a: Scrape, b: Scrape, rule: PointerRule): { kinds: KindBytes[]; theta: number; buckets: number } | null {
  const name = 'go_gc_heap_allocs_by_size_bytes';
  const ba = new Map(bucketsOf(a, name));
  const bb = bucketsOf(b, name);
  const sumA = maybe(a, `${name}_sum`);
  const sumB = maybe(b, `${name}_sum`);
  if (bb.length === 0 || sumA === null || sumB === null) return null;
  const counts: { lo: number; hi: number; n: number }[] = [];
  let prevHi = 0;
  let prevCum = 0;
  for (const [hi, cumB] of bb) {
    const cum = cumB - (ba.get(hi) ?? 0);
    counts.push({ lo: prevHi, hi, n: Math.max(0, cum - prevCum) });
    prevHi = hi;
    prevCum = cum;
  }
  const bytes = sumB - sumA;
  const finite = counts.filter((c) => Number.isFinite(c.hi) && c.n > 0);
  const inf = counts.find((c) => !Number.isFinite(c.hi) && c.n > 0);
  const at = (theta: number): number => finite.reduce((s, c) => s + c.n * (c.lo + theta * (c.hi - c.lo)), 0);
  // The +Inf bucket's objects at the smallest large object first; the finite buckets' θ takes the bytes, and only what θ = 1 cannot hold goes to +Inf.
  const infMin = inf === undefined ? 0 : slotSize(Math.max(inf.lo, maxSmallSize + 1));
  const rest = bytes - (inf === undefined ? 0 : inf.n * infMin);
  const lo = at(0);
  const hi = at(1);
  const theta = finite.length === 0 ? 0.5 : hi > lo ? Math.min(1, Math.max(0, (rest - lo) / (hi - lo))) : 0.5;
  const infSize = inf === undefined ? 0 : infMin + Math.max(0, rest - at(theta)) / inf.n;
  const byKey = new Map<string, KindBytes>();
  const add = (size: number, n: number): void => {
    const slot = slotSize(size);
    const pointers = slot >= 8 && slot <= rule.pointersMax;
    const key = `${slot}/${pointers}`;
    const k = byKey.get(key);
    if (k === undefined) byKey.set(key, { slot, pointers, bytes: n * slot });
    else k.bytes += n * slot;
  };
  for (const c of finite) add(Math.max(1, Math.floor(c.lo + theta * (c.hi - c.lo))), c.n);
  // Floored: a float's last bit over a page boundary would round a whole page up.
  if (inf !== undefined) add(Math.floor(infSize), inf.n);
  return { kinds: [...byKey.values()], theta, buckets: counts.length };
}

interface Interval {
  t0: number;
  t1: number;
  alloc: number;
  live0: number;
  live1: number;
}

/** Intervals joined into one phase. */
interface Merged {
  t0: number;
  t1: number;
  alloc: number;
  l0: number;
  l1: number;
}

/** Whether intervals a..b are one phase: each at the common rate (within rateTolerance or 1 MiB/s), the live set on one line (within liveTolerance or 2 MiB). */
function fits(iv: readonly Interval[], a: number, b: number): boolean {
  const t0 = iv[a]!.t0;
  const t1 = iv[b]!.t1;
  let alloc = 0;
  for (let i = a; i <= b; i++) alloc += iv[i]!.alloc;
  const rate = alloc / (t1 - t0);
  const l0 = iv[a]!.live0;
  const l1 = iv[b]!.live1;
  const line = (t: number): number => l0 + ((l1 - l0) * (t - t0)) / (t1 - t0);
  for (let i = a; i <= b; i++) {
    const x = iv[i]!;
    const r = x.alloc / (x.t1 - x.t0);
    if (Math.abs(r - rate) > Math.max(rateTolerance * rate, MiB)) return false;
    for (const [t, l] of [[x.t0, x.live0], [x.t1, x.live1]] as const) {
      if (Math.abs(l - line(t)) > Math.max(liveTolerance * Math.max(l, line(t)), 2 * MiB)) return false;
    }
  }
  return true;
}

/** The workload a series of scrapes implies (see the header and docs/workloads.md). */
export function workloadFromScrapes(scrapes: readonly Scrape[], o: PromImportOptions): PromImport {
  const warnings: string[] = [];
  const input = o.files.length === 1 ? o.files[0]! : `${o.files.length} files`;
  if (scrapes.length < 2) throw new PromError(`${input}: ${scrapes.length} scrape${scrapes.length === 1 ? '' : 's'}: at least two are needed to rate the allocation`);
  for (const s of scrapes) need(s, 'go_memstats_alloc_bytes_total');
  const first = scrapes[0]!;
  const last = scrapes[scrapes.length - 1]!;
  // GOGC and GOMEMLIMIT: the samples' own, else the command line's.
  const gogcSeen = maybe(last, 'go_gc_gogc_percent');
  let gogc = o.gogc;
  if (gogcSeen !== null) {
    const seen = gogcSeen < 0 ? null : gogcSeen;
    if (seen !== o.gogc && o.gogc !== 100) warnings.push(`go_gc_gogc_percent says GOGC=${seen ?? 'off'}, not --gogc ${o.gogc ?? 'off'}: the samples' value is used`);
    gogc = seen;
  }
  const memlimit = maybe(last, 'go_gc_gomemlimit_bytes');
  const limit = memlimit !== null && memlimit < noLimit ? memlimit : null;
  let limitedScrapes = 0;
  const lives = scrapes.map((s) => {
    // A goal pulled down by GOMEMLIMIT is below GOGC's for the heap it holds: the goal then is no measure of the marked heap.
    const limited = limit !== null && need(s, 'go_memstats_next_gc_bytes') >= 0.9 * limit - (maybe(s, 'go_memstats_stack_inuse_bytes') ?? 0);
    if (limited) limitedScrapes++;
    return liveOf(s, gogc, limited);
  });
  if (limitedScrapes > 0) warnings.push(`${limitedScrapes} of ${scrapes.length} scrapes have a goal near GOMEMLIMIT (${limit} bytes): their live set is the smaller of the goal and the heap`);
  if (gogc === null && limit === null) warnings.push('GOGC=off and no memory limit: the goal says nothing of the live set; it is taken as the heap');

  const intervals: Interval[] = [];
  for (let i = 1; i < scrapes.length; i++) {
    const a = scrapes[i - 1]!;
    const b = scrapes[i]!;
    if (b.t <= a.t) throw new PromError(`${b.file}: scraped at ${b.t}, not after ${a.file} (${a.t}): give the files in time order or --every`);
    const d = need(b, 'go_memstats_alloc_bytes_total') - need(a, 'go_memstats_alloc_bytes_total');
    if (d < 0) throw new PromError(`${b.file}: go_memstats_alloc_bytes_total fell from ${need(a, 'go_memstats_alloc_bytes_total')} to ${need(b, 'go_memstats_alloc_bytes_total')}: the process restarted; import one process's samples`);
    intervals.push({ t0: a.t, t1: b.t, alloc: d, live0: lives[i - 1]!, live1: lives[i]! });
  }
  // Before the first scrape: with real timestamps and the process's start time, a phase from the start (what it allocated, the live set built over it).
  const start = maybe(first, 'process_start_time_seconds');
  const allocFirst = need(first, 'go_memstats_alloc_bytes_total');
  let t0 = first.t;
  if (start !== null && first.t > 1e9 && first.t - start > 0 && allocFirst > 0) {
    intervals.unshift({ t0: start, t1: first.t, alloc: allocFirst, live0: 0, live1: lives[0]! });
    t0 = start;
  } else if (lives[0]! > MiB) {
    warnings.push(`the workload starts at the first scrape: its live set (${(lives[0]! / MiB).toFixed(1)} MiB) is built at once at the start`);
  }

  const merged: Merged[] = [];
  for (let a = 0; a < intervals.length; ) {
    let b = a;
    while (b + 1 < intervals.length && fits(intervals, a, b + 1)) b++;
    let alloc = 0;
    for (let i = a; i <= b; i++) alloc += intervals[i]!.alloc;
    merged.push({ t0: intervals[a]!.t0, t1: intervals[b]!.t1, alloc, l0: intervals[a]!.live0, l1: intervals[b]!.live1 });
    a = b + 1;
  }
  const phases: PhaseSpan[] = merged.map((p) => ({ durS: p.t1 - p.t0, rate: p.alloc / (p.t1 - p.t0), l0: p.l0, l1: p.l1 }));
  const endS = last.t - t0;
  let tail: string | null = null;
  if (o.durationNs !== null) {
    // The last phase goes on at its rate, the live set on its slope.
    const lp = phases[phases.length - 1]!;
    const durS = o.durationNs / 1e9;
    const fit = fitPhases(phases, endS, durS, lp.rate, (lp.l1 - lp.l0) / lp.durS);
    if (fit === 'extended') tail = `the last phase goes on for ${goDuration(durS - endS)} after the last scrape`;
    if (fit === 'cut') tail = `cut at ${goDuration(durS)}`;
  }

  const mix = mixOfHistogram(first, last, o.rule);
  const kinds = mix === null ? null : mergeKinds(mix.kinds);
  if (mix === null) warnings.push('no go_gc_heap_allocs_by_size_bytes histogram: the workload gets the default size mix (docs/workloads.md)');

  const gomaxprocs = maybe(last, 'go_sched_gomaxprocs_threads');
  const goroutineSeries = scrapes.map((s) => maybe(s, 'go_goroutines')).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const goroutines = goroutineSeries.length === 0 ? null : goroutineSeries[Math.floor(goroutineSeries.length / 2)]!;
  // main is one of them; the others serve requests (up to 16) or wait.
  const connections = goroutines === null ? maxConnections : Math.max(1, Math.min(maxConnections, Math.round(goroutines) - 1));
  const idle = goroutines === null ? 0 : Math.max(0, Math.round(goroutines) - 1 - connections);
  const rss = scrapes.map((s) => maybe(s, 'process_resident_memory_bytes')).filter((x): x is number => x !== null);
  const cyclesOf = (s: Scrape): number | null => maybe(s, 'go_gc_duration_seconds_count');
  const c0 = cyclesOf(first);
  const c1 = cyclesOf(last);
  const totalAlloc = need(last, 'go_memstats_alloc_bytes_total') - (t0 === first.t ? allocFirst : 0);
  const rate = totalAlloc / (last.t - t0);
  const name = o.name ?? nameOf(o.files.length === 1 ? o.files[0]! : (o.files[0]!.replace(/\/[^/]*$/, '') || 'prom'), 'prom');
  const workload: PromWorkloadJson = {
    format: workloadFormat,
    name,
    description: `imported from ${input}: ${scrapes.length} scrapes over ${(last.t - first.t).toFixed(1)} s, ${(rate / MiB).toFixed(1)} MiB/s allocated, live ${(lives[0]! / MiB).toFixed(1)} → ${(lives[lives.length - 1]! / MiB).toFixed(1)} MiB, ${phases.length} phases`,
    source: {
      importer: 'prom',
      files: o.files.length <= 4 ? o.files : [...o.files.slice(0, 2), '…', o.files[o.files.length - 1]],
      scrapes: scrapes.length,
      firstT: first.t,
      lastT: last.t,
      startsAt: t0 === first.t ? 'first scrape' : 'process_start_time_seconds',
      gogc: gogc === null ? 'off' : gogc,
      gogcFrom: gogcSeen !== null ? 'go_gc_gogc_percent' : '--gogc',
      memlimit: limit,
      cycles: c0 !== null && c1 !== null ? c1 - c0 : null,
      peakRss: rss.length > 0 ? Math.max(...rss) : null,
      goroutines,
      sizeMix: mix === null ? 'default' : { histogram: 'go_gc_heap_allocs_by_size_bytes', buckets: mix.buckets, theta: Math.round(mix.theta * 1e3) / 1e3, kinds: kinds!.length },
      pointerRule: { pointersMax: o.rule.pointersMax },
      tail,
    },
    connections,
    idleGoroutines: idle,
    phases: phases.map((p) => phaseJson(p.durS, p.rate, p.l0, p.l1)),
  };
  if (gomaxprocs !== null && gomaxprocs >= 1) workload.gomaxprocs = Math.round(gomaxprocs);
  if (kinds !== null) workload.objects = mixJson(kinds);
  return { workload, warnings };
}
