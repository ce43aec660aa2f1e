// The collector's property tests have teeth: with the write barrier switched
// off, or allocate-black switched off, the same random programs
// (gc_property.test.ts) find violations — a checkmark failure, an object
// freed while reachable, or one kept while unreachable.

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GC } from '../../src/runtime/mgc.ts';
import { cycleOK, gcProgramArb, gcRunOptions, runBoth } from './helpers/graph_program.ts';

function violations(numRuns: number): boolean {
  const r = fc.check(
    fc.property(gcProgramArb, (ops) => {
      try {
        const o = runBoth(ops, gcRunOptions);
        return o.cycles.every(cycleOK) && JSON.stringify(o.fieldsGomem) === JSON.stringify(o.fieldsMirror);
      } catch {
        return false;
      }
    }),
    { numRuns, seed: 11, endOnFailure: true },
  );
  return r.failed;
}

describe('mutations of the collector are caught', () => {
  afterEach(() => vi.restoreAllMocks());

  it('no write barrier', () => {
    vi.spyOn(GC.prototype, 'writeBarrier').mockImplementation(() => {});
    expect(violations(300)).toBe(true);
  });

  it('no allocate-black', () => {
    vi.spyOn(GC.prototype, 'gcmarknewobject').mockImplementation(() => {});
    expect(violations(300)).toBe(true);
  });
});
