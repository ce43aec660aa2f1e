// gomem import pprof: the reader (src/import/pprof.ts) on real Go heap
// profiles, the inference (pprof_workload.ts) on them, and the command.
// The profiles are real Go 1.23's (reality/whatif/observed/): exact/heap.pb.gz
// from a small program at MemProfileRate=1 (exact counts), and steady/ and
// cache/ at the default rate, written at 10 s and 25 s of the what-if
// corpus's programs (record_observed.ts).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Profile, StringTable, ValueType } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { type HeapProfile, PprofError, parseHeapProfile } from '../../src/import/pprof.ts';
import { type PprofImportOptions, defaultPointerRule, mergeKinds, workloadFromHeapProfiles } from '../../src/import/pprof_workload.ts';
import { workloadFromJson } from '../../src/whatif/workload.ts';
import { gomem, knownWorkload, root } from './pprof_helpers.ts';

const observed = join(root, 'reality/whatif/observed');
const read = (rel: string): HeapProfile => parseHeapProfile(readFileSync(join(observed, rel)), rel);
const opts = (o: Partial<PprofImportOptions>): PprofImportOptions => ({ files: ['x'], gogc: 100, uptimeNs: null, durationNs: null, rule: defaultPointerRule, ...o });

/** Sums of a profile's four values per object size. */
function bySize(p: HeapProfile): Map<number, [number, number, number, number]> {
  const m = new Map<number, [number, number, number, number]>();
  for (const s of p.samples) {
    const x = m.get(s.size) ?? [0, 0, 0, 0];
    x[0] += s.allocObjects;
    x[1] += s.allocBytes;
    x[2] += s.inuseObjects;
    x[3] += s.inuseBytes;
    m.set(s.size, x);
  }
  return m;
}

describe('parseHeapProfile', () => {
  it('reads exact counts at MemProfileRate=1 (exact/main.go)', () => {
    const p = read('exact/heap.pb.gz');
    expect(p.period).toBe(1);
    const m = bySize(p);
    // 1000 kept nodes of 48 bytes; 200 kept 980-byte structs with pointers (their 8-byte header: the 1024 class).
    expect(m.get(48)).toEqual([1000, 48000, 1000, 48000]);
    expect(m.get(1024)).toEqual([200, 204800, 200, 204800]);
    // 500 4 KiB buffers, the last one kept; 3 100000-byte ones, large objects of 13 pages, the last kept.
    expect(m.get(4096)).toEqual([500, 2048000, 1, 4096]);
    expect(m.get(106496)).toEqual([3, 319488, 1, 106496]);
    const node = p.samples.find((s) => s.size === 48)!;
    expect(node.funcs[0]).toBe('main.main');
  });

  it('reads the default-rate profiles, scaled (steady at 25 s)', () => {
    const p = read('steady/heap_25s.pb.gz');
    expect(p.period).toBe(524288);
    expect(p.samples.length).toBe(13);
    expect(p.samples.reduce((a, s) => a + s.allocBytes, 0)).toBe(1111539496);
    expect(p.samples.reduce((a, s) => a + s.inuseBytes, 0)).toBe(82814788);
    // The 64 Ki records' 1000-byte buffers (1024 class) are live: 67137 estimated against 65536 made (about 130 of them
    // sampled: some ±9% of noise). Their 64-byte headers, ~8 sampled, come out at 2.4 times their 4 MiB: in all the
    // profile's live set is 82.8 MB against the ~75 MB gctrace marks (71 MB).
    expect(bySize(p).get(1024)![2]).toBe(67137);
  });

  it('reads a profile that is not gzipped', () => {
    const raw = readFileSync(join(observed, 'exact/heap.pb.gz'));
    const p = parseHeapProfile(gunzipSync(raw), 'plain.pb');
    expect(bySize(p).get(48)).toEqual([1000, 48000, 1000, 48000]);
  });

  it('refuses what is not a heap profile, in one line naming the file', () => {
    expect(() => parseHeapProfile(Buffer.from('heap profile: 1: 2 [3: 4] @ heap/1048576\n'), 'h.txt')).toThrow(/^h\.txt: a legacy text heap profile \(debug=1\)/);
    expect(() => parseHeapProfile(Buffer.from('hello\n'), 'b.pb')).toThrow(PprofError);
    expect(() => parseHeapProfile(Buffer.from('hello\n'), 'b.pb')).toThrow(/^b\.pb: not a pprof protobuf profile/);
    expect(() => parseHeapProfile(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 'c.pb.gz')).toThrow(/^c\.pb\.gz: gzip data that cannot be decompressed/);
    expect(() => parseHeapProfile(new Uint8Array(0), 'e.pb')).toThrow(/^e\.pb: empty file/);
    // A CPU profile: its sample types are samples/count and cpu/nanoseconds.
    const st = new StringTable();
    const cpu = new Profile({
      stringTable: st,
      sampleType: [new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') }), new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') })],
    });
    expect(() => parseHeapProfile(gzipSync(cpu.encode()), 'cpu.pb.gz')).toThrow(/^cpu\.pb\.gz: not a heap profile: its sample types are \[samples, cpu\]/);
  });
});

