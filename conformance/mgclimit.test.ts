// Port of Go 1.23 src/runtime/mgclimit_test.go: TestGCCPULimiter (mock
// clock, GOMAXPROCS 14, the whole sequence twice so that no state leaks
// across), with Go's expected fills, capacities, overflows and limiting
// states. Durations are ns, as time.Duration.
//
// Beyond the Go test: LimiterEvent (p.limiterEvent) bookkeeping, which Go
// exercises only through the whole runtime.

import { describe, expect, it } from 'vitest';
import {
  CapacityPerProc,
  GCBackgroundUtilization,
  GCCPULimiterUpdatePeriod,
  NewGCCPULimiter,
} from '../src/runtime/export_test.ts';
import {
  GcCPULimiterState,
  LimiterEvent,
  limiterEventIdle,
  limiterEventMarkAssist,
  limiterEventNone,
} from '../src/runtime/mgclimit.ts';

const Microsecond = 1e3;
const Millisecond = 1e6;
const Second = 1e9;
const Hour = 3600 * Second;

describe('TestGCCPULimiter', () => {
  it('fills, drains, limits and overflows as in Go', () => {
    const procs = 14;

    // Mock time.
    let ticks = 0;
    const advance = (d: number): number => {
      ticks += d;
      return ticks;
    };
    // CPU time of assists taking frac of GOMAXPROCS over wall-clock d.
    const assistTime = (d: number, frac: number): number => Math.trunc(frac * d * procs);

    const l = NewGCCPULimiter(ticks, procs);

    // Do the whole test twice to make sure state doesn't leak across.
    let baseOverflow = 0;
    for (let i = 0; i < 2; i++) {
      expect(l.Capacity(), 'unexpected capacity').toBe(procs * CapacityPerProc);
      expect(l.Fill(), 'expected empty bucket to start').toBe(0);

      // Filling the bucket with just mutator time.
      l.Update(advance(10 * Millisecond));
      l.Update(advance(1 * Second));
      l.Update(advance(1 * Hour));
      expect(l.Fill(), 'expected empty bucket from only accumulating mutator time').toBe(0);

      // needUpdate.
      expect(l.NeedUpdate(advance(GCCPULimiterUpdatePeriod / 2)), 'need update even though updated half a period ago').toBe(false);
      expect(l.NeedUpdate(advance(GCCPULimiterUpdatePeriod)), "doesn't need update even though updated 1.5 periods ago").toBe(true);
      l.Update(advance(0));
      expect(l.NeedUpdate(advance(0)), 'need update even though just updated').toBe(false);

      // Transitioning the bucket to enable the GC.
      l.StartGCTransition(true, advance(109 * Millisecond));
      l.FinishGCTransition(advance(2 * Millisecond + 1 * Microsecond));
      expect(l.Fill()).toBe((2 * Millisecond + 1 * Microsecond) * procs);

      // Time passing without assists during a GC: just enough to drain the
      // bucket to exactly procs ns. The window is 1/(1−2·gcBackgroundUtilization) × (fill − n) / procs.
      const factor = 1 / (1 - 2 * GCBackgroundUtilization);
      const fill = (2 * Millisecond + 1 * Microsecond) * procs;
      l.Update(advance(Math.trunc((factor * (fill - procs)) / procs)));
      expect(l.Fill(), 'expected fill procs cpu-ns from draining after a GC started').toBe(procs);

      // Drain to zero for the rest of the test.
      l.Update(advance(2 * procs * CapacityPerProc));
      expect(l.Fill(), 'expected empty bucket from draining').toBe(0);

      // 50% total GC work does not move the bucket.
      l.AddAssistTime(assistTime(10 * Millisecond, 0.5 - GCBackgroundUtilization));
      l.Update(advance(10 * Millisecond));
      expect(l.Fill(), 'expected empty bucket from 50% GC work').toBe(0);

      // 100% GC work adds to the bucket.
      l.AddAssistTime(assistTime(Millisecond, 1.0 - GCBackgroundUtilization));
      l.Update(advance(Millisecond));
      expect(l.Fill(), 'expected fill from 100% GC CPU').toBe(procs * Millisecond);
      expect(l.Limiting(), "limiter is enabled after filling bucket but shouldn't be").toBe(false);

      // Filling the bucket exactly full.
      l.AddAssistTime(assistTime(CapacityPerProc - Millisecond, 1.0 - GCBackgroundUtilization));
      l.Update(advance(CapacityPerProc - Millisecond));
      expect(l.Fill(), 'expected bucket filled to capacity').toBe(l.Capacity());
      expect(l.Limiting(), 'limiter is not enabled after filling bucket but should be').toBe(true);
      expect(l.Overflow(), 'bucket filled exactly should not have overflow').toBe(0 + baseOverflow);

      // A delta of exactly zero (GC work exactly 50%): still limiting, no overflow.
      l.AddAssistTime(assistTime(1 * Second, 0.5 - GCBackgroundUtilization));
      l.Update(advance(1 * Second));
      expect(l.Fill(), 'expected bucket filled to capacity').toBe(l.Capacity());
      expect(l.Limiting(), 'limiter is not enabled after filling bucket but should be').toBe(true);
      expect(l.Overflow(), 'bucket filled exactly should not have overflow').toBe(0 + baseOverflow);

      // Drain the bucket by half.
      l.AddAssistTime(assistTime(CapacityPerProc, 0));
      l.Update(advance(CapacityPerProc));
      expect(l.Fill(), 'failed to drain to half').toBe(l.Capacity() / 2);
      expect(l.Limiting(), "limiter is enabled after draining bucket but shouldn't be").toBe(false);

      // Overfilling the bucket.
      l.AddAssistTime(assistTime(CapacityPerProc, 1.0 - GCBackgroundUtilization));
      l.Update(advance(CapacityPerProc));
      expect(l.Fill(), 'failed to fill to capacity').toBe(l.Capacity());
      expect(l.Limiting(), 'limiter is not enabled after overfill but should be').toBe(true);
      expect(l.Overflow(), 'bucket overfilled should have overflow').toBe((CapacityPerProc * procs) / 2 + baseOverflow);

      // Ending the cycle with some assists left over.
      l.AddAssistTime(assistTime(1 * Millisecond, 1.0 - GCBackgroundUtilization));
      l.StartGCTransition(false, advance(1 * Millisecond));
      expect(l.Fill(), 'failed to maintain fill to capacity').toBe(l.Capacity());
      expect(l.Limiting(), 'limiter is not enabled after overfill but should be').toBe(true);
      expect(l.Overflow()).toBe((CapacityPerProc / 2 + Millisecond) * procs + baseOverflow);

      // The STW adds to the bucket.
      l.FinishGCTransition(advance(5 * Millisecond));
      expect(l.Fill(), 'failed to maintain fill to capacity').toBe(l.Capacity());
      expect(l.Limiting(), 'limiter is not enabled after overfill but should be').toBe(true);
      expect(l.Overflow()).toBe((CapacityPerProc / 2 + 6 * Millisecond) * procs + baseOverflow);

      // Resize procs up: limiting stops.
      const expectFill = l.Capacity();
      l.ResetCapacity(advance(0), procs + 10);
      expect(l.Fill(), 'failed to maintain fill at old capacity').toBe(expectFill);
      expect(l.Limiting(), 'limiter is enabled after resetting capacity higher').toBe(false);
      expect(l.Overflow(), 'bucket overflow should have remained constant').toBe(
        (CapacityPerProc / 2 + 6 * Millisecond) * procs + baseOverflow,
      );

      // Resize procs down: limiting begins again, and fewer CPUs are not overflow.
      l.ResetCapacity(advance(0), procs - 10);
      expect(l.Fill(), 'failed lower fill to new capacity').toBe(l.Capacity());
      expect(l.Limiting(), 'limiter is disabled after resetting capacity lower').toBe(true);
      expect(l.Overflow(), 'bucket overflow should have remained constant').toBe(
        (CapacityPerProc / 2 + 6 * Millisecond) * procs + baseOverflow,
      );

      // Back to a zero state; the top of the loop checks.
      l.ResetCapacity(advance(CapacityPerProc * procs), procs);

      baseOverflow += (CapacityPerProc / 2 + 6 * Millisecond) * procs;
    }
  });
});

