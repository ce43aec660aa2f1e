// Tests of the reality harness's TypeScript side: flattening checkpoints,
// summarizing runs, judging values, comparing a case, the tolerance file
// against the recordings, and the command line end to end with a fake gomem.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listCases, loadCase, loadRecording } from './cases.ts';
import { flatten, parseCheckpoints, type Checkpoint } from './checkpoint.ts';
import { compareCase, formatTable, judge, keyMatches, summarizeRows } from './compare.ts';
import { flattenGctrace, parseGctrace, parseGctraceLine, type GctraceLine } from './gctrace.ts';
import { gctraceOfRun, parseLoadSegments, parseSections, wantsGctrace } from './record.ts';
import { GCTRACE_CHECKPOINT, RUN_CHECKPOINT, derivedKeys, formatRecording, median, summarize, summarizeGctrace, type KeyStat, type Recording } from './recording.ts';
import { spreads } from './spread.ts';
import { RULES, CASE_RULES, toleranceFor, type Tolerance } from './tolerances.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A small checkpoint; every section present, values from the spec's example line. */
function cp(name: string, over: Partial<Checkpoint> = {}): Checkpoint {
  return {
    name,
    seq: 1,
    t_ms: 0.285,
    goroutines: 1,
    memstats: { HeapAlloc: 95304, HeapSys: 3932160, LastGC: 0 },
    metrics: { '/gc/heap/goal:bytes': 4194304 },
    proc: { VmRSS_kB: 2136 },
    smaps_summary: { maps: 26 },
    smaps_anon_ge1MiB: [
      { range: 'c000000000-c000400000', perms: 'rw-p', name: '', size_kB: 4096, rss_kB: 336, anon_kB: 336, lazyfree_kB: 0, anonhuge_kB: 0, thp: '' },
      { range: '7f66ed500000-7f66ef600000', perms: 'rw-p', name: '', size_kB: 33792, rss_kB: 8, anon_kB: 8, lazyfree_kB: 0, anonhuge_kB: 0, thp: 'nh' },
      { range: '7f66ef600000-7f66ff780000', perms: '---p', name: '', size_kB: 263680, rss_kB: 0, anon_kB: 0, lazyfree_kB: 0, anonhuge_kB: 0, thp: '' },
    ],
    ...over,
  };
}

const stat = (runs: (number | string | null)[]): KeyStat => {
  const present = runs.filter((v) => v !== null);
  const nums = present.filter((v): v is number => typeof v === 'number');
  return nums.length === present.length
    ? { n: present.length, min: Math.min(...nums), median: median(nums), max: Math.max(...nums), runs }
    : { n: present.length, values: [...new Set(present.map(String))], runs };
};

describe('checkpoint lines', () => {
  it('splits CHECKPOINT lines from program output', () => {
    const { checkpoints, other } = parseCheckpoints(`hi\nCHECKPOINT {"name":"start","seq":1}\n\nbye\n`);
    expect(checkpoints.map((c) => c.name)).toEqual(['start']);
    expect(other).toEqual(['hi', 'bye']);
  });

  it('flattens sections, keys low mappings by range and 0x7f mappings from the top down', () => {
    const f = flatten(cp('start', { extra: { caps: [1, 2, 4], size: 9, ok: true, sub: { a: 'x' } } }));
    expect(f.get('memstats.HeapAlloc')).toBe(95304);
    expect(f.get('metrics./gc/heap/goal:bytes')).toBe(4194304);
    expect(f.get('proc.VmRSS_kB')).toBe(2136);
    expect(f.get('smaps_summary.maps')).toBe(26);
    expect(f.get('t_ms')).toBe(0.285);
    expect(f.get('smaps_anon_ge1MiB[c000000000-c000400000].rss_kB')).toBe(336);
    expect(f.has('smaps_anon_ge1MiB[c000000000-c000400000].range')).toBe(false);
    // two 0x7f mappings: the higher one is top#0
    expect(f.get('smaps_anon_ge1MiB[7f-top#0].size_kB')).toBe(263680);
    expect(f.get('smaps_anon_ge1MiB[7f-top#0].perms')).toBe('---p');
    expect(f.get('smaps_anon_ge1MiB[7f-top#1].range')).toBe('7f66ed500000-7f66ef600000');
    expect(f.get('smaps_anon_ge1MiB[7f-top#1].thp')).toBe('nh');
    expect(f.get('extra.caps.length')).toBe(3);
    expect(f.get('extra.caps[2]')).toBe(4);
    expect(f.get('extra.size')).toBe(9);
    expect(f.get('extra.ok')).toBe('true');
    expect(f.get('extra.sub.a')).toBe('x');
  });

  it('keeps the old mappings’ keys when a run has one more mapping below them', () => {
    const extraMap = { range: '7f66e0000000-7f66e0200000', perms: 'rw-p', name: '', size_kB: 2048, rss_kB: 4, anon_kB: 4, lazyfree_kB: 0, anonhuge_kB: 0, thp: '' };
    const a = flatten(cp('x'));
    const b = flatten(cp('x', { smaps_anon_ge1MiB: [cp('x').smaps_anon_ge1MiB[0]!, extraMap, ...cp('x').smaps_anon_ge1MiB.slice(1)] }));
    expect(b.get('smaps_anon_ge1MiB[7f-top#0].size_kB')).toBe(a.get('smaps_anon_ge1MiB[7f-top#0].size_kB'));
    expect(b.get('smaps_anon_ge1MiB[7f-top#1].size_kB')).toBe(a.get('smaps_anon_ge1MiB[7f-top#1].size_kB'));
    expect(b.get('smaps_anon_ge1MiB[7f-top#2].size_kB')).toBe(2048);
  });
});

