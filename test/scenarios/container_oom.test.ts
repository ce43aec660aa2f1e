// Issue 9 items 7–9: the container's view (memory.stat, the kubelet's
// working set), the OOM kill as gomem reports it (the moment, RSS then, the
// GC's state; "Killed"; the kernel's lines under --dmesg, checked against
// lines a real 512 MiB cgroup logged on this machine for the container-oom
// program, reality/cases/container-oom/recorded-cgroup.json), the GC CPU
// limiter's time on, and the container-oom scenario's table.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE, renderCgroupView } from '../../src/kernel/index.ts';
import { GcCPULimiterState } from '../../src/runtime/mgclimit.ts';
import { containerOomConfigs, formatContainerOomTable, runContainerOom, type ContainerOomRow } from '../../src/scenarios/container-oom-table.ts';
import { compareConfig } from '../../reality/compare_cgroup.ts';
import type { CgroupRecording } from '../../reality/record_cgroup.ts';
import { HELLO, MiB, newMachine } from '../kernel/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

function gomem(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['GOGC', 'GOMEMLIMIT', 'GODEBUG', 'GOMAXPROCS']) delete env[k];
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/gomem.js', ...args], { cwd: ROOT, encoding: 'utf8', env }, (err, stdout, stderr) => {
      resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

describe('the container view (memory.stat, working set)', () => {
  it('anon, file, kernel and the LRU split, hand-worked: exec of hello then 10 MiB written', () => {
    const m = newMachine();
    const cg = m.createCgroup('/c', { memoryMax: 512 * MiB });
    const p = m.spawn({ comm: 'a', exe: HELLO, cgroup: cg });
    const a = p.mmap(0, 64 * MiB, RW, ANON, -1, 0);
    p.write(a, 10 * MiB);
    // exec: 557 page-cache pages of the binary, 2 anonymous pages, 6 page-table pages; the write: 2560 + 5.
    const stat = new Map(cg.memoryStat());
    expect(stat.get('anon')).toBe((2 + 2560) * 4096);
    expect(stat.get('file')).toBe(557 * 4096);
    expect(stat.get('kernel')).toBe((6 + 5) * 4096);
    expect(stat.get('pagetables')).toBe((6 + 5) * 4096);
    // Nothing was reclaimed: every page-cache page is still inactive, all anon on the inactive list (Linux ≥ 5.9).
    expect(stat.get('inactive_file')).toBe(557 * 4096);
    expect(stat.get('active_file')).toBe(0);
    expect(stat.get('inactive_anon')).toBe((2 + 2560) * 4096);
    expect(stat.get('active_anon')).toBe(0);
    expect(cg.memoryCurrent).toBe((557 + 2 + 6 + 2560 + 5) * 4096);
    // kubelet: usage − inactive_file
    expect(cg.workingSet()).toBe((2 + 6 + 2560 + 5) * 4096);
    const view = renderCgroupView(cg);
    expect(view.split('\n').slice(0, 3)).toEqual([`memory.current ${(557 + 2 + 6 + 2560 + 5) * 4096}`, `memory.max ${512 * MiB}`, `memory.peak ${(557 + 2 + 6 + 2560 + 5) * 4096}`]);
    expect(view).toContain(`memory.stat inactive_file ${557 * 4096}\n`);
    expect(view).toContain('memory.events max 0 oom 0 oom_kill 0\n');
    expect(view).toContain(`working_set ${(2 + 6 + 2560 + 5) * 4096}\n`);
  });

  it('an OOM kill leaves a snapshot of the victim as it was chosen: the numbers of its "Killed process" line', () => {
    const m = newMachine();
    const cg = m.createCgroup('/c', { memoryMax: 16 * MiB });
    const p = m.spawn({ comm: 'a', exe: HELLO, cgroup: cg });
    const a = p.mmap(0, 64 * MiB, RW, ANON, -1, 0);
    expect(() => p.write(a, 64 * MiB)).toThrow();
    const snap = p.exited!.oom!;
    expect(snap.cgroup).toBe('/c');
    expect(snap.maxPages).toBe(4096);
    const killed = p.exited!.kernelLog!.find((l) => l.includes('Killed process'))!;
    expect(killed).toContain(`anon-rss:${snap.rssAnonPages * 4}kB, file-rss:${snap.rssFilePages * 4}kB`);
    expect(killed).toContain(`total-vm:${snap.totalVmPages * 4}kB`);
    expect(cg.events.oom_kill).toBe(1);
    expect(renderCgroupView(cg)).toContain('oom_kill 1\n');
  });
});

