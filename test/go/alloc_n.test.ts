// go.allocN, the bulk allocation path, against the loops it stands for:
// random workloads (tiny, small, headed and large types, scan and noscan;
// counts from 0 to thousands; other allocations, sleeps and checkpoints in
// between; 1–4 Ps and up to three allocating goroutines; GOGC 5–50 so that
// cycles, assists and sweeps fall inside a batch; MemProfileRate down to 1 so
// that samples do) run once each way, and every output — stdout, stderr with
// gctrace=1, each CHECKPOINT line (MemStats, runtime/metrics, /proc), the
// run's result and the heap profile — is byte-identical.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram } from '../../src/go/program.ts';
import { runProgram } from '../../src/go/runs.ts';
import { T } from '../../src/go/types.ts';
import { type Workload, outputsText, runWorkload, workloadArb, workloadProgram } from './helpers/alloc_n_program.ts';

/** A workload whose two runs differ, or null. */
export function firstDifference(numRuns: number, seed: number): { w: Workload; at: number } | null {
  let found: { w: Workload; at: number } | null = null;
  fc.assert(
    fc.property(workloadArb, (w) => {
      const a = outputsText(runWorkload(w, false));
      const b = outputsText(runWorkload(w, true));
      if (a === b) return true;
      let at = 0;
      while (a[at] === b[at]) at++;
      found ??= { w, at };
      return false;
    }),
    { numRuns, seed, endOnFailure: true },
  );
  return found;
}

describe('go.allocN', () => {
  // Several short properties rather than one long one: a test that holds the worker for a minute loses vitest's RPC.
  for (const seed of [42, 43, 44, 45]) {
    it(`gives byte-identical outputs to the one-at-a-time loops on random workloads (seed ${seed})`, () => {
      expect(firstDifference(8, seed)).toBeNull();
    }, 300_000);
  }

  it('a fixed workload: runs of many objects with cycles, assists and samples inside them', () => {
    const w: Workload = {
      main: [
        { op: 'bulk', t: 3, n: 20000, dst: 'slice', slot: 0, from: 5, over: 0 },
        { op: 'bulk', t: 9, n: 20000, dst: 'sink', slot: 0, from: 0, over: 0 },
        { op: 'bulk', t: 13, n: 2000, dst: 'none', slot: 0, from: 0, over: 0 },
        { op: 'checkpoint' },
        { op: 'bulk', t: 11, n: 20000, dst: 'slice', slot: 1, from: 0, over: 2 },
      ],
      workers: [[{ op: 'bulk', t: 5, n: 20000, dst: 'none', slot: 0, from: 0, over: 0 }, { op: 'bulk', t: 12, n: 3000, dst: 'slice', slot: 2, from: 0, over: 0 }]],
      gogc: 5,
      procs: 2,
      memprofilerate: 4096,
      seed: 7,
    };
    const a = runWorkload(w, false);
    const b = runWorkload(w, true);
    expect(a.error).toBe('');
    // The workload does what it is for: several cycles, and it ends with the slice's index panic.
    expect(a.run!.stderr.match(/^gc \d+ @/gm)!.length).toBeGreaterThan(3);
    expect(a.run!.result.outcome).toBe('panic');
    expect(a.run!.stderr).toContain('index out of range [19998] with length 19998');
    expect(outputsText(b)).toBe(outputsText(a));
  }, 120_000);

  it('killed by the OOM killer at a page fault inside a run, the allocator is left as the loop leaves it', () => {
    // 608-byte objects with a malloc header: the header's store is the first write to each page of a fresh span.
    const w: Workload = { main: [{ op: 'bulk', t: 13, n: 100000, dst: 'none', slot: 0, from: 0, over: 0 }], workers: [], gogc: 100, procs: 1, memprofilerate: 65536, seed: 1 };
    const run = (bulk: boolean): { out: string; state: string } => {
      let out = '';
      const p = new GoProcess(workloadProgram(w, bulk), { env: { GOGC: 'off', GOMAXPROCS: '1' }, cgroupMemoryMax: 12 << 20, thp: 'always', stdout: (x) => (out += x), stderr: (x) => (out += x) });
      const r = p.run();
      const rt = p.rt;
      // Every cached span's allocation state, the mcaches' counters and the goroutines' assist credit.
      const spans = rt.allp.flatMap((pp) => pp.mcache.alloc.map((s) => [s.freeindex, s.allocCount, s.cacheLo, s.cacheHi, s.freeIndexForScan]));
      const caches = rt.allp.map((pp) => [pp.mcache.scanAlloc, pp.mcache.nextSample, pp.mcache.tinyAllocs]);
      return { out: JSON.stringify([out, r]), state: JSON.stringify([spans, caches, rt.gcController.heapLive, rt.clock.now]) };
    };
    const a = run(false);
    const b = run(true);
    expect(a.out).toContain('oom-kill');
    expect(b.out).toBe(a.out);
    expect(b.state).toBe(a.state);
  }, 120_000);

  it('returns the last object, stores each into the slice, and checks its arguments', () => {
    const r = runProgram(
      defineProgram({
        name: 'alloc-n-api',
        description: 'allocN results',
        *main(go) {
          const t = T.array(T.int64, 4);
          const s = go.make(T.slice(T.pointer(t)), 10);
          const g = go.globals({ s: T.slice(T.pointer(t)) });
          g.s = s;
          const last = go.allocN(t, 10, s);
          const addrs = Array.from({ length: 10 }, (_, i) => (go.get(s, i) as { addr: number }).addr);
          go.fmt.Println(go.str(`${last!.addr === addrs[9]} ${new Set(addrs).size} ${addrs[1]! - addrs[0]!} ${go.allocN(t, 0)}`));
          let err = '';
          try {
            go.allocN(t, 2, go.make(T.slice(T.int64), 2));
          } catch (e) {
            err = (e as Error).message;
          }
          go.fmt.Println(go.str(err));
        },
      }),
    );
    expect(r.stdout).toBe('true 10 32 null\ngomem: allocN into a []int64; expected a slice of pointers\n');
  });
});
