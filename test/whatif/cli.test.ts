// `gomem whatif` as a user meets it, in child processes (the model's work
// stays out of the test's event loop): the table against what `gomem run`
// prints for the same settings, shards merged byte for byte into the
// whole sweep's directory, a sweep resumed after a result went missing,
// --jobs changing nothing, one-line errors, the report opening offline.

import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gomem, tree } from './helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gomem-whatif-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const grid = ['blahdo', '--gogc', '50,100', '--cgroup-memory-max', '96MiB,128MiB'];

describe('gomem whatif', () => {
  it('blahdo at memory.max 96MiB and 128MiB: one OOM-killed, one survives, as gomem run prints them', async () => {
    const [w, small, big] = await Promise.all([
      gomem(['whatif', 'blahdo', '--cgroup-memory-max', '96MiB,128MiB', '--out', join(tmp, 'two'), '--jobs', '2']),
      gomem(['run', 'blahdo', '--cgroup-memory-max', '96MiB']),
      gomem(['run', 'blahdo', '--cgroup-memory-max', '128MiB']),
    ]);
    expect(w.status).toBe(0);
    const lines = w.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('mode: exact (every object and span simulated)');
    expect(lines[1]).toBe('memory.max  outcome         at  peak RSS  peak memory.current  GC cycles  GC CPU  assist  max pause  limiter on');
    const cols = lines.slice(2).map((l) => l.split(/\s{2,}/));
    expect(cols.map((c) => c.slice(0, 5))).toEqual([
      ['96MiB', 'OOM-killed', '4.29ms', '95.8 MiB', '96.0 MiB'],
      ['128MiB', 'survived', '269ms', '98.2 MiB', '99.2 MiB'],
    ]);
    expect(cols.map((c) => [c[5], c[6], c[9]])).toEqual([
      ['1', '3.0%', '0s'],
      ['10', '0.3%', '0s'],
    ]);
    // gomem run's own account of the same runs.
    expect(small.status).toBe(137);
    expect(small.stderr).toContain('after 0.004 s of virtual time');
    expect(small.stderr).toContain('peak RSS 95.8 MiB (VmHWM)');
    expect(small.stderr).toContain('1 GC cycles, 1 in the last minute; GC CPU 3.0%; limiter off (on for 0.000 s in all)');
    expect(big.status).toBe(0);
    expect(big.stderr).toContain('exited with status 0 after 0.269 s of virtual time');
    expect(big.stderr).toContain('peak RSS 98.2 MiB (VmHWM)');
    expect(big.stderr).toContain('GC: 10 cycles, 0.3% of the CPU (GCCPUFraction)');
    // Results as files, one per configuration, and the sweep's description.
    const sweep = JSON.parse(readFileSync(join(tmp, 'two', 'sweep.json'), 'utf8'));
    expect(sweep.configs.map((c: { settings: unknown }) => c.settings)).toEqual([{ 'memory.max': '96MiB' }, { 'memory.max': '128MiB' }]);
    const results = readdirSync(join(tmp, 'two', 'results')).sort();
    expect(results).toEqual(sweep.configs.map((c: { id: string }) => `${c.id}.json`).sort());
    const killed = JSON.parse(readFileSync(join(tmp, 'two', 'results', `${sweep.configs[0].id}.json`), 'utf8'));
    // Charged to the byte of its limit when the OOM killer struck.
    expect(killed.row).toMatchObject({ outcome: 'oom-kill', status: 137, peakCharge: 96 * 1048576, gcCycles: 1, limiterNs: 0 });
    expect(killed.key).toMatchObject({ program: 'scenario:blahdo', memoryMax: '96MiB', seed: null });
  });

  it('merges shards into the directory the whole sweep writes, byte for byte, whatever --jobs', async () => {
    const whole = join(tmp, 'whole');
    const [w, s1, s2] = await Promise.all([
      gomem(['whatif', ...grid, '--out', whole, '--jobs', '2']),
      gomem(['whatif', ...grid, '--out', join(tmp, 's1'), '--shard', '1/2', '--jobs', '1']),
      gomem(['whatif', ...grid, '--out', join(tmp, 's2'), '--shard', '2/2', '--jobs', '1']),
    ]);
    expect([w.status, s1.status, s2.status]).toEqual([0, 0, 0]);
    // Shard 1 runs configurations 0 and 2, shard 2 runs 1 and 3: the grid's order is GOGC, then memory.max.
    expect(s1.stdout.split('\n').slice(2, 4).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['50', '96MiB', 'OOM-killed'],
      ['100', '96MiB', 'OOM-killed'],
    ]);
    expect(s2.stdout.split('\n').slice(2, 4).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['50', '128MiB', 'survived'],
      ['100', '128MiB', 'survived'],
    ]);
    expect(readdirSync(join(tmp, 's1', 'results'))).toHaveLength(2);
    const m = await gomem(['whatif', 'merge', join(tmp, 's1'), join(tmp, 's2'), '-o', join(tmp, 'merged')]);
    expect(m.status).toBe(0);
    expect(m.stdout).toBe(w.stdout);
    const a = tree(whole);
    const b = tree(join(tmp, 'merged'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect([...a.keys()].filter((k) => a.get(k) !== b.get(k))).toEqual([]);
    expect(a.size).toBe(4 + 3); // four results, sweep.json, table.txt, report.html
  });

  it('resumes: a result deleted from a finished sweep is the only run made again, and comes back the same', async () => {
    const dir = join(tmp, 'resume');
    const first = await gomem(['whatif', ...grid, '--out', dir, '--jobs', '2']);
    expect(first.status).toBe(0);
    const before = tree(dir);
    const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    const gone = sweep.configs[3];
    rmSync(join(dir, 'results', `${gone.id}.json`));
    const mtimes = sweep.configs.slice(0, 3).map((c: { id: string }) => statSync(join(dir, 'results', `${c.id}.json`)).mtimeMs);
    const again = await gomem(['whatif', ...grid, '--out', dir, '--jobs', '2']);
    expect(again.status).toBe(0);
    const progress = again.stderr.trimEnd().split('\n');
    expect(progress).toEqual(['gomem whatif: 3 of 4 configurations done in an earlier run, kept', expect.stringMatching(/^gomem whatif: \[4\/4\] GOGC=100 memory\.max=128MiB: survived at 269ms, peak RSS 98\.2 MiB$/)]);
    expect(sweep.configs.slice(0, 3).map((c: { id: string }) => statSync(join(dir, 'results', `${c.id}.json`)).mtimeMs)).toEqual(mtimes);
    const after = tree(dir);
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect([...before.keys()].filter((k) => before.get(k) !== after.get(k))).toEqual([]);
    expect(again.stdout).toBe(first.stdout);
  });

  it('writes a report that opens offline: uPlot inline, nothing fetched', () => {
    const html = readFileSync(join(tmp, 'two', 'report.html'), 'utf8');
    expect(html).toContain('/*! https://github.com/leeoniya/uPlot (v1.6.32) */');
    expect(html).toContain('.uplot');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain('<td>96MiB</td><td>OOM-killed</td>');
    expect(html).toMatch(/const charts = \[\{"label":"memory\.max=96MiB","outcome":"OOM-killed at 4\.29ms"/);
  });

  const errors: [string[], string][] = [
    [['--gogc', '50,abc'], 'gomem: --gogc: "abc" is not an integer or "off"'],
    [['--memlimit', 'off,400XB'], `gomem: --memlimit: "400XB" is not a byte count (Go's syntax: 512MiB, 4GiB, 1073741824, or "off")`],
    [['--godebug', 'madvdontneed=0;gctrace=x'], 'gomem: --godebug: gctrace="x" is not an integer'],
    [['--cgroup-memory-max', '512MiB,lots'], 'gomem: --cgroup-memory-max: "lots" is not a size (bytes, or with a suffix: 512M, 4GiB)'],
    [['--shard', '3/2'], 'gomem: --shard: "3/2": I counts from 1 to N (1/2 … 2/2)'],
    [['--duration', '10 minutes'], `gomem: --duration: "10 minutes" is not a duration (Go's syntax: 1h, 90s, 500ms, 2h30m)`],
  ];
  it('refuses a bad list value in one line naming the flag and the value, exit 2, before running anything', async () => {
    const out = join(tmp, 'never');
    const rs: Awaited<ReturnType<typeof gomem>>[] = [];
    // Two at a time: the machine has two cores.
    for (let i = 0; i < errors.length; i += 2) rs.push(...(await Promise.all(errors.slice(i, i + 2).map(([args]) => gomem(['whatif', 'blahdo', ...args, '--out', out])))));
    rs.forEach((r, i) => {
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`${errors[i]![1]}\n`);
      expect(r.stdout).toBe('');
    });
    expect(() => statSync(out)).toThrow();
    const merge = await gomem(['whatif', 'merge', join(tmp, 'no-such-dir')]);
    expect([merge.status, merge.stderr]).toEqual([2, `gomem: whatif merge: ${join(tmp, 'no-such-dir')}: no such directory\n`]);
  });

  it('refuses to merge the shards of different sweeps', async () => {
    const other = join(tmp, 'other');
    cpSync(join(tmp, 's1'), other, { recursive: true });
    const r0 = await gomem(['whatif', 'blahdo', '--gogc', '50', '--out', other]);
    expect(r0.status).toBe(0);
    const r = await gomem(['whatif', 'merge', join(tmp, 's2'), other, '-o', join(tmp, 'bad')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^gomem: whatif merge: .*other: not the same sweep as .*s2 \(its sweep\.json differs/);
  });
});
