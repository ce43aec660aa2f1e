// The whole run as the page draws it: one pass of TraceReplay over the
// trace's records, keeping after each record the figures the charts and
// panels show (VmRSS, HeapInuse, NextGC …) as step functions of time, and
// indexes of the records by kind for stepping. Nothing here recomputes what
// the replay computes; it only samples it.

import type { Trace, TraceHeader, TraceRecord } from '../../src/trace/reader.ts';
import { TraceReplay } from '../../src/trace/replay.ts';
import { Table } from './table.ts';

/** /proc/PID/status's lines as TraceReplay.status() gives them (kB), and the cgroup's memory.current (bytes). */
export const procCols = ['VmRSS', 'VmSize', 'RssAnon', 'RssFile', 'RssShmem', 'memory.current'] as const;
/** runtime.MemStats as TraceReplay.memStats() gives it, and the pacer's heap goal and trigger from the GC records. */
export const heapCols = ['HeapSys', 'HeapIdle', 'HeapInuse', 'HeapReleased', 'StackInuse', 'Mallocs', 'Frees', 'TotalAlloc', 'HeapAlloc', 'HeapObjects', 'NumGC', 'NextGC', 'trigger'] as const;
/** The mark's progress from the gcMark records: grey objects left in the work buffers, bytes marked so far this cycle; NaN outside the mark. */
export const markCols = ['grey', 'marked'] as const;

export interface GcCycle {
  cycle: number;
  why: string;
  /** Start time of each phase that happened (sweepterm, mark, marktermination, sweep, sweepdone): its gcPhase record's own time. */
  phases: Partial<Record<'sweepterm' | 'mark' | 'marktermination' | 'sweep' | 'sweepdone', number>>;
  /** GC CPU of this cycle by class, ns: differences of gcDone's cumulative counters. */
  cpu?: { assist: number; dedicated: number; fractional: number; idle: number; pause: number };
  /** Mark assist time from this cycle's gcMark records (who=assist), ns. */
  assistMarkNs: number;
  done?: number;
  gctrace?: { heap0: number; heap1: number; heap2: number; goal: number };
}

export interface Checkpoint {
  name: string;
  t: number;
  record: number;
  json: string;
}

/** Step kinds the controls offer: a name, and which records it stops at. */
export const stepKinds: Record<string, (r: TraceRecord) => boolean> = {
  gcPhase: (r) => r.kind === 'gcPhase',
  gcStart: (r) => r.kind === 'gcStart',
  gcDone: (r) => r.kind === 'gcDone',
  gcMark: (r) => r.kind === 'gcMark',
  spanAlloc: (r) => r.kind === 'spanAlloc',
  spanFree: (r) => r.kind === 'spanFree',
  scavenge: (r) => r.kind === 'scavenge',
  heapGrow: (r) => r.kind === 'heapGrow',
  fault: (r) => r.kind === 'mm' && r.cause.startsWith('fault:'),
  mm: (r) => r.kind === 'mm',
  syscall: (r) => r.kind === 'syscall',
  checkpoint: (r) => r.kind === 'checkpoint',
  output: (r) => r.kind === 'output',
  any: () => true,
};

export interface Timeline {
  header: TraceHeader;
  records: readonly TraceRecord[];
  /**
   * Each record's time on the page's axis: its own time, or the time of the
   * record before it where it is stamped earlier (a GC worker's step booked
   * after a later event), so that the axis runs forwards in record order.
   */
  tm: Float64Array;
  end: number;
  proc: Table;
  heap: Table;
  /**
   * markCols through each cycle: 0 at the mark phase's start, then after each
   * piece of mark work at the time it ended (its record's time plus its ns,
   * kept from running backwards), NaN from mark termination's end.
   */
  mark: Table;
  cycles: GcCycle[];
  /** The cycles in the order their gcDone records come: the k-th is kinds.gcDone[k]'s. */
  doneCycles: GcCycle[];
  checkpoints: Checkpoint[];
  /** Record indices of the snapshots, ascending: where the allocator panel starts its replay of spans. */
  snapshots: Int32Array;
  /** Record indices of each step kind, ascending. */
  kinds: Record<string, Int32Array>;
  /** Page faults (mm records with a fault:* cause) and scavenger releases, as (record, amount). */
  faults: { rec: Int32Array; n: Float64Array };
  scavenges: { rec: Int32Array; bytes: Float64Array };
  /** The cgroup's memory.max, from the header's settings, when the run had one. */
  cgroupMax: number | null;
}