describe('recordings', () => {
  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarizes runs per checkpoint: min/median/max, absent keys, strings', () => {
    const runs = [
      [cp('start', { memstats: { HeapAlloc: 100 } }), cp('end')],
      [cp('start', { memstats: { HeapAlloc: 300 }, smaps_anon_ge1MiB: [] }), cp('end')],
      [cp('start', { memstats: { HeapAlloc: 200 } })],
    ];
    const s = summarize(runs);
    expect(s.map((c) => c.name)).toEqual(['start', 'end']);
    expect(s[0]!.keys['memstats.HeapAlloc']).toEqual({ n: 3, min: 100, median: 200, max: 300, runs: [100, 300, 200] });
    expect(s[0]!.keys['smaps_anon_ge1MiB[c000000000-c000400000].perms']).toEqual({ n: 2, values: ['rw-p'], runs: ['rw-p', null, 'rw-p'] });
    expect(s[1]!.keys['memstats.HeapSys']!.n).toBe(2);
    expect(s[1]!.keys['memstats.HeapSys']!.runs).toEqual([3932160, 3932160, null]);
  });

  it('formatRecording is JSON that reads back identical', () => {
    const rec: Recording = {
      case: 'x',
      description: 'd',
      recorded: { date: '2026-01-01T00:00:00Z', go_version: 'go version go1.23.5 linux/amd64', kernel: 'Linux 6.18', host: { cpus: '2' }, runs: 2, aslr: 'off', build: 'b', binary: 'bin' },
      env: { GOMAXPROCS: '2' },
      args: [],
      output: ['hi'],
      checkpoints: summarize([[cp('start')], [cp('start')]]),
    };
    const text = formatRecording(rec);
    expect(JSON.parse(text)).toEqual(rec);
    expect(text).toContain('\n        "memstats.HeapAlloc": {"n":2,"min":95304,"median":95304,"max":95304,"runs":[95304,95304]}');
    const withGc: Recording = { ...rec, gctrace: summarizeGctrace([[gcLine(1, 3, 4, 0, 4)], []]) };
    const gtext = formatRecording(withGc);
    expect(JSON.parse(gtext)).toEqual(withGc);
    expect(gtext).toContain('\n      "gctrace[1].heap1_MB": {"n":1,"min":4,"median":4,"max":4,"runs":[4,null]}');
  });

  it('summarizes gctrace runs: a cycle some runs did not reach is absent there', () => {
    const g = summarizeGctrace([[gcLine(1, 3, 4, 0, 4), gcLine(2, 3, 4, 1, 4)], [gcLine(1, 3, 5, 0, 4)], [gcLine(1, 2, 4, 0, 4)]]);
    expect(g.keys['gctrace.cycles']).toMatchObject({ n: 3, min: 1, median: 1, max: 2 });
    expect(g.keys['gctrace[1].heap1_MB']).toMatchObject({ n: 3, min: 4, median: 4, max: 5 });
    expect(g.keys['gctrace[2].heap2_MB']).toEqual({ n: 1, min: 1, median: 1, max: 1, runs: [1, null, null] });
  });

  it('derives the peak HeapAlloc of each run from its checkpoints', () => {
    const rec = { recorded: { runs: 2 }, checkpoints: summarize([
      [cp('a', { memstats: { HeapAlloc: 5 } }), cp('b', { memstats: { HeapAlloc: 9 } })],
      [cp('a', { memstats: { HeapAlloc: 7 } }), cp('b', { memstats: { HeapAlloc: 6 } })],
    ]) } as unknown as Recording;
    expect(derivedKeys(rec)).toEqual({ 'peak.HeapAlloc': { n: 2, min: 7, median: 8, max: 9, runs: [9, 7] } });
  });
});

