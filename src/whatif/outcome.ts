// A what-if row from a run's event trace (docs/trace-format.md): how the
// run ended and when, its peak RSS and peak cgroup charge, GC cycles, GC
// CPU, assist time, the longest stop-the-world pause and the time the GC
// CPU limiter was on, plus RSS and heap over time for the chart. It reads
// the records only (the trace is the contract, DESIGN.md), in order, as a
// run's trace is decoded piece by piece, so a long run need not be held
// whole.

import type { TraceHeader, TraceRecord } from '../trace/reader.ts';
import { TraceReplay } from '../trace/replay.ts';
import { osPageSize } from '../trace/format.ts';
import { type Spiral, SpiralWatch } from './spiral.ts';
import { type Series, SeriesBuilder } from './series.ts';

export type { Series } from './series.ts';

/** One configuration's figures. Times in virtual ns, sizes in bytes. */
export interface Row {
  /** How the run ended: the trace's exit outcome (exit, oom-kill, panic, fatal error, segv, time-limit). */
  outcome: string;
  /** Its exit status (137 for an OOM kill). */
  status: number;
  /** Virtual time of the end (of the kill, for an OOM kill). */
  endNs: number;
  /** VmHWM: the most RSS (anon + file + shmem) the process had. */
  peakRss: number;
  /** The most its cgroup was charged (memory.current). */
  peakCharge: number;
  /** Completed GC cycles (NumGC). */
  gcCycles: number;
  /** GCCPUFraction as of the last completed cycle: GC CPU but idle marking, over GOMAXPROCS × the time since start. */
  gcCpuFraction: number;
  /** CPU time goroutines spent in mark assists. */
  assistNs: number;
  /** The longest single stop-the-world pause of a GC cycle (sweep termination or mark termination). */
  maxPauseNs: number;
  /** The time the GC CPU limiter was on. */
  limiterNs: number;
  /** The first moment of a GOMEMLIMIT death spiral (spiral.ts), or null: none. */
  spiral: Spiral | null;
}

export interface Outcome {
  row: Row;
  series: Series;
}

/** Folds a run's trace records, in order, into its row and series. */
export class OutcomeReader {
  private readonly replay = new TraceReplay();
  private readonly spiral = new SpiralWatch();
  private gomaxprocs = 1;
  private peakRss = 0;
  private peakCharge = 0;
  private gcCycles = 0;
  private gcCpuFraction = 0;
  private assistNs = 0;
  private maxPauseNs = 0;
  private limiterNs = 0;
  /** The heap goal of the cycle in progress or next, from the GC records; -1 before the first. */
  private goal = -1;
  /** When the current stop-the-world began (sweep termination, mark termination), or null. */
  private stwFrom: number | null = null;
  private end: { t: number; status: number; outcome: string } | null = null;
  private readonly series: SeriesBuilder;

  /** `points`: about how many points the series keeps (at most twice it); `firstBucketNs`: the narrowest bucket. */
  constructor(
    header: TraceHeader,
    opts: { points?: number; firstBucketNs?: number } = {},
  ) {
    this.gomaxprocs = header.gomaxprocs ?? 1;
    this.series = new SeriesBuilder(opts);
  }

  push(records: readonly TraceRecord[]): void {
    for (const rec of records) this.apply(rec);
  }

  apply(rec: TraceRecord): void {
    const r = this.replay;
    r.apply(rec);
    this.spiral.apply(rec);
    switch (rec.kind) {
      case 'snapshot':
      case 'mm': {
        const rss = (r.anon + r.file + r.shmem) * osPageSize;
        if (rss > this.peakRss) this.peakRss = rss;
        const charge = r.charge * osPageSize;
        if (charge > this.peakCharge) this.peakCharge = charge;
        this.sample(rec.t, rss, charge);
        break;
      }
      case 'spanAlloc':
      case 'spanFree':
      case 'allocs':
        this.sample(rec.t, (r.anon + r.file + r.shmem) * osPageSize, r.charge * osPageSize);
        break;
      case 'gcStart':
        this.goal = rec.goal;
        break;
      case 'gcPhase':
        if (rec.phase === 'sweepterm' || rec.phase === 'marktermination') this.stwFrom = rec.t;
        else if (this.stwFrom !== null && (rec.phase === 'mark' || rec.phase === 'sweep' || rec.phase === 'sweepdone')) {
          this.maxPauseNs = Math.max(this.maxPauseNs, rec.t - this.stwFrom);
          this.stwFrom = null;
        }
        break;
      case 'gcMark':
        if (rec.who === 'assist') this.assistNs += rec.ns;
        break;
      case 'gcDone': {
        this.gcCycles++;
        this.goal = rec.nextGoal;
        const cpu = rec.cpuAssist + rec.cpuDedicated + rec.cpuFractional + rec.cpuPause;
        // mgc.go gcMarkTermination: memstats.gc_cpu_fraction, the process started at 0.
        this.gcCpuFraction = rec.t > 0 ? cpu / (rec.t * this.gomaxprocs) : 0;
        break;
      }
      case 'gcLimiter':
        this.limiterNs = rec.totalNs;
        break;
      case 'exit':
        this.end = { t: rec.t, status: rec.status, outcome: rec.outcome };
        break;
    }
  }

  private sample(t: number, rss: number, charge: number): void {
    const ms = this.replay.memStats();
    this.series.sample(t, rss, charge, ms.HeapInuse, ms.HeapAlloc, this.goal);
  }

  /** The row and series; throws if the trace had no exit record (a run that did not end). */
  finish(): Outcome {
    if (this.end === null) throw new Error('whatif: the trace has no exit record');
    const series = this.series.finish();
    const e = this.end;
    const row: Row = {
      outcome: e.outcome,
      status: e.status,
      endNs: e.t,
      peakRss: this.peakRss,
      peakCharge: this.peakCharge,
      gcCycles: this.gcCycles,
      gcCpuFraction: this.gcCpuFraction,
      assistNs: this.assistNs,
      maxPauseNs: this.maxPauseNs,
      limiterNs: this.limiterNs,
      spiral: this.spiral.result(),
    };
    return { row, series };
  }
}