describe('the GC CPU limiter: time on', () => {
  it('hand-worked: 1 P, 2 s of assists in the first second fill the bucket; a second of mutator time drains it', () => {
    const l = new GcCPULimiterState({ test: true });
    l.resetCapacity(0, 1); // capacity 1 s
    l.addAssistTime(2e9);
    l.update(1e9); // window 1 s, GC 2 s: change 3 s > 1 s of headroom → full, limiting from t = 1 s
    expect(l.limiting()).toBe(true);
    expect(l.limitingTime(1.5e9)).toBe(0.5e9);
    l.update(3e9); // 2 s of mutator time: the bucket drains, limiting stops at t = 3 s
    expect(l.limiting()).toBe(false);
    expect(l.limitingTime(3e9)).toBe(2e9);
    expect(l.limitingTime(10e9)).toBe(2e9);
  });
});

describe('the kernel log lines have the format a real memory cgroup printed', () => {
  const rec = JSON.parse(readFileSync(new URL('../../reality/cases/container-oom/recorded-cgroup.json', import.meta.url), 'utf8')) as {
    runs: { dmesg: string[]; oom_killed: boolean }[];
  };
  const real = rec.runs.find((r) => r.oom_killed)!.dmesg;
  // The task table row and the kill summary as Linux 6.18 printed them (the stamps and numbers vary).
  // Each number with the spaces before it becomes its printed width (Linux pads with %5d, %8lu …).
  const shape = (l: string): string =>
    l
      .replace(/^\[\s*\d+\.\d{6}\] /, '[T] ')
      .replace(/\(\S+\)|task=\S+|oom_memcg=\S+|task_memcg=\S+| [a-z-]+$/g, 'X')
      .replace(/ *\d+/g, (m) => `<${m.length}>`);
  // Outside the task table numbers are not padded: any number.
  const loose = (l: string): string => shape(l).replace(/<\d+>/g, '<n>');
  it('a gomem kill of the container-oom program prints the same task row, oom-kill and Killed process lines (modulo numbers and names)', async () => {
    const r = await gomem(['run', 'container-oom', '--opt', 'seconds=20', '--cgroup-memory-max', '24MiB', '--dmesg']);
    expect(r.status).toBe(137);
    const mine = r.stderr.split('\n').filter((l) => l.startsWith('['));
    for (const key of ['Memory cgroup out of memory: Killed process', 'oom-kill:constraint=CONSTRAINT_MEMCG', 'Tasks state (memory values in pages):', 'uid  tgid total_vm']) {
      const a = real.find((l) => l.includes(key))!;
      const b = mine.find((l) => l.includes(key))!;
      expect(loose(b), key).toBe(loose(a));
    }
    const realRow = real[real.findIndex((l) => l.includes('uid  tgid total_vm')) + 1]!;
    const myRow = mine[mine.findIndex((l) => l.includes('uid  tgid total_vm')) + 1]!;
    expect(shape(myRow)).toBe(shape(realRow));
  }, 60_000);
});

describe('gomem run: an OOM kill as the terminal shows it', () => {
  it('without --dmesg: gomem\'s account of the moment, then Killed; exit 137', async () => {
    const r = await gomem(['run', 'container-oom', '--opt', 'seconds=20', '--cgroup-memory-max', '24MiB']);
    expect(r.status).toBe(137);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.some((l) => l.startsWith('['))).toBe(false);
    expect(lines[0]).toMatch(/^gomem: OOM kill at \d+\.\d{3} s of virtual time: cgroup \/gomem charged 24\.0 MiB of its 24\.0 MiB limit$/);
    expect(lines[1]).toMatch(/^gomem:   RSS [\d.]+ MiB \(anon [\d.]+ MiB, file [\d.]+ MiB, shmem 0\.0 MiB\), page tables [\d.]+ MiB, VSZ [\d.]+ MiB$/);
    expect(lines[4]).toMatch(/^gomem:   GC: heap goal [\d.]+ MiB, live heap [\d.]+ MiB \(GOGC=100 GOMEMLIMIT=off\); \d+ GC cycles, \d+ in the last minute; GC CPU [\d.]+%; limiter (on|off) \(on for [\d.]+ s in all\)$/);
    expect(lines[lines.length - 1]).toBe('Killed');
  }, 60_000);

  it('--cgroup prints the container view at each checkpoint and after the kill', async () => {
    const r = await gomem(['run', 'hello', '--cgroup', '--cgroup-memory-max', '512MiB']);
    expect(r.status).toBe(0);
    const blocks = r.stdout.split('# cgroup /gomem at ').slice(1);
    expect(blocks.map((b) => b.split('\n')[0])).toEqual(['start', 'after_println', 'after_sleep_2s', 'exit']);
    for (const b of blocks) {
      const get = (k: string): number => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(b)![1]);
      expect(get('working_set')).toBe(get('memory.current') - get('memory.stat inactive_file'));
    }
  }, 60_000);

  it('bad input to container-oom is one line and exit 2', async () => {
    expect(await gomem(['container-oom', '--seconds', 'soon'])).toEqual({ status: 2, stdout: '', stderr: 'gomem: --seconds: "soon" is not a positive integer\n' });
    expect(await gomem(['container-oom', '--cgroup-memory-max', 'lots'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'gomem: --cgroup-memory-max: "lots" is not a size (bytes, or with a suffix: 512M, 4GiB)\n',
    });
  });
});