/** Record kinds that can change what memStats() returns; the others leave it alone, so it is not recomputed. */
const heapKinds = new Set(['snapshot', 'spanAlloc', 'spanFree', 'heapGrow', 'scavenge', 'allocs', 'gcDone', 'gcStart']);
/** Records after which the MemStats figures are always sampled, whatever the budget: the moments the CLI prints. */
const exactKinds = new Set(['checkpoint', 'exit']);

/**
 * The most rows of MemStats figures the timeline keeps (13 float64 columns
 * each): container-oom's 3.4 million span records would take some 350 MB
 * at one row per record, past the page's memory budget. The figures are
 * taken after every record while that fits; otherwise at most once per
 * (run length / maxHeapRows) of virtual time — the state at the end of each
 * such window, exactly — and always at checkpoints. VmRSS and VmSize keep
 * every record.
 */
export const maxHeapRows = 1_000_000;

export function buildTimeline(trace: Trace): Timeline {
  const { header, records } = trace;
  const n = records.length;
  const tm = new Float64Array(n);
  const proc = new Table(procCols);
  const heap = new Table(heapCols);
  const mark = new Table(markCols);
  let markT = 0;
  const rep = new TraceReplay();
  const cycles: GcCycle[] = [];
  const doneCycles: GcCycle[] = [];
  const byCycle = new Map<number, GcCycle>();
  const checkpoints: Checkpoint[] = [];
  const snapshots: number[] = [];
  const kindLists: Record<string, number[]> = {};
  for (const k of Object.keys(stepKinds)) kindLists[k] = [];
  const faultRec: number[] = [];
  const faultN: number[] = [];
  const scavRec: number[] = [];
  const scavBytes: number[] = [];
  let goal = NaN;
  let trigger = NaN;
  let started = false;
  let prevCpu = { assist: 0, dedicated: 0, fractional: 0, idle: 0, pause: 0 };
  let t = 0;
  const heapRow: number[] = new Array(heapCols.length).fill(NaN);
  let heapChanges = 0;
  let end = 0;
  for (const r of records) {
    if (heapKinds.has(r.kind)) heapChanges++;
    end = Math.max(end, r.t);
  }
  // With few records every one is sampled; otherwise one row per window.
  const everyRecord = heapChanges <= maxHeapRows;
  let dirty = false;
  let nextSample = -Infinity;
  const sampleHeap = (i: number): void => {
    dirty = false;
    nextSample = tm[i]! + end / maxHeapRows;
    const m = rep.memStats();
    heapRow[0] = m.HeapSys;
    heapRow[1] = m.HeapIdle;
    heapRow[2] = m.HeapInuse;
    heapRow[3] = m.HeapReleased;
    heapRow[4] = m.StackInuse;
    heapRow[5] = m.Mallocs;
    heapRow[6] = m.Frees;
    heapRow[7] = m.TotalAlloc;
    heapRow[8] = m.HeapAlloc;
    heapRow[9] = m.HeapObjects;
    heapRow[10] = m.NumGC;
    heapRow[11] = goal;
    heapRow[12] = trigger;
    heap.push(tm[i]!, i, heapRow);
  };

  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    t = Math.max(t, r.t);
    tm[i] = t;
    // The window closed: keep the state as the previous record left it.
    if (dirty && !everyRecord && (t >= nextSample || exactKinds.has(r.kind))) sampleHeap(i - 1);
    rep.apply(r);
    for (const k in stepKinds) if (k !== 'any' && stepKinds[k]!(r)) kindLists[k]!.push(i);
    switch (r.kind) {
      case 'snapshot': {
        started = true;
        snapshots.push(i);
        // The pacer's figures as the runtime holds them; the snapshot at exec
        // comes before the runtime has a heap (memstats null, the goal not yet set).
        if (r.state.memstats !== null) {
          const gc = r.state.gc as { heapGoal: number; trigger: number };
          goal = gc.heapGoal;
          trigger = gc.trigger;
          dirty = true;
        }
        break;
      }
      case 'gcStart': {
        goal = r.goal;
        trigger = r.trigger;
        const c: GcCycle = { cycle: r.cycle, why: r.why, phases: {}, assistMarkNs: 0 };
        cycles.push(c);
        byCycle.set(r.cycle, c);
        break;
      }
      case 'gcPhase': {
        const c = byCycle.get(r.cycle);
        // The phase's own time, for its band: a record booked after a later one (a background scavenge stamped ahead) does not move it.
        if (c) c.phases[r.phase] = r.t;
        if (r.phase === 'mark') {
          markT = Math.max(markT, t);
          mark.push(markT, i, [0, 0]);
        }
        break;
      }
      case 'gcMark': {
        const c = byCycle.get(r.cycle);
        if (c && r.who === 'assist') c.assistMarkNs += r.ns;
        // Its figures hold once the piece is done; pieces on other Ps can be booked out of time order.
        markT = Math.max(markT, r.t + r.ns, t);
        mark.push(markT, i, [r.grey, r.marked]);
        break;
      }
      case 'gcDone': {
        const c = byCycle.get(r.cycle);
        const cpu = { assist: r.cpuAssist, dedicated: r.cpuDedicated, fractional: r.cpuFractional, idle: r.cpuIdle, pause: r.cpuPause };
        if (c) {
          doneCycles.push(c);
          // Its own time, as its phases' (the GC CPU chart's bar stands at the start of its sweep band).
          c.done = r.t;
          c.cpu = { assist: cpu.assist - prevCpu.assist, dedicated: cpu.dedicated - prevCpu.dedicated, fractional: cpu.fractional - prevCpu.fractional, idle: cpu.idle - prevCpu.idle, pause: cpu.pause - prevCpu.pause };
          c.gctrace = { heap0: r.heap0, heap1: r.heap1, heap2: r.heap2, goal: r.goal };
        }
        prevCpu = cpu;
        markT = Math.max(markT, t);
        mark.push(markT, i, [NaN, NaN]);
        goal = r.nextGoal;
        trigger = r.nextTrigger;
        break;
      }
      case 'mm':
        if (r.cause.startsWith('fault:')) {
          faultRec.push(i);
          faultN.push(r.n);
        }
        break;
      case 'scavenge':
        scavRec.push(i);
        scavBytes.push(r.bytes);
        break;
      case 'checkpoint': {
        checkpoints.push({ name: r.name, t, record: i, json: r.json });
        // MemStats.NextGC as the runtime reported it: the goal before the first cycle has no GC record.
        const next = (JSON.parse(r.json) as { memstats?: { NextGC?: number } }).memstats?.NextGC;
        if (typeof next === 'number' && next !== goal) {
          goal = next;
          dirty = true;
        }
        break;
      }
    }
    if (!started) continue;
    if (r.kind === 'mm' || r.kind === 'snapshot') {
      const s = rep.status();
      proc.push(t, i, [s.VmRSS, s.VmSize, s.RssAnon, s.RssFile, s.RssShmem, rep.charge * header.pageSize]);
    }
    if (heapKinds.has(r.kind)) dirty = true;
    if (dirty && (everyRecord || exactKinds.has(r.kind))) sampleHeap(i);
  }
  if (dirty) sampleHeap(n - 1);

  const kinds: Record<string, Int32Array> = {};
  for (const k in kindLists) kinds[k] = Int32Array.from(kindLists[k]!);
  const max = header.settings.cgroupMemoryMax;
  return {
    header,
    records,
    tm,
    end: t,
    proc,
    heap,
    mark,
    cycles,
    doneCycles,
    checkpoints,
    snapshots: Int32Array.from(snapshots),
    kinds,
    faults: { rec: Int32Array.from(faultRec), n: Float64Array.from(faultN) },
    scavenges: { rec: Int32Array.from(scavRec), bytes: Float64Array.from(scavBytes) },
    cgroupMax: typeof max === 'number' && max > 0 ? max : null,
  };
}
