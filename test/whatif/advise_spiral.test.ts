// gomem advise when every candidate is OOM-killed or spirals, some of the
// spirals lasting to the end of the duration (container-oom's leak in a
// 512 MiB container): the words name the candidate that held longest, to
// its spiral's start, not the one whose end came a few microseconds later.

import { describe, expect, it } from 'vitest';
import { advise } from '../../src/whatif/advise.ts';
import type { Row } from '../../src/whatif/outcome.ts';
import type { ReportEntry } from '../../src/whatif/report.ts';

const MiB = 1 << 20;
const s = 1e9;

function entry(i: number, gogc: string, memlimit: string, over: Partial<Row>): ReportEntry {
  const settings: Record<string, string> = { GOGC: gogc, 'memory.max': '512MiB' };
  if (memlimit !== 'off') settings.GOMEMLIMIT = memlimit;
  const row: Row = { outcome: 'time-limit', status: 2, endNs: 480 * s, peakRss: 0, peakCharge: 0, gcCycles: 10, gcCpuFraction: 0.01, assistNs: 0, maxPauseNs: 0, limiterNs: 0, spiral: null, ...over };
  return { config: { index: i, settings, id: String(i) }, result: { key: {} as never, row, series: {} as never } };
}

const spiral = (at: number, heapFrom: number, heapTo: number) => ({ atNs: at * s, limiterFromNs: (at - 10) * s, heapFrom: heapFrom * MiB, heapTo: heapTo * MiB });

describe('gomem advise: every candidate killed or in a death spiral', () => {
  // Rows as container-oom's sweep gave them (2026-12-08), ends a few µs apart.
  const entries = [
    entry(0, '100', 'off', { outcome: 'oom-kill', status: 137, endNs: 252_501_362_197, peakRss: 535_764_992, peakCharge: 512 * MiB }),
    entry(1, '100', '409MiB', { endNs: 480_000_212_302, peakCharge: 529_141_760, limiterNs: 60.1 * s, spiral: spiral(390.034, 385.4, 396.0) }),
    entry(2, 'off', '486MiB', { endNs: 480_001_134_876, peakCharge: 530_661_376, limiterNs: 20.2 * s, spiral: spiral(457.417, 453.5, 464.6) }),
    entry(3, '100', '486MiB', { endNs: 480_000_100_000, peakCharge: 530_000_000, limiterNs: 20 * s, spiral: spiral(457.417, 453.5, 464.6) }),
  ];

  it('names the latest into its spiral, GOGC=100 first on a tie, and that it was still running', () => {
    const a = advise(entries, 512 * MiB, '512MiB', '8m');
    expect(a.best).toBeNull();
    expect(a.judged.map((j) => j.verdict)).toEqual(['killed', 'spiral', 'spiral', 'spiral']);
    expect(a.words.slice(0, 3)).toEqual([
      'For a 512MiB container: every setting tried is OOM-killed or enters a death spiral within 8m; the workload needs a larger container.',
      '  The latest into a death spiral: GOGC=100 GOMEMLIMIT=486MiB, from 7m37.417s; still running at 8m0s with 6.6 MiB to spare.',
      "With Go's defaults (GOGC=100, no GOMEMLIMIT) it is OOM-killed at 4m12.501s.",
    ]);
  });

  it('says when the spiralling program ended on its own', () => {
    const a = advise([entries[0]!, entry(1, '100', '486MiB', { outcome: 'exit', status: 0, endNs: 480_006_172_330, peakCharge: 529_690_624, spiral: spiral(458.446745665, 454.5, 465.6) })], 512 * MiB, '512MiB', '10m');
    expect(a.words[1]).toBe('  The latest into a death spiral: GOGC=100 GOMEMLIMIT=486MiB, from 7m38.447s; the program ends at 8m0.006s with 6.8 MiB to spare.');
  });

  it('keeps the longest run when every candidate is killed without a spiral', () => {
    const a = advise([entries[0]!, entry(1, '50', 'off', { outcome: 'oom-kill', status: 137, endNs: 330 * s, peakCharge: 512 * MiB })], 512 * MiB, '512MiB', '8m');
    expect(a.words.slice(0, 2)).toEqual([
      'For a 512MiB container: every setting tried fails within 8m; the workload needs a larger container.',
      '  The longest run: GOGC=50, no GOMEMLIMIT, OOM-killed at 5m30s.',
    ]);
  });
});
