// A workload model (src/whatif/workload.ts) inferred from a gctrace log's
// cycles: what the service allocated between cycles, the long-lived set the
// marks found, its GOMAXPROCS, stacks and globals, merged into phases where
// the rates hold steady. docs/workloads.md, "Importing a gctrace log", says
// the same in a user's words; the reasoning is here.
//
// What H0->H1->H2 measure (runtime/mgc.go, mgcpacer.go): H0 is heapLive at
// the cycle's sweep termination, H1 heapLive when mark ended (the world is
// stopped from there to the line), H2 the bytes marked. Mark termination
// resets heapLive to the marked bytes, so between the end of cycle k-1 and
// the end of cycle k the service allocated H1(k) - H2(k-1) — the allocations
// during cycle k's mark included. Objects allocated during a mark are
// allocated black and counted in H2, so the long-lived set at the mark's
// start is H2 - (H1 - H0).

import { formatDuration } from '../go/units.ts';
import { workloadFormat } from '../whatif/workload.ts';
import { type GcCycle, GctraceError, type GctraceLog } from './gctrace.ts';

const MiB = 2 ** 20;

/** Settings the log was recorded at, and what the command line adds. */
export interface GctraceImportOptions {
  /** The log's name, for `source` and the workload's default name. */
  readonly file: string;
  readonly name?: string;
  /** GOGC the service ran with (null: off). */
  readonly gogc: number | null;
  /** GOMEMLIMIT the service ran with, bytes (null: none). */
  readonly memlimit: number | null;
  /** How long the service ran from its start, when known: the workload goes on past the last cycle to there. */
  readonly durationNs: number | null;
  /** The CPUs the service used on average over the log, GC included (top's %CPU / 100), when known. */
  readonly cpu?: number | null;
}

/** One phase as it goes into the workload's JSON. */
export interface PhaseJson {
  duration: string;
  allocRate: number;
  requestRate: number;
  cpuPerRequest?: string;
  live: [number, number];
}

/** The workload's JSON (the "gomem-workload/1" format). */
export interface WorkloadJson {
  format: string;
  name: string;
  description: string;
  source: Record<string, unknown>;
  gomaxprocs: number;
  idleGoroutines: number;
  globals: number;
  phases: PhaseJson[];
}

export interface GctraceImport {
  readonly workload: WorkloadJson;
  /** Things the user should know (a GOGC the goals contradict, a heap too small for MB figures). */
  readonly warnings: readonly string[];
}

/** A stretch between two observations: what was allocated over it, the long-lived set at its ends (bytes, seconds). */
interface Segment {
  t0: number;
  t1: number;
  alloc: number;
  live0: number;
  live1: number;
  /** Cycles are missing inside it (the log skipped some): its allocation is taken from its neighbours' rates. */
  unknown: boolean;
}

/** Two intervals' allocations agree when within this share of the phase's rate, or within the MB figures' resolution. */
export const rateTolerance = 0.25;
/** A cycle's long-lived set lies on its phase's line when within this share, or within 1.5 MiB (the resolution of H2 - (H1 - H0): a half MiB for H2's midpoint, one for the difference). */
export const liveTolerance = 0.1;
const liveSlack = 1.5 * MiB;
/** An interval allocating under this share of both its neighbours' rates is a quiet gap between busy stretches. */
export const gapRatio = 1 / 3;
/**
 * gctrace says nothing of requests: every phase gets the same request rate,
 * the log's mean allocation rate over this many bytes, and a phase's rate
 * sets what each of its requests allocates (nothing in a quiet gap). One
 * rate for all phases also keeps a connection from sleeping through a busy
 * phase on an arrival drawn at a quiet phase's rate.
 */
export const bytesPerRequest = 32 * 1024;
/** The stack a parked service goroutine has scanned (hi − sp), to turn "MB stacks" into goroutines. */
export const parkedStackScan = 1024;
/** Go's lowest and highest trigger, as shares of the runway from the marked heap to the goal (mgcpacer.go: 45/64 and 61/64). */
const minTriggerShare = 45 / 64;
const maxTriggerShare = 61 / 64;

/**
 * Where the log's recent cycles triggered, as a share of their runway
 * ((H0 - marked before) / (goal - marked before)): the least of the last
 * five, within Go's bounds; Go's lowest when the log cannot say.
 */
function triggerShareOf(cycles: readonly GcCycle[]): number {
  const shares: number[] = [];
  for (let i = Math.max(1, cycles.length - 5); i < cycles.length; i++) {
    const p = cycles[i - 1]!;
    const c = cycles[i]!;
    if (c.n !== p.n + 1 || c.goalMB <= p.heap2MB + 1) continue;
    shares.push((mid(c.heap0MB) - mid(p.heap2MB)) / (mid(c.goalMB) - mid(p.heap2MB)));
  }
  return shares.length === 0 ? minTriggerShare : Math.min(maxTriggerShare, Math.max(minTriggerShare, Math.min(...shares)));
}

