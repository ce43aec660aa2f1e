// gomem import prom: the readers (src/import/prom.ts: text exposition,
// query_range JSON), the inference (prom_workload.ts) and the command.
// Real sources: reality/whatif/observed/{steady,cache}/prom/, scrapes of real
// Go 1.23 programs written every second under client_golang's metric names
// from runtime/metrics (client_golang itself cannot be installed here: no Go
// module proxy; observe.go.txt says how each value is read), their
// query_range.json (the same scrapes as Prometheus's API returns them), and
// gomem's own `gomem run --prom` output of a known workload.

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGctrace } from '../../src/import/gctrace.ts';
import { defaultPointerRule } from '../../src/import/pprof_workload.ts';
import { PromError, type Scrape, samplesOfText, scrapesOfMatrix, scrapesOfTexts } from '../../src/import/prom.ts';
import { type PromImportOptions, workloadFromScrapes } from '../../src/import/prom_workload.ts';
import { workloadFromJson } from '../../src/whatif/workload.ts';
import { gomem, knownWorkload, root } from './pprof_helpers.ts';

const observed = join(root, 'reality/whatif/observed');
const MiB = 2 ** 20;
const opts = (o: Partial<PromImportOptions> = {}): PromImportOptions => ({ files: ['x'], gogc: 100, durationNs: null, rule: defaultPointerRule, ...o });

function scrapesOfDir(name: string): Scrape[] {
  const dir = join(observed, name, 'prom');
  const files = readdirSync(dir).sort();
  return scrapesOfTexts(
    files.map((f) => ({ file: `${name}/prom/${f}`, text: readFileSync(join(dir, f), 'utf8') })),
    1,
  );
}

/** A scrape from a few samples. */
function scrape(t: number, samples: Record<string, number>): Scrape {
  return { file: `s${t}`, t, samples: new Map(Object.entries(samples)) };
}

describe('samplesOfText', () => {
  it('reads gauges, counters, a histogram, a summary, labels and timestamps', () => {
    const text = [
      '# TYPE go_memstats_alloc_bytes_total counter',
      'go_memstats_alloc_bytes_total 1.5e+06 1700000000000',
      '# TYPE go_gc_duration_seconds summary',
      'go_gc_duration_seconds{quantile="0.5"} 0.0001',
      'go_gc_duration_seconds_sum 0.002',
      'go_gc_duration_seconds_count 7',
      '# TYPE go_gc_heap_allocs_by_size_bytes histogram',
      'go_gc_heap_allocs_by_size_bytes_bucket{le="64.99999999999999"} 10',
      'go_gc_heap_allocs_by_size_bytes_bucket{le="+Inf"} 12',
      'go_gc_heap_allocs_by_size_bytes_sum 4000',
      'go_gc_heap_allocs_by_size_bytes_count 12',
      'go_info{version="go1.23.5"} 1',
      'go_gc_gomemlimit_bytes 9.223372036854776e+18',
      '',
    ].join('\n');
    const { samples, timestampMs } = samplesOfText(text, 'a.prom');
    expect(timestampMs).toBe(1700000000000);
    expect(Object.fromEntries(samples)).toEqual({
      go_memstats_alloc_bytes_total: 1.5e6,
      'go_gc_duration_seconds{quantile="0.5"}': 0.0001,
      go_gc_duration_seconds_sum: 0.002,
      go_gc_duration_seconds_count: 7,
      'go_gc_heap_allocs_by_size_bytes_bucket{le="64.99999999999999"}': 10,
      'go_gc_heap_allocs_by_size_bytes_bucket{le="+Inf"}': 12,
      go_gc_heap_allocs_by_size_bytes_sum: 4000,
      go_gc_heap_allocs_by_size_bytes_count: 12,
      'go_info{version="go1.23.5"}': 1,
      go_gc_gomemlimit_bytes: 9.223372036854776e18,
    });
  });

  it('names the file and line it cannot read', () => {
    expect(() => samplesOfText('go_goroutines 3\nbad{ line\n', 'b.prom')).toThrow(/^b\.prom:2: cannot read "bad\{ line" \(not Prometheus text format\)$/);
    expect(() => samplesOfText('go_goroutines 3\ngo_threads zz\n', 'c.prom')).toThrow(/^c\.prom:2: go_threads: "zz" is not a number$/);
    expect(() => samplesOfText('a{x="1" 1\n', 'd.prom')).toThrow(PromError);
  });
});

