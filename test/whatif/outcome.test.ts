// A what-if row comes out of the run's trace, and equals what the model
// itself holds at the end: VmHWM, NumGC, GCCPUFraction, assist time, the
// GC CPU limiter's time on (the trace's gcLimiter records), and what gomem
// run's summary prints of the same process. The trace read in the pieces
// the writer drains is the trace read whole. The runs are made by a child
// process (helpers/outcome_check.ts), so vitest's fork stays responsive.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/whatif/outcome.ts';
import { roughDuration } from '../../src/whatif/report.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Check {
  pieces: number;
  piecesAreWhole: boolean;
  gomaxprocs: number;
  limiterRecords: { on: boolean; totalNs: number }[];
  row: Row;
  series: { points: number; maxRss: number };
  model: { outcome: string; status: number; endNs: number; vmHwm: number; numgc: number; gcCpuFraction: number; assistNs: number; limiterOn: boolean; limiterNs: number };
  summary: string[];
}

function check(scenario: string, env: Record<string, string>, cgroupBytes?: number): Promise<Check> {
  const args = ['--import', 'tsx', 'test/whatif/helpers/outcome_check.ts', scenario, JSON.stringify(env), ...(cgroupBytes !== undefined ? [String(cgroupBytes)] : [])];
  return new Promise((ok, fail) => {
    execFile(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 }, (e, stdout, stderr) => {
      if (e !== null) fail(new Error(`${e.message}\n${stderr}`));
      else ok(JSON.parse(stdout) as Check);
    });
  });
}

describe('a row from the trace', () => {
  // The run is about 8 s of CPU; the limit leaves room for a loaded machine.
  it("live-heap-gogc100 at GOGC=50 GOMEMLIMIT=20MiB: the limiter engages, and every figure is the model's own", { timeout: 180_000 }, async () => {
    const c = await check('live-heap-gogc100', { GOGC: '50', GOMEMLIMIT: '20MiB' });
    expect(c.pieces).toBeGreaterThan(2);
    expect(c.piecesAreWhole).toBe(true);
    expect(c.gomaxprocs).toBe(2);

    const lim = c.limiterRecords;
    expect(lim.length).toBeGreaterThan(1);
    // On and off in turn (a last record may repeat "on" with the total up to the end), the total never going back.
    lim.forEach((x, i) => {
      const repeat = i === lim.length - 1 && i > 0 && x.on && lim[i - 1]!.on;
      if (!repeat) expect(x.on).toBe(i % 2 === 0);
      if (i > 0) expect(x.totalNs).toBeGreaterThanOrEqual(lim[i - 1]!.totalNs);
    });
    expect(lim[lim.length - 1]!.totalNs).toBe(c.model.limiterNs);

    const m = c.model;
    expect(c.row).toEqual({
      outcome: m.outcome,
      status: m.status,
      endNs: m.endNs,
      peakRss: m.vmHwm,
      peakCharge: c.row.peakCharge,
      gcCycles: m.numgc,
      gcCpuFraction: m.gcCpuFraction,
      assistNs: m.assistNs,
      maxPauseNs: 43000,
      limiterNs: m.limiterNs,
      // The limiter is on, but the run (1.4 s) is shorter than the spiral rule's 10 s window.
      spiral: null,
    });
    expect(c.row.limiterNs).toBeGreaterThan(100e6);
    expect(c.row.gcCycles).toBeGreaterThan(50);
    // As gomem run's summary prints them for these settings (at this writing: exit 0 after 1.418 s, 33.2 MiB VmHWM, 86 cycles, 40.7%).
    const row = c.row;
    expect(c.summary).toEqual([
      `gomem: live-heap-gogc100 exited with status 0 after ${(row.endNs / 1e9).toFixed(3)} s of virtual time`,
      expect.stringMatching(new RegExp(`^  peak RSS ${(row.peakRss / 1048576).toFixed(1)} MiB \\(VmHWM\\)`)),
      expect.stringMatching(/^  heap in use /),
      `  GC: ${row.gcCycles} cycles, ${(row.gcCpuFraction * 100).toFixed(1)}% of the CPU (GCCPUFraction)`,
    ]);
    expect(c.series.points).toBeGreaterThan(100);
    expect(c.series.points).toBeLessThanOrEqual(1000);
    expect(c.series.maxRss).toBe(row.peakRss);
  });

  it('blahdo in a 96 MiB cgroup: OOM-killed at 4.29 ms with VmHWM 95.8 MiB, the charge at the limit, no limiter record', async () => {
    const c = await check('blahdo', {}, 96 * 1048576);
    expect(c.limiterRecords).toEqual([]);
    const row = c.row;
    expect(row.outcome).toBe('oom-kill');
    expect(row.status).toBe(137);
    expect(roughDuration(row.endNs)).toBe('4.29ms');
    expect(row.endNs).toBe(c.model.endNs);
    expect(row.peakRss).toBe(c.model.vmHwm);
    expect((row.peakRss / 1048576).toFixed(1)).toBe('95.8');
    expect(row.peakCharge).toBe(96 * 1048576);
    expect(row.gcCycles).toBe(1);
    expect(row.limiterNs).toBe(0);
  });
});
