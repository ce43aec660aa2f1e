// The what-if grid: lists into configurations, their order, shards; the
// table's formatting; the store's keys.

import { describe, expect, it } from 'vitest';
import { GridError, gridOf, inShard, parseList, parseShard } from '../../src/whatif/grid.ts';
import { formatTable, roughDuration } from '../../src/whatif/report.ts';
import { canonicalJson, resultId, type ResultKey } from '../../src/whatif/store.ts';

describe('lists', () => {
  it('splits on commas, GODEBUG on semicolons or repeated flags', () => {
    expect(parseList('gogc', '50,100,off')).toEqual(['50', '100', 'off']);
    expect(parseList('memlimit', 'off, 400MiB')).toEqual(['off', '400MiB']);
    expect(parseList('godebug', 'gctrace=1,madvdontneed=0;madvdontneed=1')).toEqual(['gctrace=1,madvdontneed=0', 'madvdontneed=1']);
    expect(parseList('godebug', ['madvdontneed=0', 'madvdontneed=1'])).toEqual(['madvdontneed=0', 'madvdontneed=1']);
  });

  it('refuses empty values, repeats, and a GODEBUG alternative setting one key twice, naming the flag and the value', () => {
    expect(() => parseList('gogc', '50,,100')).toThrow(new GridError('--gogc: "50,,100" has an empty value (a list is comma-separated: 50,100,off)'));
    expect(() => parseList('cgroupMemoryMax', '512MiB,512MiB')).toThrow(new GridError('--cgroup-memory-max: "512MiB" is listed twice'));
    expect(() => parseList('godebug', 'madvdontneed=0,madvdontneed=1')).toThrow(
      new GridError(`--godebug: "madvdontneed=0,madvdontneed=1" sets madvdontneed twice; separate alternatives with ';' (--godebug 'madvdontneed=0;madvdontneed=1')`),
    );
  });
});

describe('the grid', () => {
  it('is the cross product, GOGC slowest, then GOMEMLIMIT, GOMAXPROCS, GODEBUG, memory.max', () => {
    const g = gridOf({ cgroupMemoryMax: ['384MiB', '512MiB'], gogc: ['50', '100', 'off'], memlimit: ['off', '400MiB'] });
    expect(g).toHaveLength(12);
    expect(g.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(g.slice(0, 5).map((c) => c.settings)).toEqual([
      { gogc: '50', memlimit: 'off', cgroupMemoryMax: '384MiB' },
      { gogc: '50', memlimit: 'off', cgroupMemoryMax: '512MiB' },
      { gogc: '50', memlimit: '400MiB', cgroupMemoryMax: '384MiB' },
      { gogc: '50', memlimit: '400MiB', cgroupMemoryMax: '512MiB' },
      { gogc: '100', memlimit: 'off', cgroupMemoryMax: '384MiB' },
    ]);
    expect(g[11]!.settings).toEqual({ gogc: 'off', memlimit: '400MiB', cgroupMemoryMax: '512MiB' });
    expect(gridOf({})).toEqual([{ index: 0, settings: {} }]);
  });

  it('shards by index mod N, I counted from 1, every configuration in exactly one', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'x', '1-4']) expect(() => parseShard(bad)).toThrow(GridError);
    const n = 11;
    const shards = [1, 2, 3].map((i) => [...Array(n).keys()].filter((k) => inShard(k, { index: i, count: 3 })));
    expect(shards).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7, 10],
      [2, 5, 8],
    ]);
  });
});

describe('the table and the keys', () => {
  it('aligns text left and figures right, durations in Go notation', () => {
    expect(roughDuration(87842)).toBe('87.8µs');
    expect(roughDuration(4289335)).toBe('4.29ms');
    expect(roughDuration(60002394454)).toBe('1m0s');
    expect(roughDuration(0)).toBe('0s');
    const config = (i: number, s: Record<string, string>) => ({ index: i, settings: s, id: `x${i}` });
    const row = { outcome: 'oom-kill', status: 137, endNs: 4289335, peakRss: 100405248, peakCharge: 100663296, gcCycles: 1, gcCpuFraction: 0.0297, assistNs: 87842, maxPauseNs: 43000, limiterNs: 0, spiral: null };
    const key = {} as ResultKey;
    const text = formatTable(
      ['GOGC', 'memory.max'],
      [
        { config: config(0, { GOGC: '100', 'memory.max': '96MiB' }), result: { key, row, series: { t: [], rss: [], charge: [], heapInuse: [], heapAlloc: [], heapGoal: [] } } },
        { config: config(1, { GOGC: 'off', 'memory.max': '128MiB' }), result: null },
      ],
      false,
    );
    expect(text.split('\n')).toEqual([
      'GOGC  memory.max  outcome          at  peak RSS  peak memory.current  GC cycles  GC CPU  assist  max pause  limiter on',
      '100   96MiB       OOM-killed   4.29ms  95.8 MiB             96.0 MiB          1    3.0%  87.8µs       43µs          0s',
      'off   128MiB      (no result)',
    ]);
  });

  it('names a result by its whole key, whatever the order of its fields', () => {
    const a: ResultKey = { gomem: '0.1.0', program: 'scenario:blahdo', seed: null, env: { GOGC: '50', GOMEMLIMIT: 'off' }, memoryMax: '96MiB', options: {}, maxTimeNs: null };
    const b: ResultKey = { maxTimeNs: null, options: {}, memoryMax: '96MiB', env: { GOMEMLIMIT: 'off', GOGC: '50' }, seed: null, program: 'scenario:blahdo', gomem: '0.1.0' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(resultId(a)).toBe(resultId(b));
    expect(resultId(a)).toMatch(/^[0-9a-f]{20}$/);
    expect(resultId({ ...a, seed: 2 })).not.toBe(resultId(a));
    expect(resultId({ ...a, gomem: '0.2.0' })).not.toBe(resultId(a));
  });
});
