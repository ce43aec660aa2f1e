// A workload model (src/whatif/workload.ts) inferred from one or two Go heap
// profiles (pprof.ts): the size mix from alloc_space by object size, the
// long-lived set from inuse_space, the allocation rate from alloc_space over
// time. docs/workloads.md, "Importing a heap profile", says the same in a
// user's words; the reasoning is here.
//
// Time: a heap profile carries when it was written (time_nanos) but not
// since when the process has run. One profile needs --uptime (its counts
// are totals since the start); two profiles of the same process give the
// rate as the difference of their totals over the gap between them.
//
// The publication lag (runtime/mprof.go): a malloc is counted in the
// profile only once two more GC cycles have ended (mallocs go to cycle
// C+2, and a cycle is flushed into the published profile at a mark
// termination), so a profile's alloc totals stop, on average, about 1.5
// GC cycles before it was written. A cycle lets the heap grow by about
// GOGC% of the marked heap, so the missing allocation is about
// 1.5 × inuse × GOGC/100 bytes: the importer adds it to each profile's
// total (lagCycles). Between two profiles the lags mostly cancel; for one
// profile and --uptime it is the difference between a rate 25% low and
// one near right (the steady program of reality/whatif: 410 MB counted at
// 10 s against ~520 MB allocated). The same lag in time (that allocation
// at the rate) makes a growing live set late: its inuse_space is of that
// long before the writing, so its slope is taken between those times and
// each end moved up the line to its profile's writing (the growing cache
// of reality/whatif: 4.19 MiB/s between its profiles read as they are,
// 5.33 so, against the 5.35 its marked heap grows by gctrace).

import { formatDuration } from '../go/units.ts';
import { class_to_size } from '../runtime/sizeclasses.ts';
import { sizeToClass } from '../runtime/msize.ts';
import { workloadFormat } from '../whatif/workload.ts';
import { bytesPerRequest } from './gctrace_workload.ts';
import { type HeapProfile, type HeapSample, PprofError } from './pprof.ts';

const MiB = 2 ** 20;
const maxSmallSize = 32768;
const pageSize = 8192;
const maxObjectSize = 2 ** 30;

/** At most this many object kinds in the mix: the rest are merged into their nearest kept kind (mergeKinds). */
export const maxKinds = 16;
/** Default pointer rule: objects up to this size are pointerful (structs, slices of pointers, map buckets), larger ones noscan (byte buffers). */
export const defaultPointersMax = 512;
/**
 * Default noscan functions: a sample whose allocating frame (the first one
 * the profile shows) is one of these made bytes or a string, whatever its
 * size. Runtime frames (makeslice, concatstrings) are hidden by the writer,
 * so this sees only the caller: standard-library byte and string builders.
 */
export const defaultNoscanFuncs = /^(bytes\.|strings\.|strconv\.|bufio\.|compress\/|encoding\/(base64|hex)\.|io\.ReadAll$|os\.ReadFile$|fmt\.(Sprint|Append))/;
/** GC cycles by which a profile's alloc totals lag its writing, on average (see the header). */
export const lagCycles = 1.5;
/** The live set changed between two profiles when by more than this share (or 1 MiB): it grows or shrinks over the phases. */
const growthTolerance = 0.05;

/** How sizes and functions decide whether a kind holds pointers. */
export interface PointerRule {
  /** Objects up to this size are pointerful, larger ones noscan. */
  readonly pointersMax: number;
  /** A sample whose allocating function matches is noscan whatever its size (null: no such rule). */
  readonly noscanFuncs: RegExp | null;
}

export const defaultPointerRule: PointerRule = { pointersMax: defaultPointersMax, noscanFuncs: defaultNoscanFuncs };

/** The object size Go's allocator gives a request of this many bytes: its size class, or whole pages when large. */
export function slotSize(size: number): number {
  if (size <= 0) return 8;
  if (size > maxSmallSize) return Math.min(maxObjectSize, Math.ceil(size / pageSize) * pageSize);
  return class_to_size[sizeToClass(size)]!;
}

