// The scheduler's view of goroutines that Go programs can observe.

import { describe, expect, it } from 'vitest';
import type { Go } from '../../src/go/api.ts';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram } from '../../src/go/program.ts';
import { T } from '../../src/go/types.ts';
import type { GoroutineBody } from '../../src/runtime/runtime2.ts';
import { isSystemGoroutine } from '../../src/runtime/proc.ts';
import { scenarios } from '../../src/scenarios/index.ts';

describe('runtime.NumGoroutine leaves out the runtime\'s own goroutines (isSystemGoroutine)', () => {
  it('by the start function: package runtime\'s, except runtime.main', () => {
    expect(isSystemGoroutine('runtime.main')).toBe(false);
    expect(isSystemGoroutine('runtime.bgsweep')).toBe(true);
    // unique's map cleanup, started in package runtime "so it's counted as a system goroutine" (mgc.go).
    expect(isSystemGoroutine('runtime.unique_runtime_registerUniqueMapCleanup.gowrap1')).toBe(true);
    expect(isSystemGoroutine('net/http.(*Server).Serve')).toBe(false);
    expect(isSystemGoroutine('main.worker')).toBe(false);
  });

  it('gin-idle: main and the Serve goroutine, as real Go counts them (2 in every run of reality/cases/gin-idle)', () => {
    const counts: number[] = [];
    const p = new GoProcess(scenarios.get('gin-idle')!, {
      stdout: () => {},
      stderr: () => {},
      env: { GOMAXPROCS: '2' },
      onCheckpoint: (_json, _name, proc) => void counts.push(proc.sched.numGoroutine()),
    });
    expect(p.run().status).toBe(0);
    expect(counts).toEqual([2, 2, 2]);
  });
});

describe('sysmon preempts a goroutine that keeps running', () => {
  it('every 20 ms on one P: it notes the new schedtick at one 10 ms check and preempts at the next', () => {
    // Real Go 1.23.5, GOMAXPROCS=1, two goroutines spinning for 3 s and
    // noting when the other one ran: slices of 20.1–24.0 ms, median 20.3
    // (138 and 143 slices, 2026-12-07). The first slice ends 10–20 ms after
    // the goroutine got its P, depending on where sysmon's checks fall.
    const switches: number[] = [];
    let cur = 0;
    const spin2 = defineProgram({
      name: 'spin2',
      description: 'two goroutines spinning on one P',
      *main(go) {
        const g = go.globals({ done: T.chan(T.int) });
        const done = (g.done = go.makeChan(T.chan(T.int), 0));
        for (const id of [1, 2]) {
          go.go('main.spin', function* (go: Go): GoroutineBody {
            for (let i = 0; i < 2_000; i++) {
              if (cur !== id) {
                cur = id;
                switches.push(proc.clock.now);
              }
              yield* go.work(100_000);
            }
            yield* done.send(id);
          });
        }
        yield* done.recv();
        yield* done.recv();
      },
    });
    const proc = new GoProcess(spin2, { stdout: () => {}, stderr: () => {}, env: { GOMAXPROCS: '1' } });
    expect(proc.run().status).toBe(0);
    const slices = switches.slice(1).map((t, i) => t - switches[i]!);
    // 400 ms of spinning between them: 20 slices, all but the first 20 ms
    // give or take the goroutine switch's cost (a few tens of µs).
    expect(slices.length).toBeGreaterThanOrEqual(18);
    expect(slices[0]).toBeGreaterThanOrEqual(10_000_000);
    expect(slices[0]).toBeLessThanOrEqual(20_000_000);
    for (const d of slices.slice(1)) expect(Math.abs(d - 20_000_000)).toBeLessThan(100_000);
  });
});
