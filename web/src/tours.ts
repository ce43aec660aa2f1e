// Guided tours: for the seeds' stories, a sequence of steps that each put
// the view somewhere (cursor, time range, the map's zoom) and explain what
// is there. Every figure a step quotes is read from the trace at that step's
// moment, as the charts and panels read it, so a tour of another run (other
// settings, another program) tells the truth about that run, and a step
// whose moment the run does not have is left out rather than made up.

import type { TraceRecord } from '../../src/trace/reader.ts';
import { addrMapAt, heapStart, pageTotals } from './addrmap.ts';
import { className } from './allocator.ts';
import { bytes, time } from './fmt.ts';
import { valuesAt } from './series.ts';
import type { Timeline } from './timeline.ts';

/** What a step does to the view. */
export interface TourTarget {
  setRecord(rec: number): void;
  setRange(t0: number, t1: number): void;
  resetRange(): void;
  /** The address-space map: the whole of it, or the Go heap's arenas. */
  map(zoom: MapZoom): void;
}

/** The map's zoom for a step: all of it, the Go heap, or addresses [lo, hi). */
export type MapZoom = 'all' | 'heap' | [number, number];

export interface TourStep {
  title: string;
  /** The record the cursor goes to. */
  record: number;
  /** The time range shown; null: the whole run. */
  range: [number, number] | null;
  map: MapZoom;
  text: string;
}

export interface Tour {
  id: string;
  title: string;
  steps: TourStep[];
}

type Rec<K extends TraceRecord['kind']> = Extract<TraceRecord, { kind: K }>;

/** The record to stand on for a checkpoint: the snapshot right after it (the same instant, with the map's page states), else the checkpoint. */
function atCheckpoint(tl: Timeline, name: string): number | null {
  const c = tl.checkpoints.find((x) => x.name === name);
  if (c === undefined) return null;
  return tl.records[c.record + 1]?.kind === 'snapshot' ? c.record + 1 : c.record;
}

function figures(tl: Timeline, rec: number): { rss: number; vsz: number; heapInuse: number; heapReleased: number; heapAlloc: number } {
  const v = valuesAt(tl, rec);
  return { rss: v.process!.VmRSS ?? 0, vsz: v.process!.VmSize ?? 0, heapInuse: v.heap!.HeapInuse ?? 0, heapReleased: v.heap!.HeapReleased ?? 0, heapAlloc: v.heap!.HeapAlloc ?? 0 };
}

const pct = (a: number, b: number): string => `${b > 0 ? ((100 * a) / b).toFixed(a / b < 0.01 ? 2 : 1) : '0'}%`;

