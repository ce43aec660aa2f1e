// Workload models (docs/workloads.md): the format's checks and the program
// that runs one. Expected figures are worked by hand from the file: bytes
// allocated are the phases' rates times their durations plus the long-lived
// set and its table; the marked heap at the end holds the set.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { parseWorkload, defaultObjects } from '../../src/whatif/workload.ts';
import { slotBytes, workloadProgram } from '../../src/whatif/workload_program.ts';

const MiB = 1 << 20;
const root = fileURLToPath(new URL('../..', import.meta.url));

const base = {
  format: 'gomem-workload/1',
  name: 'two-phase',
  connections: 4,
  phases: [
    { duration: '1s', allocRate: '20MiB/s', requestRate: 2000, cpuPerRequest: '50µs', live: '8MiB' },
    { duration: '1s', allocRate: '10MiB/s', requestRate: 2000, cpuPerRequest: '50µs', live: ['8MiB', '16MiB'] },
  ],
};

function parse(v: unknown): ReturnType<typeof parseWorkload> {
  return parseWorkload(JSON.stringify(v), 'w.json');
}

function errorOf(v: unknown): string {
  try {
    parse(v);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
}

interface Run {
  stdout: string;
  stderr: string;
  checkpoints: Map<string, { memstats: Record<string, number> }>;
}

function run(v: unknown, env: Record<string, string> = {}, seed?: number): Run {
  const out: string[] = [];
  const err: string[] = [];
  const checkpoints = new Map<string, { memstats: Record<string, number> }>();
  const p = new GoProcess(workloadProgram(parse(v)), {
    env,
    ...(seed !== undefined ? { seed } : {}),
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    onCheckpoint: (json, name) => checkpoints.set(name, JSON.parse(json) as { memstats: Record<string, number> }),
  });
  const r = p.run();
  expect(r.status).toBe(0);
  return { stdout: out.join(''), stderr: err.join(''), checkpoints };
}

describe('workload format', () => {
  it('fills the defaults and normalises the shares', () => {
    const w = parse({ ...base, objects: [{ size: 48, pointers: true, share: 3 }, { size: '1KiB', pointers: false, share: 1 }] });
    expect(w.connections).toBe(4);
    expect(w.requestStack).toBe(8192);
    expect(w.objects).toEqual([
      { size: 48, pointers: true, share: 0.75 },
      { size: 1024, pointers: false, share: 0.25 },
    ]);
    expect(w.phases[0]).toEqual({ durationNs: 1e9, allocRate: 20 * MiB, requestRate: 2000, cpuPerRequestNs: 50_000, liveStart: 8 * MiB, liveEnd: 8 * MiB, turnover: 0 });
    // A phase without `live` holds the previous phase's end.
    const w2 = parse({ ...base, phases: [...base.phases, { duration: '2s', allocRate: 0 }] });
    expect(w2.phases[2]).toMatchObject({ liveStart: 16 * MiB, liveEnd: 16 * MiB, requestRate: 1000, cpuPerRequestNs: 100_000 });
    expect(parse({ ...base, objects: undefined }).objects).toEqual(defaultObjects);
  });

  it('names the field that is wrong, in one line', () => {
    expect(errorOf({ ...base, format: 'x' })).toBe('w.json: format: "x" is not "gomem-workload/1"');
    expect(errorOf({ name: 'x' })).toBe('w.json: is not a workload model (it has no "format": "gomem-workload/1"; docs/workloads.md)');
    expect(errorOf({ ...base, phases: [base.phases[0], { duration: '1s', allocRate: 'fast' }] })).toBe(
      'w.json: phases[1].allocRate: "fast" is not a rate (bytes per second, or a size per second: 100MiB/s)',
    );
    expect(errorOf({ ...base, phases: [{ duration: 90, allocRate: 1 }] })).toBe('w.json: phases[0].duration: 90 is not a duration (Go\'s syntax, as a string: "90s", "2m30s", "200µs")');
    expect(errorOf({ ...base, phases: [{ duration: '0s', allocRate: 1 }] })).toBe('w.json: phases[0].duration: "0s" is not a positive duration');
    expect(errorOf({ ...base, objects: [{ size: '2GiB', pointers: false, share: 1 }] })).toBe('w.json: objects[0].size: 2147483648 is outside 1..1073741824 (1 byte to 1 GiB)');
    expect(errorOf({ ...base, objects: [{ size: 4, pointers: true, share: 1 }] })).toBe('w.json: objects[0].size: 4 bytes cannot hold a pointer (8 bytes)');
    expect(errorOf({ ...base, conections: 3 })).toMatch(/^w\.json: conections: unknown field \(fields: format, name, /);
    expect(errorOf({ ...base, phases: [] })).toBe('w.json: phases: is not a non-empty list of phases');
    expect(errorOf({ ...base, phases: [{ duration: '1s', allocRate: 1, live: [1] }] })).toBe('w.json: phases[0].live: is not a size or a pair [start, end] of sizes');
    expect(() => parseWorkload('{', 'w.json')).toThrow(/^w\.json: not JSON: /);
  });

  it('sizes objects as the heap counts them: size classes, with the malloc header over 512 bytes for pointerful ones', () => {
    expect(slotBytes({ size: 48, pointers: true, share: 1 })).toBe(48);
    expect(slotBytes({ size: 50, pointers: false, share: 1 })).toBe(64);
    expect(slotBytes({ size: 1024, pointers: false, share: 1 })).toBe(1024);
    // 1024 + 8 bytes of header: class 1152.
    expect(slotBytes({ size: 1024, pointers: true, share: 1 })).toBe(1152);
    // 32768 + 8 is past the small sizes: a large object, five 8 KiB pages for 40000 bytes.
    expect(slotBytes({ size: 32768, pointers: true, share: 1 })).toBe(32768);
    expect(slotBytes({ size: 40000, pointers: false, share: 1 })).toBe(40960);
  });
});

describe('a workload run', () => {
  it('allocates what its phases say and keeps its long-lived set', () => {
    const r = run(base, { GODEBUG: 'gctrace=1' });
    // Phase 1: 20 MiB of requests plus the 8 MiB set built at start (its objects and its table's 4 KiB chunks).
    const phase1 = 20 * MiB + 8 * MiB;
    const total1 = r.checkpoints.get('phase_1')!.memstats.TotalAlloc!;
    // Poisson arrivals: 2000 ± 45 requests a second, so ± 2.2% of the requests' bytes.
    expect(Math.abs(total1 - phase1) / phase1).toBeLessThan(0.05);
    // Phase 2: 10 MiB in all (the set's growth is part of the rate).
    const total2 = r.checkpoints.get('exit')!.memstats.TotalAlloc! - total1;
    expect(Math.abs(total2 - 10 * MiB) / (10 * MiB)).toBeLessThan(0.05);
    // Each cycle's marked heap holds the set at its target then (8 MiB, then 8 → 16 MiB over phase 2; its table
    // included) and the requests in flight (4 connections × ≤ 10 KiB): gctrace's MB round down.
    const cycles = r.stderr.split('\n').flatMap((l) => {
      const m = /^gc \d+ @([\d.]+)s .* (\d+)->(\d+)->(\d+) MB,/.exec(l);
      return m ? [{ t: Number(m[1]), marked: Number(m[4]) }] : [];
    });
    expect(cycles.length).toBeGreaterThanOrEqual(4);
    for (const c of cycles.slice(2)) {
      const live = (8 + 8 * Math.min(1, Math.max(0, c.t - 1))) * MiB;
      expect(c.marked * MiB).toBeGreaterThanOrEqual(live - 1.2 * MiB);
      expect(c.marked * MiB).toBeLessThanOrEqual(live + 0.5 * MiB);
    }
    expect(r.stdout).toBe('');
  });

  it('writes what it allocates: with GOGC=off every allocated byte is resident', () => {
    const r = run({ ...base, phases: [{ duration: '1s', allocRate: '16MiB/s', requestRate: 100, live: '4MiB' }] }, { GOGC: 'off' });
    const exit = r.checkpoints.get('exit') as unknown as { memstats: Record<string, number>; proc: Record<string, number> };
    // Nothing is freed: RssAnon holds the whole heap allocated (about 16 MiB of requests + the 4 MiB set), and no more
    // than the heap's spans plus the runtime's own few MiB.
    expect(exit.memstats.TotalAlloc!).toBeGreaterThan(18 * MiB); // Poisson arrivals: about 100 requests of 160 KiB
    expect(exit.proc.RssAnon_kB! * 1024).toBeGreaterThanOrEqual(exit.memstats.TotalAlloc!);
    expect(exit.proc.RssAnon_kB! * 1024).toBeLessThanOrEqual(exit.memstats.HeapInuse! + 4 * MiB);
  });

  it('is deterministic per seed, and the seed moves the arrivals', () => {
    const short = { ...base, phases: [{ duration: '500ms', allocRate: '20MiB/s', requestRate: 200, live: '4MiB' }] };
    const a = run(short, { GODEBUG: 'gctrace=1' }, 7);
    const b = run(short, { GODEBUG: 'gctrace=1' }, 7);
    const c = run(short, { GODEBUG: 'gctrace=1' }, 8);
    expect(b.stderr).toBe(a.stderr);
    expect(c.stderr).not.toBe(a.stderr);
  });
});

describe('gomem run workload.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gomem-workload-'));
  const gomem = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [join(root, 'bin/gomem.js'), ...args], { cwd: dir, encoding: 'utf8' }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
      });
    });

  it('runs a workload file with run flags, and refuses a bad one in one line', async () => {
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ ...base, phases: [{ duration: '300ms', allocRate: '10MiB/s', requestRate: 100, live: '2MiB' }] }));
    const ok = await gomem(['run', 'ok.json', '--quiet', '--ps', '--opt', 'every=100ms']);
    expect(ok.code).toBe(0);
    // ps rows at 100 ms and 200 ms (the end at 300 ms has no checkpoint but exit's, which --ps does not print).
    expect(ok.stdout.split('\n').filter((l) => / {4}# at_/.test(l)).map((l) => l.slice(l.indexOf('#')))).toEqual(['# at_100ms', '# at_200ms']);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...base, phases: [{ duration: '1s', allocRate: 'fast' }] }));
    const bad = await gomem(['run', 'bad.json']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'gomem: bad.json: phases[0].allocRate: "fast" is not a rate (bytes per second, or a size per second: 100MiB/s)\n' });
    const bad2 = await gomem(['run', 'ok.json', '--opt', 'duration=soon']);
    expect(bad2.code).toBe(2);
    expect(bad2.stderr).toBe('gomem: --opt duration: "soon" is not a duration (Go\'s syntax: 1h, 90s, 500ms, 2h30m)\n');
  });
});
