// gomem import gctrace: the parser (src/import/gctrace.ts), the inference
// (gctrace_workload.ts) on a hand-worked log and on real Go's recordings
// (reality/whatif/), and the command's errors.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/go/units.ts';
import { GctraceError, parseGctrace } from '../../src/import/gctrace.ts';
import { workloadFromGctrace, type WorkloadJson } from '../../src/import/gctrace_workload.ts';
import { workloadFromJson } from '../../src/whatif/workload.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MiB = 2 ** 20;

/** A gctrace line as Go 1.23 prints it, with zero clock times so its start is its end. */
function line(n: number, at: string, heap: string, goal: number, extra = '0 MB stacks, 0 MB globals, 2 P'): string {
  return `gc ${n} @${at}s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, ${heap} MB, ${goal} MB goal, ${extra}`;
}

const seconds = (d: string): number => (parseDuration(d) as { ns: number }).ns / 1e9;

describe('parseGctrace', () => {
  const real =
    'gc 7 @0.349s 10%: 0.017+31+0.063 ms clock, 0.034+0.12/6.4/27+0.12 ms cpu, 55->60->17 MB, 69 MB goal, 0 MB stacks, 1 MB globals, 2 P (forced)';

  it('reads every field of a Go 1.23 line, (forced) included', () => {
    const { cycles } = parseGctrace(real + '\n', 'x.log');
    expect(cycles).toEqual([
      {
        line: 1,
        n: 7,
        atS: 0.349,
        cpuPct: 10,
        clockMs: [0.017, 31, 0.063],
        cpuMs: [0.034, 0.12, 6.4, 27, 0.12],
        heap0MB: 55,
        heap1MB: 60,
        heap2MB: 17,
        goalMB: 69,
        stacksMB: 0,
        globalsMB: 1,
        procs: 2,
        forced: true,
      },
    ]);
  });

  it("skips the application's lines, scavtrace's and Go 1.18's scvg lines, blank lines and CRLF", () => {
    const text = [
      '2026/12/07 23:50:20 steady: loaded 65536 records',
      line(1, '0.013', '3->6->6', 4) + '\r',
      'scav 0 KiB work (bg), 512 KiB work (eager), 1024 KiB now, 98% util',
      'scvg: 0 MB released',
      '',
      'gc is fine @ noon',
      line(2, '0.041', '10->10->10', 12),
    ].join('\n');
    const log = parseGctrace(text, 'x.log');
    expect(log.cycles.map((c) => [c.n, c.line, c.heap1MB])).toEqual([
      [1, 2, 6],
      [2, 7, 10],
    ]);
    expect(log.otherLines).toBe(5);
    expect(log.scavLines).toBe(2);
  });

  it("takes a whole line behind a log collector's prefix, and a prefixed half line as the application's", () => {
    const text = [`2026-12-07T23:50:20Z app[12]: ${line(1, '0.5', '4->4->2', 4)}`, 'worker: gc 2 @ the start of the day'].join('\n');
    const log = parseGctrace(text, 'x.log');
    expect(log.cycles.map((c) => c.n)).toEqual([1]);
    expect(log.otherLines).toBe(1);
  });

  it('a line starting like a gctrace line that cannot be read is an error naming its line', () => {
    const cut = real.slice(0, 90);
    const text = ['hello', line(1, '0.1', '4->4->2', 4), cut, line(3, '0.3', '4->4->2', 4)].join('\n');
    expect(() => parseGctrace(text, 'svc.log')).toThrowError(GctraceError);
    expect(() => parseGctrace(text, 'svc.log')).toThrowError(/^svc\.log:3: not a gctrace line as Go 1\.19\+ prints it \(cannot read the goal\): "gc 7 @0\.349s/);
    // Another write landed inside it
    const mixed = line(1, '0.1', '4->4->2', 4).replace('MB goal', 'MB GET /health 200 goal');
    expect(() => parseGctrace(mixed, 'svc.log')).toThrowError(/^svc\.log:1: .*cannot read the goal/);
    // Go 1.18 and before had no "MB stacks, MB globals"
    const old = 'gc 1 @0.010s 1%: 0.010+0.5+0.003 ms clock, 0.020+0/0.4/0.2+0.006 ms cpu, 4->4->0 MB, 5 MB goal, 2 P';
    expect(() => parseGctrace(old, 'old.log')).toThrowError(/^old\.log:1: .*cannot read the stacks or globals/);
  });

  it("any mix of the application's lines (none starting 'gc N @') around whole gctrace lines: the cycles come out, in order, and nothing throws", () => {
    const appLine = fc.string({ maxLength: 80 }).map((x) => x.replace(/[\r\n]/g, ' ')).filter((x) => !/^gc \d+ @/.test(x));
    fc.assert(
      fc.property(fc.array(fc.array(appLine, { maxLength: 4 }), { minLength: 1, maxLength: 12 }), (gaps) => {
        const text = gaps.map((g, i) => [...g, line(i + 1, `${i}.5`, '10->11->5', 12)].join('\n')).join('\n');
        const { cycles } = parseGctrace(text, 'mix.log');
        expect(cycles.map((c) => c.n)).toEqual(gaps.map((_, i) => i + 1));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses two runs in one log and a log without cycles', () => {
    const text = [line(1, '0.1', '4->4->2', 4), line(2, '0.2', '4->4->2', 4), line(1, '0.01', '4->4->2', 4)].join('\n');
    expect(() => parseGctrace(text, 'a.log')).toThrowError('a.log:3: gc 1 after gc 2 (line 2): the log holds more than one run of the program; import one run');
    expect(() => parseGctrace('just\nsome\nlines\n', 'b.log')).toThrowError('b.log: no gctrace line (gc N @…s …, printed with GODEBUG=gctrace=1)');
  });
});

describe('workloadFromGctrace: a hand-worked log', () => {
  // gc 1 from the start; a steady 40 MiB live set from gc 3; a quiet gap between gc 4 and gc 5.
  const extra = '1 MB stacks, 2 MB globals, 4 P';
  const log = [
    'starting',
    line(1, '0.5', '30->30->20', 4, extra),
    line(2, '1.5', '60->60->40', 45, extra),
    line(3, '2.5', '80->80->40', 85, extra),
    line(4, '3.5', '80->82->42', 85, extra),
    line(5, '10.0', '80->80->40', 89, extra),
    line(6, '11.0', '80->80->40', 85, extra),
  ].join('\n');
  const w = workloadFromGctrace(parseGctrace(log, 'hand.log'), { file: 'hand.log', gogc: 100, memlimit: null, durationNs: null }).workload;

  it('allocation between cycles is H1 - H2 of the one before; the live set H2 - (H1 - H0) at MB midpoints; the gap split in three', () => {
    // [0, 0.5]: H1 of gc 1 (30.5 MiB at its midpoint) from an empty heap: 61 MiB/s, live 0 -> 20.5 MiB
    // [0.5, 1.5]: 60 - 20 = 40 MiB, live 20.5 -> 40.5 (not on one line with the first: two phases)
    // [1.5, 3.5] and the gap's first half: 40 and 42 MiB in two seconds, then the gap's allocation (80 - 42 = 38 MiB
    //   in 6.5 s, under a third of its neighbours' 42 and 40 MiB/s) at their mean 41 MiB/s, half at each end:
    //   19 MiB in 0.463415 s; live 42.5 - (82 - 80) = 40.5 throughout
    // then 6.5 - 2 * 0.463415 s quiet, then 19 + 40 MiB over 1.463415 s
    const got = w.phases.map((p) => [seconds(p.duration), p.allocRate / MiB, p.live[0] / MiB, p.live[1] / MiB]);
    const want = [
      [0.5, 61, 0, 20.5],
      [1, 40, 20.5, 40.5],
      [2.463415, 41, 40.5, 40.5],
      [5.573171, 0, 40.5, 40.5],
      [1.463415, 59 / 1.463415, 40.5, 40.5],
    ];
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => g.forEach((x, j) => expect(x, `phase ${i} field ${j}`).toBeCloseTo(want[i]![j]!, 3)));
  });

  it('GOMAXPROCS from "4 P", parked goroutines from "1 MB stacks", globals from "2 MB globals", GOGC from the goals', () => {
    expect(w.gomaxprocs).toBe(4);
    expect(w.idleGoroutines).toBe(1536); // 1.5 MiB / 1 KiB scanned per parked goroutine
    expect(w.globals).toBe(2.5 * MiB);
    // goal over marked before: (45.5 - 20.5) / (20.5 + 1.5 + 2.5) = 102%, then 101% four times
    expect(w.source.gogcImplied).toBe(101);
    expect(w.source).toMatchObject({ importer: 'gctrace', file: 'hand.log', cycles: 6, gogc: 100, memlimit: null, otherLines: 1 });
  });

  it('one request rate for all phases: the mean allocation over 32 KiB; the JSON is a valid workload', () => {
    // 30.5 + 40 + 40 + 42 + 38 + 40 = 230.5 MiB in 11 s: 20.95 MiB/s, 670.5 requests of 32 KiB a second
    expect(w.phases.map((p) => p.requestRate)).toEqual([671, 671, 671, 671, 671]);
    const parsed = workloadFromJson(JSON.parse(JSON.stringify(w)), 'hand.json');
    expect(parsed.phases.length).toBe(5);
    expect(parsed.gomaxprocs).toBe(4);
  });

  it('--cpu: the service CPU less the GC share, spread over the phases by their allocation', () => {
    const c = workloadFromGctrace(parseGctrace(log, 'hand.log'), { file: 'hand.log', gogc: 100, memlimit: null, durationNs: null, cpu: 1 }).workload;
    // the lines' 0% leave the GC nothing: 1 CPU over 11 s for 230.5 MiB, so 61 MiB/s at 671 requests a second is
    // 11 / 230.5 x 61 / 671 s = 4.3384 ms a request; the quiet phase none
    expect(seconds(c.phases[0]!.cpuPerRequest!) * 1e3).toBeCloseTo(4.3384, 3);
    expect(c.phases[3]!.cpuPerRequest).toBe('0s');
    expect(c.source).toMatchObject({ cpu: 1, gcCpus: 0 });
    expect(w.phases[0]!.cpuPerRequest).toBeUndefined();
  });

  it('--duration: the last phase goes on up to where the last cycles triggered, then quiet', () => {
    const t = workloadFromGctrace(parseGctrace(log, 'hand.log'), { file: 'hand.log', gogc: 100, memlimit: null, durationNs: 12e9 }).workload;
    // runway after gc 6: 40.5 MiB marked x (85.5 / 40.5) - 40.5 = 45 MiB; the least trigger share of the last
    // five cycles is gc 5's (80.5 - 42.5) / (89.5 - 42.5) = 0.8085: 36.38 MiB at 40.32 MiB/s = 0.902 s
    const last = t.phases.slice(-2).map((p) => seconds(p.duration));
    expect(last[0]).toBeCloseTo(1.463415 + 0.902382, 3);
    expect(last[1]).toBeCloseTo(1 - 0.902382, 3);
    expect(t.phases.at(-1)!.allocRate).toBe(0);
  });

  it('a log of one cycle that is not the first has nothing to measure: an error naming it', () => {
    const one = ['svc up', line(40, '12.5', '80->80->40', 85)].join('\n');
    expect(() => workloadFromGctrace(parseGctrace(one, 'one.log'), { file: 'one.log', gogc: 100, memlimit: null, durationNs: null })).toThrowError(
      'one.log:2: gc 40 is the log\'s only cycle and not the first: no interval to measure allocation over',
    );
  });

  it('warns when the goals contradict --gogc', () => {
    const r = workloadFromGctrace(parseGctrace(log, 'hand.log'), { file: 'hand.log', gogc: 50, memlimit: null, durationNs: null });
    expect(r.warnings).toContain('the goals imply GOGC≈101, not 50: give --gogc as the service ran');
  });
});

describe('workloadFromGctrace: real Go 1.23 recordings (reality/whatif)', () => {
  const imported = (name: string): { w: WorkloadJson; fig: { result: Record<string, number>; wall_s: number } } => {
    const file = join(root, 'reality/whatif', name, 'recorded/gogc100.log');
    const fig = JSON.parse(readFileSync(join(root, 'reality/whatif', name, 'recorded/figures.json'), 'utf8')).gogc100;
    const w = workloadFromGctrace(parseGctrace(readFileSync(file, 'utf8'), file), { file, gogc: 100, memlimit: null, durationNs: fig.wall_s * 1e9 }).workload;
    return { w, fig };
  };
  const total = (w: WorkloadJson): number => w.phases.reduce((a, p) => a + p.allocRate * seconds(p.duration), 0);

  // The programs' design (reality/whatif/*/main.go) against what the importer reads from their GOGC=100 logs;
  // the recording's own figures are in the comments. Ranges, not values: the load phases and a machine's stalls
  // (late ticks catch up in a rush) split phases differently from one recording to the next.
  it('steady: load phases, then one phase of ~47.9 MiB/s (the program: 48 MB/s of requests) over a 70.5 MiB live set; GOGC 100 implied', () => {
    const { w, fig } = imported('steady');
    expect(w.source.cycles).toBe(27);
    expect(w.gomaxprocs).toBe(2);
    expect(w.source.gogcImplied).toBe(101);
    const main = w.phases.at(-1)!;
    expect(main.allocRate / MiB).toBeCloseTo(47.89, 1);
    expect(main.live).toEqual([70.5 * MiB, 70.5 * MiB]);
    expect(seconds(main.duration)).toBeCloseTo(29.849, 2);
    // the allocation it implies against the program's own TotalAlloc: 4.1% over (span tails)
    expect(total(w) / fig.result.total_alloc!).toBeCloseTo(1.041, 2);
  });

  it('cache: a last phase of 28 s at ~29 MiB/s with the live set growing to ~156 MiB by the end of the run', () => {
    const { w, fig } = imported('cache');
    const main = w.phases.at(-1)!;
    expect(main.allocRate / MiB).toBeCloseTo(29.24, 1);
    expect(seconds(main.duration)).toBeCloseTo(27.949, 2);
    expect(main.live[1] / MiB).toBeCloseTo(156.55, 1);
    expect(total(w) / fig.result.total_alloc!).toBeCloseTo(1.04, 2);
  });

  it('bursts: six bursts at 144-157 MiB/s, quiet gaps of ~3 s between them', () => {
    const { w, fig } = imported('bursts');
    const quiet = w.phases.filter((p) => p.allocRate === 0).map((p) => seconds(p.duration));
    expect(quiet.length).toBe(6);
    // five gaps of 3 s less the burst time the split gives them; the last: the tail after the last cycle (2.64 s)
    for (const q of quiet.slice(0, -1)) expect(q).toBeGreaterThan(2.9), expect(q).toBeLessThan(3.2);
    expect(quiet.at(-1)!).toBeCloseTo(2.638, 2);
    const busy = w.phases.filter((p) => p.allocRate > 140 * MiB && p.allocRate < 160 * MiB);
    expect(busy.length).toBe(7); // the first burst in two: the base set's load ends inside it
    for (const b of busy) expect(b.allocRate / MiB).toBeGreaterThan(144), expect(b.allocRate / MiB).toBeLessThan(157);
    expect(total(w) / fig.result.total_alloc!).toBeCloseTo(1.067, 2);
  });
});

describe('gomem import gctrace', () => {
  const gomem = (argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['bin/gomem.js', 'import', 'gctrace', ...argv], { cwd: root, encoding: 'utf8' }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
      });
    });
  const dir = mkdtempSync(join(tmpdir(), 'gomem-import-'));

  it('writes the workload with -o and says so; the file is a workload gomem reads', async () => {
    const out = join(dir, 'steady.json');
    const r = await gomem(['reality/whatif/steady/recorded/gogc100.log', '-o', out, '--name', 'steady']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toBe(`gomem import: wrote ${out}: 27 cycles → 5 phases\n`);
    const w = workloadFromJson(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(w.name).toBe('steady');
    expect(w.source).toMatchObject({ gogc: 100, cycles: 27 });
  });

  it('malformed input, a missing file, an unwritable -o, a bad flag: one line each, exit 2, no stack', async () => {
    const bad = join(dir, 'bad.log');
    writeFileSync(bad, ['svc starting', line(1, '0.1', '4->4->2', 4), 'gc 2 @0.2s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 4->4'].join('\n'));
    const cases: [string[], string][] = [
      [[bad], `gomem: ${bad}:3: not a gctrace line as Go 1.19+ prints it (cannot read the heap sizes (H0->H1->H2 MB)): "gc 2 @0.2s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 4->4"\n`],
      [[join(dir, 'none.log')], `gomem: ${join(dir, 'none.log')}: no such file\n`],
      [['reality/whatif/steady/recorded/gogc100.log', '-o', join(dir, 'no/such/dir.json')], `gomem: -o ${join(dir, 'no/such/dir.json')}: cannot write (its directory does not exist)\n`],
      [['reality/whatif/steady/recorded/gogc100.log', '--memlimit', '12 parsecs'], 'gomem: --memlimit: "12 parsecs" is not a byte count (Go\'s syntax: 512MiB, 4GiB, 1073741824, or "off")\n'],
    ];
    for (const [argv, want] of cases) {
      const r = await gomem(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toBe(want);
    }
  });
});
