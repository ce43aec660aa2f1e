// gomem advise against real Go (issue 14): the container-oom program in a
// real 512 MiB memory cgroup, run by reality/advise/check.ts with Go's
// defaults and with GOMEMLIMIT=486MiB (every candidate spirals or is
// killed; advise's words name the one that spirals last), stored in
// reality/advise/recorded.json with gomem's prediction for the same
// settings (reality/advise/predict.ts: advise's code path, runSweep and
// advise(), over 10 virtual minutes). This test does not run real Go. It
// checks the stored runs and holds each prediction to them: the same
// outcome, and a kill within 10% of the predicted time. The defaults agree;
// GOMEMLIMIT=486MiB does not (real Go is killed, gomem's run survives), a
// known deviation kept as an it.fails. It recomputes the default's
// prediction with gomem (a child process, about a minute); the 486MiB
// candidate's took 13 minutes of model work here (a death spiral collects
// back to back), so it is recomputed only with GOMEM_ADVISE_REAL_SLOW=1.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adviceTable, advise } from '../../src/whatif/advise.ts';
import type { Row } from '../../src/whatif/outcome.ts';
import type { ReportEntry } from '../../src/whatif/report.ts';
import { type AdviseRecording, type Candidate, compareRun, readAdvise, RECORDING, TOLERANCE } from './check.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rec = JSON.parse(readFileSync(RECORDING, 'utf8')) as AdviseRecording;
const MiB = 1 << 20;

function predict(gogc: string, memlimit: string): Promise<Candidate[]> {
  const out = mkdtempSync(join(tmpdir(), 'gomem-advise-real-'));
  return new Promise((ok, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'reality/advise/predict.ts', '--gogc', gogc, '--memlimit', memlimit, '--out', out, '--jobs', '1'],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 },
      (e, stdout, stderr) => {
        rmSync(out, { recursive: true, force: true });
        if (e) fail(new Error(`predict.ts failed: ${stderr.slice(-1000)}`));
        else ok(JSON.parse(stdout.trim().split('\n').pop()!) as Candidate[]);
      },
    );
  });
}

const runsOf = (gogc: string, memlimit: string) => rec.runs.filter((r) => r.gogc === gogc && r.memlimit === memlimit);
const stored = (gogc: string, memlimit: string): Candidate => rec.predicted!.candidates.find((c) => c.gogc === gogc && c.memlimit === memlimit)!;