// Lines as Go 1.23.5 printed them (stack-release, live-heap-gogc100 recordings).
const GC1 = 'gc 1 @0.246s 3%: 2.3+34+0.005 ms clock, 4.6+0/17/49+0.011 ms cpu, 0->0->0 MB, 4 MB goal, 9 MB stacks, 0 MB globals, 2 P (forced)';
const GC7 = 'gc 7 @0.349s 10%: 0.017+31+0.063 ms clock, 0.034+0.12/6.4/27+0.12 ms cpu, 55->60->17 MB, 69 MB goal, 0 MB stacks, 0 MB globals, 2 P';

/** A gctrace line with the given heap figures (clock and cpu fields do not matter). */
function gcLine(n: number, heap0: number, heap1: number, heap2: number, goal: number, extra: Partial<GctraceLine> = {}): GctraceLine {
  return { n, at_s: n / 10, cpu_pct: 5, clock_ms: [0.1, 1, 0.1], cpu_ms: [0.2, 0, 1, 1, 0.2], heap0_MB: heap0, heap1_MB: heap1, heap2_MB: heap2, goal_MB: goal, stacks_MB: 0, globals_MB: 0, procs: 2, forced: false, ...extra };
}

describe('gctrace lines', () => {
  it('parses every field of a line, (forced) or not', () => {
    expect(parseGctraceLine(GC1)).toEqual({
      n: 1, at_s: 0.246, cpu_pct: 3, clock_ms: [2.3, 34, 0.005], cpu_ms: [4.6, 0, 17, 49, 0.011],
      heap0_MB: 0, heap1_MB: 0, heap2_MB: 0, goal_MB: 4, stacks_MB: 9, globals_MB: 0, procs: 2, forced: true,
    });
    expect(parseGctraceLine(GC7)).toMatchObject({ n: 7, cpu_pct: 10, cpu_ms: [0.034, 0.12, 6.4, 27, 0.12], heap0_MB: 55, heap1_MB: 60, heap2_MB: 17, goal_MB: 69, forced: false });
  });

  it('splits stderr into gctrace lines, other lines, and lines broken by another write', () => {
    const broken = 'gc 2 @0.3s 3%: 0.1+1+0.0 ms clo2024/01/01 00:00:00 82528';
    const r = parseGctrace(`memory baseline...\n${GC1}\n${broken}\n2024/01/01 00:00:00 82528\n${GC7}\n`);
    expect(r.lines.map((l) => l.n)).toEqual([1, 7]);
    expect(r.other).toEqual(['memory baseline...', '2024/01/01 00:00:00 82528']);
    expect(r.malformed).toEqual([broken]);
    expect(gctraceOfRun(`${GC1}\n${broken}\n`)).toEqual({ error: expect.stringMatching(/^unparsable gctrace line/) });
    expect(gctraceOfRun(`${GC7}\n`)).toEqual({ error: 'gctrace cycles out of order: line 1 is gc 7' });
    expect(gctraceOfRun(`${GC1}\n`)).toEqual({ lines: [parseGctraceLine(GC1)] });
  });

  it('flattens a run: cycle count, last P%, and per cycle the compared fields (forced as 1/0)', () => {
    const f = flattenGctrace([parseGctraceLine(GC1)!, gcLine(2, 4, 5, 1, 4, { cpu_pct: 7 })]);
    expect(f.get('gctrace.cycles')).toBe(2);
    expect(f.get('gctrace.last_cpu_pct')).toBe(7);
    expect(f.get('gctrace[1].stacks_MB')).toBe(9);
    expect(f.get('gctrace[1].forced')).toBe(1);
    expect(f.get('gctrace[2].forced')).toBe(0);
    expect(f.get('gctrace[2].heap1_MB')).toBe(5);
    expect(f.has('gctrace[2].clock_ms')).toBe(false);
    expect(flattenGctrace([])).toEqual(new Map([['gctrace.cycles', 0]]));
  });

  it('GODEBUG turns it on as Go reads it (the last gctrace= wins)', () => {
    expect(wantsGctrace({ GODEBUG: 'gctrace=1' })).toBe(true);
    expect(wantsGctrace({ GODEBUG: 'madvdontneed=1,gctrace=2' })).toBe(true);
    expect(wantsGctrace({ GODEBUG: 'gctrace=1,gctrace=0' })).toBe(false);
    expect(wantsGctrace({ GOMAXPROCS: '2' })).toBe(false);
  });
});

