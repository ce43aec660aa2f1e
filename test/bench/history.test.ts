import { describe, expect, it } from 'vitest';
import { type HistoryEntry, caseKey, compareLatest, compareWith, figureOf, formatComparisons, parseHistory, resultsIn, runValues } from '../../bench/history.ts';

const here = { cpu: 'AMD EPYC', cores: 2, memGiB: 23.5, node: 'v20.20.2', os: 'linux 6.18.44-fc-v1272 x64' };
const elsewhere = { ...here, cpu: 'Intel Xeon', cores: 8 };

/** A history line as `--record` writes it. */
function entry(run: string, module: string, result: Record<string, unknown>, machine = here): HistoryEntry {
  return { run, commit: `commit-${run.slice(8, 10)}`, dirty: false, machine, load: [1, 1, 1], module, result };
}

const jsonl = (es: HistoryEntry[]) => es.map((e) => JSON.stringify(e)).join('\n') + '\n';

// Lines shaped as the benchmarks print them (values invented, shapes real).
const tiny8 = (ratio: number | null, ns = 20) => ({ bench: 'mallocgc/tiny8', gomem_ns_per_op: ns, go_ns_per_op: ratio === null ? null : ns / ratio, ratio });
const markRun = (ratio: number) => ({ bench: 'mark/binary-tree-10M', gomem_ns_per_op: 100 * ratio, go_ns_per_op: 100, ratio });
const touch = (ms: number) => ({ bench: 'pagetouch', case: 'anon-600MiB-page-by-page', ms, firstRunMs: ms * 1.5, pagesPerHostSecond: Math.round(153600 / (ms / 1000)) });
const pageFree = (ns: number) => ({ bench: 'pagealloc', case: 'alloc+free 1 page', ns_per_op: ns });

describe('what is recorded', () => {
  it('the JSON objects a benchmark printed, not its skips or other output', () => {
    const printed = [
      'mallocgc: real Go is not installed',
      JSON.stringify(tiny8(2)),
      JSON.stringify({ bench: 'calibrate', skipped: 'takes many minutes' }),
      '{not json',
      JSON.stringify([1, 2]),
      JSON.stringify(touch(400)),
      '',
    ].join('\n');
    expect(resultsIn(printed)).toEqual([tiny8(2), touch(400)]);
  });

  it('a case is the module, the bench and the case name', () => {
    expect(caseKey('mallocgc', tiny8(2))).toBe('mallocgc · mallocgc/tiny8');
    expect(caseKey('pagetouch', touch(1))).toBe('pagetouch · pagetouch · anon-600MiB-page-by-page');
  });

  it('the figure is the ratio, else the line\'s own cost', () => {
    expect(figureOf(tiny8(2.5))).toEqual({ name: 'ratio', value: 2.5 });
    expect(figureOf(tiny8(null, 31))).toEqual({ name: 'gomem_ns_per_op', value: 31 });
    expect(figureOf(touch(400))).toEqual({ name: 'ms', value: 400 });
    expect(figureOf(pageFree(12))).toEqual({ name: 'ns_per_op', value: 12 });
    expect(figureOf({ bench: 'spans/16GiB', simulated_rss_gib: 16, host_mib: 600, host_percent_of_rss: 3.7, host_bytes_per_span: 300 })).toEqual({ name: 'host_percent_of_rss', value: 3.7 });
    expect(figureOf({ bench: 'calibrate', name: 'x', note: 'y' })).toBeNull();
  });

  it('a case printed several times in one run (mark, tree) is the median of its lines', () => {
    const vs = runValues([entry('r1', 'mark', markRun(2.1)), entry('r1', 'mark', markRun(1.9)), entry('r1', 'mark', markRun(2.5))]);
    expect(vs).toEqual([{ key: 'mark · mark/binary-tree-10M', run: 'r1', commit: 'commit-', figure: 'ratio', value: 2.1, lines: 3 }]);
  });

  it('history survives the round trip through JSON lines, and a broken line is named', () => {
    const es = [entry('r1', 'mallocgc', tiny8(2)), entry('r1', 'pagetouch', touch(400))];
    expect(parseHistory(jsonl(es))).toEqual(es);
    expect(() => parseHistory(`${jsonl(es)}{oops\n`)).toThrow(/history.jsonl:3/);
  });
});

