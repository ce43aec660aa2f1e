// Memory holds the program's pointers: for random programs of allocations,
// field stores, appends, copies and frame pushes and pops, the objects
// reachable from gomem's roots through simulated memory are exactly those an
// independent plain-JS mirror of the same program reaches, and every
// pointer field reads back as what was stored (helpers/graph_program.ts).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { programArb, runBoth } from './helpers/graph_program.ts';

describe('the object graph in simulated memory equals the mirror\'s', () => {
  it('reachable sets and every field agree (200 random programs)', () => {
    fc.assert(
      fc.property(programArb, (ops) => {
        const o = runBoth(ops);
        expect(o.reachable).toEqual(o.mirrorReachable);
        expect(o.fieldsGomem).toEqual(o.fieldsMirror);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
