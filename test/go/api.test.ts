// The Go API end to end: each operation's allocations as MemStats sees
// them, compared with real Go 1.23.5 (figures measured with
// testing.AllocsPerRun and MemStats.TotalAlloc deltas; see
// docs/fidelity/go-types.md and test/go/*_sizes.test.ts for the programs).

import { describe, expect, it } from 'vitest';
import type { Go } from '../../src/go/api.ts';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram } from '../../src/go/program.ts';

/** Mallocs and TotalAlloc spent by `body`, read with ReadMemStats around it. */
function cost(body: (go: Go) => void): { mallocs: number; bytes: number } {
  let result = { mallocs: 0, bytes: 0 };
  const p = new GoProcess(
    defineProgram({
      name: 't',
      description: 't',
      *main(go) {
        const a = go.runtime.ReadMemStats();
        body(go);
        const b = go.runtime.ReadMemStats();
        result = { mallocs: b.Mallocs - a.Mallocs, bytes: b.TotalAlloc - a.TotalAlloc };
      },
    }),
    { stdout: () => {}, stderr: () => {} },
  );
  expect(p.run().status).toBe(0);
  return result;
}

describe('Go API allocations match Go 1.23.5', () => {
  it('make(map[int]int) escaping: 1 alloc, 48 B', () => {
    expect(cost((go) => void go.makeMap(go.T.map(go.T.int, go.T.int)))).toEqual({ mallocs: 1, bytes: 48 });
  });

  it('make(map[int]int, 9): 2 allocs, 336 B', () => {
    expect(cost((go) => void go.makeMap(go.T.map(go.T.int, go.T.int), 9))).toEqual({ mallocs: 2, bytes: 336 });
  });

  it('make(map[int]int, 100): 3 allocs, 2760 B', () => {
    expect(cost((go) => void go.makeMap(go.T.map(go.T.int, go.T.int), 100))).toEqual({ mallocs: 3, bytes: 2760 });
  });

  it('inserting 9 keys into make(map[int]int): hmap, a bucket, then a grown table of 2', () => {
    // 48 (hmap) + 144 (first bucket) + 288 (B=1 array) = 480; 3 mallocs.
    expect(
      cost((go) => {
        const m = go.makeMap<number, number>(go.T.map(go.T.int, go.T.int));
        for (let i = 0; i < 9; i++) m.set(i, i);
      }),
    ).toEqual({ mallocs: 3, bytes: 480 });
  });

  it('make(chan int, 10): one noscan hchan with its buffer, 184 → 192 B', () => {
    expect(cost((go) => void go.makeChan(go.T.chan(go.T.int), 10))).toEqual({ mallocs: 1, bytes: 192 });
  });

  it('[]byte(s) of a 33-byte string: cap 48', () => {
    let cap = 0;
    const c = cost((go) => {
      cap = go.stringToBytes(go.str('x'.repeat(33))).cap;
    });
    expect(cap).toBe(48);
    expect(c).toEqual({ mallocs: 1, bytes: 48 });
  });

  it('append one at a time to []*int: caps 1 2 4 8 16 32 64 143 (the malloc header)', () => {
    const caps: number[] = [];
    cost((go) => {
      const t = go.T.slice(go.T.pointer(go.T.int));
      let s = go.make(t, 0);
      while (s.cap < 143) {
        s = go.append(s, null);
        if (caps[caps.length - 1] !== s.cap) caps.push(s.cap);
      }
    });
    expect(caps).toEqual([1, 2, 4, 8, 16, 32, 64, 143]);
  });

  it('new(int64) three times: 3 tiny allocations in one 16-byte block (2 sub-allocations)', () => {
    expect(
      cost((go) => {
        for (let i = 0; i < 3; i++) go.new(go.T.int64);
      }),
    ).toEqual({ mallocs: 3, bytes: 32 });
  });

  it('a + b of two non-empty strings allocates their length; with one empty operand nothing', () => {
    expect(cost((go) => void go.concat(go.str('hello, '), go.str('world, this is long')))).toEqual({ mallocs: 1, bytes: 32 });
    expect(cost((go) => void go.concat(go.str(''), go.str('world')))).toEqual({ mallocs: 0, bytes: 0 });
  });
});
