// The fast mode (src/whatif/fast_*.ts): its pieces against hand-worked
// figures and Go's own rules, its runs against what a heap of that shape
// must do, and `gomem whatif --mode fast` as a user meets it (in child
// processes: the calibration is an exact run). Its error against the exact
// mode is measured by `npm run bench -- whatif` and given in
// docs/fidelity.md, not asserted here.

import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CostModel } from '../../src/sim/cost.ts';
import { type Calibration, calibrationFormat, fitLine, workerGoal } from '../../src/whatif/fast_calibrate.ts';
import { runFast } from '../../src/whatif/fast_model.ts';
import { Scatter } from '../../src/whatif/fast_scatter.ts';
import { parseWorkload } from '../../src/whatif/workload.ts';
import { Timeline } from '../../src/whatif/workload_timeline.ts';
import { gomem } from './helpers/cli.ts';

const MiB = 1 << 20;
const tmp = mkdtempSync(join(tmpdir(), 'gomem-fast-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function workload(phases: object[], extra: object = {}) {
  return parseWorkload(JSON.stringify({ format: 'gomem-workload/1', name: 'w', phases, ...extra }), 'w.json');
}

/** A calibration written by hand: every byte allocated is a byte of heapLive and of HeapInuse, nothing in flight. */
const plain: Calibration = {
  format: calibrationFormat, gomaxprocs: 2, seed: null, runNs: 10e9, cycles: 50,
  heapLivePerByte: 1, markedPerLive: 1, inflightNs: 0, requestNs: 100e3, scanPerMarked: 0.5, scanBase: 0,
  stackScan: 8192, globalsScan: 65536, markNsPerScan: 1, markNsBase: 0, scatterScale: 1, mutatorNsPerByte: 0,
  backgroundShare: 1, sweepTermPauseNs: 10e3, markTermPauseNs: 40e3, maxPauseNs: 40e3, inuseFactor: 1, sweptKeep: 0,
  nonHeapBase: 10 * MiB, nonHeapPerHeap: 0, fileRss: 0, chargeOverRss: MiB,
};

describe('the fast mode\'s pieces', () => {
  it('fits a line by least squares, and keeps the given slope when x does not spread', () => {
    expect(fitLine([1, 2, 3, 4], [3, 5, 7, 9], 0)).toEqual({ a: 1, b: 2 });
    // x within 10% of its mean: the slope would be noise.
    expect(fitLine([5, 5, 5], [10, 12, 14], 2)).toEqual({ a: 2, b: 2 });
  });

  it('splits the 25% into workers as gcControllerState.startCycle does', () => {
    // mgcpacer.go: dedicated = int(0.25·P + 0.5), rounded down with a fractional worker where that is >30% off.
    expect(workerGoal(1)).toEqual({ dedicated: 0, fractional: 0.25 });
    expect(workerGoal(2)).toEqual({ dedicated: 0, fractional: 0.25 });
    expect(workerGoal(4)).toEqual({ dedicated: 1, fractional: 0 });
    expect(workerGoal(6)).toEqual({ dedicated: 1, fractional: 0.5 / 6 });
    expect(workerGoal(8)).toEqual({ dedicated: 2, fractional: 0 });
  });

  it('charges the mark one line miss per replaced 16-byte pointerful object still live', () => {
    const w = workload([{ duration: '10s', allocRate: '1MiB/s', live: '1MiB', turnover: '1MiB/s' }], { objects: [{ size: 16, pointers: true, share: 1 }] });
    const s = new Scatter(w, new Timeline(w.phases, 0, 10e9));
    expect(new CostModel().lineMiss()).toBe(222); // src/sim/costs.json, mem.lineMiss
    expect(s.extraMarkNs(0)).toBe(0);
    // After 1 s, 1 MiB replaced of 1 MiB: 1 − 1/e of the 65,536 objects, 222 ns each.
    expect(s.extraMarkNs(1e9)).toBeCloseTo((MiB / 16) * (1 - Math.exp(-1)) * 222, 3);
    expect(s.extraMarkNs(3e9)).toBeCloseTo((MiB / 16) * (1 - Math.exp(-3)) * 222, 3);
  });
});

describe('fast runs', () => {
  it('with GOGC=off and no limit, is OOM-killed when the heap fills the container', () => {
    const w = workload([{ duration: '10s', allocRate: '100MiB/s' }]);
    const { row } = runFast(w, plain, { gcPercent: -1, memoryLimit: null, memoryMax: 100 * MiB, gomaxprocs: 2, durationNs: 10e9 });
    // 100 MiB less 10 MiB beside the heap and 1 MiB of charge over RSS: 89 MiB of heap at 100 MiB/s.
    expect(row.outcome).toBe('oom-kill');
    expect(row.status).toBe(137);
    expect(row.endNs).toBeGreaterThanOrEqual(0.89e9);
    expect(row.endNs).toBeLessThanOrEqual(0.89e9 + 2);
    expect(row.gcCycles).toBe(0);
    expect(Math.abs(row.peakCharge - 100 * MiB)).toBeLessThan(256);
  });

  it('collects more often and holds less at a lower GOGC, and gives the same row for the same inputs', () => {
    const w = workload([{ duration: '20s', allocRate: '64MiB/s', live: '32MiB' }]);
    const at = (gogc: number) => runFast(w, plain, { gcPercent: gogc, memoryLimit: null, memoryMax: null, gomaxprocs: 2, durationNs: 20e9 }).row;
    const [r50, r100, r200] = [at(50), at(100), at(200)];
    expect(r50.gcCycles).toBeGreaterThan(r100.gcCycles);
    expect(r100.gcCycles).toBeGreaterThan(r200.gcCycles);
    expect(r50.peakRss).toBeLessThan(r100.peakRss);
    expect(r100.peakRss).toBeLessThan(r200.peakRss);
    // GOGC=100 over a 32 MiB set: the goal is 2 × (32 MiB + scanned stacks and globals); RSS peaks near it, with the 10 MiB beside the heap.
    const goal = 32 * MiB + 32 * MiB + 8192 + 65536;
    expect(r100.peakRss).toBeGreaterThan(0.9 * goal + 10 * MiB);
    expect(r100.peakRss).toBeLessThan(1.1 * goal + 10 * MiB);
    // 64 MiB/s into a runway of at most 32 MiB: at least 2 cycles a second.
    expect(r100.gcCycles).toBeGreaterThanOrEqual(40);
    expect(JSON.stringify(at(100))).toBe(JSON.stringify(r100));
    expect(r100.outcome).toBe('exit');
    expect(r100.endNs).toBe(20e9);
  });

  it('under a GOMEMLIMIT the live heap outgrows, turns the GC CPU limiter on and calls the death spiral', () => {
    const w = workload([{ duration: '60s', allocRate: '64MiB/s', live: ['0', '200MiB'] }]);
    const cpuHeavy = { ...plain, markNsPerScan: 8 };
    const limited = runFast(w, cpuHeavy, { gcPercent: 100, memoryLimit: 100 * MiB, memoryMax: null, gomaxprocs: 2, durationNs: 60e9 }).row;
    expect(limited.limiterNs).toBeGreaterThan(10e9);
    expect(limited.spiral).not.toBeNull();
    expect(limited.spiral!.heapTo).toBeGreaterThan(limited.spiral!.heapFrom);
    const free = runFast(w, cpuHeavy, { gcPercent: 100, memoryLimit: null, memoryMax: null, gomaxprocs: 2, durationNs: 60e9 }).row;
    expect(free.limiterNs).toBe(0);
    expect(free.spiral).toBeNull();
  });
});

describe('gomem whatif --mode fast', () => {
  const file = join(tmp, 'small.json');
  writeFileSync(
    file,
    JSON.stringify({ format: 'gomem-workload/1', name: 'small', phases: [{ duration: '20s', allocRate: '40MiB/s', requestRate: 500, live: '4MiB' }] }),
  );

  it('calibrates once per GOMAXPROCS, says which mode ran, and keeps the calibration for the next sweep', async () => {
    const out = join(tmp, 'sweep');
    const first = await gomem(['whatif', file, '--mode', 'fast', '--calibrate', '2s', '--gogc', '50,100', '--out', out]);
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('gomem whatif: calibrating the fast mode: an exact run of 2s at GOMAXPROCS=2\n');
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('mode: fast (a cycle-level model, not every object; calibrated by an exact run of 2s per GOMAXPROCS; docs/fidelity.md gives its error)');
    expect(lines).toHaveLength(4);
    expect(readdirSync(out).filter((f) => f.startsWith('calibration-P2-'))).toHaveLength(1);
    const again = await gomem(['whatif', file, '--mode', 'fast', '--calibrate', '2s', '--gogc', '50,100,200', '--out', out]);
    expect(again.status).toBe(0);
    expect(again.stderr).not.toContain('calibrating');
    expect(again.stderr).toContain('2 of 3 configurations done in an earlier run, kept');
  });

  it('says in one line, exit 2, when the calibration run is too short to fit', async () => {
    const slow = join(tmp, 'slow.json');
    writeFileSync(slow, JSON.stringify({ format: 'gomem-workload/1', name: 'slow', phases: [{ duration: '1m', allocRate: '1MiB/s', requestRate: 100, live: '64MiB' }] }));
    const r = await gomem(['whatif', slow, '--mode', 'fast', '--calibrate', '2s', '--out', join(tmp, 'slow')]);
    expect(r.status).toBe(2);
    // The 64 MiB the first request builds takes every cycle of the 2 s (4 MiB, 8, 16, …): none is left to fit.
    expect(r.stderr).toMatch(/^gomem whatif: calibrating the fast mode: an exact run of 2s at GOMAXPROCS=2\ngomem: --calibrate: the calibration run completed \d+ GC cycles in 2 s, 0 past the start; it needs 3 \(a longer --calibrate\)\n$/);
  });

  it('refuses what it does not model, in one line, exit 2', async () => {
    const cases: [string[], string][] = [
      [['blahdo', '--mode', 'fast'], 'gomem: --mode fast: runs workload models (a .json file, docs/workloads.md); blahdo runs in the exact mode'],
      [[file, '--mode', 'fast', '--godebug', 'madvdontneed=1'], 'gomem: --mode fast: models GOGC, GOMEMLIMIT, GOMAXPROCS and memory.max; a --godebug list needs --mode exact'],
      [[file, '--mode', 'quick'], 'gomem: --mode: "quick" is not exact or fast'],
      [[file, '--calibrate', '5s'], 'gomem: --calibrate: only the fast mode calibrates (--mode fast)'],
      [[file, '--mode', 'fast', '--calibrate', 'soon'], 'gomem: --calibrate: "soon" is not a positive duration (Go\'s syntax: 10s, 1m)'],
    ];
    const rs = await Promise.all(cases.map(([args]) => gomem(['whatif', ...args, '--out', join(tmp, 'refused')])));
    rs.forEach((r, i) => {
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`${cases[i]![1]}\n`);
    });
    expect(existsSync(join(tmp, 'refused'))).toBe(false);
  });
});
