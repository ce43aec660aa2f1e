// The graph property has teeth: with growslice's copy of the old array's
// pointer words broken (typedslicecopy moving nothing), the random programs
// find the difference between gomem and the mirror.

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/runtime/mbarrier.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/runtime/mbarrier.ts')>();
  return { ...orig, typedslicecopy: () => {} };
});

const { programArb, runBoth } = await import('./helpers/graph_program.ts');

describe('mutation: growslice without its pointer copy', () => {
  it('the property fails', () => {
    const r = fc.check(
      fc.property(programArb, (ops) => {
        const o = runBoth(ops);
        return JSON.stringify(o.reachable) === JSON.stringify(o.mirrorReachable) && JSON.stringify(o.fieldsGomem) === JSON.stringify(o.fieldsMirror);
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(r.failed).toBe(true);
  });
});