describe('workloadFromScrapes: the live set from the heap goal', () => {
  it("inverts mgcpacer's goal: marked + (marked + stacks) × GOGC/100", () => {
    const base = { go_memstats_stack_inuse_bytes: MiB, go_memstats_heap_alloc_bytes: 250 * MiB };
    const s = [
      scrape(0, { ...base, go_memstats_alloc_bytes_total: 0, go_memstats_next_gc_bytes: 300 * MiB }),
      scrape(10, { ...base, go_memstats_alloc_bytes_total: 100 * MiB, go_memstats_next_gc_bytes: 300 * MiB }),
    ];
    const w = workloadFromScrapes(s, opts()).workload;
    expect(w.phases).toEqual([{ duration: '10s', allocRate: 10 * MiB, requestRate: 320, live: [149.5 * MiB, 149.5 * MiB] }]);
    // GOGC=50 from go_gc_gogc_percent: (300 - 0.5) / 1.5 MiB.
    const s50 = s.map((x) => scrape(x.t, { ...Object.fromEntries(x.samples), go_gc_gogc_percent: 50 }));
    expect(workloadFromScrapes(s50, opts()).workload.phases[0]!.live[0]).toBe(Math.round((299.5 * MiB) / 1.5));
    // The heap cannot hold less than its marked part: heap_alloc caps the estimate.
    const low = s.map((x) => scrape(x.t, { ...Object.fromEntries(x.samples), go_memstats_heap_alloc_bytes: 100 * MiB }));
    expect(workloadFromScrapes(low, opts()).workload.phases[0]!.live).toEqual([100 * MiB, 100 * MiB]);
  });

  it('refuses what it cannot use, in one line', () => {
    const a = scrape(0, { go_memstats_alloc_bytes_total: 5 * MiB, go_memstats_next_gc_bytes: 8 * MiB });
    const b = scrape(1, { go_memstats_alloc_bytes_total: 1 * MiB, go_memstats_next_gc_bytes: 8 * MiB });
    expect(() => workloadFromScrapes([a, b], opts())).toThrow(/^s1: go_memstats_alloc_bytes_total fell from 5242880 to 1048576: the process restarted/);
    expect(() => workloadFromScrapes([a], opts())).toThrow(/1 scrape: at least two are needed/);
    const noGoal = scrape(1, { go_memstats_alloc_bytes_total: 6 * MiB });
    expect(() => workloadFromScrapes([a, noGoal], opts())).toThrow(/^s1: no go_memstats_next_gc_bytes at the scrape at 1: it is required/);
    expect(() => scrapesOfTexts([{ file: 'n.prom', text: 'go_goroutines 1\n' }], null)).toThrow(/^n\.prom: its samples carry no timestamps: give --every/);
  });
});