describe('workloadFromHeapProfiles', () => {
  it('one profile and --uptime: the rate over the uptime, the live set from inuse_space, the size mix by size class', () => {
    const { workload: w } = workloadFromHeapProfiles([read('exact/heap.pb.gz')], opts({ files: ['exact/heap.pb.gz'], uptimeNs: 1e9 }));
    // alloc_space 2631376 + the lag correction 1.5 × inuse 374336, less the live set (built at the start).
    expect(w.phases).toEqual([{ duration: '1s', allocRate: 2631376 + 0.5 * 374336, requestRate: 86, live: [374336, 374336] }]);
    expect(w.objects.find((k) => k.size === 48)).toEqual({ size: 48, pointers: true, share: Number((48000 / 2631376).toPrecision(4)) });
    expect(w.objects.find((k) => k.size === 4096)).toEqual({ size: 4096, pointers: false, share: 0.7783 });
    expect(w.objects.find((k) => k.size === 106496)).toEqual({ size: 106496, pointers: false, share: 0.1214 });
    // By size, the 1024-byte structs are noscan; with --pointers-max 1024 they hold pointers, and the type is 8 bytes short of its slot (the malloc header).
    expect(w.objects.find((k) => k.size === 1024)!.pointers).toBe(false);
    const w2 = workloadFromHeapProfiles([read('exact/heap.pb.gz')], opts({ uptimeNs: 1e9, rule: { ...defaultPointerRule, pointersMax: 1024 } })).workload;
    expect(w2.objects.find((k) => k.size === 1016)).toEqual({ size: 1016, pointers: true, share: 0.07783 });
    // Written just after a forced GC (?gc=1), the profile is up to date: no lag correction.
    const fresh = workloadFromHeapProfiles([read('exact/heap.pb.gz')], opts({ uptimeNs: 1e9, afterGC: true })).workload;
    expect(fresh.phases[0]!.allocRate).toBe(2631376 - 374336);
    // The JSON is a valid workload.
    expect(workloadFromJson(JSON.parse(JSON.stringify(w)), 'w.json').phases[0]!.allocRate).toBe(2818544);
  });

  it("two profiles of steady: the rate from their difference, within 3% of the program's own", () => {
    const files = ['steady/heap_10s.pb.gz', 'steady/heap_25s.pb.gz'];
    const { workload: w } = workloadFromHeapProfiles(files.map(read), opts({ files, uptimeNs: 25e9, durationNs: 30e9 }));
    expect(w.source.gapS).toBeCloseTo(14.999829, 5);
    expect(w.phases.map((p) => p.duration)).toEqual(['10.000171s', '14.999829s', '5s']);
    // (1111539496 - 386483199 + 1.5 × (82814788 - 81238851)) / 14.999828736 s
    expect(w.phases[1]!.allocRate).toBe(48495234);
    expect(w.phases[1]!.live).toEqual([82814788, 82814788]);
    // The program allocates 480768 bytes per 10 ms tick: 48.08 MB/s (its TotalAlloc over 30 s agrees: reality/whatif/steady/recorded).
    expect(Math.abs(w.phases[1]!.allocRate / 48076800 - 1)).toBeLessThan(0.03);
    // Its mix per tick: 40 × (1024 + 4 × 1536 + 3072) + 4 × 8192 + 800 × 48 bytes; the sampled estimate is within 0.025 of each share.
    const want: Record<number, number> = { 48: 38400, 1024: 40960, 1536: 245760, 3072: 122880, 8192: 32768 };
    for (const [size, bytes] of Object.entries(want)) {
      const k = w.objects.find((o) => o.size === Number(size))!;
      expect(Math.abs(k.share - bytes / 480768), `size ${size}`).toBeLessThan(0.025);
    }
    // 16-byte objects both ways: some allocated by strconv (the noscan functions' rule), some not.
    expect(w.objects.filter((k) => k.pointers).map((k) => k.size)).toEqual([16, 48]);
    // The live set's own mix, in source: 83% the records' 1000-byte buffers (1024 class), then the records, the map's buckets.
    expect((w.source.inuseBySize as { size: number; share: number }[]).slice(0, 3)).toEqual([
      { size: 1024, share: 0.83 },
      { size: 64, share: 0.12 },
      { size: 2506752, share: 0.0305 },
    ]);
  });

  it('two profiles of the growing cache: the live set grows, back to the start and on past the later one', () => {
    const files = ['cache/heap_10s.pb.gz', 'cache/heap_25s.pb.gz'];
    const { workload: w } = workloadFromHeapProfiles(files.map(read), opts({ files, uptimeNs: 25e9, durationNs: 30e9 }));
    const lives = w.phases.map((p) => p.live);
    expect(lives[0]![0]).toBeLessThan(lives[0]![1]);
    expect(lives[0]![1]).toBe(lives[1]![0]);
    expect(lives[1]![1]).toBeLessThan(lives[2]![1]);
    // 25 entries of ~2.1 KB per tick and the map's growth: gctrace's marked heap grows 5.35 MiB/s (98 MB at 19.0 s, 136 at
    // 26.1). Each profile's live set is as of its lag before it (1.7 s and 4.9 s: the cycles lengthen as the heap grows);
    // read as they are, the two give 4.19 MiB/s, put back in time 5.33.
    expect(w.source.liveLagS).toEqual([1.735, 4.939]);
    const growth = (lives[1]![1] - lives[1]![0]) / 15;
    expect(growth / 2 ** 20).toBeCloseTo(5.33, 2);
  });

  it('one profile of the growing cache with --live linear: the live set from nothing over the uptime', () => {
    const p = read('cache/heap_25s.pb.gz');
    const inuse = p.samples.reduce((a, s) => a + s.inuseBytes, 0);
    const alloc = p.samples.reduce((a, s) => a + s.allocBytes, 0);
    const held = workloadFromHeapProfiles([p], opts({ uptimeNs: 25e9 })).workload;
    expect(held.phases[0]!.live).toEqual([inuse, inuse]);
    const linear = workloadFromHeapProfiles([p], opts({ uptimeNs: 25e9, durationNs: 30e9, liveGrowth: 'linear' })).workload;
    // Its allocation (the live set's included) over 25 s; the live set from 0, its inuse_space as of the lag (the
    // allocation left out, 1.5 × inuse, at the rate) before 25 s, so on that slope to 25 s and for the 5 s after.
    const rate = (alloc + 1.5 * inuse) / 25;
    const lag = (1.5 * inuse) / rate;
    expect(linear.source.liveLagS).toEqual([Math.round(lag * 1e3) / 1e3]);
    const end = inuse + (inuse / (25 - lag)) * lag;
    expect(linear.phases[0]).toEqual({ duration: '25s', allocRate: Math.round(rate), requestRate: linear.phases[0]!.requestRate, live: [0, Math.round(end)] });
    expect(linear.phases[1]!.live[1]).toBe(Math.round(end + (inuse / (25 - lag)) * 5));
  });

  it('refuses what cannot be rated, in one line', () => {
    expect(() => workloadFromHeapProfiles([read('exact/heap.pb.gz')], opts({ files: ['exact/heap.pb.gz'] }))).toThrow(/^exact\/heap\.pb\.gz: one heap profile has no time to rate its allocation over: give --uptime/);
    const p = read('steady/heap_10s.pb.gz');
    expect(() => workloadFromHeapProfiles([p, p], opts({}))).toThrow(/written at the same time/);
    const later = read('steady/heap_25s.pb.gz');
    const other = { ...read('exact/heap.pb.gz'), timeNanos: later.timeNanos + 1e9 };
    expect(() => workloadFromHeapProfiles([later, other], opts({}))).toThrow(/not two profiles of the same process/);
    expect(() => workloadFromHeapProfiles([p, later], opts({ uptimeNs: 10e9 }))).toThrow(/--uptime 10s is not longer than the 14\.999829s between the profiles/);
  });
});