/** A truncated MB figure taken at the middle of the MiB it stands for. */
const mid = (mb: number): number => (mb + 0.5) * MiB;

function endOf(c: GcCycle): number {
  return c.atS + (c.clockMs[0] + c.clockMs[1] + c.clockMs[2]) / 1000;
}

/** The long-lived set at the cycle's mark start: the marked bytes less what was allocated black during the mark. */
function liveOf(c: GcCycle): number {
  return Math.max(0, mid(c.heap2MB) - Math.max(0, c.heap1MB - c.heap0MB) * MiB);
}

const rateOf = (s: Segment): number => s.alloc / (s.t1 - s.t0);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The intervals between consecutive cycles (and from the start, when the log begins at gc 1). */
function segmentsOf(cycles: readonly GcCycle[]): Segment[] {
  const out: Segment[] = [];
  const first = cycles[0]!;
  let prev: GcCycle | null = null;
  if (first.n === 1) {
    // The runtime starts with an (almost) empty heap: the first interval runs from t=0.
    out.push({ t0: 0, t1: endOf(first), alloc: mid(first.heap1MB), live0: 0, live1: liveOf(first), unknown: false });
  }
  prev = first;
  for (const c of cycles.slice(1)) {
    const unknown = c.n !== prev.n + 1;
    out.push({
      t0: endOf(prev),
      t1: endOf(c),
      alloc: unknown ? 0 : Math.max(0, (c.heap1MB - prev.heap2MB) * MiB),
      live0: liveOf(prev),
      live1: liveOf(c),
      unknown,
    });
    prev = c;
  }
  // An interval over missing cycles: the mean rate of its known neighbours.
  out.forEach((s, i) => {
    if (!s.unknown) return;
    const near = [out[i - 1], out[i + 1]].filter((x): x is Segment => x !== undefined && !x.unknown);
    const r = near.length === 0 ? 0 : near.reduce((a, x) => a + rateOf(x), 0) / near.length;
    s.alloc = r * (s.t1 - s.t0);
  });
  return out.filter((s) => s.t1 > s.t0);
}

/**
 * Quiet gaps: a cycle triggers only when allocation reaches the heap goal,
 * so a service that bursts and rests shows one long interval per rest with a
 * burst's worth of allocation in it. Such an interval (under gapRatio of
 * both neighbours' rates) is split: its allocation at the neighbours' mean
 * rate, half at its start (the burst's tail) and half at its end (the next
 * burst's head), quiet between; the long-lived set follows each neighbour's
 * slope in its half and drops to the next burst's level in the quiet.
 */
function splitGaps(segs: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  segs.forEach((s, i) => {
    const before = segs[i - 1];
    const after = segs[i + 1];
    if (before === undefined || after === undefined) return void out.push(s);
    const rb = rateOf(before);
    const ra = rateOf(after);
    const r = rateOf(s);
    if (!(rb > 0 && ra > 0 && r < gapRatio * Math.min(rb, ra))) return void out.push(s);
    const busyRate = (rb + ra) / 2;
    const half = s.alloc / busyRate / 2;
    const slope = (x: Segment): number => (x.live1 - x.live0) / (x.t1 - x.t0);
    const tailLive = Math.max(0, s.live0 + slope(before) * half);
    const headLive = Math.max(0, s.live1 - slope(after) * half);
    out.push({ t0: s.t0, t1: s.t0 + half, alloc: s.alloc / 2, live0: s.live0, live1: tailLive, unknown: false });
    out.push({ t0: s.t0 + half, t1: s.t1 - half, alloc: 0, live0: headLive, live1: headLive, unknown: false });
    out.push({ t0: s.t1 - half, t1: s.t1, alloc: s.alloc / 2, live0: headLive, live1: s.live1, unknown: false });
  });
  return out;
}

/** Whether segments a..b (inclusive) are one phase: each allocates at the common rate and its live ends lie on the phase's line. */
function onePhase(segs: readonly Segment[], a: number, b: number): boolean {
  let alloc = 0;
  for (let i = a; i <= b; i++) alloc += segs[i]!.alloc;
  const t0 = segs[a]!.t0;
  const t1 = segs[b]!.t1;
  const rate = alloc / (t1 - t0);
  const l0 = segs[a]!.live0;
  const l1 = segs[b]!.live1;
  const line = (t: number): number => l0 + ((l1 - l0) * (t - t0)) / (t1 - t0);
  const near = (x: number, want: number): boolean => Math.abs(x - want) <= Math.max(liveTolerance * Math.max(x, want), liveSlack);
  for (let i = a; i <= b; i++) {
    const s = segs[i]!;
    const expect = rate * (s.t1 - s.t0);
    if (Math.abs(s.alloc - expect) > Math.max(rateTolerance * expect, MiB)) return false;
    if (!near(s.live0, line(s.t0)) || !near(s.live1, line(s.t1))) return false;
  }
  return true;
}

