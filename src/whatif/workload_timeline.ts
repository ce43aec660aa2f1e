// A workload's phases laid out in virtual time: which phase is in force at
// a moment, the long-lived set's target then, and how fast the set takes
// allocation. The exact runner (workload_program.ts) and the fast mode
// (fast_model.ts) read the workload through it, so both follow the same
// timeline.

import type { Phase } from './workload.ts';

/** Where each phase starts, and the live-set target at a time. */
export class Timeline {
  readonly starts: number[] = [];
  readonly end: number;

  constructor(
    readonly phases: readonly Phase[],
    readonly t0: number,
    durationNs: number,
  ) {
    let t = t0;
    for (const p of phases) {
      this.starts.push(t);
      t += p.durationNs;
    }
    this.end = t0 + durationNs;
  }

  /** The phase in force at time t (the last one goes on past its end when the run is longer). */
  index(t: number): number {
    let i = this.starts.length - 1;
    while (i > 0 && this.starts[i]! > t) i--;
    return i;
  }

  /** When the phase in force at t ends and the next begins (Infinity in the last, which goes on). */
  nextStart(t: number): number {
    const i = this.index(t);
    return i + 1 < this.starts.length ? this.starts[i + 1]! : Infinity;
  }

  /** The integral over [from, to) of a per-second rate each phase has (its allocation, its turnover). */
  integral(from: number, to: number, rate: (p: Phase) => number): number {
    let sum = 0;
    for (let t = from; t < to; ) {
      const until = Math.min(to, this.nextStart(t));
      sum += (rate(this.phases[this.index(t)]!) * (until - t)) / 1e9;
      t = until;
    }
    return sum;
  }

  /** The long-lived set's target at time t: linear within a phase, held at the last phase's end after it. */
  liveAt(t: number): number {
    const i = this.index(t);
    const p = this.phases[i]!;
    const f = Math.min(1, Math.max(0, (t - this.starts[i]!) / p.durationNs));
    return p.liveStart + (p.liveEnd - p.liveStart) * f;
  }

  /** Bytes per second the long-lived set takes of the allocation at time t: its growth and its turnover. */
  retainedRate(t: number): number {
    const i = this.index(t);
    const p = this.phases[i]!;
    const past = t >= this.starts[i]! + p.durationNs;
    const growth = past ? 0 : Math.max(0, ((p.liveEnd - p.liveStart) * 1e9) / p.durationNs);
    return growth + p.turnover;
  }
}
