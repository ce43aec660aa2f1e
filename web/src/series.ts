// What each chart plots: its series, where their values come from, and the
// value of each at a record — the one definition the charts draw from and
// the test hook reads, so the two cannot disagree.

import type { Table } from './table.ts';
import type { GcCycle, Timeline } from './timeline.ts';
import { upperBound } from './table.ts';

export interface LineSpec {
  label: string;
  /** Column of the chart's table, and the factor to bytes (status() gives kB). */
  col: string;
  scale: number;
  color: string;
  /** Which y axis: 'bytes' on the left, 'vsz' (bytes) or 'count' (a number of things) on the right. */
  axis?: 'bytes' | 'vsz' | 'count';
  dash?: number[];
}

export interface LineChartSpec {
  kind: 'lines';
  id: string;
  title: string;
  table: (tl: Timeline) => Table;
  lines: LineSpec[];
  /** A constant line (the cgroup's memory.max), when the run had one. */
  limit?: (tl: Timeline) => number | null;
  /** The step kinds whose records move these lines: a click next to one goes to it, and the cursor line names its cause. */
  causes: readonly string[];
}

export const processChart: LineChartSpec = {
  kind: 'lines',
  id: 'process',
  title: 'Process: VmRSS, VmSize (/proc/PID/status), cgroup memory.current and memory.max',
  table: (tl) => tl.proc,
  lines: [
    { label: 'VmRSS', col: 'VmRSS', scale: 1024, color: '#d62728' },
    { label: 'memory.current', col: 'memory.current', scale: 1, color: '#9467bd', dash: [6, 3] },
    { label: 'VmSize', col: 'VmSize', scale: 1024, color: '#7f7f7f', axis: 'vsz' },
  ],
  limit: (tl) => tl.cgroupMax,
  causes: ['mm'],
};

export const heapChart: LineChartSpec = {
  kind: 'lines',
  id: 'heap',
  title: 'Go heap: runtime.MemStats and the pacer',
  table: (tl) => tl.heap,
  lines: [
    { label: 'HeapInuse', col: 'HeapInuse', scale: 1, color: '#1f77b4' },
    { label: 'HeapAlloc', col: 'HeapAlloc', scale: 1, color: '#2ca02c' },
    { label: 'NextGC', col: 'NextGC', scale: 1, color: '#ff7f0e', dash: [8, 4] },
    { label: 'trigger', col: 'trigger', scale: 1, color: '#e3a21a', dash: [2, 3] },
    { label: 'HeapReleased', col: 'HeapReleased', scale: 1, color: '#17becf' },
    { label: 'StackInuse', col: 'StackInuse', scale: 1, color: '#8c564b' },
  ],
  causes: ['spanAlloc', 'spanFree', 'heapGrow', 'scavenge', 'gcStart', 'gcDone'],
};

export const markChart: LineChartSpec = {
  kind: 'lines',
  id: 'mark',
  title: 'GC mark: bytes marked so far and grey objects left in the work buffers, after each piece of mark work',
  table: (tl) => tl.mark,
  lines: [
    { label: 'marked', col: 'marked', scale: 1, color: '#444444' },
    { label: 'grey objects', col: 'grey', scale: 1, color: '#7f7f7f', axis: 'count', dash: [4, 2] },
  ],
  // Its steps are drawn where each piece of work ended, not at its record's time: a click there names no record.
  causes: [],
};

export const lineCharts = [processChart, heapChart, markChart];

/** GC CPU of each cycle, ms, by class: gcDone's cumulative counters, differenced. */
export const gcCpuLabels = ['assist', 'dedicated', 'fractional', 'idle', 'pause'] as const;

/** The last GC cycle finished by record `rec`, if any. */
export function lastDoneCycle(tl: Timeline, rec: number): GcCycle | undefined {
  const done = tl.kinds.gcDone!;
  return tl.doneCycles[upperBound(done, done.length, rec) - 1];
}

export interface ChartValues {
  [chart: string]: Record<string, number | null>;
}

/** The value every chart plots once record `rec` has been applied (bytes, counts, ms). */
export function valuesAt(tl: Timeline, rec: number): ChartValues {
  const out: ChartValues = {};
  for (const spec of lineCharts) {
    const table = spec.table(tl);
    const row = table.rowAtRecord(rec);
    const vals: Record<string, number | null> = {};
    for (const l of spec.lines) {
      const v = row < 0 ? NaN : table.col(l.col)[row]!;
      vals[l.label] = Number.isNaN(v) ? null : v * l.scale;
    }
    if (spec.limit) vals['memory.max'] = spec.limit(tl);
    out[spec.id] = vals;
  }
  const c = lastDoneCycle(tl, rec);
  out.gcCpu = { cycle: c?.cycle ?? null };
  for (const k of gcCpuLabels) out.gcCpu[k] = c?.cpu ? c.cpu[k] / 1e6 : null;
  out.gcCpu.assistMark = c ? c.assistMarkNs / 1e6 : null;
  let faults = 0;
  for (let i = 0; i < tl.faults.rec.length && tl.faults.rec[i]! <= rec; i++) faults += tl.faults.n[i]!;
  let scavenged = 0;
  for (let i = 0; i < tl.scavenges.rec.length && tl.scavenges.rec[i]! <= rec; i++) scavenged += tl.scavenges.bytes[i]!;
  out.events = { faultsSoFar: faults, scavengedSoFar: scavenged };
  return out;
}
