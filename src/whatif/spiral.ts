// The GOMEMLIMIT death spiral, read from a run's trace: the live heap grows
// toward the memory limit, the goal can rise no further, so the collector
// runs back to back and the GC CPU limiter (mgclimit.go) caps it at about
// half the CPU — the service spends its time collecting and still grows
// until the container kills it (golang/go#48409, #58106). gomem calls a run
// spiralling at the first moment the limiter has been on for more than half
// of the 10 seconds before it while the marked heap rose over them. The
// records are read in order, as the trace is decoded piece by piece.

import type { TraceRecord } from '../trace/reader.ts';

/** The window over which the limiter's share is judged. */
export const spiralWindowNs = 10e9;

export interface Spiral {
  /** When the condition first held (a cycle's end), virtual ns. */
  atNs: number;
  /** When the limiter first turned on in that window's stretch of limiting. */
  limiterFromNs: number;
  /** The marked heap (bytes) at the window's first cycle and at `atNs`. */
  heapFrom: number;
  heapTo: number;
}

export class SpiralWatch {
  /** The limiter's on-intervals so far, [from, to) (to Infinity while on). */
  private readonly on: [number, number][] = [];
  /** Each completed cycle's end time and marked heap (gctrace's third heap figure). */
  private readonly cycles: { t: number; marked: number }[] = [];
  private found: Spiral | null = null;

  push(records: readonly TraceRecord[]): void {
    for (const r of records) this.apply(r);
  }

  apply(r: TraceRecord): void {
    if (r.kind === 'gcLimiter') this.limiter(r.t, r.on);
    else if (r.kind === 'gcDone') this.cycleDone(r.t, r.heap2);
  }

  /** The GC CPU limiter switched on or off at t (a gcLimiter record). */
  limiter(t: number, on: boolean): void {
    const last = this.on[this.on.length - 1];
    if (on && (last === undefined || last[1] !== Infinity)) this.on.push([t, Infinity]);
    else if (!on && last !== undefined && last[1] === Infinity) last[1] = t;
  }

  /** A cycle ended at t having marked `marked` bytes (a gcDone record's heap2). */
  cycleDone(t: number, marked: number): void {
    this.cycles.push({ t, marked });
    if (this.found === null) this.check(t);
  }

  /** The first spiral seen, or null. */
  result(): Spiral | null {
    return this.found;
  }

  /** Limiter-on time within [from, to). */
  private onWithin(from: number, to: number): number {
    let sum = 0;
    for (let i = this.on.length - 1; i >= 0; i--) {
      const [a, b] = this.on[i]!;
      if (b <= from) break;
      sum += Math.max(0, Math.min(b, to) - Math.max(a, from));
    }
    return sum;
  }

  private check(t: number): void {
    const from = t - spiralWindowNs;
    if (from < 0 || this.onWithin(from, t) * 2 <= spiralWindowNs) return;
    const first = this.cycles.find((c) => c.t >= from)!;
    const last = this.cycles[this.cycles.length - 1]!;
    if (last.marked <= first.marked) return;
    // Where the stretch of limiting that reaches into the window began: the earliest on-interval still on after `from`.
    let k = this.on.length - 1;
    while (k > 0 && this.on[k - 1]![1] > from) k--;
    const limiterFromNs = this.on[k]![0];
    this.found = { atNs: t, limiterFromNs, heapFrom: first.marked, heapTo: last.marked };
  }
}
