// What the first cycle leaves behind of gcBgMarkStartWorkers and the
// runtime goroutines' parked stacks, against real Go 1.23.5.
//
// gcBgMarkStartWorkers allocates a `ready` channel (104-byte hchan: class
// 112), per worker the closure of `go gcBgMarkWorker(ready)` (16 B) and a
// gcBgMarkWorkerNode (32 B, noscan) that the worker's frame keeps. The
// channel and closures die as soon as the workers are up, so the first
// cycle frees them; the nodes survive. Real Go's /gc/heap/frees-by-size
// after big-slice-gc's first cycle (a copy of the reality checkpoint helper
// printing the histogram, GOMAXPROCS=2, 2026-12-07, same in every run):
// 8 B × 1, 16 B × 6, 32 B × 1, 112 B × 1, 128 B × 1, 192 B × 1, 384 B × 1
// (952 bytes, as /gc/heap/frees:bytes in the recorded runs).
//
// Parked runtime goroutines' hi − sp, from a GOTRACEBACK=crash dump of a
// parked program (fp/sp of each frame, 2 KiB stacks): forcegchelper 120,
// bgsweep 160, bgscavenge 168, each gcBgMarkWorker 232.

import { describe, expect, it } from 'vitest';
import { loadGoProgram } from '../../src/cli/gosource.ts';
import { GoProcess } from '../../src/go/process.ts';
import { readMoreMetrics } from '../../src/runtime/metrics.ts';

describe('the first cycle and the runtime goroutines, as real Go leaves them', () => {
  it('big-slice-gc: frees by size after the first cycle, and the parked runtime stacks', async () => {
    const program = await loadGoProgram('reality/cases/big-slice-gc/main.go');
    let frees: string[] | null = null;
    const p = new GoProcess(program, {
      env: { GOMAXPROCS: '2' },
      stdout: () => {},
      stderr: () => {},
      onCheckpoint: (_json, name, proc) => {
        if (name !== 'after_full_touch') return;
        const h = readMoreMetrics(proc.rt).get('/gc/heap/frees-by-size:bytes') as { Buckets: number[]; Counts: number[] };
        frees = [];
        h.Counts.forEach((c, i) => {
          if (c !== 0) frees!.push(`${h.Buckets[i + 1]! - 1}:${c}`);
        });
        expect(proc.readMetrics().get('/gc/heap/frees:bytes')).toBe(952);
      },
    });
    expect(p.run().status).toBe(0);
    expect(frees).toEqual(['8:1', '16:6', '32:1', '112:1', '128:1', '192:1', '384:1']);
    const used = (name: string): number[] => p.sched.allgs.filter((g) => g.name === name).map((g) => g.stackUsed);
    expect(used('runtime.forcegchelper')).toEqual([120]);
    expect(used('runtime.bgsweep')).toEqual([160]);
    expect(used('runtime.bgscavenge')).toEqual([168]);
    expect(used('runtime.gcBgMarkWorker')).toEqual([232, 232]);
  });
});