describe("gomem's own heap profiles", () => {
  it('two profiles of a known workload (gomem run --memprofile-at): its sizes and pointers come back, its rate within 12%', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gomem-pprof-'));
    writeFileSync(join(dir, 'known.json'), JSON.stringify(knownWorkload));
    const run = await gomem(['run', 'known.json', '--memprofile', 'heap.pb.gz', '--memprofile-at', 'at_2s', '--memprofile-at', 'at_6s', '--opt', 'every=1s', '--quiet'], dir);
    expect(run.code).toBe(0);
    const files = ['heap.at_2s.pb.gz', 'heap.at_6s.pb.gz'];
    const { workload: w, warnings } = workloadFromHeapProfiles(
      files.map((f) => parseHeapProfile(readFileSync(join(dir, f)), f)),
      opts({ files }),
    );
    // gomem writes virtual time: 4 s between the checkpoints.
    expect(w.source.gapS).toBe(4);
    // The three kinds with their pointerfulness, holding nearly all the bytes (the runner's own request slices may show as a small fourth).
    const known = w.objects.filter((k) => (k.size === 48 && k.pointers) || (k.size === 1024 && !k.pointers) || (k.size === 4096 && !k.pointers));
    expect(known.length).toBe(3);
    expect(known.reduce((a, k) => a + k.share, 0)).toBeGreaterThan(0.98);
    expect(Math.abs(w.phases[0]!.allocRate / (20 * 2 ** 20) - 1)).toBeLessThan(0.12);
    // Some 160 samples in all: the estimate's noise is what the 12% allows for.
    expect(warnings.filter((x) => /^only about 1\d\d samples at MemProfileRate 524288: the size mix and rates are rough$/.test(x)).length).toBe(1);
  }, 60_000);
});

