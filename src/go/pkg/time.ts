// time: durations, Sleep (a runtime timer: the goroutine's first sleep
// allocates its timer and the P's timer-heap entry), Now and Since on the
// virtual clock.

import type { GoroutineBody } from '../../runtime/runtime2.ts';
import { firstUse } from '../pkginit.ts';
import type { GoProcess } from '../process.ts';
import { parseDuration } from '../units.ts';

/** Pointer fields of runtime.g and runtime.p that hold a goroutine's sleep timer and its P's timer heap (their exact offsets only place the word). */
const gTimerOffset = 376;
const pTimersHeapOffset = 8800;

export class Time {
  readonly Nanosecond = 1;
  readonly Microsecond = 1e3;
  readonly Millisecond = 1e6;
  readonly Second = 1e9;
  readonly Minute = 60e9;
  readonly Hour = 3600e9;
  private readonly timers = new WeakSet<object>();

  constructor(private readonly p: GoProcess) {}

  /** time.Sleep(d): parks the goroutine on a timer (yield* it). */
  Sleep(d: number): GoroutineBody {
    return this.p.go.blocking('go.time.Sleep(…)', this.sleep(d));
  }

  private *sleep(d: number): GoroutineBody {
    const g = this.p.sched.curG!;
    if (!this.timers.has(g)) {
      this.timers.add(g);
      // The goroutine's timer (held by g.timer) and its P's timer heap array (p.timers.heap).
      const [timer, heap] = firstUse('time.firstSleep').map((s) => ('alloc' in s ? this.p.allocStep(s) : 0));
      const rt = this.p.rt;
      if (timer) rt.mem.storeWord(g.addr + gTimerOffset, timer);
      if (heap && rt.curP !== null) rt.mem.storeWord(rt.curP.addr + pTimersHeapOffset, heap);
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

  /** time.ParseDuration, all of Go's syntax ("2s", "1.5h", "2h30m"), so it takes what an option of kind 'duration' was checked against. */
  ParseDuration(s: string): number {
    const d = parseDuration(s);
    if ('error' in d) throw new Error(d.error);
    return d.ns;
  }
}