describe('judging one value', () => {
  const tol: Tolerance = { abs: 100, rel: 0.01, why: '' };
  it('accepts values inside the real runs’ range, or within the tolerance of the median', () => {
    const s = stat([1000, 1500, 20000]); // median 1500, range 1000–20000
    expect(judge(s, 19000, tol, 3).verdict).toBe('ok'); // in range
    expect(judge(s, 1400, tol, 3).verdict).toBe('ok'); // in range
    expect(judge(s, 900, tol, 3).verdict).toBe('OUT'); // below min, 600 from the median > max(100, 15)
  });
  it('uses max(abs, rel × median) outside the range', () => {
    const s = stat([100000, 100000, 100000]);
    expect(judge(s, 101000, tol, 3)).toMatchObject({ verdict: 'ok', relErr: 0.01 }); // rel 1% = 1000
    expect(judge(s, 101001, tol, 3)).toMatchObject({ verdict: 'OUT' });
    const small = stat([10, 10, 10]);
    expect(judge(small, 110, tol, 3).verdict).toBe('ok'); // abs 100
    expect(judge(small, 111, tol, 3).verdict).toBe('OUT');
  });
  it('exact keys need the exact value', () => {
    const s = stat([2048, 2048]);
    expect(judge(s, 2048, { why: '' }, 2).verdict).toBe('ok');
    expect(judge(s, 2049, { why: '' }, 2).verdict).toBe('OUT');
  });
  it('missing is never passing, unless real Go also lacked the key in some runs', () => {
    expect(judge(stat([1, 1, 1]), null, tol, 3).verdict).toBe('missing');
    expect(judge(stat([1, null, 1]), null, tol, 3)).toMatchObject({ verdict: 'ok', note: 'absent in 1 of 3 real runs' });
  });
  it('keys real Go does not have are OUT; informational keys are never judged', () => {
    expect(judge(null, 5, tol, 3)).toMatchObject({ verdict: 'OUT', note: 'not in real Go' });
    expect(judge(stat([1, 2, 3]), 1e12, { info: 'host clock', why: '' }, 3).verdict).toBe('info');
    expect(judge(null, 5, { info: 'x', why: '' }, 3).verdict).toBe('info');
  });
  it('strings must be one of the values seen', () => {
    const s = stat(['rw-p', 'rw-p']);
    expect(judge(s, 'rw-p', { why: '' }, 2).verdict).toBe('ok');
    expect(judge(s, '---p', { why: '' }, 2).verdict).toBe('OUT');
    expect(judge(stat([1, 1]), 'x', { why: '' }, 2).verdict).toBe('OUT');
  });
});

