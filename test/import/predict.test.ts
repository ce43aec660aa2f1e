// Prediction, not replay (issue 14), short: the steady program's GOGC=100
// gctrace log (reality/whatif/steady, real Go 1.23) imported, its workload
// run on gomem for the first 20 s at GOGC=50 and GOGC=200, and the GC
// cycles, heap goal and peak RSS compared with real Go's recordings at those
// settings over the same 20 s (GOGC=200's ninth cycle at 17.9 s, its tenth at 20.9) (peak RSS: the VmHWM the program logs every
// second). reality/whatif/predict.ts does the whole corpus.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGctrace } from '../../src/import/gctrace.ts';
import { deviation, importedWorkload, runOnGomem } from '../../reality/whatif/predict.ts';
import { settingsOf } from '../../reality/whatif/record.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const spanS = 20;

/** Real Go's figures over the first spanS seconds of a recording: its cycles, their largest goal, and the VmHWM the program logged last before spanS. */
function realOver(setting: string): { cycles: number; maxGoalMB: number; peakRss: number } {
  const log = readFileSync(join(root, 'reality/whatif/steady/recorded', `${setting}.log`), 'utf8');
  const cycles = parseGctrace(log, setting).cycles.filter((c) => c.atS + (c.clockMs[0] + c.clockMs[1] + c.clockMs[2]) / 1000 <= spanS);
  const hwm = [...log.matchAll(/^service: @([\d.]+)s VmRSS \d+ kB VmHWM (\d+) kB$/gm)].filter((m) => Number(m[1]) <= spanS).pop()!;
  return { cycles: cycles.length, maxGoalMB: Math.max(...cycles.map((c) => c.goalMB)), peakRss: Number(hwm[2]) * 1024 };
}

describe('steady: GOGC=100 log → GOGC=50 and GOGC=200, first 20 s', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gomem-predict-')), 'steady.json');
  writeFileSync(file, JSON.stringify(importedWorkload('steady')));

  it('the real figures the prediction is held to (reality/whatif/steady/recorded)', () => {
    expect(realOver('gogc50')).toEqual({ cycles: 37, maxGoalMB: 113, peakRss: 117560 * 1024 });
    expect(realOver('gogc200')).toEqual({ cycles: 9, maxGoalMB: 217, peakRss: 228540 * 1024 });
  });

  const within15 = async (name: string): Promise<void> => {
    const s = settingsOf('steady').find((x) => x.name === name)!;
    const real = realOver(s.name);
    const p = await runOnGomem(file, s, ['--opt', `duration=${spanS}s`]);
    const devs = { cycles: deviation(p.cycles, real.cycles), maxGoal: deviation(p.maxGoalMB, real.maxGoalMB), peakRss: deviation(p.peakRss, real.peakRss) };
    for (const [k, d] of Object.entries(devs)) expect(Math.abs(d), `${k}: real ${JSON.stringify(real)}, predicted ${JSON.stringify(p)}`).toBeLessThan(0.15);
  };

  it('gogc200: cycles, max heap goal and peak RSS within 15% of real Go', () => within15('gogc200'), 120_000);

  it('gogc50: cycles, max heap goal and peak RSS within 15% of real Go', () => within15('gogc50'), 120_000);
});