describe('gcCPULimiter beyond TestGCCPULimiter', () => {
  it('an update during a GC transition is dropped, as when Go fails to take the lock', () => {
    const l = NewGCCPULimiter(0, 4);
    l.StartGCTransition(true, 1 * Millisecond);
    l.Update(5 * Millisecond);
    expect(l.limiter.lastUpdate).toBe(1 * Millisecond);
    l.FinishGCTransition(2 * Millisecond);
    expect(l.Fill()).toBe(1 * Millisecond * 4);
  });

  it('lastEnabledCycle is the cycle in progress (numgc + 1) when the bucket fills', () => {
    let numgc = 6;
    const l = new GcCPULimiterState({ numgc: () => numgc, test: true });
    l.resetCapacity(0, 1);
    l.startGCTransition(true, 0);
    l.finishGCTransition(Second);
    expect(l.limiting()).toBe(true);
    expect(l.lastEnabledCycle).toBe(7);
    numgc = 9;
    l.update(Second + 1);
    expect(l.lastEnabledCycle).toBe(7);
  });

  it('P limiter events: in-flight time is consumed at each update; stop reports the remainder', () => {
    const events = [new LimiterEvent(), new LimiterEvent()];
    let schedIdle = 0;
    const l = new GcCPULimiterState({ limiterEvents: () => events, addSchedIdleTime: (ns) => (schedIdle += ns) });
    l.resetCapacity(0, 2);
    l.startGCTransition(true, 0);
    l.finishGCTransition(0);
    expect(events[0]!.start(limiterEventMarkAssist, 0)).toBe(true);
    expect(events[0]!.start(limiterEventIdle, 0)).toBe(false);
    expect(events[1]!.start(limiterEventIdle, 0)).toBe(true);
    // 10 ms on 2 Ps = 20 ms; GC time = 10 ms assist + 25% of 20 ms = 15 ms;
    // idle comes off the total afterwards: 20 − 10 = 10 ms, so mutator time
    // is 10 − 15 = −5 ms and the bucket moves by 15 − (−5) = 20 ms.
    l.update(10 * Millisecond);
    expect(l.bucket.fill).toBe(20 * Millisecond);
    expect(schedIdle).toBe(10 * Millisecond);
    expect(events[0]!.consume(10 * Millisecond)).toEqual([limiterEventNone, 0]);
    events[0]!.stop(limiterEventMarkAssist, 12 * Millisecond, l);
    expect(l.assistTimePool).toBe(2 * Millisecond);
    expect(events[0]!.typ).toBe(limiterEventNone);
    expect(() => events[1]!.stop(limiterEventMarkAssist, 12 * Millisecond, l)).toThrow(/wrong event/);
  });
});
