// The collector against an independent mirror: random programs of
// allocations, pointer stores, appends, copies, map and channel operations,
// goroutines that start and end, frame pushes and pops, list removals,
// bursts of garbage that start a paced cycle (the operations after one run
// while it marks, behind a ballast the drain walks first) and forced
// runtime.GC() calls, with GODEBUG=gccheckmark=1 (after every cycle a
// stop-the-world re-walk checks nothing reachable was left unmarked). After
// every forced GC, the program's objects still allocated are those the
// mirror reaches (plus what it reached when the cycle began: floating
// garbage); at the end every pointer field reads back as the mirror says.
// CI runs 200 programs; scripts/gc-property.ts runs 10,000.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cycleOK, gcProgramArb, gcRunOptions, runBoth } from './helpers/graph_program.ts';

describe('the collector frees exactly what the mirror cannot reach', () => {
  // Async, with a macrotask turn before each program, so that vitest's RPC
  // keeps flowing during the run (about 30 s alone, twice that beside other files).
  it('200 random programs: survivors of every forced GC equal the mirror\'s reachable set; no checkmark violation', async () => {
    await fc.assert(
      fc.asyncProperty(gcProgramArb, async (ops) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const o = runBoth(ops, gcRunOptions);
        for (const c of o.cycles) expect(cycleOK(c), JSON.stringify(c)).toBe(true);
        expect(o.fieldsGomem).toEqual(o.fieldsMirror);
      }),
      { numRuns: 200, seed: 11 },
    );
  }, 300_000);
});