/** Why a Go program's VSZ is over a gigabyte while its RSS is a few MiB: any trace with a heap. */
function vszTour(tl: Timeline): Tour | null {
  // The first checkpoint with its snapshot; a run without checkpoints (container-oom) has its snapshots.
  const firstCp = tl.checkpoints.find((c) => tl.records[atCheckpoint(tl, c.name)!]!.kind === 'snapshot');
  const firstSnap = Array.from(tl.snapshots).find((i) => (tl.records[i] as Rec<'snapshot'>).state.memstats !== null);
  const first = firstCp !== undefined ? { name: firstCp.name, rec: atCheckpoint(tl, firstCp.name)! } : firstSnap !== undefined ? { name: time(tl.tm[firstSnap]!), rec: firstSnap } : null;
  if (first === null) return null;
  const rec = first.rec;
  const m = addrMapAt(tl, rec);
  if (m === null) return null;
  const f = figures(tl, rec);
  const pages = pageTotals(m);
  const resident = pages.anon + pages['anon-huge'] + pages.lazyfree + pages.file + pages['file-dirty'];
  const reserved = m.vmas.filter((v) => (v.flags & 0x7) === 0).sort((a, b) => b.end - b.start - (a.end - a.start));
  const biggest = reserved.slice(0, 3).map((v) => `${bytes(v.end - v.start)} at 0x${v.start.toString(16)}`);
  const heapVmas = m.vmas.filter((v) => v.start >= heapStart && v.start < heapStart + 2 ** 40);
  const heapMapped = heapVmas.filter((v) => (v.flags & 0x7) !== 0).reduce((s, v) => s + (v.end - v.start), 0);
  const heapReserved = heapVmas.filter((v) => (v.flags & 0x7) === 0).reduce((s, v) => s + (v.end - v.start), 0);
  const steps: TourStep[] = [
    {
      title: 'VSZ against RSS',
      record: rec,
      range: null,
      map: 'all',
      text: `At ${first.name}, ${tl.header.program.name}'s VmSize is ${bytes(f.vsz)} and its VmRSS ${bytes(f.rss)}: ${pct(f.rss, f.vsz)} of its address space is in memory. The Process chart draws both; VSZ is on the right-hand axis.`,
    },
    {
      title: 'Most of VSZ is reserved address space',
      record: rec,
      range: null,
      map: 'all',
      text: `On the map, grey is PROT_NONE: ${bytes(pages.reserved)} of the ${bytes(m.total)} is reserved (mmap with no access), which no page can back until the runtime maps it read-write. The largest are ${biggest.join(', ')}: reservations made at start-up for runtime metadata sized for the whole heap address space (the page allocator's summary levels among them). Pale yellow is mapped but never touched (${bytes(pages.untouched)}); only ${bytes(resident)} is resident.`,
    },
  ];
  if (heapVmas.length > 0) {
    steps.push({
      title: `The Go heap: ${bytes(heapMapped + heapReserved)} of arenas`,
      record: rec,
      range: null,
      map: 'heap',
      text: `The heap starts at 0x${heapStart.toString(16)}: ${bytes(heapMapped)} mapped read-write and ${bytes(heapReserved)} still reserved. HeapInuse is ${bytes(f.heapInuse)} (the spans under the pages, a hue per size class); HeapReleased is ${bytes(f.heapReleased)}, mapped heap that holds no page of RAM. Hover the map to name a page and its span.`,
    });
  }
  const lastCp = tl.checkpoints.at(-1);
  const lastSnap = tl.snapshots.at(-1)!;
  const last = lastCp !== undefined ? { name: lastCp.name, rec: atCheckpoint(tl, lastCp.name)! } : { name: time(tl.tm[lastSnap]!), rec: lastSnap };
  if (last.rec !== rec) {
    const r = last.rec;
    const g = figures(tl, r);
    steps.push({
      title: 'At the end',
      record: r,
      range: null,
      map: 'all',
      text: `At ${last.name}: VmSize ${bytes(g.vsz)}, VmRSS ${bytes(g.rss)} (${pct(g.rss, g.vsz)}). VSZ counts address space, RSS counts pages in memory; a container's limit and the OOM killer go by the second.`,
    });
  }
  return { id: 'vsz', title: `Why ${tl.header.program.name} has ${bytes(f.vsz)} of VSZ and ${bytes(f.rss)} of RSS`, steps };
}

