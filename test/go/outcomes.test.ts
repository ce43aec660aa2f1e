// How a simulated process ends, printed as Linux and Go print it: killed
// by the cgroup's OOM killer (status 137, the kernel's log), Go's own
// "fatal error: runtime: out of memory" when the kernel refuses a mapping
// (checked against a real Go 1.23.5 run of make([]byte, 30<<30) on this
// 24 GiB machine: the same message, exit status 2), and a runtime panic.

import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram, type Program } from '../../src/go/program.ts';
import { scenarios } from '../../src/scenarios/index.ts';

function run(program: Program, opts: ConstructorParameters<typeof GoProcess>[1] = {}): { status: number; outcome: string; stderr: string; log: string[] } {
  let stderr = '';
  const r = new GoProcess(program, { stdout: () => {}, stderr: (s) => void (stderr += s), ...opts }).run();
  return { status: r.status, outcome: r.outcome, stderr, log: r.kernelLog };
}

describe('process outcomes', () => {
  it('big-slice in a 300 MiB cgroup is OOM-killed while touching its slice', () => {
    const r = run(scenarios.get('big-slice')!, { cgroupMemoryMax: 300 << 20 });
    expect(r.status).toBe(137);
    expect(r.outcome).toBe('oom-kill');
    // total-vm as real Go's VmSize once the make's cycle is over (reality/cases/big-slice after_3_writes: 1881348 kB in 3 of 5 runs).
    expect(r.log.some((l) => /Memory cgroup out of memory: Killed process \d+ \(big-slice\) total-vm:1881348kB, anon-rss:\d+kB/.test(l))).toBe(true);
  });

  it('the same program fits in a 700 MiB cgroup', () => {
    expect(run(scenarios.get('big-slice')!, { cgroupMemoryMax: 700 << 20 }).status).toBe(0);
  });

  it('a 30 GiB make on a 24 GiB machine: fatal error: runtime: out of memory, exit 2', () => {
    const huge = defineProgram({
      name: 'huge',
      description: 'make([]byte, 30<<30)',
      *main(go) {
        go.make(go.T.slice(go.T.byte), 30 * 2 ** 30);
      },
    });
    const r = run(huge);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^fatal error: runtime: out of memory\n\ngoroutine 1 \[running\]:/);
  });

  it('an index out of range panics with Go’s message, exit 2', () => {
    const p = defineProgram({
      name: 'oob',
      description: 'b[10] of a 5-byte slice',
      *main(go) {
        go.set(go.make(go.T.slice(go.T.byte), 5), 10, 1);
      },
    });
    const r = run(p);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^panic: runtime error: index out of range \[10\] with length 5\n/);
  });
});
