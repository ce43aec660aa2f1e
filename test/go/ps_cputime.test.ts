// ps and top over whole runs: the CPU time of the process's threads comes
// out of the model (GoProcess.syncProcFields: M0's start-up, then the Ps'
// busy time) and Linux's accounting (src/kernel/cputime.ts), and ps prints it
// as procps does.
//
// The reference: reality/cases/busy-loop built with Go 1.23.5 and run on this
// machine (2 CPUs, Linux 6.18, HZ 250), /proc/PID/stat and /proc/uptime read
// at its after_busy_1s line, then `ps -o time,%cpu,etime,bsdtime -p PID`.
// Ten runs with the CPU to itself (its autogroup at nice -20, the machine
// otherwise loaded):
//   utime 99-100 ticks, stime 0-1, utime+stime 100 in all ten;
//   sum_exec_runtime of its threads 1006.8-1015.1 ms; 1007-1013 ms since the fork;
//   %CPU from /proc at the line 99.0 (100.0 once); ps a few ms later:
//   TIME 00:00:01 (bsdtime 0:01), %CPU 97.0-98.0, ETIME 00:01.
// Sharing the CPUs with a loaded machine instead, it got 82-97 ticks: TIME
// 0:00, %CPU 77.5-95.0 — CPU time is what the threads ran, not wall time.

import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram, type Program } from '../../src/go/program.ts';
import { bootTics, fmtPcpu, pcpuPermille, renderPsRow, renderSmapsFiltered, TopBatch } from '../../src/kernel/index.ts';
import { scenarios } from '../../src/scenarios/index.ts';

interface Seen {
  ps: string;
  top: string;
  utimeTicks: number;
  stimeTicks: number;
  runtimeNs: number;
  nowNs: number;
  heap: string;
}

/** Runs a program, rendering ps, top and the heap's smaps at every checkpoint. */
function run(program: Program, opts: { env?: Record<string, string> } = {}): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  const top = new TopBatch();
  new GoProcess(program, {
    stdout: () => {},
    stderr: () => {},
    ...opts,
    onCheckpoint: (_json, name, p) => {
      p.syncProcFields();
      const c = p.proc.cputime;
      seen.set(name, {
        ps: renderPsRow(p.proc),
        top: top.frame(p.proc),
        utimeTicks: c.utimeTicks,
        stimeTicks: c.stimeTicks,
        runtimeNs: c.runtimeNs,
        nowNs: p.clock.now,
        heap: renderSmapsFiltered(p.proc, 'heap', p.heapArenaRanges()),
      });
    },
  }).run();
  return seen;
}

const cols = (row: string) => row.trim().split(/\s+/);

describe('busy-loop: a second on the CPU', () => {
  const seen = run(scenarios.get('busy-loop')!);

  it('after the loop, ps shows TIME 0:01 and the %CPU of 100 ticks over 100 jiffies', () => {
    const s = seen.get('after_busy_1s')!;
    // One thread on a CPU from the exec on: its CPU time is the elapsed time (1.00196 s).
    expect(s.runtimeNs).toBe(s.nowNs);
    expect(s.runtimeNs).toBeGreaterThan(1e9);
    // No 4 ms tick fell inside the start-up's page faults: all user time, as in 8 of the 10 real runs.
    expect([s.utimeTicks, s.stimeTicks]).toEqual([100, 0]);
    const [, , pcpu, , , , , , start, time] = cols(s.ps);
    expect(time).toBe('0:01');
    expect(pcpu).toBe(fmtPcpu(pcpuPermille(100, bootTics(s.nowNs), 0)));
    expect(pcpu).toBe('100');
    expect(start).toBe('00:00');
    // Real: 99.0 at the moment of the line (100 once), 97.0-98.0 by the time ps had started.
    expect(Number(pcpu)).toBeGreaterThanOrEqual(97);
  });

  it('at start, 1.5 ms of start-up is 0:00 and 0.0%', () => {
    const s = seen.get('start')!;
    expect(s.runtimeNs).toBe(s.nowNs); // M0's start-up, then goroutine 1: never idle
    expect(cols(s.ps).slice(2, 4)).toEqual(['0.0', '0.0']);
    expect(cols(s.ps)[9]).toBe('0:00');
  });

  it('top prints the second as 100% and 0:01.00', () => {
    const row = seen.get('after_busy_1s')!.top.trimEnd().split('\n').pop()!;
    expect(cols(row).slice(8, 11)).toEqual(['100.0', '0.0', '0:01.00']);
    expect(seen.get('after_busy_1s')!.top).toContain('%Cpu(s): 50.0 us,  0.0 sy,  0.0 ni, 50.0 id,'); // one CPU of two
  });

  it('the heap filter of smaps shows the first arena: 4 MiB in use, the rest of the 64 MiB reserved', () => {
    const heap = seen.get('after_busy_1s')!.heap;
    const headers = heap.split('\n').filter((l) => /^[0-9a-f]+-[0-9a-f]+ /.test(l));
    expect(headers).toEqual(['c000000000-c000400000 rw-p 00000000 00:00 0 ', 'c000400000-c004000000 ---p 00000000 00:00 0 ']);
  });
});

describe('what uses no CPU and what does', () => {
  it('a sleeping goroutine uses none: hello after time.Sleep(2s) is still 0:00 and 0.0%', () => {
    const s = run(scenarios.get('hello')!).get('after_sleep_2s')!;
    expect(s.nowNs).toBeGreaterThan(2e9);
    expect(s.runtimeNs).toBeLessThan(5e6);
    expect(cols(s.ps)[2]).toBe('0.0');
    expect(cols(s.ps)[9]).toBe('0:00');
  });

  it("the collector's workers use the idle P: CPU time runs ahead of the elapsed time", () => {
    const churn = defineProgram({
      name: 'churn',
      description: 'allocates 48 MiB in 64 KiB pieces, keeping none',
      *main(go) {
        const bytes = go.T.slice(go.T.byte);
        const g = go.globals({ sink: bytes });
        go.checkpoint('start');
        for (let i = 0; i < 768; i++) g.sink = go.make(bytes, 65536);
        go.checkpoint('after_churn');
      },
    });
    const seen = run(churn);
    const start = seen.get('start')!;
    const s = seen.get('after_churn')!;
    // Between the checkpoints the main goroutine ran on one P all along; the mark workers ran on the other.
    expect(s.runtimeNs - start.runtimeNs).toBeGreaterThan(s.nowNs - start.nowNs);
    expect(s.runtimeNs).toBeLessThanOrEqual(2 * s.nowNs);
  });
});
