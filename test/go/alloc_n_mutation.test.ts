// alloc_n.test.ts has teeth: with the bulk path's run planning made to
// ignore the goroutine's assist credit or the heap-profile countdown, or its
// runs made to go through safe points where the scheduler would act, the
// same workload gives different outputs from the one-at-a-time loops.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Workload, outputsText, runWorkload } from './helpers/alloc_n_program.ts';

const mutation = vi.hoisted(() => ({ skipAssist: false, skipSample: false, skipSafePoints: false }));

vi.mock('../../src/runtime/malloc.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/runtime/malloc.ts')>();
  const smallRunPlan: typeof orig.smallRunPlan = (rt, c, s, dataSize, assistBytes, max) => {
    const rate = rt.memProfileRate;
    if (mutation.skipSample) rt.memProfileRate = 0;
    try {
      return orig.smallRunPlan(rt, c, s, dataSize, mutation.skipAssist ? null : assistBytes, max);
    } finally {
      rt.memProfileRate = rate;
    }
  };
  return { ...orig, smallRunPlan };
});

vi.mock('../../src/go/alloc_n.ts', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/go/alloc_n.ts')>();
  const takeRun: typeof orig.takeRun = (p, s, first, k, e, mallocNs, typeAddr, deadline, dst, dstAddr) =>
    orig.takeRun(p, s, first, k, e, mallocNs, typeAddr, mutation.skipSafePoints ? Infinity : deadline, dst, dstAddr);
  return { ...orig, takeRun };
});

/** Runs of thousands of small objects through several GC cycles, with heap-profile sampling on. */
const workload: Workload = {
  main: [
    { op: 'bulk', t: 3, n: 20000, dst: 'slice', slot: 0, from: 0, over: 0 },
    { op: 'bulk', t: 9, n: 20000, dst: 'none', slot: 0, from: 0, over: 0 },
    { op: 'bulk', t: 13, n: 2000, dst: 'sink', slot: 0, from: 0, over: 0 },
  ],
  workers: [[{ op: 'bulk', t: 5, n: 20000, dst: 'none', slot: 0, from: 0, over: 0 }]],
  gogc: 5,
  procs: 2,
  memprofilerate: 4096,
  seed: 3,
};

function same(): boolean {
  const loop = runWorkload(workload, false);
  expect(loop.error).toBe('');
  return outputsText(runWorkload(workload, true)) === outputsText(loop);
}

describe('mutations of the bulk path are caught', () => {
  afterEach(() => {
    mutation.skipAssist = false;
    mutation.skipSample = false;
    mutation.skipSafePoints = false;
  });

  it('unmutated, the two runs agree', () => {
    expect(same()).toBe(true);
  }, 60_000);

  it('a run that takes objects past the one that must assist', () => {
    mutation.skipAssist = true;
    expect(same()).toBe(false);
  }, 60_000);

  it('a run that goes through a safe point where the scheduler acts (another P runs, or sysmon preempts)', () => {
    mutation.skipSafePoints = true;
    expect(same()).toBe(false);
  }, 60_000);

  it('a run that takes objects past the one that must be sampled', () => {
    mutation.skipSample = true;
    expect(same()).toBe(false);
  }, 60_000);
});
