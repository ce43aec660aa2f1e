// time: durations, Sleep (a runtime timer: the goroutine's first sleep
// allocates its timer and the P's timer-heap entry), Now and Since on the
// virtual clock.

import type { GoroutineBody } from '../../runtime/runtime2.ts';
import { firstUse } from '../pkginit.ts';
import type { GoProcess } from '../process.ts';

export class Time {
  readonly Nanosecond = 1;
  readonly Microsecond = 1e3;
  readonly Millisecond = 1e6;
  readonly Second = 1e9;
  readonly Minute = 60e9;
  readonly Hour = 3600e9;
  private readonly timers = new WeakSet<object>();

  constructor(private readonly p: GoProcess) {}

  /** time.Sleep(d): parks the goroutine on a timer. */
  *Sleep(d: number): GoroutineBody {
    const g = this.p.sched.curG!;
    if (!this.timers.has(g)) {
      this.timers.add(g);
      for (const s of firstUse('time.firstSleep')) if ('alloc' in s) this.p.allocStep(s);
    }
    yield* this.p.sched.sleep(d);
  }

  /** time.Now() as nanoseconds of virtual time since the process started. */
  Now(): number {
    return this.p.clock.now;
  }

  /** time.Since(t). */
  Since(t: number): number {
    return this.p.clock.now - t;
  }

  /** A duration as Go's String() prints it for whole units ("2s", "1.5s", "100ms"). */
  String(d: number): string {
    if (d === 0) return '0s';
    if (d < 1e3) return `${d}ns`;
    if (d < 1e6) return `${d / 1e3}µs`;
    if (d < 1e9) return `${d / 1e6}ms`;
    return `${d / 1e9}s`;
  }

  /** time.ParseDuration for the forms options use ("2s", "30s", "500ms", "1m"). */
  ParseDuration(s: string): number {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(s);
    if (!m) throw new Error(`time: invalid duration "${s}"`);
    const unit = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2] as 'ns'];
    return Math.round(Number(m[1]) * unit);
  }
}
