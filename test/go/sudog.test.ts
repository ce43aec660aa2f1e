// Sudogs as proc.go keeps them (src/runtime/proc_sudog.ts): a parked
// goroutine's sudog is live through g.waiting, freed ones stay in the P's
// sudogcache (up to 128, in the p struct's sudogbuf) and the overflow goes
// to the central list that clearpools drops at the next cycle. Expected
// counts are worked by hand from acquireSudog and releaseSudog.

import { describe, expect, it } from 'vitest';
import { defineProgram } from '../../src/go/program.ts';
import { GoProcess } from '../../src/go/process.ts';
import { T } from '../../src/go/types.ts';
import type { Chan } from '../../src/go/chan.ts';

/** Frees and live objects of the 96-byte size class (runtime.sudog is 88 bytes). */
function class96(go: { runtime: { ReadMemStats(): { BySize: { Size: number; Mallocs: number; Frees: number }[] } } }): { mallocs: number; frees: number } {
  const c = go.runtime.ReadMemStats().BySize.find((b) => b.Size === 96)!;
  return { mallocs: c.Mallocs, frees: c.Frees };
}

describe('sudogs', () => {
  it('live while their goroutines wait; past the per-P cache, freed by the next GC', () => {
    const seen: Record<string, { mallocs: number; frees: number }> = {};
    const n = 300;
    const p = new GoProcess(
      defineProgram({
        name: 'sudogs',
        description: 'n goroutines park on a channel, then exit',
        *main(go) {
          const g = go.globals({ release: T.chan(T.struct([])) });
          g.release = go.makeChan(T.chan(T.struct([])));
          seen.start = class96(go);
          const release = (): Chan => g.release as Chan;
          for (let i = 0; i < n; i++) {
            go.go('main.waiter', function* () {
              yield* release().recv();
            });
          }
          yield* go.time.Sleep(1_000_000);
          seen.parked = class96(go);
          yield* go.runtime.GC();
          seen.afterGC = class96(go);
          release().close();
          yield* go.time.Sleep(1_000_000);
          yield* go.runtime.GC();
          seen.exited = class96(go);
        },
      }),
      { env: { GOMAXPROCS: '1', GOGC: 'off' }, stdout: () => {}, stderr: () => {} },
    );
    expect(p.run().status).toBe(0);
    // The first waiter takes the sudog start-up left in P0's cache, so 299
    // are new; main's first time.Sleep adds its timer (88 bytes, this class).
    expect(seen.parked!.mallocs - seen.start!.mallocs).toBe(n - 1 + 1);
    // Parked: every sudog is held by its g.waiting, none freed by the GC.
    expect(seen.afterGC!.frees - seen.parked!.frees).toBe(0);
    // 300 releases on one P: the cache fills to 128, gives 64 to the central
    // list at the 129th, 193rd and 257th release (192 there) and ends with
    // 108; the GC drops the central list: 192 sudogs freed.
    expect(seen.exited!.frees - seen.afterGC!.frees).toBe(192);
  });
});