/** One GC cycle, phase by phase: the first cycle with the most pieces of mark work among the first few. */
function gcTour(tl: Timeline): Tour | null {
  const starts = tl.kinds.gcStart!;
  if (starts.length === 0) return null;
  const marksOf = new Map<number, number[]>();
  for (const i of tl.kinds.gcMark!) {
    const r = tl.records[i] as Rec<'gcMark'>;
    (marksOf.get(r.cycle) ?? marksOf.set(r.cycle, []).get(r.cycle)!).push(i);
  }
  const candidates = tl.cycles.slice(0, 5).filter((c) => c.done !== undefined);
  if (candidates.length === 0) return null;
  const cycle = candidates.reduce((a, b) => ((marksOf.get(b.cycle)?.length ?? 0) > (marksOf.get(a.cycle)?.length ?? 0) ? b : a));
  const find = (pred: (r: TraceRecord) => boolean): number => tl.records.findIndex(pred);
  const startRec = find((r) => r.kind === 'gcStart' && r.cycle === cycle.cycle);
  const markRec = find((r) => r.kind === 'gcPhase' && r.cycle === cycle.cycle && r.phase === 'mark');
  const doneRec = find((r) => r.kind === 'gcDone' && r.cycle === cycle.cycle);
  const sweepRec = find((r) => r.kind === 'gcPhase' && r.cycle === cycle.cycle && r.phase === 'sweep');
  const sweepDoneRec = find((r) => r.kind === 'gcPhase' && r.cycle === cycle.cycle && r.phase === 'sweepdone');
  const start = tl.records[startRec] as Rec<'gcStart'>;
  const done = tl.records[doneRec] as Rec<'gcDone'>;
  const t0 = tl.tm[startRec]!;
  const t1 = tl.tm[sweepDoneRec >= 0 ? sweepDoneRec : doneRec]!;
  const pad = Math.max(1000, (t1 - t0) * 0.15);
  const range: [number, number] = [Math.max(0, t0 - pad), Math.min(tl.end, t1 + pad)];
  const marks = marksOf.get(cycle.cycle) ?? [];
  const by: Record<string, number> = {};
  for (const i of marks) {
    const r = tl.records[i] as Rec<'gcMark'>;
    by[r.who] = (by[r.who] ?? 0) + 1;
  }
  const n = `GC ${cycle.cycle}`;
  const steps: TourStep[] = [
    {
      title: `${n} starts`,
      record: startRec,
      range,
      map: 'heap',
      text: `${n} starts (${start.why === 'heap' ? 'the heap reached its trigger' : start.why === 'time' ? 'two minutes without a cycle' : 'runtime.GC()'}): the heap's live bytes are ${bytes(start.heapLive)}, the trigger ${bytes(start.trigger)}, the goal ${bytes(start.goal)}. Sweep termination stops the world (the red band on every chart).`,
    },
  ];
  if (markRec >= 0) {
    const who = Object.entries(by).map(([k, v]) => `${v} ${k}`).join(', ');
    steps.push({
      title: 'Mark',
      record: markRec,
      range,
      map: 'heap',
      text: `The world runs again with the write barrier on (the orange band) while the GC marks: ${marks.length} pieces of mark work in this cycle (${who || 'none'}). The GC mark chart draws bytes marked and the grey objects queued after each.`,
    });
  }
  if (marks.length > 0) {
    let peak = marks[0]!;
    for (const i of marks) if ((tl.records[i] as Rec<'gcMark'>).grey > (tl.records[peak] as Rec<'gcMark'>).grey) peak = i;
    const r = tl.records[peak] as Rec<'gcMark'>;
    steps.push({
      title: 'The grey queue at its longest',
      record: peak,
      range,
      map: 'heap',
      text: `After this piece (${r.who}${r.p >= 0 ? ` on P${r.p}` : ''}, ${time(r.ns)}) ${r.grey} objects are grey — reached, not yet scanned, waiting in the work buffers — and ${bytes(r.marked)} are marked. The cycle ends with none grey and ${bytes((tl.records[marks.at(-1)!] as Rec<'gcMark'>).marked)} marked.`,
    });
  }
  const cpu = cycle.cpu;
  steps.push({
    title: 'Mark termination',
    record: doneRec,
    range,
    map: 'heap',
    text: `Mark termination stops the world again and ends the cycle. gctrace's figures: ${bytes(done.heap0)} -> ${bytes(done.heap1)} -> ${bytes(done.heap2)}, ${bytes(done.goal)} goal: the heap at the start, at the end, and marked live. The next goal is ${bytes(done.nextGoal)}.${cpu ? ` GC CPU this cycle: ${time(cpu.assist)} of assists, ${time(cpu.dedicated + cpu.fractional + cpu.idle)} of mark workers, ${time(cpu.pause)} of stopped world (all Ps).` : ''}`,
  });
  if (sweepRec >= 0) {
    let freed = 0;
    const end = sweepDoneRec >= 0 ? sweepDoneRec : tl.records.length;
    for (let i = sweepRec; i < end; i++) {
      const r = tl.records[i]!;
      if (r.kind === 'spanFree' && r.use === 'heap') freed++;
    }
    steps.push({
      title: 'Sweep',
      record: sweepRec,
      range,
      map: 'heap',
      text: `The sweep runs concurrently (the blue band): each span's unmarked objects are freed as the background sweeper or an allocation reaches it.${sweepDoneRec >= 0 ? ` It took ${time(tl.tm[sweepDoneRec]! - tl.tm[sweepRec]!)}, and ${freed} ${freed === 1 ? 'span' : 'spans'} left empty went back to mheap.` : ' The run ended before it finished.'}`,
    });
  }
  return { id: 'gc', title: `One GC cycle: ${n}, phase by phase`, steps };
}

