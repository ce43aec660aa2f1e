// The scheduler runs the Ps in turn, each in its own virtual time: one P may
// run a long stretch ahead (a goroutine allocating without blocking) while
// another's goroutines, woken by timers, catch up behind it. A cycle started
// ahead must not be seen by the lagging P before its start: no mark worker
// starts, no assist is paid and no mark termination happens before the
// mark's start. Before the fix a service-shaped workload printed
// "0.010+-117.540+0.043 ms clock" (gc 5) and "0.010+-4.061+0.043" (gc 2):
// a mark phase of negative length; this program, before the fix: gc 4 with
// "0.010+-47.783+0.043 ms clock" (seeds 1 and 2).

import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram } from '../../src/go/program.ts';
import { T } from '../../src/go/types.ts';
import type { Slice } from '../../src/go/values.ts';

const node = T.struct([['next', T.unsafePointer], ['v', T.array(T.int64, 7)]]);

const program = defineProgram({
  name: 'lagging-p',
  description: 'one goroutine builds 24 MiB in a row while four others wake every millisecond, allocate and work',
  *main(go) {
    const g = go.globals({ table: T.slice(T.unsafePointer) });
    const n = (24 << 20) / 64;
    g.table = go.make(T.slice(T.unsafePointer), n);
    for (let w = 0; w < 4; w++) {
      go.go(`main.server·${w}`, function* () {
        const f = go.enter('main.server', { req: T.slice(T.unsafePointer) });
        for (let r = 0; r < 60; r++) {
          yield* go.time.Sleep(1e6);
          f.req = go.make(T.slice(T.unsafePointer), 2000);
          go.allocN(node, 2000, f.req as Slice, 0);
          yield* go.work(200e3);
        }
        go.leave(f);
      });
    }
    go.go('main.builder', function* () {
      yield* go.time.Sleep(3e6);
      go.allocN(node, n, g.table as Slice, 0);
    });
    yield* go.time.Sleep(200e6);
  },
});

describe('a P that lags the one that started the cycle', () => {
  it('sees the mark start no sooner than it began: every gctrace clock part is ≥ 0, cycles start in order', () => {
    for (const seed of [1, 2]) {
      const err: string[] = [];
      const p = new GoProcess(program, { seed, env: { GODEBUG: 'gctrace=1', GOMAXPROCS: '2' }, stdout: () => {}, stderr: (s) => err.push(s) });
      expect(p.run().status).toBe(0);
      const lines = err.join('').split('\n').filter((l) => l.startsWith('gc '));
      expect(lines.length).toBeGreaterThanOrEqual(4);
      let last = 0;
      for (const l of lines) {
        const clock = /: ([-\d.+]+) ms clock/.exec(l)![1]!;
        expect(clock.split('+').map(Number).every((x) => x >= 0), l).toBe(true);
        // Cycles start in order: none before the one it follows.
        const at = Number(/ @([\d.]+)s /.exec(l)![1]);
        expect(at, l).toBeGreaterThanOrEqual(last);
        last = at;
      }
    }
  });
});
