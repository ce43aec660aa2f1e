// gomem advise's choice (src/whatif/advise.ts) on hand-made rows: the
// candidates' GOMEMLIMITs, the verdicts (killed, spiral, tight, fine), the
// winner (least GC CPU among the fine, ties to headroom), and the words.

import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/whatif/outcome.ts';
import type { ReportEntry } from '../../src/whatif/report.ts';
import { adviceTable, advise, adviseMemlimits } from '../../src/whatif/advise.ts';

const MiB = 1 << 20;
const s = 1e9;

function row(over: Partial<Row>): Row {
  return { outcome: 'time-limit', status: 0, endNs: 600 * s, peakRss: 0, peakCharge: 0, gcCycles: 10, gcCpuFraction: 0.02, assistNs: 0, maxPauseNs: 0, limiterNs: 0, spiral: null, ...over };
}

function entry(i: number, gogc: string, memlimit: string, r: Row): ReportEntry {
  const settings: Record<string, string> = { GOGC: gogc, 'memory.max': '512MiB' };
  if (memlimit !== 'off') settings.GOMEMLIMIT = memlimit;
  return { config: { index: i, settings, id: String(i) }, result: { key: {} as never, row: r, series: {} as never } };
}

describe('gomem advise', () => {
  it('tries GOMEMLIMIT at 80, 90 and 95% of the container, in whole MiB', () => {
    expect(adviseMemlimits(512 * MiB)).toEqual(['off', '409MiB', '460MiB', '486MiB']);
  });

  it('picks the fine setting with the least GC CPU, and says what the defaults and the spirals do', () => {
    const entries = [
      entry(0, '100', 'off', row({ outcome: 'oom-kill', status: 137, endNs: 252 * s, peakCharge: 512 * MiB, peakRss: 511 * MiB })),
      entry(1, '100', '460MiB', row({ peakRss: 440 * MiB, peakCharge: 444 * MiB, gcCpuFraction: 0.031 })),
      entry(2, '50', '460MiB', row({ peakRss: 400 * MiB, peakCharge: 404 * MiB, gcCpuFraction: 0.048 })),
      // Less than 5% of 512 MiB (25.6 MiB) to spare.
      entry(3, '200', '486MiB', row({ peakRss: 495 * MiB, peakCharge: 499 * MiB, gcCpuFraction: 0.012 })),
      entry(4, 'off', '486MiB', row({ outcome: 'oom-kill', status: 137, endNs: 220 * s, peakCharge: 512 * MiB, gcCpuFraction: 0.41, limiterNs: 90 * s, spiral: { atNs: 182 * s, limiterFromNs: 170 * s, heapFrom: 430 * MiB, heapTo: 452 * MiB } })),
      // Within half a percent of the CPU of entry 1, with GOGC=100 too, and more headroom: it wins.
      entry(5, '100', '409MiB', row({ peakRss: 420 * MiB, peakCharge: 424 * MiB, gcCpuFraction: 0.0315 })),
    ];
    const a = advise(entries, 512 * MiB, '512MiB', '10m');
    expect(a.judged.map((j) => j.verdict)).toEqual(['killed', 'fine', 'fine', 'tight', 'spiral', 'fine']);
    expect(a.best).toBe(a.judged[5]);
    expect(a.words).toEqual([
      'For a 512MiB container: set GOMEMLIMIT=409MiB and GOGC=100.',
      '  Predicted over 10m: peak RSS 420.0 MiB, container charge 424.0 MiB (83% of 512MiB, 88.0 MiB to spare), GC 3.1% of the CPU.',
      "With Go's defaults (GOGC=100, no GOMEMLIMIT) it is OOM-killed at 4m12s.",
      'Death spiral with GOGC=off GOMEMLIMIT=486MiB: from 3m2s the GC CPU limiter has been on more than half of every 10 s (since 2m50s) while the heap still grows (430.0 MiB → 452.0 MiB); it is OOM-killed at 3m40s.',
    ]);
    expect(adviceTable(a).split('\n')[6]).toBe('100   409MiB      fine ←        10m0s  420.0 MiB    424.0 MiB   88.0 MiB    3.1%          0s');
  });

  it('prefers GOGC=100 among settings as good on GC CPU, however much headroom another has', () => {
    const a = advise(
      [
        entry(0, 'off', '460MiB', row({ peakCharge: 400 * MiB, gcCpuFraction: 0.02 })),
        entry(1, '100', '460MiB', row({ peakCharge: 440 * MiB, gcCpuFraction: 0.023 })),
        // More than half a percent above the least: not as good, GOGC=100 or not.
        entry(2, '100', '409MiB', row({ peakCharge: 380 * MiB, gcCpuFraction: 0.026 })),
      ],
      512 * MiB,
      '512MiB',
      '10m',
    );
    expect(a.best).toBe(a.judged[1]);
  });

  it('says when nothing fits', () => {
    const tight = advise([entry(0, '100', 'off', row({ peakCharge: 500 * MiB, peakRss: 499 * MiB }))], 512 * MiB, '512MiB', '10m');
    expect(tight.best).toBeNull();
    expect(tight.words[0]).toBe('For a 512MiB container: no setting leaves 5% of it to spare over 10m.');
    const dead = advise([entry(0, '100', 'off', row({ outcome: 'oom-kill', status: 137, endNs: 30 * s })), entry(1, '50', 'off', row({ outcome: 'oom-kill', status: 137, endNs: 45 * s }))], 512 * MiB, '512MiB', '10m');
    expect(dead.words.slice(0, 2)).toEqual([
      'For a 512MiB container: every setting tried fails within 10m; the workload needs a larger container.',
      '  The longest run: GOGC=50, no GOMEMLIMIT, OOM-killed at 45s.',
    ]);
  });
});