/** One kind in the mix as it goes into the JSON: the type's size (a pointerful one over 512 B less its 8-byte malloc header), pointers, bytes allocated. */
export interface KindJson {
  size: number;
  pointers: boolean;
  share: number;
}

/** A kind while the mix is built: its slot size, pointerfulness and allocated bytes. */
export interface KindBytes {
  slot: number;
  pointers: boolean;
  bytes: number;
}

/**
 * Kinds merged down to `max`: the largest by bytes are kept, and each
 * other kind's bytes go to the kept kind of the same pointerfulness nearest
 * to it in log size (of either, when none has its pointerfulness).
 */
export function mergeKinds(kinds: readonly KindBytes[], max = maxKinds): KindBytes[] {
  const live = kinds.filter((k) => k.bytes > 0).sort((a, b) => b.bytes - a.bytes || a.slot - b.slot);
  const kept = live.slice(0, max).map((k) => ({ ...k }));
  for (const k of live.slice(max)) {
    const same = kept.filter((x) => x.pointers === k.pointers);
    const pool = same.length > 0 ? same : kept;
    let best = pool[0]!;
    for (const x of pool) if (Math.abs(Math.log(x.slot / k.slot)) < Math.abs(Math.log(best.slot / k.slot))) best = x;
    best.bytes += k.bytes;
  }
  return kept.sort((a, b) => a.slot - b.slot || Number(b.pointers) - Number(a.pointers));
}

/** The mix's JSON: shares of allocated bytes to 4 significant digits, sizes as a Go type would ask for its slot. */
export function mixJson(kinds: readonly KindBytes[]): KindJson[] {
  const total = kinds.reduce((a, k) => a + k.bytes, 0);
  return kinds.map((k) => ({
    // A pointerful small object over 512 bytes carries an 8-byte malloc header inside its slot (Go 1.22+).
    size: k.pointers && k.slot > 512 + 8 && k.slot <= maxSmallSize ? k.slot - 8 : k.slot,
    pointers: k.pointers,
    share: Number((k.bytes / total).toPrecision(4)),
  }));
}

function pointerful(s: HeapSample, slot: number, rule: PointerRule): boolean {
  if (slot < 8) return false;
  const leaf = s.funcs[0];
  if (rule.noscanFuncs !== null && leaf !== undefined && rule.noscanFuncs.test(leaf)) return false;
  return slot <= rule.pointersMax;
}

interface Totals {
  alloc: number;
  inuse: number;
  /** Allocated bytes per kind key ("slot/p"). */
  byKind: Map<string, KindBytes>;
  /** In-use bytes per object size (the live set's own mix, for `source`). */
  inuseBySlot: Map<number, number>;
}

function totalsOf(p: HeapProfile, rule: PointerRule): Totals {
  const byKind = new Map<string, KindBytes>();
  let alloc = 0;
  let inuse = 0;
  const inuseBySlot = new Map<number, number>();
  for (const s of p.samples) {
    alloc += s.allocBytes;
    inuse += s.inuseBytes;
    if (s.inuseBytes > 0) inuseBySlot.set(slotSize(s.size), (inuseBySlot.get(slotSize(s.size)) ?? 0) + s.inuseBytes);
    if (s.allocBytes <= 0) continue;
    const slot = slotSize(s.size);
    const pointers = pointerful(s, slot, rule);
    const key = `${slot}/${pointers}`;
    const k = byKind.get(key);
    if (k === undefined) byKind.set(key, { slot, pointers, bytes: s.allocBytes });
    else k.bytes += s.allocBytes;
  }
  return { alloc, inuse, byKind, inuseBySlot };
}

export interface PprofImportOptions {
  /** The profiles' names, for `source` and the workload's default name. */
  readonly files: readonly string[];
  readonly name?: string;
  /** How long the process had run when the later (or only) profile was written, ns; null: unknown. */
  readonly uptimeNs: number | null;
  /** How long the workload runs, ns (null: to the later profile, or --uptime). */
  readonly durationNs: number | null;
  /** GOGC the service ran with (null: off): for the publication lag, and recorded in `source`. */
  readonly gogc: number | null;
  readonly rule: PointerRule;
  /** The profiles were written just after a forced GC (/debug/pprof/heap?gc=1): up to date, no publication lag to correct. */
  readonly afterGC?: boolean;
  /** One profile: its live set was built at the start and held ('held', the default), or grew from nothing at a steady pace ('linear'). */
  readonly liveGrowth?: 'held' | 'linear';
}

