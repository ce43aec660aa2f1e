// The event trace (src/trace, docs/trace-format.md): a run recorded and
// replayed by the trace's own reader reproduces the run's checkpoints
// exactly (MemStats and /proc/PID/status at each), every snapshot agrees
// with the replay at its moment, every RSS change carries its cause,
// tracing changes nothing the program prints, and a workload allocating
// 100 MB/s stays within the size budget (50 MB for 600 virtual seconds).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GoProcess, type RunOptions } from '../../src/go/process.ts';
import type { Program } from '../../src/go/program.ts';
import { churnProgram } from '../../bench/programs/churn.ts';
import { scenarios } from '../../src/scenarios/index.ts';
import { ByteReader, ByteWriter, TraceFormatError, traceMagic } from '../../src/trace/format.ts';
import { type TraceRecord, decodeTrace } from '../../src/trace/reader.ts';
import { TraceReplay } from '../../src/trace/replay.ts';
import { runTraced } from '../../src/trace/writer.ts';
import { traceFile, traceProgram } from '../../src/cli/trace.ts';

interface Traced {
  raw: Uint8Array;
  checkpoints: { name: string; json: string }[];
  out: string;
}

/** Runs a program with a trace writer attached as gomem run --trace attaches it. */
function traced(program: Program, opts: RunOptions = {}): Traced {
  let out = '';
  const checkpoints: Traced['checkpoints'] = [];
  const { raw } = runTraced(program, {
    ...opts,
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    onCheckpoint: (json, name) => checkpoints.push({ name, json }),
  });
  return { raw, checkpoints, out };
}

function untracedOutput(program: Program, opts: RunOptions = {}): string {
  let out = '';
  new GoProcess(program, { ...opts, stdout: (s) => (out += s), stderr: (s) => (out += s), onCheckpoint: (json) => (out += `CHECKPOINT ${json}\n`) }).run();
  return out;
}

const scenario = (name: string): Program => scenarios.get(name)!;

/** For each checkpoint record: the replay's figures, and the run's own from its CHECKPOINT JSON. */
function replayAtCheckpoints(records: readonly TraceRecord[]): { name: string; replayed: Record<string, number>; run: Record<string, number> }[] {
  const rep = new TraceReplay();
  const out: ReturnType<typeof replayAtCheckpoints> = [];
  for (const r of records) {
    rep.apply(r);
    if (r.kind !== 'checkpoint') continue;
    const j = JSON.parse(r.json) as { memstats: Record<string, number>; proc: Record<string, number> };
    const st = rep.status();
    const ms = rep.memStats();
    const replayed: Record<string, number> = { ...ms };
    const run: Record<string, number> = {};
    for (const k of Object.keys(ms)) run[k] = j.memstats[k]!;
    for (const k of ['VmRSS', 'VmSize', 'RssAnon', 'RssFile', 'RssShmem'] as const) {
      replayed[k] = st[k];
      run[k] = j.proc[`${k}_kB`]!;
    }
    out.push({ name: r.name, replayed, run });
  }
  return out;
}