describe('comparing a case', () => {
  const rec: Recording = {
    case: 'fixture',
    description: '',
    recorded: { date: '', go_version: '', kernel: '', host: {}, runs: 2, aslr: '', build: '', binary: '' },
    env: {},
    args: [],
    output: [],
    checkpoints: summarize([
      [cp('start'), cp('end', { memstats: { HeapAlloc: 200000, HeapSys: 3932160, LastGC: 1 } })],
      [cp('start'), cp('end', { memstats: { HeapAlloc: 210000, HeapSys: 3932160, LastGC: 2 } })],
    ]),
  };
  const tolFor = (_c: string, key: string): { rule: string; tol: Tolerance } =>
    key === 'memstats.LastGC' ? { rule: 'info', tol: { info: 'clock', why: '' } } : { rule: 'r', tol: { abs: 0, rel: 0.01, why: '' } };

  it('gives one row per key with verdicts', () => {
    const gomem = [
      cp('start', { memstats: { HeapAlloc: 95304, HeapSys: 4194304, LastGC: 0 }, proc: {} }),
      cp('end', { memstats: { HeapAlloc: 212000, HeapSys: 3932160, LastGC: 7, Bogus: 1 } }),
      cp('surprise'),
    ];
    const rows = compareCase(rec, gomem, { toleranceFor: tolFor });
    const v = (c: string, k: string): string | undefined => rows.find((r) => r.checkpoint === c && r.key === k)?.verdict;
    expect(v('start', 'memstats.HeapAlloc')).toBe('ok');
    expect(v('start', 'memstats.HeapSys')).toBe('OUT'); // +6.7%
    expect(v('start', 'proc.VmRSS_kB')).toBe('missing');
    expect(v('end', 'memstats.HeapAlloc')).toBe('OUT'); // above max 210000, 7000 from the median > 1% (2050)
    expect(v('end', 'memstats.LastGC')).toBe('info');
    expect(v('end', 'memstats.Bogus')).toBe('OUT');
    expect(v('surprise', '(checkpoint)')).toBe('OUT');
    const s = summarizeRows(rows);
    expect(s.ok + s.OUT + s.missing + s.info).toBe(rows.length);
  });

  it('filters keys, and reports a checkpoint gomem did not print as missing keys', () => {
    const rows = compareCase(rec, [cp('start')], { toleranceFor: tolFor, onlyKeys: ['memstats.HeapAlloc', 'smaps_anon_ge1MiB'] });
    expect(new Set(rows.map((r) => r.key.replace(/\[.*\]/, '[]')))).toEqual(
      new Set(['memstats.HeapAlloc', 'smaps_anon_ge1MiB[].size_kB', 'smaps_anon_ge1MiB[].rss_kB', 'smaps_anon_ge1MiB[].anon_kB', 'smaps_anon_ge1MiB[].lazyfree_kB', 'smaps_anon_ge1MiB[].anonhuge_kB', 'smaps_anon_ge1MiB[].perms', 'smaps_anon_ge1MiB[].thp', 'smaps_anon_ge1MiB[].name', 'smaps_anon_ge1MiB[].range']),
    );
    const end = rows.filter((r) => r.checkpoint === 'end');
    expect(end.every((r) => r.verdict === 'missing' && r.note === 'checkpoint not printed by gomem')).toBe(true);
    expect(formatTable(rows)).toMatch(/^end\s+\(all \d+ keys\).*missing \d+ \(checkpoint not printed by gomem\)$/m);
  });

  it('compares the peak HeapAlloc over the checkpoints as a (run) row', () => {
    const rows = compareCase(rec, [cp('start'), cp('end', { memstats: { HeapAlloc: 205000, HeapSys: 3932160, LastGC: 1 } })], { toleranceFor: tolFor, onlyKeys: ['peak'] });
    expect(rows).toMatchObject([{ checkpoint: RUN_CHECKPOINT, key: 'peak.HeapAlloc', gomem: 205000, verdict: 'ok' }]);
    expect(compareCase(rec, [], { toleranceFor: tolFor, onlyKeys: ['peak'] })).toMatchObject([{ verdict: 'missing', note: 'no checkpoint printed by gomem' }]);
  });

  describe('gctrace', () => {
    // Real Go: 3 runs of 2, 2 and 3 cycles.
    const gc: Recording = {
      ...rec,
      recorded: { ...rec.recorded, runs: 3 },
      checkpoints: summarize([[cp('start')], [cp('start')], [cp('start')]]),
      gctrace: summarizeGctrace([
        [gcLine(1, 3, 4, 0, 4), gcLine(2, 3, 4, 1, 4)],
        [gcLine(1, 3, 4, 0, 4), gcLine(2, 3, 5, 1, 4)],
        [gcLine(1, 3, 4, 0, 4), gcLine(2, 3, 4, 1, 4), gcLine(3, 4, 4, 1, 4, { cpu_pct: 9 })],
      ]),
    };
    const only = { onlyKeys: ['gctrace'] };
    const v = (rows: ReturnType<typeof compareCase>, k: string): string | undefined => rows.find((r) => r.key === k)?.verdict;

    it('a gomem that prints no gctrace lines has every key missing, even a cycle only some runs reached', () => {
      const rows = compareCase(gc, [cp('start')], only);
      expect(rows.length).toBe(Object.keys(gc.gctrace!.keys).length);
      expect(rows.every((r) => r.checkpoint === GCTRACE_CHECKPOINT && r.verdict === 'missing' && r.note === 'gomem printed no gctrace lines')).toBe(true);
      expect(formatTable(rows)).toMatch(/^\(gctrace\)\s+\(all \d+ keys\).*missing \d+ \(gomem printed no gctrace lines\)$/m);
    });

    it('judges each cycle within the real runs’ range or ±5%, the last P% within ±5 points', () => {
      const rows = compareCase(gc, [cp('start')], { ...only, gctrace: [gcLine(1, 3, 4, 0, 4), gcLine(2, 3, 5, 1, 4, { cpu_pct: 10 })] });
      expect(rows.filter((r) => r.verdict === 'OUT' || r.verdict === 'missing')).toEqual([]);
      expect(rows.find((r) => r.key === 'gctrace[3].heap0_MB')).toMatchObject({ verdict: 'ok', note: 'absent in 2 of 3 real runs' });
      expect(v(rows, 'gctrace[2].at_s')).toBe('info');
      const bad = compareCase(gc, [cp('start')], { ...only, gctrace: [gcLine(1, 3, 6, 0, 4, { forced: true }), gcLine(2, 3, 4, 1, 4), gcLine(3, 4, 4, 1, 4), gcLine(4, 4, 4, 1, 4, { cpu_pct: 15 })] });
      expect(v(bad, 'gctrace[1].heap1_MB')).toBe('OUT'); // 6 MB: outside 4–4 and ±5%
      expect(v(bad, 'gctrace[1].forced')).toBe('OUT');
      expect(v(bad, 'gctrace.last_cpu_pct')).toBe('OUT'); // 15 vs the real 5, 5, 9: 10 points from the median
      expect(v(bad, 'gctrace.cycles')).toBe('OUT'); // 4 vs 2–3
      expect(bad.find((r) => r.key === 'gctrace[4].heap0_MB')).toMatchObject({ verdict: 'OUT', note: 'not in real Go' });
    });
  });

  it('matches keys by exact name, section and glob', () => {
    expect(keyMatches('memstats.HeapAlloc', ['memstats'])).toBe(true);
    expect(keyMatches('memstats.HeapAlloc', ['memstats.Heap*'])).toBe(true);
    expect(keyMatches('memstats.HeapAlloc', ['memstats.Heap'])).toBe(false);
    expect(keyMatches('smaps_anon_ge1MiB[7f-top#0].size_kB', ['smaps_anon_ge1MiB'])).toBe(true);
    expect(keyMatches('proc.VmRSS_kB', ['proc.VmRSS_kB', 'x'])).toBe(true);
  });
});

