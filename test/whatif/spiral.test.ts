// The death-spiral rule (src/whatif/spiral.ts) on hand-made records: the GC
// CPU limiter on for more than half of the 10 s before a cycle's end, and
// the marked heap higher at that cycle than at the window's first.

import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/trace/reader.ts';
import { SpiralWatch } from '../../src/whatif/spiral.ts';

const s = 1e9;
const MiB = 1 << 20;

function cycle(t: number, marked: number): TraceRecord {
  return { kind: 'gcDone', t, cycle: 0, heap0: 0, heap1: 0, heap2: marked, goal: 0, nextGoal: 0, nextTrigger: 0, pauseNs: 0, heapScan: 0, stackScan: 0, globalsScan: 0, cpuAssist: 0, cpuDedicated: 0, cpuFractional: 0, cpuIdle: 0, cpuPause: 0 } as TraceRecord;
}

function limiter(t: number, on: boolean): TraceRecord {
  return { kind: 'gcLimiter', t, on, totalNs: 0 };
}

/** A cycle ending every second from 1 s to 20 s, its marked heap from `marked(i)`, with the limiter records given. */
function run(marked: (i: number) => number, limits: TraceRecord[]): ReturnType<SpiralWatch['result']> {
  const recs: TraceRecord[] = [...limits];
  for (let i = 1; i <= 20; i++) recs.push(cycle(i * s, marked(i)));
  recs.sort((a, b) => a.t - b.t);
  const w = new SpiralWatch();
  // In two pieces, as a trace is decoded while the run goes on.
  w.push(recs.slice(0, 7));
  w.push(recs.slice(7));
  return w.result();
}

describe('the death-spiral rule', () => {
  it('holds at the first cycle whose 10 s before had the limiter on for more than 5 s while the heap grew', () => {
    // On from 5 s for good: [1 s, 11 s) holds 6 s of it; at 10 s, [0, 10) only 5 s (not more than half).
    expect(run((i) => (40 + i) * MiB, [limiter(5 * s, true)])).toEqual({ atNs: 11 * s, limiterFromNs: 5 * s, heapFrom: 41 * MiB, heapTo: 51 * MiB });
  });

  it('does not hold while the heap stays put, nor when the limiter is on less than half the time', () => {
    expect(run(() => 40 * MiB, [limiter(5 * s, true)])).toBeNull();
    // On 0.4 s of every second: 4 s in any 10.
    const flicker = Array.from({ length: 20 }, (_, i) => [limiter(i * s + 0.3 * s, true), limiter(i * s + 0.7 * s, false)]).flat();
    expect(run((i) => (40 + i) * MiB, flicker)).toBeNull();
    // On 0.6 s of every second from 2.3 s: [0, 10 s) holds 8 × 0.6 = 4.8 s, [1 s, 11 s) holds 9 × 0.6 = 5.4 s.
    const mostly = Array.from({ length: 20 }, (_, i) => [limiter(i * s + 0.3 * s, true), limiter(i * s + 0.9 * s, false)]).flat().slice(4);
    expect(run((i) => (40 + i) * MiB, mostly)).toEqual({ atNs: 11 * s, limiterFromNs: 2.3 * s, heapFrom: 41 * MiB, heapTo: 51 * MiB });
  });
});
