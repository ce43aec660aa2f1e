// The runtime's and the package inits' objects are held from roots the way
// real Go holds them: a reachability walk from gomem's roots (the binary's
// globals by their pointer bitmap, every goroutine's frames) over simulated
// memory, at the start of main, reaches exactly the start-up objects that
// real Go 1.23.5 still has after a GC there.
//
// The real figures come from heap dumps of the reality cases' own binaries
// taken at the first line of main and after two runtime.GC() calls
// (reality/startup README §12, reality/startup/live/<case>.json; 30 runs of
// hello, 60 of gin-idle, GOMAXPROCS=2, ASLR off). "Live after GC" below is
// the dump's object count after the GCs minus the objects the GCs allocate
// themselves (two mark-worker g structs and two 32-byte nodes, sometimes a
// sudog or a bigger allgs), which gomem has not run yet.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { walkReachable } from '../../src/runtime/mgcmark.ts';
import { scenarios } from '../../src/scenarios/index.ts';

interface LiveJson {
  env: Record<string, string>;
  argv: string[];
  objects: { id: number | string; slot: string; live: boolean | null; reachableAtMain?: boolean }[];
}

function walkAtMain(name: string): { objects: number; bytes: number; slots: Set<number>; want: Set<number> } {
  const live = JSON.parse(readFileSync(new URL(`../../reality/startup/live/${name}.json`, import.meta.url), 'utf8')) as LiveJson;
  const prog = scenarios.get(name)!;
  const slots = new Set<number>();
  let r = { objects: 0, bytes: 0 };
  const p = new GoProcess(
    {
      ...prog,
      *main(go) {
        r = walkReachable(go.p.rt, go.p.roots, (b) => slots.add(b));
      },
    },
    { stdout: () => {}, stderr: () => {}, env: live.env, args: live.argv },
  );
  expect(p.run().status).toBe(0);
  // Live after the GC, plus what was still reachable at main and freed only
  // because the GC's own goroutines replaced it (allgs growing from 4 to 8).
  const want = new Set(live.objects.filter((o) => o.live || o.reachableAtMain).map((o) => parseInt(o.slot, 16)));
  return { ...r, slots, want };
}

describe('start-up objects reachable at main, as real Go keeps them after a GC', () => {
  it('hello: 172 objects, 81,160 B — the set real Go keeps', () => {
    const w = walkAtMain('hello');
    // Real: 171 / 172 / 174 objects (min / median / max over 30 runs); in the 3
    // runs whose heap at main was exactly gomem's, 176 objects and 82,120 B
    // after the GCs, 4 of them (960 B) the GCs' own.
    expect(w.objects).toBe(172);
    expect(w.bytes).toBe(82120 - 960);
    expect(w.slots).toEqual(w.want);
  });

  it('gin-idle: 340 objects — within real Go\'s 339…348, and the same set', () => {
    const w = walkAtMain('gin-idle');
    expect(w.objects).toBeGreaterThanOrEqual(339);
    expect(w.objects).toBeLessThanOrEqual(348);
    expect(w.slots).toEqual(w.want);
  });

  for (const name of ['bonus', 'blahdo', 'mmap-file', 'read-file', 'append-growth', 'big-slice', 'busy-loop', 'size-rounding']) {
    it(`${name}: the same set as real Go`, () => {
      const w = walkAtMain(name);
      expect(w.slots).toEqual(w.want);
    });
  }
});
