// Events the runtime emits on rt.events for observers (the trace writer,
// the web view): GC phases and cycles, mark progress, span allocation and
// freeing, scavenger releases. Go's own execution tracer records the same
// moments (traceGCStart, traceGCDone, traceGCSweepSpan, and in Go 1.23's
// GODEBUG=traceallocfree=1 experiment traceSpanAlloc/traceSpanFree); the
// runtime builds an event only when someone listens (`wants`).

/** Why a cycle started (gcTrigger.kind). */
export type GCStartKind = 'heap' | 'time' | 'cycle';

export interface GCStartEvent {
  t: number;
  /** work.cycles after the increment: this cycle's number (gctrace's "gc N"). */
  cycle: number;
  kind: GCStartKind;
  /** heapLive at sweep termination (gctrace's first heap figure). */
  heapLive: number;
  /** The trigger and heap goal the pacer set for this cycle. */
  trigger: number;
  goal: number;
}

/** gcphase after a transition, and the two points of sweep that have no gcphase of their own. */
export type GCPhase = 'sweepterm' | 'mark' | 'marktermination' | 'sweep' | 'sweepdone';

export interface GCPhaseEvent {
  t: number;
  cycle: number;
  phase: GCPhase;
}

/** Who did a piece of mark work. */
export type MarkWorker = 'dedicated' | 'fractional' | 'idle' | 'assist' | 'stw';

export interface GCMarkEvent {
  t: number;
  cycle: number;
  /** The P that did it (-1: none, the world was stopped). */
  p: number;
  who: MarkWorker;
  /** Virtual ns it took. */
  ns: number;
  /** Scan work (bytes) it did. */
  work: number;
  /** Grey objects queued after it (the work buffers' length). */
  grey: number;
  /** Bytes marked so far this cycle. */
  marked: number;
}

export interface GCDoneEvent {
  t: number;
  cycle: number;
  /** gctrace's heap figures: at the start, at mark termination, marked. */
  heap0: number;
  heap1: number;
  heap2: number;
  /** The goal of the cycle that ended, and the next cycle's goal and trigger. */
  goal: number;
  nextGoal: number;
  nextTrigger: number;
  /** Stop-the-world time of both pauses, ns. */
  pauseNs: number;
  /** Scan work of the cycle (bytes): heap, stacks, globals. */
  heapScan: number;
  stackScan: number;
  globalsScan: number;
  /** Cumulative GC CPU time by class at its end (ns). */
  cpuAssist: number;
  cpuDedicated: number;
  cpuFractional: number;
  cpuIdle: number;
  cpuPause: number;
}

/** The kinds of span mheap hands out (spanAllocType). */
export type SpanUse = 'heap' | 'stack' | 'bits' | 'workbuf';

export interface SpanEvent {
  t: number;
  /** First byte of the span. */
  base: number;
  npages: number;
  /** Span class (size class × 2 + noscan) of a heap span; 0 for the others. */
  spanclass: number;
  use: SpanUse;
  /** On allocation: pages that were scavenged and are committed again (sysUsed). */
  scav: number;
}

export interface HeapGrowEvent {
  t: number;
  /** Address space added to the heap (sysMap'd, counted as released until used). */
  base: number;
  bytes: number;
}

/** What asked the scavenger for memory back. */
export type ScavengeWho = 'background' | 'alloc' | 'free-os-memory';

export interface ScavengeEvent {
  t: number;
  /** A run of pages released with sysUnused. */
  addr: number;
  bytes: number;
  who: ScavengeWho;
}

// A type alias (not an interface) so that it satisfies EventStream's Record<string, object>.
export type RuntimeEvents = {
  gcStart: GCStartEvent;
  gcPhase: GCPhaseEvent;
  gcMark: GCMarkEvent;
  gcDone: GCDoneEvent;
  spanAlloc: SpanEvent;
  spanFree: SpanEvent;
  scavenge: ScavengeEvent;
  heapGrow: HeapGrowEvent;
};