interface Merged {
  t0: number;
  t1: number;
  alloc: number;
  live0: number;
  live1: number;
  intervals: number;
}

/** Consecutive segments joined greedily from the start while they stay one phase (onePhase). */
function mergePhases(segs: readonly Segment[]): Merged[] {
  const out: Merged[] = [];
  let a = 0;
  while (a < segs.length) {
    let b = a;
    while (b + 1 < segs.length && onePhase(segs, a, b + 1)) b++;
    let alloc = 0;
    for (let i = a; i <= b; i++) alloc += segs[i]!.alloc;
    out.push({ t0: segs[a]!.t0, t1: segs[b]!.t1, alloc, live0: segs[a]!.live0, live1: segs[b]!.live1, intervals: b - a + 1 });
    a = b + 1;
  }
  return out;
}

/**
 * After the last cycle the log says only that no cycle started: the tail
 * allocated less than the runway to the next trigger. With --duration the
 * last phase goes on at its rate, up to the share of that runway at which
 * the log's last cycles triggered (triggerShareOf: so the source setting
 * would not start a cycle the log does not have), and the rest of the time
 * is quiet.
 */
function addTail(phases: Merged[], cycles: readonly GcCycle[], endS: number, gogc: number | null): string | null {
  const last = phases[phases.length - 1]!;
  const tail = endS - last.t1;
  if (tail <= 0) return null;
  const lc = cycles[cycles.length - 1]!;
  const pc = cycles[cycles.length - 2];
  const marked = mid(lc.heap2MB);
  // The goal the next cycle would have run against: the last goal's ratio to the marked heap it came from.
  const ratio = pc !== undefined && pc.heap2MB > 0 ? mid(lc.goalMB) / mid(pc.heap2MB) : 1 + (gogc ?? 100) / 100;
  const runway = Math.max(0, marked * ratio - marked);
  const rate = last.alloc / (last.t1 - last.t0);
  const slope = (last.live1 - last.live0) / (last.t1 - last.t0);
  const room = triggerShareOf(cycles) * runway;
  const busy = rate > 0 ? Math.min(tail, room / rate) : tail;
  last.alloc += rate * busy;
  last.live1 = Math.max(0, last.live1 + slope * busy);
  last.t1 += busy;
  if (busy < tail) {
    phases.push({ t0: last.t1, t1: endS, alloc: 0, live0: last.live1, live1: last.live1, intervals: 0 });
    return `after the last cycle the last phase goes on for ${busy.toFixed(2)} s (up to ${Math.round(room / MiB)} MiB, below the next trigger), then ${(tail - busy).toFixed(2)} s quiet`;
  }
  return `after the last cycle the last phase goes on for ${tail.toFixed(2)} s`;
}

/** The GOGC the goals imply, from cycles whose previous marked heap is large enough for MB figures (≥ 8 MiB), or null. */
function impliedGogc(cycles: readonly GcCycle[]): number | null {
  const xs: number[] = [];
  for (let i = 1; i < cycles.length; i++) {
    const p = cycles[i - 1]!;
    const c = cycles[i]!;
    if (p.heap2MB < 8 || c.n !== p.n + 1) continue;
    const roots = (c.stacksMB > 0 ? mid(c.stacksMB) : 0) + (c.globalsMB > 0 ? mid(c.globalsMB) : 0);
    xs.push((100 * (mid(c.goalMB) - mid(p.heap2MB))) / (mid(p.heap2MB) + roots));
  }
  return xs.length === 0 ? null : Math.round(median(xs));
}

function mostCommon(xs: readonly number[]): number {
  const n = new Map<number, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
}

/** A duration in Go's syntax, to the microsecond. */
function goDuration(s: number): string {
  return formatDuration(Math.max(1000, Math.round(s * 1e6) * 1000));
}