describe('mergeKinds', () => {
  it('keeps the 16 largest and gives the others to the nearest of the same pointerfulness, bytes kept', () => {
    const kinds = Array.from({ length: 20 }, (_, i) => ({ slot: 16 * (i + 1), pointers: i % 2 === 0, bytes: 1000 - i * 10 }));
    const out = mergeKinds(kinds);
    expect(out.length).toBe(16);
    expect(out.reduce((a, k) => a + k.bytes, 0)).toBe(kinds.reduce((a, k) => a + k.bytes, 0));
    // Kept: slots 16..256, even i pointerful. 272 and 304 (pointers) go to 240, the largest kept pointerful kind; 288 and 320 (noscan) to 256.
    expect(out.find((k) => k.slot === 240)).toEqual({ slot: 240, pointers: true, bytes: 860 + 840 + 820 });
    expect(out.find((k) => k.slot === 256)).toEqual({ slot: 256, pointers: false, bytes: 850 + 830 + 810 });
  });
});

describe('gomem import pprof', () => {
  it('writes the workload to standard output', async () => {
    const r = await gomem(['import', 'pprof', 'reality/whatif/observed/exact/heap.pb.gz', '--uptime', '1s', '--pointers-max', '1KiB']);
    expect(r.code).toBe(0);
    const w = workloadFromJson(JSON.parse(r.stdout), 'stdout');
    expect(w.name).toBe('heap');
    expect(w.objects.find((k) => k.size === 1016)!.pointers).toBe(true);
  });

  it('malformed input: one line naming the file, exit 2', async () => {
    const r = await gomem(['import', 'pprof', 'reality/whatif/observed/exact/main.go', '--uptime', '1s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gomem: reality\/whatif\/observed\/exact\/main\.go: not a pprof protobuf profile \([^\n]*\)\n$/);
    const r2 = await gomem(['import', 'pprof', 'reality/whatif/observed/exact/heap.pb.gz']);
    expect(r2.code).toBe(2);
    expect(r2.stderr.split('\n').length).toBe(2);
  });
});
