// The scheduler's view of goroutines that Go programs can observe.

import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
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
