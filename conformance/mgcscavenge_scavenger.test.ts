// Port of Go 1.23 src/runtime/mgcscavenge_test.go TestScavenger: the
// background scavenger's loop (scavengerState.run/sleep and its PI
// controller) driven by stubs — scavenging costs 10 µs per 4 KiB, sleeping
// returns at once, GOMAXPROCS is 1 — must release exactly the work offered
// and keep its CPU fraction within 0.005 of scavengePercent (1%). Names and
// expected values are Go's; export_test.ts's Scavenger is Go's wrapper.

import { describe, expect, it } from 'vitest';
import { PhysPageSize, ScavengePercent, Scavenger } from '../src/runtime/export_test.ts';

describe('TestScavenger', () => {
  it('releases all the work offered at 1% CPU, parks when there is none, stops where told', () => {
    // workedTime: a standard conversion of bytes of scavenge work to time elapsed.
    const workedTime = (bytes: number): number => Math.floor((bytes + 4095) / 4096) * 10_000;

    const totalWork = (64 << 20) - 3 * PhysPageSize;
    let totalSlept = 0;
    let totalWorked = 0;
    let availableWork = 0;
    let stopAt = 0; // how much available work to stop at

    const s = new Scavenger();
    s.Sleep = (ns) => {
      totalSlept += ns;
      return ns;
    };
    s.Scavenge = (bytes) => {
      const avail = availableWork;
      if (bytes > avail) bytes = avail;
      const t = workedTime(bytes);
      if (bytes !== 0) {
        availableWork -= bytes;
        totalWorked += t;
      }
      return [bytes, t];
    };
    s.ShouldStop = () => availableWork <= stopAt;
    s.GoMaxProcs = () => 1;

    const verifyScavengerState = (expWork: number): void => {
      expect(s.Released(), `want ${expWork} bytes of work done`).toBe(expWork);
      const idealFraction = ScavengePercent / 100.0;
      const cpuFraction = totalWorked / (totalWorked + totalSlept);
      expect(cpuFraction, `want ${idealFraction} CPU fraction`).toBeGreaterThanOrEqual(idealFraction - 0.005);
      expect(cpuFraction, `want ${idealFraction} CPU fraction`).toBeLessThanOrEqual(idealFraction + 0.005);
    };

    s.Start();

    // Set up some work and let the scavenger run to completion.
    availableWork = totalWork;
    s.Wake();
    expect(s.BlockUntilParked(2e9), 'timed out waiting for scavenger to run to completion').toBe(true);
    verifyScavengerState(totalWork);

    // No work to do: it should go right back to sleep.
    s.Wake();
    expect(s.BlockUntilParked(2e9)).toBe(true);
    verifyScavengerState(totalWork);

    // The same amount of work as the first time: the scavenger continues.
    availableWork = totalWork;
    s.Wake();
    expect(s.BlockUntilParked(2e9)).toBe(true);
    verifyScavengerState(2 * totalWork);

    // Stop after a certain amount of work (a stopping point leaving a
    // multiple of a large power of two, as Go picks it).
    availableWork = totalWork;
    const stoppingPoint = (1 << 20) - 3 * PhysPageSize;
    stopAt = stoppingPoint;
    s.Wake();
    expect(s.BlockUntilParked(2e9)).toBe(true);
    verifyScavengerState(2 * totalWork + (totalWork - stoppingPoint));

    s.Stop();
  });
});