describe('tolerances', () => {
  it('case rules come first, then the global rules, then exact', () => {
    expect(toleranceFor('alloc-churn', 'memstats.HeapAlloc')).toMatchObject({ scope: 'alloc-churn', rule: 'memstats.*Alloc' });
    expect(toleranceFor('hello', 'memstats.HeapAlloc')).toMatchObject({ scope: 'all cases', rule: 'memstats.HeapAlloc' });
    expect(toleranceFor('hello', 'no.such.key').tol).toEqual({ why: 'no rule: must match exactly' });
    // A checkpoint-scoped case rule: the scavenger's mid-release moment only.
    expect(toleranceFor('idle-after-burst', 'memstats.HeapReleased', 'idle_01s')).toMatchObject({ scope: 'idle-after-burst', rule: 'memstats.HeapReleased@idle_01s' });
    expect(toleranceFor('idle-after-burst', 'memstats.HeapReleased', 'idle_02s')).toMatchObject({ scope: 'all cases', rule: 'memstats.HeapReleased' });
  });

  it('every compared rule says why', () => {
    for (const r of [...RULES, ...Object.values(CASE_RULES).flat()]) {
      if (r.tol.info === undefined) expect(r.tol.why, r.match).not.toBe('');
    }
  });

  it('case rules name recorded cases', () => {
    for (const c of Object.keys(CASE_RULES)) expect(listCases()).toContain(c);
  });

  // The justification check: a rule narrower than the real runs' own
  // half-range would fail real Go itself.
  it('every rule covers the real runs’ own spread in every recording', () => {
    const recs = listCases().map((c) => {
      const r = loadRecording(c);
      expect(r, `${c} has no recorded.json: run npx tsx reality/record.ts ${c}`).not.toBeNull();
      return r!;
    });
    const tooTight = spreads(recs).flatMap((r) => r.tooTight.map((t) => `${r.scope} ${r.rule}: ${t.case}/${t.checkpoint} ${t.key} ±${t.halfRange} > ${t.allowed}`));
    expect(tooTight).toEqual([]);
  });
});

