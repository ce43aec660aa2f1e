// Virtual time. Every duration gomem reports (gctrace clocks, pause totals,
// t_ms of checkpoints, ps TIME) comes from this clock, never from the host's.

/**
 * A virtual clock in nanoseconds since the simulated process started.
 * The scheduler moves it between the per-P timelines (set), and work done
 * on the running P advances it (advance).
 */
export class Clock {
  /** Nanoseconds; a float64 holding an integer (exact up to 2^53 ns ≈ 104 days). */
  now = 0;

  /** Moves time forward by `ns` (negative amounts are a bug). */
  advance(ns: number): void {
    if (ns < 0) throw new Error(`clock: negative advance ${ns}`);
    this.now += ns;
  }

  /** Jumps to the timeline of the P about to run (may be earlier than now). */
  set(t: number): void {
    this.now = t;
  }
}