describe('trace of blahdo', () => {
  const t = traced(scenario('blahdo'));
  const trace = decodeTrace(t.raw);

  it('carries the run’s checkpoints as the run printed them', () => {
    const cps = trace.records.filter((r) => r.kind === 'checkpoint').map((r) => ({ name: r.name, json: r.json }));
    expect(cps.map((c) => c.name)).toEqual(['before_loop', 'after_loop', 'exit']);
    expect(cps).toEqual(t.checkpoints);
  });

  it('replayed from its records, reproduces MemStats and VmRSS at every checkpoint exactly', () => {
    const at = replayAtCheckpoints(trace.records);
    expect(at).toHaveLength(3);
    for (const c of at) expect(c.replayed, c.name).toEqual(c.run);
    // The figures are the run's, not zeros that happen to agree: blahdo's ten 100 MB slices.
    const after = at.find((c) => c.name === 'after_loop')!;
    expect(after.run.TotalAlloc).toBeGreaterThan(10 * 100_000_000);
    expect(after.run.VmRSS).toBeGreaterThan(90_000);
    expect(after.run.NumGC).toBeGreaterThan(0);
  });

  it('records each GC cycle: start, the phases in order, mark work, done', () => {
    const starts = trace.records.filter((r) => r.kind === 'gcStart');
    const dones = trace.records.filter((r) => r.kind === 'gcDone');
    expect(starts.length).toBe(dones.length);
    const phases = trace.records.filter((r) => r.kind === 'gcPhase' && r.cycle === 1).map((r) => (r as { phase: string }).phase);
    expect(phases).toEqual(['sweepterm', 'mark', 'marktermination', 'sweep', 'sweepdone']);
    const marks = trace.records.filter((r) => r.kind === 'gcMark' && r.cycle === 1);
    expect(marks.length).toBeGreaterThan(0);
    const done1 = dones[0] as Extract<TraceRecord, { kind: 'gcDone' }>;
    // The bytes marked, as the mark steps counted them, are the cycle's live heap (gctrace's third figure).
    expect(Math.max(...marks.map((m) => (m as { marked: number }).marked))).toBe(done1.heap2);
  });

  it('gives every change of RSS and VSZ a cause', () => {
    const causes = new Set(trace.records.filter((r) => r.kind === 'mm').map((r) => (r as { cause: string }).cause));
    expect(causes.has('unattributed')).toBe(false);
    expect(causes.has('fault:anon')).toBe(true);
    expect(causes.has('mmap')).toBe(true);
  });

  it('starts with a header naming the program, and ends with how the run ended', () => {
    expect(trace.header.program.name).toBe('blahdo');
    expect(trace.header.version).toBe(1);
    const last = trace.records[trace.records.length - 1]!;
    expect(last).toMatchObject({ kind: 'exit', status: 0, outcome: 'exit' });
  });
});

describe('snapshots and replay', () => {
  it('every snapshot agrees with the replay of the records before it (stack-release: stacks grow and are freed)', () => {
    const trace = decodeTrace(traced(scenario('stack-release')).raw);
    const rep = new TraceReplay();
    let checked = 0;
    for (const r of trace.records) {
      if (r.kind === 'snapshot' && checked++ > 0) {
        const mm = r.state.mm as { anon: number; file: number; shmem: number; vm: number };
        expect({ anon: rep.anon, file: rep.file, shmem: rep.shmem, vm: rep.vm }).toEqual({ anon: mm.anon, file: mm.file, shmem: mm.shmem, vm: mm.vm });
        const spans = [...rep.spans.entries()].map(([base, s]) => [base, s.npages, s.use]).sort((a, b) => (a[0] as number) - (b[0] as number));
        expect(spans).toEqual(r.spans.map((s) => [s.base, s.npages, s.use]));
        const rss = r.mappings.flatMap((m) => m.runs).filter((x) => x.state !== 'zero' && x.state !== 'pfn' && x.state !== 'none');
        // The page runs count what the RSS counters count.
        expect(rss.reduce((n, x) => n + x.pages, 0)).toBe(mm.anon + mm.file + mm.shmem);
      }
      rep.apply(r);
    }
    expect(checked).toBeGreaterThan(3);
    const stacks = trace.records.filter((r) => r.kind === 'spanFree' && r.use === 'stack');
    expect(stacks.length).toBeGreaterThan(0);
  });

  it('debug.FreeOSMemory: the scavenger releases pages and the madvise of the same range drops RSS', () => {
    const trace = decodeTrace(traced(scenario('big-slice-freeos')).raw);
    const recs = trace.records;
    const i = recs.findIndex((r) => r.kind === 'scavenge' && r.who === 'free-os-memory');
    expect(i).toBeGreaterThan(0);
    const scav = recs[i] as Extract<TraceRecord, { kind: 'scavenge' }>;
    // scavengeOne's sysUnused (the madvise, with the RSS it drops) comes just before the release is booked.
    const madvise = recs.slice(0, i).reverse().find((r) => r.kind === 'syscall') as Extract<TraceRecord, { kind: 'syscall' }>;
    expect(madvise.name).toBe('madvise');
    expect(madvise.args.slice(0, 2)).toEqual([scav.addr, scav.bytes]);
    const drop = recs.slice(0, i).reverse().find((r) => r.kind === 'mm') as Extract<TraceRecord, { kind: 'mm' }>;
    expect(drop.cause).toBe('madvise');
    expect(drop.anon).toBeLessThan(0);
    for (const c of replayAtCheckpoints(recs)) expect(c.replayed, c.name).toEqual(c.run);
  });
});

