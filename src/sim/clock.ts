// Virtual time. Every duration gomem reports (gctrace clocks, pause totals,
// t_ms of checkpoints, ps TIME) comes from this clock, never from the host's.

/** A monotonic virtual clock in nanoseconds since the simulated process started. */
export class Clock {
  /** Nanoseconds; a float64 holding an integer (exact up to 2^53 ns ≈ 104 days). */
  now = 0;

  /** Moves time forward by `ns` (negative or fractional amounts are a bug). */
  advance(ns: number): void {
    if (ns < 0) throw new Error(`clock: negative advance ${ns}`);
    this.now += ns;
  }

  /** Moves time to `t` if it lies in the future; used when a sleeper wakes. */
  advanceTo(t: number): void {
    if (t > this.now) this.now = t;
  }
}