/** RSS after runtime.GC() and after debug.FreeOSMemory(): big-slice-gc and big-slice-freeos (their checkpoints). */
function releaseTour(tl: Timeline): Tour | null {
  const touched = atCheckpoint(tl, 'after_full_touch');
  const gc = atCheckpoint(tl, 'after_gc');
  const slept = atCheckpoint(tl, 'after_gc_sleep1s');
  const again = atCheckpoint(tl, 'after_make_300mb');
  if (touched === null || gc === null || slept === null || again === null) return null;
  const freeos = tl.header.program.name.includes('freeos');
  const a = figures(tl, touched);
  const b = figures(tl, gc);
  const c = figures(tl, slept);
  const d = figures(tl, again);
  const call = freeos ? 'debug.FreeOSMemory()' : 'runtime.GC()';
  const steps: TourStep[] = [
    { title: 'A 600 MiB slice, every byte written', record: touched, range: null, map: 'heap', text: `After writing every byte: HeapInuse ${bytes(a.heapInuse)}, VmRSS ${bytes(a.rss)}. Each page was faulted in as it was first written (the Page faults chart).` },
    {
      title: `The slice dropped, then ${call}`,
      record: gc,
      range: null,
      map: 'heap',
      text: freeos
        ? `FreeOSMemory collected the slice and at once released every free page of the heap to the kernel (madvise): HeapInuse ${bytes(b.heapInuse)}, HeapReleased ${bytes(b.heapReleased)}, and VmRSS fell to ${bytes(b.rss)}.`
        : `The GC freed the slice: HeapInuse fell to ${bytes(b.heapInuse)}. But VmRSS is still ${bytes(b.rss)}: the free pages stay mapped and resident (HeapIdle), and only ${bytes(b.heapReleased)} is released. A GC frees memory for Go, not for the kernel.`,
    },
    {
      title: 'A second later',
      record: slept,
      range: null,
      map: 'heap',
      text: `One second on: VmRSS ${bytes(c.rss)}, HeapReleased ${bytes(c.heapReleased)}. ${freeos ? 'Nothing more to release.' : `The background scavenger returns pages slowly (about 1% of a CPU); it released ${bytes(Math.max(0, c.heapReleased - b.heapReleased))} in that second.`}`,
    },
    {
      title: 'A new 300 MiB slice',
      record: again,
      range: null,
      map: 'heap',
      text: freeos
        ? `The new slice takes released pages: VmRSS grows from ${bytes(c.rss)} to ${bytes(d.rss)} as they fault back in.`
        : `The new slice reuses the idle pages, still resident: VmRSS moves from ${bytes(c.rss)} to ${bytes(d.rss)}, while HeapInuse is back up to ${bytes(d.heapInuse)}.`,
    },
  ];
  return { id: 'release', title: freeos ? 'RSS drops at once with debug.FreeOSMemory()' : 'Why RSS stays up after runtime.GC()', steps };
}

/**
 * A container that dies at its memory limit while VSZ, far above the limit
 * from the start, is a red herring: any run that ended in the cgroup's OOM
 * kill (container-oom with --cgroup-memory-max).
 */
