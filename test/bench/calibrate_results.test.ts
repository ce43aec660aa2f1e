import { describe, expect, it } from 'vitest';
import { chooseSamples, fastCluster, leastSquares, median, parseBenchOutput, parseGctrace, roundSig, spread, usableSamples } from '../../bench/go/calibrate/results.ts';

// Lines below are real output of bench/go/calibrate on this machine (Go 1.23.5,
// GOGC=off GOMAXPROCS=1), cut from runs made while writing the calibration.
const benchText = `goos: linux
goarch: amd64
pkg: gomem/bench/calibrate
cpu: AMD EPYC
BenchmarkMallocSteady/tiny8         	34689940	         8.831 ns/op	         8.870 cpu-ns/op	       8 B/op	       1 allocs/op
BenchmarkPageFault/2MiB         	    3483	    116987 ns/op	    101588 cpu-ns/op	       100.0 huge-%	     98926 wall-ns/op
BenchmarkSleep/1µs       	     339	   1097364 ns/op	   1096347 overhead-ns/op
BenchmarkGCSmallHeap-2                                 	      10	    592804 ns/op	    589853 cpu-ns	         1.002 cpu/wall	    384965 mark-ns
calibrate: process cpu-ns 123
PASS
`;

// GODEBUG=gctrace=1 lines from the same machine (the second is not forced).
const gctraceText = `gc 7 @0.107s 0%: 0.028+0.13+0.004 ms clock, 0.028+0/0.035/0.092+0.004 ms cpu, 64->64->0 MB, 8532210231537 MB goal, 0 MB stacks, 0 MB globals, 1 P (forced)
gc 8 @0.110s 3%: 0.013+0.093+0.003 ms clock, 0.013+0/0.018/0.068+0.003 ms cpu, 4->4->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
scav 0 KiB work (bg), 0 KiB work (eager), 3600 KiB now, 0% util
`;

describe('parseBenchOutput', () => {
  it('reads name, iterations and every value/unit pair, dropping the GOMAXPROCS suffix', () => {
    const lines = parseBenchOutput(benchText);
    expect(lines.map((l) => l.name)).toEqual(['MallocSteady/tiny8', 'PageFault/2MiB', 'Sleep/1µs', 'GCSmallHeap']);
    expect(lines[0]).toEqual({
      name: 'MallocSteady/tiny8',
      iterations: 34689940,
      metrics: { 'ns/op': 8.831, 'cpu-ns/op': 8.87, 'B/op': 8, 'allocs/op': 1 },
    });
    expect(lines[1]!.metrics['huge-%']).toBe(100);
    expect(lines[3]!.metrics['cpu/wall']).toBe(1.002);
  });
});

describe('parseGctrace', () => {
  it('reads the three clock phases in ns, the P count and whether the cycle was forced', () => {
    const cs = parseGctrace(gctraceText);
    expect(cs).toHaveLength(2);
    expect(cs[0]).toEqual({ n: 7, sweepTermNs: 28_000, markNs: 130_000, markTermNs: 4_000, procs: 1, forced: true });
    expect(cs[1]!.forced).toBe(false);
    expect(cs[1]!.procs).toBe(2);
    expect(cs[1]!.markTermNs).toBe(3_000);
  });
});

describe('reductions', () => {
  it('median and spread', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([9, 10, 12])).toBeCloseTo(0.3, 12);
    expect(() => median([])).toThrow();
  });

  it('rounds to significant digits without float residue', () => {
    expect(roundSig(13200000.000000002, 4)).toBe(13_200_000);
    expect(roundSig(8.8704)).toBe(8.87);
    expect(roundSig(0.0012345, 2)).toBe(0.0012);
    expect(roundSig(-48.94)).toBe(-48.9);
  });

  it('least squares recovers an exact linear model', () => {
    // y = 3 + 2·n + 5·n·w at four (n, w) points: hand-computed values.
    const pts = [
      [1, 1],
      [2, 1],
      [1, 4],
      [3, 2],
    ];
    const rows = pts.map(([n, w]) => [1, n!, n! * w!]);
    const y = [10, 17, 25, 39];
    const c = leastSquares(rows, y);
    expect(c[0]).toBeCloseTo(3, 9);
    expect(c[1]).toBeCloseTo(2, 9);
    expect(c[2]).toBeCloseTo(5, 9);
  });

  it('least squares refuses inputs that cannot separate the unknowns', () => {
    expect(() => leastSquares([[1, 2], [2, 4], [3, 6]], [1, 2, 3])).toThrow(/singular/);
    expect(() => leastSquares([[1, 2, 3]], [1])).toThrow(/points/);
  });
});

describe('chooseSamples', () => {
  const q = { threshold: 0.35, probeBest: 0.4, probeSlack: 1.3 }; // quiet: bg < 0.35 and probe ≤ 0.52
  const at = (bg: number, probe = 0.4) => ({ bg, probe });
  it('takes the quiet samples when there are enough of them', () => {
    expect(chooseSamples([at(1.2), at(0.1), at(0.3), at(1.5), at(0), at(0.34)], q, 3)).toEqual([1, 2, 4, 5]);
  });
  it('counts a slow probe as contention even when /proc/stat shows no load', () => {
    expect(chooseSamples([at(0, 0.9), at(0, 0.41), at(0, 0.45), at(0, 0.8), at(0.1, 0.5)], q, 3)).toEqual([1, 2, 4]);
  });
  it('otherwise takes the least contended half, at least `want`', () => {
    expect(chooseSamples([at(1.2), at(0.1), at(1.3), at(1.5), at(0.9), at(1.1)], q, 3)).toEqual([1, 4, 5]);
    expect(chooseSamples([at(1.2), at(0.8)], q, 3)).toEqual([0, 1]);
    expect(chooseSamples([at(2), at(1), at(3), at(4), at(5), at(6), at(7), at(8)], q, 3)).toEqual([0, 1, 2, 3]);
  });
});

describe('fastCluster and usableSamples', () => {
  it('keeps the values within the slack of the fastest: the uncontended mode', () => {
    // MallocSteady/noscan64 cpu-ns/op over 8 runs of a real calibration: 15 ns quiet, ~29 ns slowed
    const v = [15.39, 15.05, 15.48, 15.71, 29.93, 28.48, 15.09, 15.19];
    expect(fastCluster(v, 1.3)).toEqual([0, 1, 2, 3, 6, 7]);
    expect(fastCluster([0, 0, 1000, 2000], 1.3)).toEqual([0, 1, 2, 3]); // a smallest of 0 filters nothing
  });
  it('uses the quiet samples of the fast mode, else the fast mode alone', () => {
    const q = { threshold: 0.35, probeBest: 0.4, probeSlack: 1.3 };
    const samples = [0, 1.2, 0, 0].map((bg) => ({ values: {}, bg, metered: true, probe: 0.4 }));
    expect(usableSamples(samples, [10, 10.5, 25, 11], q, 3)).toEqual([0, 3]);
    expect(usableSamples(samples, [30, 10, 25, 31], q, 3)).toEqual([1]);
  });
});