describe('tracing is an observer', () => {
  it('a traced run prints exactly what an untraced one prints', () => {
    for (const name of ['blahdo-gctrace', 'size-rounding-gctrace']) {
      const opts = { env: { GODEBUG: 'gctrace=1' } };
      const t = traced(scenario(name), opts);
      const withCheckpoints = t.out.length > 0 ? t.out : '';
      const plain = untracedOutput(scenario(name), opts).replace(/^CHECKPOINT .*\n/gm, '');
      expect(withCheckpoints).toBe(plain);
      expect(plain).toMatch(/^gc 1 @/m);
    }
  });

  it('the same program, settings and seed give the same bytes', () => {
    const a = traced(scenario('size-rounding'), { seed: 7 }).raw;
    const b = traced(scenario('size-rounding'), { seed: 7 }).raw;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(traceFile(a)).equals(Buffer.from(traceFile(b)))).toBe(true);
  });
});

describe('header', () => {
  it('carries the source module of every built-in scenario, so a viewer can run it again', () => {
    const where = new Map([...scenarios].map(([name, p]) => [name, traceProgram(name, p).source?.path ?? null]));
    expect([...where.values()].filter((p) => p === null)).toEqual([]);
    expect(where.get('big-slice-freeos')).toBe('src/scenarios/big-slice-gc.ts');
    expect(where.get('live-heap-gogc50')).toBe('src/scenarios/live-heap.ts');
    expect(where.get('alloc-churn-gctrace')).toBe('src/scenarios/alloc-churn.ts');
    expect(traceProgram('hello', scenario('hello')).source!.text).toContain("name: 'hello'");
  });
});

describe('format', () => {
  it('varints round-trip every safe integer, and signed ones from −2^52 to 2^52−1', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat()), fc.array(fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 })), (us, ss) => {
        const w = new ByteWriter();
        for (const u of us) w.u(u);
        for (const s of ss) w.s(s);
        const r = new ByteReader(w.take());
        expect(us.map(() => r.u())).toEqual(us);
        expect(ss.map(() => r.s())).toEqual(ss);
        expect(r.done).toBe(true);
      }),
    );
  });

  it('LEB128 as the spec shows it: 300 is ac 02, -1 zigzags to 01', () => {
    const w = new ByteWriter();
    w.u(300);
    w.s(-1);
    w.s(1);
    expect([...w.take()]).toEqual([0xac, 0x02, 0x01, 0x02]);
  });

  it('refuses what is not a trace, and a version it does not read', () => {
    expect(() => decodeTrace(new TextEncoder().encode('CHECKPOINT {}\n'))).toThrow(TraceFormatError);
    const w = new ByteWriter();
    for (const ch of traceMagic) w.byte(ch.charCodeAt(0));
    w.u(2);
    expect(() => decodeTrace(w.take())).toThrow(/version 2/);
  });
});

// The budget is 50 MB for 600 virtual seconds of 100 MB/s; this runs 60
// and holds the trace to a tenth of it, start-up and all (a steady
// workload's trace grows linearly with time; bench/trace.ts runs the 600).
const churn = churnProgram(60);

describe('size', () => {
  it('a workload allocating 100 MB/s writes under 50 MB per 600 virtual seconds', () => {
    const t = traced(churn);
    const file = traceFile(t.raw);
    const trace = decodeTrace(t.raw);
    const end = trace.records[trace.records.length - 1]!;
    const seconds = end.t / 1e9;
    expect(seconds).toBeGreaterThan(60);
    expect(trace.records.filter((r) => r.kind === 'gcDone').length).toBeGreaterThan(100);
    expect(file.length / seconds).toBeLessThan(50e6 / 600);
  }, 120_000);
});