describe('the container-oom table', () => {
  it('is deterministic, and a 30 s run in a 40 MiB container kills GOGC=100: its goal is twice the leaked live heap', () => {
    const o = { seconds: 30, limit: 40 * MiB, seed: 3 };
    const a = runContainerOom(containerOomConfigs[0]!, o);
    const b = runContainerOom(containerOomConfigs[0]!, o);
    expect(b).toEqual(a);
    expect(a.killed).toBe(true);
    expect(a.peakCharge).toBe(40 * MiB);
    expect(a.report[0]).toMatch(/^gomem: OOM kill at/);
    const table = formatContainerOomTable([a], 30, 40 * MiB);
    expect(table.split('\n')[1]).toMatch(/^configuration\s+outcome\s+peak RSS\s+peak charge\s+VSZ\s+GC cycles\s+GC CPU\s+limiter on$/);
    expect(table.split('\n')[2]).toMatch(new RegExp(`^GOGC=100\\s+killed at ${(a.endNs / 1e9).toFixed(3)} s\\s+`));
  }, 120_000);
});

describe('reality/compare_cgroup: gomem against the real cgroup runs', () => {
  const rec = JSON.parse(readFileSync(new URL('../../reality/cases/container-oom/recorded-cgroup.json', import.meta.url), 'utf8')) as CgroupRecording;
  const row = (over: Partial<ContainerOomRow>): ContainerOomRow => ({
    config: 'gogc100',
    env: { GOMAXPROCS: '2', GOGC: '100' },
    killed: true,
    endNs: 255.662e9,
    peakRss: 510.9 * MiB,
    peakCharge: 512 * MiB,
    peakVsz: 1659.4 * MiB,
    gcCycles: 366,
    gcCpuFraction: 0.0004,
    limiterNs: 0,
    report: [],
    kernelLog: [],
    ...over,
  });
  const verdicts = (config: string, r: ContainerOomRow): Record<string, string> =>
    Object.fromEntries(compareConfig(config, rec.runs.filter((x) => x.config === config), r).map((v) => [v.figure, `${v.real} | ${v.gomem} | ${v.verdict}`]));

  it('GOGC=100 as gomem ran it (killed at 255.662 s, 512 MiB): outcome, kill time and peak charge agree', () => {
    const v = verdicts('gogc100', row({}));
    expect(v.outcome).toBe('killed (2 runs) | killed | ok');
    expect(v['kill time, s']).toBe('249.5–254.9 | 255.7 | ok');
    expect(v['peak charge, MiB']).toBe('512.0 | 512.0 | ok');
  });

  it('a GOGC=100 that survived, or was killed 10% after the last real kill, is out', () => {
    expect(verdicts('gogc100', row({ killed: false })).outcome).toBe('killed (2 runs) | survived | OUT');
    expect(verdicts('gogc100', row({ endNs: 254.925e9 * 1.1 + 1e9 }))['kill time, s']).toMatch(/\| OUT$/);
  });

  it('where real runs differ (GOMEMLIMIT=450MiB: killed once, survived twice) either outcome agrees; kill times compare with the killed runs', () => {
    const v = verdicts('memlimit450', row({ config: 'memlimit450', endNs: 479.241e9 }));
    expect(v.outcome).toBe('mixed (3 runs) | killed | ok');
    expect(v['kill time, s']).toBe('541.3 | 479.2 | OUT');
  });
});