describe('workloadFromScrapes: the size mix, GOMEMLIMIT, the start', () => {
  const les = ['64.99999999999999', '1536.9999999999998', '+Inf'];
  const hist = (counts: number[], sum: number): Record<string, number> => ({
    ...Object.fromEntries(les.map((le, i) => [`go_gc_heap_allocs_by_size_bytes_bucket{le="${le}"}`, counts[i]!])),
    go_gc_heap_allocs_by_size_bytes_sum: sum,
    go_gc_heap_allocs_by_size_bytes_count: counts[2]!,
  });
  const base = { go_memstats_next_gc_bytes: 100 * MiB, go_memstats_heap_alloc_bytes: 80 * MiB };
  const a = scrape(0, { ...base, go_memstats_alloc_bytes_total: 0, ...hist([0, 0, 0], 0) });

  it('θ: one position in every finite bucket that adds up to _sum', () => {
    // 1000 objects of 48 bytes and 1000 of 1024: 1072000 bytes. θ = (1072000 - 1000 × 65) / (1000 × 65 + 1000 × 1472) = 0.655.
    const b = scrape(10, { ...base, go_memstats_alloc_bytes_total: 1072000, ...hist([1000, 2000, 2000], 1072000) });
    const w = workloadFromScrapes([a, b], opts()).workload;
    expect(w.source.sizeMix).toEqual({ histogram: 'go_gc_heap_allocs_by_size_bytes', buckets: 3, theta: 0.655, kinds: 2 });
    // 42.6 bytes → the 48 class; 1029 → the 1152 class (the bucket's objects at one size: coarse).
    expect(w.objects).toEqual([
      { size: 48, pointers: true, share: 0.04 },
      { size: 1152, pointers: false, share: 0.96 },
    ]);
  });

  it('θ = 1 leaves bytes over: the +Inf objects take them', () => {
    // 1000 objects of at most 65 bytes and 2 large ones of 1 MiB: θ = 1 holds 65000 bytes, the +Inf objects the rest.
    const sum = 1000 * 64 + 2 * MiB;
    const b = scrape(10, { ...base, go_memstats_alloc_bytes_total: sum, ...hist([1000, 1000, 1002], sum) });
    const w = workloadFromScrapes([a, b], opts()).workload;
    expect((w.source.sizeMix as { theta: number }).theta).toBe(1);
    const large = w.objects!.find((k) => k.size > 32768)!;
    // (sum - 65000) / 2 = 1048076 bytes: 128 pages; the small ones at the bucket's top, 64 bytes (its bound is just under 65).
    expect(large).toEqual({ size: 128 * 8192, pointers: false, share: Number(((2 * 128 * 8192) / (2 * 128 * 8192 + 1000 * 64)).toPrecision(4)) });
    expect(w.objects!.find((k) => k.size < 32768)).toEqual({ size: 64, pointers: true, share: Number(((1000 * 64) / (2 * 128 * 8192 + 1000 * 64)).toPrecision(4)) });
  });

  it('a goal near GOMEMLIMIT is not read by the formula: the smaller of goal and heap, with a warning', () => {
    const lim = { go_gc_gomemlimit_bytes: 100 * MiB, go_memstats_next_gc_bytes: 95 * MiB, go_memstats_heap_alloc_bytes: 70 * MiB };
    const r = workloadFromScrapes([scrape(0, { ...lim, go_memstats_alloc_bytes_total: 0 }), scrape(5, { ...lim, go_memstats_alloc_bytes_total: 50 * MiB })], opts());
    expect(r.workload.phases[0]!.live).toEqual([70 * MiB, 70 * MiB]);
    expect(r.workload.source.memlimit).toBe(100 * MiB);
    expect(r.warnings[0]).toBe(`2 of 2 scrapes have a goal near GOMEMLIMIT (${100 * MiB} bytes): their live set is the smaller of the goal and the heap`);
  });

  it('timestamped samples and process_start_time_seconds: a first phase from the start', () => {
    const s = { go_memstats_next_gc_bytes: 40 * MiB, go_memstats_heap_alloc_bytes: 30 * MiB, process_start_time_seconds: 1700000000 };
    const r = workloadFromScrapes(
      [scrape(1700000060, { ...s, go_memstats_alloc_bytes_total: 600 * MiB }), scrape(1700000075, { ...s, go_memstats_alloc_bytes_total: 750 * MiB })],
      opts(),
    );
    // 60 s from the start at 10 MiB/s, the live set from 0 to (40 MiB / 2); then 15 s at 10 MiB/s, the live set held: two phases.
    expect(r.workload.phases).toEqual([
      { duration: '1m0s', allocRate: 10 * MiB, requestRate: 320, live: [0, 20 * MiB] },
      { duration: '15s', allocRate: 10 * MiB, requestRate: 320, live: [20 * MiB, 20 * MiB] },
    ]);
    expect(r.workload.source.startsAt).toBe('process_start_time_seconds');
  });
});

