// A blocking call (time.Sleep, runtime.GC, a channel send, …) is a
// generator: written without `yield*` it would run none of itself, and the
// program would go on as if it had slept or collected. gomem reports it at
// the goroutine's next operation (an allocation, a pointer store, a call
// through go.func, another blocking call) or at its end, as a panic that
// names the call and the fix.

import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram } from '../../src/go/program.ts';
import type { Go } from '../../src/go/api.ts';
import { T } from '../../src/go/types.ts';
import type { GoroutineBody } from '../../src/runtime/runtime2.ts';

function run(main: (go: Go) => GoroutineBody): { status: number; outcome: string; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const program = defineProgram({ name: 'p', description: 'test', main });
  const r = new GoProcess(program, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }).run();
  return { status: r.status, outcome: r.outcome, stdout, stderr };
}

describe('a blocking call without yield*', () => {
  it('is reported at the next operation (an allocation, a store, a call), naming the call and the fix', () => {
    const r = run(function* (go) {
      go.time.Sleep(go.time.Second);
      const p = go.new(T.int64);
      go.fmt.Println('after', p !== null);
    });
    expect(r.outcome).toBe('panic');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^panic: gomem: go\.time\.Sleep\(…\) was called without yield\*, so it did nothing; write yield\* go\.time\.Sleep\(…\)\n/);
  });

  it('is reported when it is the last thing a goroutine does', () => {
    const main = run(function* (go) {
      go.runtime.GC();
    });
    expect(main.stderr).toMatch(/^panic: gomem: go\.runtime\.GC\(\) was called without yield\*/);
    const worker = run(function* (go) {
      const wg = go.sync.WaitGroup();
      wg.Add(1);
      go.go('main.worker', function* (gw) {
        wg.Done();
        const ch = gw.make(T.chan(T.int), 0);
        void ch;
        gw.debug.FreeOSMemory();
      });
      yield* wg.Wait();
      yield* go.time.Sleep(1e6);
    });
    expect(worker.stderr).toMatch(/^panic: gomem: go\.debug\.FreeOSMemory\(\) was called without yield\*/);
  });

  it('with yield*, the same calls run as before', () => {
    const r = run(function* (go) {
      const t0 = go.time.Now();
      yield* go.time.Sleep(go.time.Second);
      yield* go.runtime.GC();
      go.fmt.Println(go.time.Now() - t0 >= 1e9, go.runtime.ReadMemStats().NumGC);
    });
    expect(r.outcome).toBe('exit');
    expect(r.stdout).toBe('true 1\n');
  });
});