describe('recordings on disk', () => {
  it('every case is recorded with the checkpoints its case.json declares, 5 runs, Go 1.23', () => {
    for (const c of listCases()) {
      const rec = loadRecording(c)!;
      expect(rec.checkpoints.map((x) => x.name), c).toEqual(loadCase(c).checkpoints);
      expect(rec.recorded.runs).toBe(5);
      expect(rec.recorded.go_version).toMatch(/go1\.23\./);
      expect(rec.recorded.aslr).toMatch(/setarch x86_64 -R/);
    }
  });

  it('every case run with gctrace=1 has every run’s gctrace lines, numbered 1…n, and their key statistics; no other case has any', () => {
    for (const c of listCases()) {
      const rec = loadRecording(c)!;
      if (!wantsGctrace(loadCase(c).env)) {
        expect(rec.gctrace, c).toBeUndefined();
        continue;
      }
      expect(rec.gctrace!.runs.length, c).toBe(5);
      for (const run of rec.gctrace!.runs) {
        expect(run.length, c).toBeGreaterThan(0);
        expect(run.map((l) => l.n)).toEqual(run.map((_, i) => i + 1));
        expect(run.every((l) => l.procs === 2)).toBe(true);
      }
      expect(rec.gctrace, c).toEqual(summarizeGctrace(rec.gctrace!.runs));
      expect(rec.output.some((l) => l.startsWith('gc ')), c).toBe(false);
    }
  });

  it('stack-release: StackInuse falls as the GC shrinks idle stacks, as the goroutines exit, and as the next GC frees the pools’ spans', () => {
    const rec = loadRecording('stack-release')!;
    const at = (name: string): number => rec.checkpoints.find((c) => c.name === name)!.keys['memstats.StackInuse']!.median!;
    expect(at('after_spawn')).toBeGreaterThan(1000 * 32768); // 1000 stacks of 32 KiB
    expect(at('after_gc_parked')).toBeLessThan(at('after_spawn') - 500 * 16384 + 1); // 500 shrunk to 16 KiB
    expect(at('after_exit')).toBeLessThan(at('after_gc_parked') / 2);
    expect(at('after_gc_exited')).toBeLessThan(at('after_exit') / 2);
    for (const run of rec.gctrace!.runs) {
      expect(run.map((l) => [l.forced, l.goal_MB, l.stacks_MB])).toEqual([
        [true, 4, 9], // 500 deep stacks scanned (~20 KB each)
        [true, 10, 0], // the goal counts the stacks the last cycle scanned
      ]);
    }
  });

  // Facts the recordings must show (read off the hello recording on this machine).
  it('hello: the idle runtime of a GOMAXPROCS=2 program', () => {
    const start = loadRecording('hello')!.checkpoints[0]!.keys;
    expect(start['memstats.HeapSys']!.median).toBe(3932160); // 4 MiB chunk minus 256 KiB of stack spans
    expect(start['memstats.StackSys']!.median).toBe(262144);
    expect(start['memstats.NextGC']!.median).toBe(4194304);
    expect(start['smaps_anon_ge1MiB[c000000000-c000400000].size_kB']!.median).toBe(4096);
    expect(start['smaps_anon_ge1MiB[c000400000-c004000000].perms']!.values).toEqual(['---p']);
    expect(start['proc.VmSize_kB']!.min).toBeGreaterThan(1_200_000); // ~1.17 GiB of VSZ
    expect(start['proc.VmRSS_kB']!.max).toBeLessThan(3000);
  });

  it('append-growth: growslice’s capacities for []int64', () => {
    const caps = loadRecording('append-growth')!.checkpoints[1]!.keys;
    const list = Array.from({ length: caps['extra.caps.length']!.median! }, (_, i) => caps[`extra.caps[${i}]`]!.median);
    expect(list.slice(0, 12)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848, 1280]);
    expect(list.at(-1)).toBe(1055744);
  });
});

describe('binary layout parsing', () => {
  it('reads PT_LOAD segments and sections from readelf -W output', () => {
    const l = readFileSync(new URL('./testdata/readelf-l.txt', import.meta.url), 'utf8');
    const s = readFileSync(new URL('./testdata/readelf-S.txt', import.meta.url), 'utf8');
    expect(parseLoadSegments(l)).toEqual([
      { offset: 0, vaddr: 0x400000, filesz: 0x09516d, memsz: 0x09516d, flags: 'RE', align: 0x1000 },
      { offset: 0x096000, vaddr: 0x496000, filesz: 0x0bfed0, memsz: 0x0bfed0, flags: 'R', align: 0x1000 },
      { offset: 0x156000, vaddr: 0x556000, filesz: 0x00b060, memsz: 0x030a00, flags: 'RW', align: 0x1000 },
    ]);
    const secs = parseSections(s);
    // testdata/readelf-*.txt: readelf -lW / -SW of reality/.build/bonus (Go 1.23.5)
    expect(secs.find((x) => x.name === '.bss')).toEqual({ name: '.bss', type: 'NOBITS', addr: 0x561060, offset: 0x161060, size: 0x0201e0, flags: 'WA' });
    expect(secs.find((x) => x.name === '.noptrbss')!.size).toBe(0x57c0);
    expect(secs.some((x) => x.name === '.debug_info' && x.flags === 'C')).toBe(true);
  });
});

