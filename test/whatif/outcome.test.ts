// A what-if row comes out of the run's trace, and equals what the model
// itself holds at the end: VmHWM, NumGC, GCCPUFraction, the GC CPU
// limiter's time on (the trace's gcLimiter records). The trace read in the
// pieces the writer drains is the trace read whole.

import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { scenarios } from '../../src/scenarios/index.ts';
import { TraceDecoder, decodeTrace } from '../../src/trace/reader.ts';
import { TraceWriter } from '../../src/trace/writer.ts';
import { OutcomeReader } from '../../src/whatif/outcome.ts';
import { roughDuration } from '../../src/whatif/report.ts';
import { type SummaryStats, runSummary } from '../../src/cli/summary.ts';

/** Runs a scenario with a trace writer, draining it every 1000 span events; the pieces and the process. */
function traced(name: string, env: Record<string, string>, cgroupMemoryMax?: number) {
  let last: SummaryStats | null = null;
  const p = new GoProcess(scenarios.get(name)!, {
    env,
    stdout: () => {},
    stderr: () => {},
    // What gomem run's summary reads: the last checkpoint's MemStats.
    onCheckpoint: (json, cp) => {
      last = { name: cp, memstats: (JSON.parse(json) as { memstats: SummaryStats['memstats'] }).memstats };
    },
    ...(cgroupMemoryMax !== undefined ? { cgroupMemoryMax } : {}),
  });
  const w = new TraceWriter(p, { name }, { env, options: {} });
  const pieces: Uint8Array[] = [];
  let n = 0;
  p.rt.events.on('spanAlloc', () => {
    if (++n % 1000 === 0) pieces.push(w.drain());
  });
  const r = p.run();
  pieces.push(w.finish(r.status, r.outcome));
  return { p, r, pieces, summary: runSummary(p, r, last) };
}

function joined(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of pieces) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

describe('a row from the trace', () => {
  it('live-heap-gogc100 at GOMEMLIMIT=20MiB: the limiter engages, and every figure is the model\'s own', () => {
    const { p, r, pieces, summary } = traced('live-heap-gogc100', { GOGC: '50', GOMEMLIMIT: '20MiB' });
    expect(pieces.length).toBeGreaterThan(2);
    const whole = decodeTrace(joined(pieces));
    const d = new TraceDecoder();
    const byPiece = pieces.flatMap((b) => d.push(b));
    expect(byPiece.length).toBe(whole.records.length);
    const text = (recs: typeof byPiece): string => JSON.stringify(recs.filter((x) => x.kind !== 'snapshot'));
    expect(text(byPiece) === text(whole.records)).toBe(true);
    expect(whole.header.gomaxprocs).toBe(2);

    const limiter = whole.records.filter((x) => x.kind === 'gcLimiter');
    expect(limiter.length).toBeGreaterThan(1);
    // On and off in turn (a last record may repeat "on" with the total up to the end), the total never going back.
    limiter.forEach((x, i) => {
      const repeat = i === limiter.length - 1 && i > 0 && x.on && limiter[i - 1]!.on;
      if (!repeat) expect(x.on).toBe(i % 2 === 0);
      if (i > 0) expect(x.totalNs).toBeGreaterThanOrEqual(limiter[i - 1]!.totalNs);
    });
    const end = p.clock.now;
    expect(limiter[limiter.length - 1]!.totalNs).toBe(Math.round(p.gc.limiter.limitingTime(end)));

    const o = new OutcomeReader(whole.header);
    o.push(whole.records);
    const { row, series } = o.finish();
    expect(row).toEqual({
      outcome: r.outcome,
      status: r.status,
      endNs: Math.round(end),
      peakRss: p.proc.vmHwm,
      peakCharge: row.peakCharge,
      gcCycles: p.rt.memstats.numgc,
      gcCpuFraction: p.rt.memstats.gc_cpu_fraction,
      assistNs: row.assistNs,
      maxPauseNs: 43000,
      limiterNs: Math.round(p.gc.limiter.limitingTime(end)),
    });
    // As gomem run's summary prints them for these settings (at this writing: exit 0 after 1.418 s, 33.2 MiB VmHWM, 86 cycles, 40.7%).
    expect(summary).toEqual([
      `gomem: live-heap-gogc100 exited with status 0 after ${(row.endNs / 1e9).toFixed(3)} s of virtual time`,
      expect.stringMatching(new RegExp(`^  peak RSS ${(row.peakRss / 1048576).toFixed(1)} MiB \\(VmHWM\\)`)),
      expect.stringMatching(/^  heap in use /),
      `  GC: ${row.gcCycles} cycles, ${(row.gcCpuFraction * 100).toFixed(1)}% of the CPU (GCCPUFraction)`,
    ]);
    expect(row.gcCycles).toBeGreaterThan(50);
    expect(row.limiterNs).toBeGreaterThan(100e6);
    expect(row.assistNs).toBe(p.gc.cpu.assist);
    expect(series.t.length).toBeGreaterThan(100);
    expect(series.t.length).toBeLessThanOrEqual(1000);
    expect(Math.max(...series.rss)).toBe(row.peakRss);
  });

  it('blahdo in a 96 MiB cgroup: OOM-killed at 4.29 ms with VmHWM 95.8 MiB, the charge at the limit, no limiter record', () => {
    const { p, pieces } = traced('blahdo', {}, 96 * 1048576);
    const t = decodeTrace(joined(pieces));
    expect(t.records.some((x) => x.kind === 'gcLimiter')).toBe(false);
    const o = new OutcomeReader(t.header);
    o.push(t.records);
    const { row } = o.finish();
    expect(row.outcome).toBe('oom-kill');
    expect(row.status).toBe(137);
    expect(roughDuration(row.endNs)).toBe('4.29ms');
    expect(row.peakRss).toBe(p.proc.vmHwm);
    expect((row.peakRss / 1048576).toFixed(1)).toBe('95.8');
    expect(row.peakCharge).toBe(96 * 1048576);
    expect(row.gcCycles).toBe(1);
    expect(row.limiterNs).toBe(0);
  });
});
