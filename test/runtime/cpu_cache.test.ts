// A cache model belongs to a CPU, not to a P (runtime.ts curPCache): P i
// runs on CPU i mod ncpu, so Ps beyond the machine's CPUs share a CPU's
// cache as threads time-sharing a core do, and GOMAXPROCS=100,000 makes as
// many cache models as CPUs.

import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import type { CacheModel } from '../../src/sim/cache.ts';
import { scenarios } from '../../src/scenarios/index.ts';

/** Each P's data and span-record cache models, looked at from hello's first checkpoint. */
function cachesOf(gomaxprocs: number, ncpu: number): [CacheModel | null, CacheModel | null][] {
  let out: [CacheModel | null, CacheModel | null][] = [];
  const p = new GoProcess(scenarios.get('hello')!, {
    env: { GOMAXPROCS: String(gomaxprocs) },
    ncpu,
    stdout: () => {},
    stderr: () => {},
    onCheckpoint: (_json, _name, proc) => {
      if (out.length > 0) return;
      const rt = proc.rt;
      const saved = rt.curP;
      out = rt.allp.map((pp) => {
        rt.curP = pp;
        return [rt.curPCache(), rt.curPRecordCache()];
      });
      rt.curP = saved;
    },
  });
  expect(p.run().status).toBe(0);
  return out;
}

/** For each P, which of the first two Ps' models it holds (0, 1, or -1: another). */
function sharing(caches: [CacheModel | null, CacheModel | null][], which: 0 | 1): number[] {
  return caches.map((c) => (c[which] === caches[0]![which] ? 0 : c[which] === caches[1]![which] ? 1 : -1));
}

describe('cache models per CPU', () => {
  it('GOMAXPROCS=5 on 2 CPUs: Ps 0, 2, 4 share one CPU\'s caches and Ps 1, 3 the other\'s', () => {
    const caches = cachesOf(5, 2);
    expect(caches).toHaveLength(5);
    expect(caches[0]![0]).not.toBeNull();
    expect(caches[0]![0]).not.toBe(caches[1]![0]);
    expect(sharing(caches, 0)).toEqual([0, 1, 0, 1, 0]);
    expect(sharing(caches, 1)).toEqual([0, 1, 0, 1, 0]);
  });

  it('GOMAXPROCS=2 on 2 CPUs: each P its own (every reality case runs so)', () => {
    const caches = cachesOf(2, 2);
    expect(caches[0]![0]).not.toBe(caches[1]![0]);
    expect(caches[0]![1]).not.toBe(caches[1]![1]);
  });
});