describe('real Go scrapes (reality/whatif/observed)', () => {
  it("steady: the rate within 1% of the program's, the live set within 3% of gctrace's marked heap", () => {
    const { workload: w, warnings } = workloadFromScrapes(scrapesOfDir('steady'), opts({ files: ['steady/prom'] }));
    expect(warnings).toEqual(['the workload starts at the first scrape: its live set (2.0 MiB) is built at once at the start']);
    expect(w.phases.map((p) => p.duration)).toEqual(['1s', '2s', '27s']);
    // The load (64 Ki records) in the first second, then 480768 bytes per 10 ms tick.
    expect(w.phases[0]!.allocRate).toBe(81887016);
    expect(Math.abs(w.phases[2]!.allocRate / 48076800 - 1)).toBeLessThan(0.01);
    // The cycles before the last scrape (at 30 s; one more started at 30.02 s).
    const cycles = parseGctrace(readFileSync(join(observed, 'steady/gogc100.log'), 'utf8'), 'gogc100.log').cycles.filter((c) => c.atS < 30);
    const marked = (cycles[cycles.length - 1]!.heap2MB + 0.5) * MiB;
    expect(Math.abs(w.phases[2]!.live[1] / marked - 1)).toBeLessThan(0.03);
    expect(w.gomaxprocs).toBe(2);
    // main and the observer's two goroutines: two connections besides main; the scrapes' count of cycles is gctrace's.
    expect(w.connections).toBe(2);
    expect(w.source.cycles).toBe(cycles.length);
    // The size mix from the histogram: client_golang's 12 buckets, θ solved from the exact _sum.
    expect(w.source.sizeMix).toEqual({ histogram: 'go_gc_heap_allocs_by_size_bytes', buckets: 12, theta: 0.77, kinds: 11 });
    const noscan = w.objects!.filter((k) => !k.pointers).reduce((a, k) => a + k.share, 0);
    // The program's noscan share: 1 - 38400/480768 of its bytes are buffers.
    expect(Math.abs(noscan - (1 - 38400 / 480768))).toBeLessThan(0.03);
  });

  it('the query_range JSON of the same scrapes gives the same workload', () => {
    const fromText = workloadFromScrapes(scrapesOfDir('cache'), opts()).workload;
    const fromApi = workloadFromScrapes(scrapesOfMatrix(readFileSync(join(observed, 'cache/query_range.json'), 'utf8'), 'query_range.json'), opts()).workload;
    expect(fromApi.phases).toEqual(fromText.phases);
    expect(fromApi.objects).toEqual(fromText.objects);
    // The cache grows ~5 MiB/s over its 30 s: the last scrape, at 29 s, has the cycle of 26.1 s (gctrace: 136 MB marked).
    const live = fromText.phases.map((p) => p.live[1]);
    expect(live[live.length - 1]! / MiB).toBeGreaterThan(130);
    expect(live[live.length - 1]! / MiB).toBeLessThan(160);
    expect(workloadFromJson(JSON.parse(JSON.stringify(fromText)), 'w.json').phases.length).toBe(fromText.phases.length);
  });

  it('refuses a matrix of two targets and a response that is not a matrix', () => {
    const two = { status: 'success', data: { resultType: 'matrix', result: [
      { metric: { __name__: 'go_goroutines', instance: 'a:1' }, values: [[1, '3']] },
      { metric: { __name__: 'go_goroutines', instance: 'b:1' }, values: [[1, '4']] },
    ] } };
    expect(() => scrapesOfMatrix(JSON.stringify(two), 'q.json')).toThrow(/^q\.json: data\.result\[1\]: go_goroutines of two targets/);
    expect(() => scrapesOfMatrix('{"status":"success","data":{"resultType":"vector","result":[]}}', 'v.json')).toThrow(/^v\.json: data\.resultType is "vector"/);
    expect(() => scrapesOfMatrix('{', 'x.json')).toThrow(/^x\.json: not JSON/);
  });
});

describe('gomem import prom', () => {
  it("gomem's own --prom output of a known workload: 20 MiB/s and a 24 MiB live set come back", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gomem-prom-'));
    writeFileSync(join(dir, 'known.json'), JSON.stringify(knownWorkload));
    const run = await gomem(['run', 'known.json', '--prom', 'prom', '--opt', 'every=1s', '--quiet'], dir);
    expect(run.code).toBe(0);
    // Its checkpoints, in time order (phase_1 is the one at 4 s, exit at 8 s).
    const files = ['at_1s', 'at_2s', 'at_3s', 'phase_1', 'at_5s', 'at_6s', 'at_7s', 'exit'].map((n) => `prom/${n}.prom`);
    expect(readdirSync(join(dir, 'prom')).sort()).toEqual(files.map((f) => f.slice(5)).sort());
    const r = await gomem(['import', 'prom', ...files, '--every', '1s', '-o', 'w.json'], dir);
    expect(r.code).toBe(0);
    const w = workloadFromJson(JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8')), 'w.json');
    for (const p of w.phases) expect(Math.abs(p.allocRate / (20 * MiB) - 1)).toBeLessThan(0.05);
    expect(Math.abs(w.phases[w.phases.length - 1]!.liveEnd / (24 * MiB) - 1)).toBeLessThan(0.06);
    expect(r.stderr).toContain('no go_gc_heap_allocs_by_size_bytes histogram: the workload gets the default size mix');
  }, 60_000);

  it('a directory is read in name order; malformed input is one line naming the file and line, exit 2', async () => {
    const ok = await gomem(['import', 'prom', 'reality/whatif/observed/steady/prom', '--every', '1s']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).source.scrapes).toBe(31);
    const dir = mkdtempSync(join(tmpdir(), 'gomem-prom-bad-'));
    writeFileSync(join(dir, 'a.prom'), 'go_memstats_alloc_bytes_total 1\ngo_memstats_next_gc_bytes{ 4\n');
    const bad = await gomem(['import', 'prom', join(dir, 'a.prom'), join(dir, 'a.prom'), '--every', '15s']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`gomem: ${join(dir, 'a.prom')}:2: cannot read "go_memstats_next_gc_bytes{ 4" (not Prometheus text format)\n`);
    const untimed = await gomem(['import', 'prom', 'reality/whatif/observed/steady/prom']);
    expect(untimed.code).toBe(2);
    expect(untimed.stderr).toMatch(/^gomem: reality\/whatif\/observed\/steady\/prom\/0000\.prom: its samples carry no timestamps: give --every/);
  });
});