describe('gomem advise against real Go: container-oom in a 512 MiB cgroup', () => {
  it('real Go: killed at 249–252 s with the defaults, and past the program\'s 480 s with GOMEMLIMIT', () => {
    expect(rec.limit_bytes).toBe(512 * MiB);
    const dflt = runsOf('100', 'off');
    expect(dflt.map((r) => r.oom_killed)).toEqual([true, true]);
    for (const r of dflt) {
      expect(r.end_ms).toBeGreaterThan(245_000);
      expect(r.end_ms).toBeLessThan(256_000);
      expect(r.max_usage_bytes).toBe(512 * MiB);
    }
    // GOMEMLIMIT=486MiB, the limit advise's words point to (every candidate spirals or is killed; the
    // 486MiB ones spiral last): on the edge. Three of four runs were killed, past the program's 480 s
    // (it falls behind its clock in the spiral); one ran to DONE with 0.6 MiB of the 512 to spare.
    const at486 = [...runsOf('100', '486MiB'), ...runsOf('off', '486MiB')];
    expect(at486.map((r) => [r.gogc, r.oom_killed, r.done, Math.round(r.end_ms / 100) / 10])).toEqual([
      ['100', true, false, 564.1],
      ['100', true, false, 487.5],
      ['off', true, false, 486.1],
      ['off', false, true, 480.1],
    ]);
    expect(at486.map((r) => Math.round((r.max_usage_bytes / MiB) * 10) / 10)).toEqual([512, 512, 512, 511.4]);
    // GOMEMLIMIT=409MiB: a longer spiral, killed at 826 s.
    expect(runsOf('100', '409MiB').map((r) => [r.oom_killed, Math.round(r.end_ms / 100) / 10])).toEqual([[true, 826.1]]);
  });

  it('the stored prediction for the defaults: OOM-killed at 252.5 s, within 10% of each real kill', () => {
    const c = stored('100', 'off');
    expect([c.verdict, c.killed, c.at_ms, c.peak_charge_mib]).toEqual(['OOM-killed', true, 252_501, 512]);
    for (const r of runsOf('100', 'off')) {
      const v = compareRun(c, r);
      expect(v.agrees, `${v.setting}: predicted ${v.predicted}, real ${v.real}`).toBe(true);
      expect(Math.abs(v.timeError!)).toBeLessThan(0.02);
    }
  });

  it('the stored prediction for GOMEMLIMIT=486MiB: a death spiral from 458.4 s that the program survives, 505.2 MiB charged', () => {
    const c = stored('100', '486MiB');
    expect([c.verdict, c.killed, c.at_ms, c.peak_charge_mib]).toEqual(['death spiral', false, 480_006, 505.2]);
  });

  // Known deviation (docs/fidelity.md, "advise against real Go"): both real runs of this setting were
  // OOM-killed in the spiral; gomem's program keeps up with its clock and ends 6.8 MiB under the limit,
  // where real Go's peak charge was 511.4–512 MiB. This fails while it stands.
  it.fails('gomem predicts real Go\'s fate at GOMEMLIMIT=486MiB (known deviation: real Go is killed, gomem survives)', () => {
    for (const r of runsOf('100', '486MiB')) expect(compareRun(stored('100', '486MiB'), r).agrees).toBe(true);
  });

  it('gomem predicts the defaults\' kill within 10% of real Go\'s (recomputed)', async () => {
    const [c] = await predict('100', 'off');
    expect(c!.killed).toBe(true);
    expect(c!.at_ms).toBe(stored('100', 'off').at_ms);
    for (const r of runsOf('100', 'off')) {
      const v = compareRun(c!, r);
      expect(v.agrees, `${v.setting}: predicted ${v.predicted}, real ${v.real}`).toBe(true);
      expect(Math.abs(v.timeError!)).toBeLessThanOrEqual(TOLERANCE);
    }
  }, 300_000);

  it('check.ts reads advise\'s printed table and words: the setting it points to and each prediction', () => {
    const entry = (i: number, gogc: string, memlimit: string, row: Partial<Row>): ReportEntry => ({
      config: { index: i, settings: { GOGC: gogc, ...(memlimit === 'off' ? {} : { GOMEMLIMIT: memlimit }), 'memory.max': '512MiB' }, id: String(i) },
      result: { key: {} as never, row: { outcome: 'exit', status: 0, endNs: 480_006_172_330, peakRss: 0, peakCharge: 0, gcCycles: 1, gcCpuFraction: 0.007, assistNs: 0, maxPauseNs: 0, limiterNs: 0, spiral: null, ...row }, series: {} as never },
    });
    const a = advise(
      [
        entry(0, '100', 'off', { outcome: 'oom-kill', status: 137, endNs: 252_501_362_197, peakRss: 535_764_992, peakCharge: 512 * MiB }),
        entry(1, '100', '486MiB', { peakRss: 527_810_560, peakCharge: 529_690_624, spiral: { atNs: 458_446_745_665, limiterFromNs: 449_808_880_312, heapFrom: 476_550_872, heapTo: 488_261_336 } }),
        entry(2, 'off', '486MiB', { outcome: 'oom-kill', status: 137, endNs: 470e9, peakCharge: 512 * MiB, spiral: { atNs: 450e9, limiterFromNs: 440e9, heapFrom: 470 * MiB, heapTo: 480 * MiB } }),
      ],
      512 * MiB,
      '512MiB',
      '10m',
    );
    const r = readAdvise(`${adviceTable(a)}\n\n${a.words.join('\n')}\n`, 'gomem advise');
    expect(r.recommended).toBeNull();
    expect(r.advised).toEqual({ gogc: '100', memlimit: '486MiB', why: 'latest into a death spiral' });
    expect(r.candidates.map((c) => [c.gogc, c.memlimit, c.verdict, c.killed, c.at_ms, c.peak_charge_mib])).toEqual([
      ['100', 'off', 'OOM-killed', true, 252_501, 512],
      ['100', '486MiB', 'death spiral', false, 480_006, 505.2],
      ['off', '486MiB', 'death spiral', true, 470_000, 512],
    ]);
    // The stored prediction (predict.ts) and the printed table say the same of the 486MiB candidate.
    expect({ ...r.candidates[1]!, recommended: false }).toEqual({ ...stored('100', '486MiB'), gc_cpu_percent: 0.7 });
  });

  it.skipIf(!process.env.GOMEM_ADVISE_REAL_SLOW)('the advised GOMEMLIMIT, recomputed (GOMEM_ADVISE_REAL_SLOW=1, ~15 min)', async () => {
    const [c] = await predict('100', '486MiB');
    expect(c).toEqual(stored('100', '486MiB'));
  }, 3_600_000);
});