function oomTour(tl: Timeline): Tour | null {
  const n = tl.records.length;
  const exit = tl.records[n - 1];
  const max = tl.cgroupMax;
  if (exit?.kind !== 'exit' || exit.outcome !== 'oom-kill' || max === null) return null;
  const startRec = Array.from(tl.snapshots).find((i) => (tl.records[i] as Rec<'snapshot'>).state.memstats !== null);
  if (startRec === undefined) return null;
  // The moment before the kill: the last record before the address space is torn down.
  let before = n - 1;
  while (before > 0 && !(tl.records[before]!.kind === 'mm' && (tl.records[before] as Rec<'mm'>).cause === 'exit')) before--;
  before = Math.max(startRec, before - 1);
  const charge = (rec: number): number => valuesAt(tl, rec).process!['memory.current'] ?? 0;
  const a = figures(tl, startRec);
  const z = figures(tl, before);
  const t0 = tl.tm[startRec]!;
  const t1 = tl.tm[before]!;
  const rate = (charge(before) - charge(startRec)) / Math.max(1, (t1 - t0) / 1e9);
  // The live heap after the GCs (gctrace's third figure): a quarter of the way in, and the last cycle before the kill.
  const done = tl.kinds.gcDone!;
  const heap2At = (t: number): { t: number; heap2: number } | null => {
    let k = -1;
    for (let i = 0; i < done.length && tl.tm[done[i]!]! <= t; i++) k = i;
    return k < 0 ? null : { t: tl.tm[done[k]!]!, heap2: (tl.records[done[k]!] as Rec<'gcDone'>).heap2 };
  };
  const lastDone = [...done].reverse().find((i) => i <= before);
  const lastGoal = lastDone === undefined ? null : (tl.records[lastDone] as Rec<'gcDone'>).nextGoal;
  const early = heap2At(t0 + (t1 - t0) / 4);
  const late = heap2At(t1);
  const mid = Math.floor((startRec + before) / 2);
  const zoom: [number, number] = [Math.max(0, t1 - (t1 - t0) * 0.05), tl.end];
  const steps: TourStep[] = [
    {
      title: 'VSZ is over the limit from the start',
      record: startRec,
      range: null,
      map: 'all',
      text: `The container's memory.max is ${bytes(max)}. At ${time(t0)} VmSize is already ${bytes(a.vsz)} — ${(a.vsz / max).toFixed(1)}× the limit — while memory.current is ${bytes(charge(startRec))}. The cgroup charges pages in memory, not address space: VSZ is not what the limit counts.`,
    },
    {
      title: 'memory.current climbs',
      record: mid,
      range: null,
      map: 'heap',
      text: `Halfway, memory.current is ${bytes(charge(mid))}, rising by about ${bytes(rate)} a virtual second over the run.${early !== null && late !== null ? ` The live heap each GC leaves behind (gctrace's third figure) grows too: ${bytes(early.heap2)} at ${time(early.t)}, ${bytes(late.heap2)} at ${time(late.t)}. What survives collection keeps growing: a leak, not garbage.` : ''}`,
    },
    {
      title: 'At the limit',
      record: before,
      range: zoom,
      map: 'heap',
      text: `Just before the end, memory.current is ${bytes(charge(before))} of ${bytes(max)} (${pct(charge(before), max)}), VmRSS ${bytes(z.rss)}, HeapInuse ${bytes(z.heapInuse)}; VmSize is ${bytes(z.vsz)}.${lastGoal !== null ? ` After the last GC the pacer lets the heap grow to ${bytes(lastGoal)} before the next one: ${pct(lastGoal, max)} of the limit for the heap alone, beside stacks, runtime metadata and the binary.` : ''}`,
    },
    {
      title: 'The OOM kill',
      record: n - 1,
      range: zoom,
      map: 'all',
      text: `At ${time(tl.tm[n - 1]!)} the kernel's OOM killer kills the process (exit status ${exit.status}, ${exit.outcome}): the cgroup could not reclaim enough to charge the next page. VSZ, ${bytes(a.vsz)} at the start and ${bytes(z.vsz)} at the end, never counted; memory.current did. GOMEMLIMIT below the limit would have made the GC work harder before this point (gomem container-oom compares).`,
    },
  ];
  return { id: 'oom', title: `The container that dies at its ${bytes(max)} limit (VSZ is a red herring)`, steps };
}

/**
 * A span's life, from mheap to an mcache and back: the first small-object
 * span that a snapshot caught in an mcache and that was later freed. The
 * trace records mheap's side (allocSpan, freeSpan) at every span, and the
 * mcaches only at snapshots, so a run without such a span has no tour.
 */
function spanTour(tl: Timeline): Tour | null {
  const alloc = new Map<number, number>();
  const seen = new Map<number, { snap: number; p: number; objects: number; slots: number }>();
  let life: { base: number; alloc: number; seen: { snap: number; p: number; objects: number; slots: number }; free: number } | null = null;
  for (let i = 0; i < tl.records.length && life === null; i++) {
    const r = tl.records[i]!;
    if (r.kind === 'spanAlloc' && r.use === 'heap' && r.spanclass >> 1 !== 0) {
      alloc.set(r.base, i);
      seen.delete(r.base);
    } else if (r.kind === 'snapshot' && alloc.size > 0) {
      const c = r.state.caches as { p: { id: number; mcache: number[][] }[] } | undefined;
      for (const p of c?.p ?? []) {
        for (const [, base, objects, slots] of p.mcache) {
          const b = base! * 8192;
          if (alloc.has(b) && !seen.has(b)) seen.set(b, { snap: i, p: p.id, objects: objects!, slots: slots! });
        }
      }
    } else if (r.kind === 'spanFree' && r.use === 'heap') {
      const a = alloc.get(r.base);
      const s = seen.get(r.base);
      if (a !== undefined && s !== undefined) life = { base: r.base, alloc: a, seen: s, free: i };
      alloc.delete(r.base);
      seen.delete(r.base);
    }
  }
  if (life === null) return null;
  const a = tl.records[life.alloc] as Extract<TraceRecord, { kind: 'spanAlloc' | 'spanFree' }>;
  const cls = className(a.spanclass);
  const at = `0x${life.base.toString(16)}`;
  const around: [number, number] = [Math.max(heapStart, life.base - 32 * 8192), life.base + (a.npages + 32) * 8192];
  // Between the mcache and the free: a snapshot that finds the span in no mcache (handed back to its mcentral).
  let back: { snap: number; objects: number } | null = null;
  for (const k of tl.snapshots) {
    if (k <= life.seen.snap || k >= life.free) continue;
    const snap = tl.records[k] as Rec<'snapshot'>;
    const c = snap.state.caches as { p: { mcache: number[][] }[] } | undefined;
    if (c === undefined || c.p.some((p) => p.mcache.some((m) => m[1]! * 8192 === life!.base))) continue;
    const s = snap.spans.find((x) => x.base === life!.base);
    if (s !== undefined) {
      back = { snap: k, objects: s.allocCount };
      break;
    }
  }
  const gcsBetween = tl.kinds.gcDone!.filter((i) => i > life!.seen.snap && i < life!.free).length;
  const steps: TourStep[] = [
    {
      title: 'mheap hands out a span',
      record: life.alloc,
      range: null,
      map: around,
      text: `At ${time(tl.tm[life.alloc]!)} mheap.allocSpan gives out the span at ${at}: ${a.npages} × 8 KiB for ${cls} objects, ${life.seen.slots} slots.${a.scav > 0 ? ` ${bytes(a.scav)} of its pages had been scavenged and are committed again (they fault back in when written).` : ''} A small-object span comes out of mheap only when an mcache's refill finds its mcentral with no span that has room (mcentral.grow).`,
    },
    {
      title: `In P${life.seen.p}'s mcache`,
      record: life.seen.snap,
      range: null,
      map: around,
      text: `The snapshot at ${time(tl.tm[life.seen.snap]!)} finds it as P${life.seen.p}'s mcache span for ${cls}: ${life.seen.objects} of its ${life.seen.slots} slots allocated. Allocations of that class on that P take slots from it without a lock; ${life.seen.objects === life.seen.slots ? 'it is full, so the next one swaps it for another span from mcentral' : 'once it is full the mcache swaps it for another span from mcentral'}. (The allocator panel lists each P's mcache at each snapshot.)`,
    },
  ];
  if (back !== null) {
    steps.push({
      title: 'Back with mcentral',
      record: back.snap,
      range: null,
      map: around,
      text: `At ${time(tl.tm[back.snap]!)} no mcache holds it: it went back to the ${cls} mcentral (an mcache gives its spans back when they fill and at each GC), with ${back.objects} of ${life.seen.slots} slots allocated.`,
    });
  }
  steps.push({
    title: 'Freed to mheap',
    record: life.free,
    range: null,
    map: around,
    text: `At ${time(tl.tm[life.free]!)}, after ${gcsBetween} GC ${gcsBetween === 1 ? 'cycle' : 'cycles'} since the mcache snapshot, the sweeper found none of its objects marked and gave the span back to mheap (mheap.freeSpan). Its pages are free heap pages now: HeapIdle, still resident until the scavenger releases them.`,
  });
  return { id: 'span', title: `A span's life: ${cls} at ${at}, from mheap to an mcache and back`, steps };
}

/** The tours this trace can give. */
export function toursFor(tl: Timeline): Tour[] {
  return [vszTour(tl), gcTour(tl), releaseTour(tl), spanTour(tl), oomTour(tl)].filter((t): t is Tour => t !== null);
}

/** Puts the view where a step says. */
export function goToStep(step: TourStep, target: TourTarget): void {
  if (step.range === null) target.resetRange();
  else target.setRange(step.range[0], step.range[1]);
  target.setRecord(step.record);
  target.map(step.map);
}