describe('compare: a fresh run against the last recorded value of each case', () => {
  const history = [
    entry('2026-12-01T00:00:00.000Z', 'mallocgc', tiny8(3.0)),
    entry('2026-12-01T00:00:00.000Z', 'pagetouch', touch(500)),
    entry('2026-12-02T00:00:00.000Z', 'mallocgc', tiny8(2.0)),
    entry('2026-12-02T00:00:00.000Z', 'pagetouch', touch(400)),
    entry('2026-12-02T00:00:00.000Z', 'mark', markRun(2.0)),
    entry('2026-12-02T00:00:00.000Z', 'mark', markRun(2.2)),
    entry('2026-12-02T00:00:00.000Z', 'pagealloc', pageFree(10)),
    // Faster, but on another machine: not what this one is compared with.
    entry('2026-12-03T00:00:00.000Z', 'mallocgc', tiny8(1.0), elsewhere),
  ];
  const now = '2026-12-04T00:00:00.000Z';

  it('more than 10% above the last value is a regression; the older values do not count', () => {
    const cs = compareWith(history, [entry(now, 'mallocgc', tiny8(2.3)), entry(now, 'pagetouch', touch(420))]);
    expect(cs.map((c) => [c.key, c.verdict, c.before?.value, Number(c.change!.toFixed(3))])).toEqual([
      ['mallocgc · mallocgc/tiny8', 'regressed', 2.0, 0.15],
      ['pagetouch · pagetouch · anon-600MiB-page-by-page', 'ok', 400, 0.05],
    ]);
  });

  it('exactly 10% is not yet a regression; more than 10% lower is an improvement', () => {
    const cs = compareWith(history, [entry(now, 'pagetouch', touch(440)), entry(now, 'pagealloc', pageFree(8.5))]);
    expect(cs.map((c) => c.verdict)).toEqual(['ok', 'improved']);
  });

  it('medians against medians: mark\'s three lines now (2.3, 2.4, 2.2 → 2.3) against 2.1 then', () => {
    const cs = compareWith(history, [entry(now, 'mark', markRun(2.3)), entry(now, 'mark', markRun(2.4)), entry(now, 'mark', markRun(2.2))]);
    expect(cs).toHaveLength(1);
    expect(cs[0]!.before!.value).toBeCloseTo(2.1, 12);
    expect(cs[0]!.now).toBe(2.3);
    expect(cs[0]!.verdict).toBe('ok'); // +9.5%
  });

  it('a case never recorded here is new; one whose figure changed kind (Go gone: ns/op, not a ratio) is not compared', () => {
    const cs = compareWith(history, [entry(now, 'mallocgc', tiny8(null, 50)), entry(now, 'trace', { bench: 'trace', case: 'churn', ratio: 1.2 })]);
    expect(cs.map((c) => [c.key, c.verdict, c.figure])).toEqual([
      ['mallocgc · mallocgc/tiny8', 'incomparable', 'gomem_ns_per_op'],
      ['trace · trace · churn', 'new', 'ratio'],
    ]);
  });

  it('on the other machine, its own last value is the reference', () => {
    const cs = compareWith(history, [entry(now, 'mallocgc', tiny8(1.05), elsewhere)]);
    expect([cs[0]!.verdict, cs[0]!.before!.value]).toEqual(['ok', 1.0]);
  });

  it('says which figure, the values, the commit and the change, regressions first', () => {
    const lines = formatComparisons(compareWith(history, [entry(now, 'pagetouch', touch(420)), entry(now, 'mallocgc', tiny8(2.3))]));
    expect(lines).toEqual([
      'regressed    mallocgc · mallocgc/tiny8: ratio 2.3, was 2 at commit-02 (2026-12-02T00:00:00.000Z): +15.0%',
      'ok           pagetouch · pagetouch · anon-600MiB-page-by-page: ms 420, was 400 at commit-02 (2026-12-02T00:00:00.000Z): +5.0%',
    ]);
  });
});

describe('compare with no benchmark named: the newest recorded run against the one before', () => {
  it('each case\'s newest run, whichever run it was recorded in, against its previous run on that machine', () => {
    const history = [
      entry('2026-12-01T00:00:00.000Z', 'mallocgc', tiny8(2.0)),
      entry('2026-12-01T00:00:00.000Z', 'pagetouch', touch(400)),
      entry('2026-12-02T00:00:00.000Z', 'mallocgc', tiny8(1.9)),
      entry('2026-12-02T00:00:00.000Z', 'pagetouch', touch(500)),
      // Only mallocgc was run again since.
      entry('2026-12-03T00:00:00.000Z', 'mallocgc', tiny8(2.2)),
    ];
    const cs = compareLatest(history);
    expect(cs.map((c) => [c.key, c.verdict, c.now, c.before?.value, c.before?.run])).toEqual([
      ['mallocgc · mallocgc/tiny8', 'regressed', 2.2, 1.9, '2026-12-02T00:00:00.000Z'],
      ['pagetouch · pagetouch · anon-600MiB-page-by-page', 'regressed', 500, 400, '2026-12-01T00:00:00.000Z'],
    ]);
  });

  it('a single run has nothing to be compared with', () => {
    expect(compareLatest([entry('r1', 'mallocgc', tiny8(2))]).map((c) => c.verdict)).toEqual(['new']);
    expect(compareLatest([])).toEqual([]);
  });
});