/** A phase while the workload is built: seconds, bytes per second, the live set at its ends. */
export interface PhaseSpan {
  durS: number;
  rate: number;
  l0: number;
  l1: number;
}

/** One phase as it goes into the workload's JSON. */
export interface PprofPhaseJson {
  duration: string;
  allocRate: number;
  requestRate: number;
  live: [number, number];
}

export interface PprofWorkloadJson {
  format: string;
  name: string;
  description: string;
  source: Record<string, unknown>;
  objects: KindJson[];
  phases: PprofPhaseJson[];
}

export interface PprofImport {
  readonly workload: PprofWorkloadJson;
  readonly warnings: readonly string[];
}

/** A file's base name as a workload name. */
export function nameOf(file: string, fallback: string): string {
  return file.replace(/^.*\//, '').replace(/\.gz$/, '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '-') || fallback;
}

/** A duration in Go's syntax, to the microsecond. */
export function goDuration(s: number): string {
  return formatDuration(Math.max(1000, Math.round(s * 1e6) * 1000));
}

export function phaseJson(durS: number, allocRate: number, live0: number, live1: number): PprofPhaseJson {
  const rate = Math.round(Math.max(0, allocRate, (live1 - live0) / durS));
  return { duration: goDuration(durS), allocRate: rate, requestRate: Math.max(1, Math.round(rate / bytesPerRequest)), live: [Math.round(Math.max(0, live0)), Math.round(Math.max(0, live1))] };
}

/**
 * How long before its writing a profile's figures are (the publication
 * lag in time): the allocation it leaves out (lagFactor × inuse) at the
 * rate, at most a quarter of `span` (the time it is compared over), so a
 * slope is never taken over a vanishing interval.
 */
export function lagSeconds(inuse: number, rate: number, lagFactor: number, span: number): number {
  return rate > 0 ? Math.min(span / 2, (lagFactor * inuse) / rate) : 0;
}

/**
 * Phases that end at endS made to last durS (--duration): past their end
 * one more phase at `rate` with the live set going on at `slope` bytes per
 * second; short of it, cut there (the live set where its line is then).
 */
export function fitPhases(phases: PhaseSpan[], endS: number, durS: number, rate: number, slope: number): 'extended' | 'cut' | null {
  if (durS > endS + 1e-6) {
    const last = phases[phases.length - 1]!.l1;
    phases.push({ durS: durS - endS, rate, l0: last, l1: Math.max(0, last + slope * (durS - endS)) });
    return 'extended';
  }
  if (durS >= endS - 1e-6) return null;
  let left = durS;
  const kept: PhaseSpan[] = [];
  for (const p of phases) {
    if (left <= 1e-9) break;
    const take = Math.min(p.durS, left);
    kept.push({ ...p, durS: take, l1: p.l0 + ((p.l1 - p.l0) * take) / p.durS });
    left -= take;
  }
  phases.splice(0, phases.length, ...kept);
  return 'cut';
}

/** The workload one or two heap profiles imply (see the header and docs/workloads.md). */
export function workloadFromHeapProfiles(profiles: readonly HeapProfile[], o: PprofImportOptions): PprofImport {
  if (profiles.length < 1 || profiles.length > 2) throw new PprofError('one or two heap profiles');
  const warnings: string[] = [];
  const sorted = [...profiles].sort((a, b) => a.timeNanos - b.timeNanos);
  const totals = sorted.map((p) => totalsOf(p, o.rule));
  const lagFactor = o.afterGC === true ? 0 : lagCycles * ((o.gogc ?? 100) / 100);
  // Each profile's alloc total, with the allocation its publication lag leaves out.
  const allocAt = totals.map((t) => t.alloc + lagFactor * t.inuse);
  const phases: PhaseSpan[] = [];
  const lags: number[] = [];
  let mix: KindBytes[];
  let gapS: number | null = null;
  let endS: number;
  let rate: number;
  let growth = 0;
  const uptimeS = o.uptimeNs === null ? null : o.uptimeNs / 1e9;
  if (sorted.length === 1) {
    const t = totals[0]!;
    if (uptimeS === null) throw new PprofError(`${o.files[0]}: one heap profile has no time to rate its allocation over: give --uptime (how long the process had run when it was written), or two profiles of the same process`);
    mix = [...t.byKind.values()];
    endS = uptimeS;
    if (o.liveGrowth === 'linear') {
      // The live set grew from nothing at a steady pace (a cache filling): its allocation is part of the rate.
      // Its inuse_space is as of the lag before writing (lagSeconds): the slope is over the time to then, the end on it.
      rate = allocAt[0]! / uptimeS;
      const lag = lagSeconds(t.inuse, rate, lagFactor, uptimeS);
      lags.push(lag);
      growth = t.inuse / (uptimeS - lag);
      phases.push({ durS: uptimeS, rate, l0: 0, l1: t.inuse + growth * lag });
    } else {
      // Built at the start (loaded, then held): on top of the rate.
      rate = Math.max(0, allocAt[0]! - t.inuse) / uptimeS;
      phases.push({ durS: uptimeS, rate, l0: t.inuse, l1: t.inuse });
    }
  } else {
    const [a, b] = sorted as [HeapProfile, HeapProfile];
    const [ta, tb] = totals as [Totals, Totals];
    if (a.timeNanos <= 0 || b.timeNanos <= 0) throw new PprofError(`${a.timeNanos <= 0 ? a.file : b.file}: the profile has no time_nanos: cannot rate two profiles' difference`);
    gapS = (b.timeNanos - a.timeNanos) / 1e9;
    if (gapS <= 0) throw new PprofError(`${b.file}: written at the same time as ${a.file}: no gap to rate their difference over`);
    if (tb.alloc < ta.alloc) throw new PprofError(`${b.file}: allocated less in all (${tb.alloc} bytes) than the earlier ${a.file} (${ta.alloc}): not two profiles of the same process`);
    rate = Math.max(0, allocAt[1]! - allocAt[0]!) / gapS;
    // The mix from what was allocated between the two: the difference per kind.
    mix = [];
    for (const [key, kb] of tb.byKind) mix.push({ ...kb, bytes: Math.max(0, kb.bytes - (ta.byKind.get(key)?.bytes ?? 0)) });
    if (mix.every((k) => k.bytes === 0)) mix = [...tb.byKind.values()];
    const changed = Math.abs(tb.inuse - ta.inuse) > Math.max(growthTolerance * Math.max(ta.inuse, tb.inuse), MiB);
    // A live set that changes is measured late in each profile (lagSeconds, the later one more when it grows):
    // its slope is over the times the two figures are of, and each end is put back on the line at its writing.
    const lagA = changed ? lagSeconds(ta.inuse, rate, lagFactor, gapS) : 0;
    const lagB = changed ? lagSeconds(tb.inuse, rate, lagFactor, gapS) : 0;
    lags.push(lagA, lagB);
    growth = changed ? (tb.inuse - ta.inuse) / (gapS - lagB + lagA) : 0;
    const l1 = Math.max(0, ta.inuse + growth * lagA);
    const l2 = Math.max(0, tb.inuse + growth * lagB);
    if (uptimeS !== null) {
      const beforeS = uptimeS - gapS;
      if (beforeS <= 0) throw new PprofError(`--uptime ${goDuration(uptimeS)} is not longer than the ${goDuration(gapS)} between the profiles`);
      // Before the earlier profile: the live set on the same line back to the start (held, when it did not change), built at once at the start.
      // A line that starts within a tenth of the earlier figure starts from nothing: a process starts with an empty heap, and the first
      // cycles, at the 4 MiB minimum heap, are many while it is small (the growing cache: 21 in its first second at GOGC=50).
      const back = l1 - growth * beforeS;
      const l0 = !changed ? l2 : back < 0.1 * l1 ? 0 : back;
      phases.push({ durS: beforeS, rate: Math.max(0, allocAt[0]! - l0) / beforeS, l0, l1: changed ? l1 : l2 });
      endS = uptimeS;
    } else {
      warnings.push(`without --uptime the workload starts at ${a.file}: its live set (${(l1 / MiB).toFixed(1)} MiB) is built at once at the start`);
      endS = gapS;
    }
    phases.push({ durS: gapS, rate, l0: changed ? l1 : l2, l1: l2 });
  }
  let tail: string | null = null;
  if (o.durationNs !== null) {
    const fit = fitPhases(phases, endS, o.durationNs / 1e9, rate, growth);
    if (fit === 'cut') tail = `cut at ${goDuration(o.durationNs / 1e9)}`;
    if (fit === 'extended') {
      const extra = o.durationNs / 1e9 - endS;
      tail = `the last rate goes on for ${goDuration(extra)} after the ${sorted.length === 2 ? 'later ' : ''}profile${growth !== 0 ? `, the live set still ${growth > 0 ? 'growing' : 'shrinking'} at ${(growth / MiB).toFixed(2)} MiB/s` : ''}`;
    }
  }
  const kinds = mergeKinds(mix);
  const distinct = new Set(mix.filter((k) => k.bytes > 0).map((k) => `${k.slot}/${k.pointers}`)).size;
  if (kinds.length === 0) throw new PprofError(`${sorted[sorted.length - 1]!.file}: no allocation in the profile${sorted.length === 2 ? 's\' difference' : ''}: no size mix`);
  const last = sorted[sorted.length - 1]!;
  const lastTotals = totals[totals.length - 1]!;
  if (last.period > 0 && lastTotals.alloc / last.period < 1000) {
    warnings.push(`only about ${Math.round(lastTotals.alloc / last.period)} samples at MemProfileRate ${last.period}: the size mix and rates are rough`);
  }
  const name = o.name ?? nameOf(last.file, 'heap');
  const pointerShare = kinds.filter((k) => k.pointers).reduce((a, k) => a + k.bytes, 0) / kinds.reduce((a, k) => a + k.bytes, 0);
  return {
    warnings,
    workload: {
      format: workloadFormat,
      name,
      description: `imported from ${sorted.length === 2 ? `${sorted[0]!.file} and ${last.file}` : last.file}: ${(rate / MiB).toFixed(1)} MiB/s allocated, ${(lastTotals.inuse / MiB).toFixed(1)} MiB in use, ${kinds.length} object kinds`,
      source: {
        importer: 'pprof',
        files: sorted.map((p) => p.file),
        timeNanos: sorted.map((p) => p.timeNanos),
        gapS,
        uptimeS,
        liveGrowth: sorted.length === 1 ? (o.liveGrowth ?? 'held') : growth === 0 ? 'held' : 'between the profiles',
        memProfileRate: last.period,
        samples: sorted.map((p) => p.samples.length),
        allocSpace: totals.map((t) => t.alloc),
        inuseSpace: totals.map((t) => t.inuse),
        lagCorrection: totals.map((t) => Math.round(lagFactor * t.inuse)),
        liveLagS: lags.map((x) => Math.round(x * 1e3) / 1e3),
        gogc: o.gogc === null ? 'off' : o.gogc,
        kinds: distinct,
        keptKinds: kinds.length,
        pointerRule: { pointersMax: o.rule.pointersMax, noscanFuncs: o.rule.noscanFuncs?.source ?? null },
        pointerShare: Math.round(pointerShare * 1e4) / 1e4,
        // The live set's own mix (the workload draws it from `objects`, as it has one mix): the largest sizes by in-use bytes.
        inuseBySize: [...lastTotals.inuseBySlot.entries()]
          .sort((x, y) => y[1] - x[1])
          .slice(0, 8)
          .map(([size, bytes]) => ({ size, share: Number((bytes / lastTotals.inuse).toPrecision(3)) })),
        tail,
      },
      objects: mixJson(kinds),
      phases: phases.map((p) => phaseJson(p.durS, p.rate, p.l0, p.l1)),
    },
  };
}