/** The workload a gctrace log implies (see the header and docs/workloads.md). */
export function workloadFromGctrace(log: GctraceLog, o: GctraceImportOptions): GctraceImport {
  const warnings: string[] = [];
  const cycles = log.cycles;
  const first = cycles[0]!;
  const lastCycle = cycles[cycles.length - 1]!;
  if (cycles.length < 2 && first.n !== 1) {
    throw new GctraceError(`${o.file}:${first.line}: gc ${first.n} is the log's only cycle and not the first: no interval to measure allocation over`, first.line);
  }
  const segs = splitGaps(segmentsOf(cycles));
  if (segs.length === 0) throw new GctraceError(`${o.file}: no two cycles of the log are apart in time`, first.line);
  const phases = mergePhases(segs);
  const t0 = first.n === 1 ? 0 : endOf(first);
  let tailNote: string | null = null;
  if (o.durationNs !== null) {
    const endS = o.durationNs / 1e9;
    if (endS < endOf(lastCycle)) warnings.push(`--duration ${goDuration(endS)} ends before the last cycle (${endOf(lastCycle).toFixed(3)} s): ignored`);
    else tailNote = addTail(phases, cycles, endS, o.gogc);
  }

  const maxHeap = Math.max(...cycles.map((c) => c.heap1MB));
  if (maxHeap < 16) warnings.push(`the heap never reaches 16 MB (largest ${maxHeap} MB): gctrace's whole-MB figures leave its rates uncertain by up to 1 MiB per cycle`);
  const implied = impliedGogc(cycles);
  if (implied !== null && o.memlimit === null && o.gogc !== null && Math.abs(implied - o.gogc) > 0.1 * o.gogc + 5) {
    warnings.push(`the goals imply GOGC≈${implied}, not ${o.gogc}: give --gogc as the service ran`);
  }
  if (o.gogc === null && o.memlimit === null) warnings.push('GOGC=off without --memlimit: the service had no goal but the limit it was not given');

  const stacksMB = Math.max(...cycles.map((c) => c.stacksMB));
  const globalsMB = Math.max(...cycles.map((c) => c.globalsMB));
  const forced = cycles.filter((c) => c.forced).length;
  if (forced > 0) warnings.push(`${forced} of ${cycles.length} cycles were forced (runtime.GC): the workload has no forced cycles; their allocation is kept`);
  const name = o.name ?? (o.file.replace(/^.*\//, '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '-') || 'gctrace');

  const span = phases[phases.length - 1]!.t1 - phases[0]!.t0;
  const requestRate = Math.max(1, Math.round(phases.reduce((a, p) => a + p.alloc, 0) / span / bytesPerRequest));
  // --cpu: the service's own CPU (less the GC's share, gctrace's P% of the Ps), spread over the phases in proportion to
  // their allocation: a request's CPU besides allocating, as the format counts it.
  const cpu = o.cpu ?? null;
  const gcCpus = (lastCycle.cpuPct / 100) * lastCycle.procs;
  const totalAlloc = phases.reduce((a, p) => a + p.alloc, 0);
  const cpuPerByte = cpu === null || totalAlloc === 0 ? null : (Math.max(0, cpu - gcCpus) * span) / totalAlloc;
  const phaseJson = phases.map((p): PhaseJson => {
    const dur = p.t1 - p.t0;
    const growth = Math.max(0, (p.live1 - p.live0) / dur);
    // The long-lived set's growth is allocation too: never less than it.
    const allocRate = Math.round(Math.max(p.alloc / dur, growth));
    const out: PhaseJson = { duration: goDuration(dur), allocRate, requestRate, live: [Math.round(p.live0), Math.round(p.live1)] };
    if (cpuPerByte !== null) out.cpuPerRequest = formatDuration(Math.round((cpuPerByte * (p.alloc / dur) * 1e9) / requestRate));
    return out;
  });
  const settings: string[] = [`GOGC=${o.gogc ?? 'off'}`];
  if (o.memlimit !== null) settings.push(`GOMEMLIMIT=${o.memlimit}`);
  return {
    warnings,
    workload: {
      format: workloadFormat,
      name,
      description: `imported from ${o.file}: ${cycles.length} GC cycles over ${endOf(lastCycle).toFixed(1)} s at ${settings.join(' ')}, ${phaseJson.length} phases`,
      source: {
        importer: 'gctrace',
        file: o.file,
        cycles: cycles.length,
        firstCycle: first.n,
        lastCycle: lastCycle.n,
        forcedCycles: forced,
        startsAtS: t0,
        endsAtS: Math.round(endOf(lastCycle) * 1e6) / 1e6,
        gogc: o.gogc === null ? 'off' : o.gogc,
        gogcImplied: implied,
        memlimit: o.memlimit,
        durationS: o.durationNs === null ? null : o.durationNs / 1e9,
        cpu,
        gcCpus: Math.round(gcCpus * 1000) / 1000,
        tail: tailNote,
        intervals: segs.length,
        maxGoalMB: Math.max(...cycles.map((c) => c.goalMB)),
        stacksMB,
        globalsMB,
        otherLines: log.otherLines,
      },
      gomaxprocs: mostCommon(cycles.map((c) => c.procs)),
      idleGoroutines: stacksMB > 0 ? Math.round(mid(stacksMB) / parkedStackScan) : 0,
      globals: globalsMB > 0 ? Math.round(mid(globalsMB)) : 0,
      phases: phaseJson,
    },
  };
}