describe('run.ts end to end (fake gomem)', () => {
  const run = (args: string[]): { status: number | null; stdout: string } => {
    const r = spawnSync('npx', ['tsx', 'reality/run.ts', ...args, '--gomem', 'node reality/testdata/fake-gomem.mjs'], { cwd: ROOT, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout };
  };

  it('a real run of hello outside the recorded five passes, and a case gomem cannot run is one line', () => {
    const r = run(['hello', 'bonus']);
    expect(r.stdout).toMatch(/^== bonus: gomem cannot run this case yet \(gomem: unknown scenario "bonus" \[.*\]\)$/m);
    expect(r.stdout).toMatch(/^hello\s+ok\s+\d+\s+OUT\s+0\s+missing\s+0\s+info\s+\d+$/m);
    expect(r.status).toBe(0);
  }, 30_000);

  it('--json rows, --only-keys, and exit 1 on OUT', () => {
    const r = run(['hello', '--json', '--only-keys', 'memstats.HeapSys,proc.VmExe_kB']);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; verdict: string });
    expect(rows.length).toBe(8); // 2 keys × 4 checkpoints
    expect(rows.every((x) => x.verdict === 'ok')).toBe(true);
    const bad = spawnSync('npx', ['tsx', 'reality/run.ts', 'hello', '--only-keys', 'proc.VmExe_kB', '--gomem', `node -e process.stdout.write(require('fs').readFileSync('reality/testdata/hello-run.txt','utf8').replaceAll('"VmExe_kB":','"VmExe_kB":1'))`], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.stdout).toMatch(/proc\.VmExe_kB .* OUT/);
    expect(bad.status).toBe(1);
  }, 30_000);

  it('gctrace: a real run outside the recorded five passes every gctrace key; a gomem without gctrace has them missing', () => {
    const r = run(['stack-release', '--only-keys', 'gctrace,peak,memstats.StackInuse,memstats.NextGC']);
    expect(r.stdout).toMatch(/^\(gctrace\)\s+gctrace\[1\]\.stacks_MB\s+9\s+9\s+\+0\.00%\s+ok$/m);
    expect(r.stdout).toMatch(/^\(run\)\s+peak\.HeapAlloc\s.*ok$/m);
    expect(r.stdout).toMatch(/^stack-release\s+ok\s+\d+\s+OUT\s+0\s+missing\s+0\s+info\s+\d+\s+\(gctrace: ok \d+, OUT 0, missing 0\)$/m);
    expect(r.status).toBe(0);
    const none = spawnSync('npx', ['tsx', 'reality/run.ts', 'stack-release', '--only-keys', 'gctrace', '--gomem', 'node reality/testdata/fake-gomem.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, FAKE_GOMEM_NO_STDERR: '1' },
    });
    expect(none.stdout).toMatch(/^\(gctrace\)\s+\(all (\d+) keys\)\s.*missing \1 \(gomem printed no gctrace lines\)$/m);
    expect(none.stdout).toMatch(/^stack-release\s+ok\s+0\s+OUT\s+0\s+missing\s+\d+\s+info\s+0\s+\(gctrace: ok 0, OUT 0, missing \d+\)$/m);
  }, 30_000);

  it('gomem gets exactly the case’s Go settings, none from the caller', () => {
    const r = spawnSync('npx', ['tsx', 'reality/run.ts', 'bonus', 'live-heap-steady', '--gomem', 'node reality/testdata/fake-gomem.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, GOGC: '50', GODEBUG: 'gctrace=1', GOMEMLIMIT: '1GiB' },
    });
    expect(r.stdout).toContain('unknown scenario "bonus" [GOGC= GOMEMLIMIT= GOMAXPROCS=2 GODEBUG=]');
    expect(r.stdout).toContain('unknown scenario "live-heap-steady" [GOGC=100 GOMEMLIMIT= GOMAXPROCS=2 GODEBUG=]');
  }, 30_000);

  it('record.ts without Go says so in one line and exits 2', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'reality/record.ts', 'hello'], { cwd: ROOT, encoding: 'utf8', env: { PATH: '/nonexistent' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('record: real Go is not installed (no `go` on PATH); install Go 1.23 with scripts/install-go.sh');
  }, 30_000);

  it('bad usage exits 2 with one line', () => {
    const r = spawnSync('npx', ['tsx', 'reality/run.ts', 'no-such-case'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'))).toEqual([expect.stringMatching(/^reality: unknown case "no-such-case"/)]);
  }, 30_000);
});
