// The cgroup v2 memory controller: memory.current, reclaim before OOM, and
// the OOM kill as an outcome. Hand-worked from mm/memcontrol.c
// (try_charge_memcg) and mm/oom_kill.c; the log lines follow the printk
// formats of 6.x (not captured on this machine: the sandbox's cgroups are not
// ours to create — see docs/fidelity/kernel.md).

import { describe, expect, it } from 'vitest';
import { MADV_FREE, MADV_HUGEPAGE, MAP_ANONYMOUS, MAP_NORESERVE, MAP_PRIVATE, MAP_SHARED, OomKilled, PROT_READ, PROT_WRITE, renderMemoryStat } from '../../src/kernel/index.ts';
import { verifyMachine } from '../../src/kernel/export_test.ts';
import { HELLO, MiB, newMachine } from './helpers.ts';

const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

function setup(maxMiB: number) {
  const m = newMachine();
  const cg = m.createCgroup('/test', { memoryMax: maxMiB * MiB });
  return { m, cg };
}

describe('memory.current', () => {
  it('counts anonymous pages, page cache and page tables charged to the cgroup and its children', () => {
    const { m, cg } = setup(512);
    const child = m.createCgroup('/test/child');
    const p = m.spawn({ comm: 'a', exe: HELLO, cgroup: child });
    // exec: the binary's page cache (read-around of the whole 557-page file), 2 anonymous pages, 6 page tables
    expect(child.memoryCurrent).toBe((557 + 2 + 6) * 4096);
    expect(cg.memoryCurrent).toBe(child.memoryCurrent); // hierarchical
    const a = p.mmap(0, 64 * MiB, RW, ANON, -1, 0);
    p.write(a, 10 * MiB);
    expect(child.memoryCurrent).toBe((557 + 2 + 6 + 2560 + 5) * 4096);
    expect(renderMemoryStat(child)).toContain(`anon ${(2 + 2560) * 4096}\n`);
    p.exit(0);
    expect(child.memoryCurrent).toBe(557 * 4096); // the page cache outlives the process
    verifyMachine(m);
  });
});

describe('reclaim before OOM', () => {
  it('clean page cache is reclaimed to make room for anonymous memory', () => {
    const { m, cg } = setup(100);
    m.fs.create('/data', 80 * MiB);
    const p = m.spawn({ comm: 'a', exe: HELLO, cgroup: cg });
    const fd = p.open('/data');
    p.pread(fd, 80 * MiB, 0);
    expect(m.pageCache.cachedPages(m.fs.lookup('/data')!)).toBe(20480);
    const a = p.mmap(0, 64 * MiB, RW, ANON, -1, 0);
    p.write(a, 64 * MiB);
    expect(p.exited).toBeUndefined();
    expect(cg.memoryCurrent).toBeLessThanOrEqual(100 * MiB);
    // the cache gave up at least what the anonymous memory needed beyond the limit
    const anonAndTables = p.mm.rssAnon + p.vmPte / 4096;
    expect(m.pageCache.cachedPages(m.fs.lookup('/data')!)).toBeLessThanOrEqual(25600 - anonAndTables);
    expect(m.pageCache.cachedPages(m.fs.lookup('/data')!)).toBeGreaterThan(25600 - anonAndTables - 557 - 32);
    expect(cg.events.max).toBeGreaterThan(0);
    expect(cg.events.oom_kill).toBe(0);
    verifyMachine(m);
  });

  it('lazily freed (MADV_FREE) pages are reclaimed: RSS falls, no OOM', () => {
    const { m, cg } = setup(64);
    const p = m.spawn({ comm: 'a', exe: HELLO, cgroup: cg });
    const a = p.mmap(0, 48 * MiB, RW, ANON, -1, 0);
    p.write(a, 48 * MiB);
    p.madvise(a, 48 * MiB, MADV_FREE);
    const b = p.mmap(0, 48 * MiB, RW, ANON, -1, 0);
    p.write(b, 48 * MiB);
    expect(p.exited).toBeUndefined();
    // the two mappings merged into one VMA: [b, a + 48 MiB)
    const v = p.mm.findVma(a)!;
    expect(v.start).toBe(b);
    expect(v.lazyFree).toBeGreaterThan(0);
    expect(v.lazyFree).toBeLessThan(48 * MiB);
    expect(v.rss - v.lazyFree).toBe(48 * MiB);
    expect(cg.events.oom_kill).toBe(0);
    verifyMachine(m);
  });

  it('mapped file pages are reclaimed too: RssFile of the mapping shrinks', () => {
    const { m, cg } = setup(100);
    m.fs.create('/data', 64 * MiB);
    const p = m.spawn({ comm: 'a', exe: HELLO, cgroup: cg });
    const f = p.mmap(0, 64 * MiB, PROT_READ, MAP_SHARED, p.open('/data'), 0);
    p.read(f, 64 * MiB);
    const before = p.rssFile;
    const a = p.mmap(0, 80 * MiB, RW, ANON, -1, 0);
    p.write(a, 80 * MiB);
    expect(p.exited).toBeUndefined();
    expect(p.rssFile).toBeLessThan(before);
    verifyMachine(m);
  });
});

describe('the OOM kill', () => {
  it('kills the allocating process with SIGKILL (status 137) and logs as dmesg prints it', () => {
    const { m, cg } = setup(100);
    const p = m.spawn({ comm: 'hog', exe: HELLO, cgroup: cg });
    const a = p.mmap(0, 1024 * MiB, RW, ANON, -1, 0);
    let err: unknown;
    try {
      p.write(a, 1024 * MiB);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OomKilled);
    expect(p.exited?.status).toBe(137);
    expect(p.exited?.signal).toBe(9);
    const log = p.exited!.kernelLog!.map((l) => l.replace(/^\[\s*\d+\.\d{6}\] /, ''));
    expect(log[0]).toBe('hog invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0');
    // one failure per reclaim round (32 pages: SWAP_CLUSTER_MAX) until nothing is left to reclaim
    expect(log[1]).toBe(`memory: usage 102400kB, limit 102400kB, failcnt ${cg.failcnt}`);
    expect(cg.failcnt).toBe(Math.ceil(557 / 32) + 1);
    expect(log).toContain('Tasks state (memory values in pages):');
    expect(log).toContain('[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name');
    const pid = p.pid;
    // Reclaim took the binary's 557 unmapped cache pages first; then only anonymous pages and page tables were left.
    const killed = log.find((l) => l.startsWith('Memory cgroup out of memory'))!;
    expect(killed).toMatch(
      new RegExp(`^Memory cgroup out of memory: Killed process ${pid} \\(hog\\) total-vm:1050336kB, anon-rss:\\d+kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:\\d+kB oom_score_adj:0$`),
    );
    const anonKb = Number(/anon-rss:(\d+)kB/.exec(killed)![1]);
    const ptKb = Number(/pgtables:(\d+)kB/.exec(killed)![1]);
    expect(anonKb + ptKb).toBe(102400);
    expect(log).toContain(`oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/test,task_memcg=/test,task=hog,pid=${pid},uid=0`);
    expect(log[log.length - 1]).toBe(`oom_reaper: reaped process ${pid} (hog), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`);
    expect(cg.events).toEqual({ max: cg.failcnt, oom: 1, oom_kill: 1 });
    expect(cg.memoryCurrent).toBe(0);
    expect(m.processes).not.toContain(p);
    expect(() => p.write(a, 1)).toThrow(/has exited/);
    verifyMachine(m);
  });

  it('charges page tables under memory.max too: sparse writes, one PTE table per page, never pass the limit', () => {
    // One byte per 2 MiB: every write costs a PTE table page (GFP_PGTABLE_USER,
    // __GFP_ACCOUNT) and an anonymous page, so about half the charges that
    // meet the limit are page tables; Linux charges both through try_charge.
    const { m, cg } = setup(16);
    const p = m.spawn({ comm: 'sparse', exe: HELLO, cgroup: cg });
    const size = 12 * 1024 * MiB; // 6144 steps of two pages: more than 16 MiB holds
    const a = p.mmap(0, size, RW, ANON | MAP_NORESERVE, -1, 0);
    expect(a).toBeGreaterThan(0);
    let err: unknown;
    try {
      for (let off = 0; off < size; off += 2 * MiB) p.write(a + off, 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OomKilled);
    expect(cg.memoryPeak).toBe(16 * MiB);
    const first = p.exited!.kernelLog![0]!.replace(/^\[\s*\d+\.\d{6}\] /, '');
    expect(first).toMatch(/^sparse invoked oom-killer: gfp_mask=0x(400dc0\(GFP_KERNEL_ACCOUNT\|__GFP_ZERO\)|140dca\(GFP_HIGHUSER_MOVABLE\|__GFP_COMP\|__GFP_ZERO\)), order=0, oom_score_adj=0$/);
    expect(cg.memoryCurrent).toBe(0);
    verifyMachine(m);
  });

  it('kills the biggest process in the cgroup, which need not be the one allocating', () => {
    const { m, cg } = setup(100);
    const big = m.spawn({ comm: 'big', exe: HELLO, cgroup: cg });
    const small = m.spawn({ comm: 'small', exe: HELLO, cgroup: cg });
    const a = big.mmap(0, 60 * MiB, RW, ANON, -1, 0);
    big.write(a, 60 * MiB);
    const b = small.mmap(0, 60 * MiB, RW, ANON, -1, 0);
    small.write(b, 60 * MiB); // big is killed, small carries on
    expect(big.exited?.status).toBe(137);
    expect(small.exited).toBeUndefined();
    expect(small.vmas().find((v) => v.start === b)!.rss).toBe(60 * MiB);
    expect(m.kernelLog.some((l) => l.includes(`Killed process ${big.pid} (big)`))).toBe(true);
    verifyMachine(m);
  });

  it('a THP that does not fit falls back to 4 KiB pages instead of OOM-killing', () => {
    const { m, cg } = setup(16);
    const p = m.spawn({ comm: 'a', exe: HELLO, cgroup: cg });
    const a = p.mmap(0, 32 * MiB, RW, ANON, -1, 0);
    p.madvise(a, 32 * MiB, MADV_HUGEPAGE);
    p.write(a, 14 * MiB); // seven THPs (the binary's page cache is reclaimed for the seventh)
    expect(p.mm.findVma(a)!.anonHugePages).toBe(14 * MiB);
    expect(() => p.write(a + 14 * MiB, 2 * MiB)).toThrowError(OomKilled); // no room for an eighth: 4 KiB pages until the limit
    const log = m.kernelLog.join('\n');
    expect(log).toContain('order=0, oom_score_adj=0');
    const anonKb = Number(/anon-rss:(\d+)kB/.exec(log)![1]);
    expect(anonKb).toBeGreaterThan(14 * 1024 + 8);
    verifyMachine(m);
  });

  it('without a cgroup limit, all of RAM is the limit (global OOM: "Out of memory")', () => {
    const m = newMachine({ memTotal: 256 * MiB, overcommitMemory: 1 });
    const p = m.spawn({ comm: 'hog', exe: HELLO });
    const a = p.mmap(0, 512 * MiB, RW, ANON, -1, 0);
    expect(() => p.write(a, 512 * MiB)).toThrowError(OomKilled);
    expect(m.kernelLog.some((l) => / Out of memory: Killed process \d+ \(hog\)/.test(l))).toBe(true);
    expect(m.kernelLog.some((l) => l.includes('oom-kill:constraint=CONSTRAINT_NONE'))).toBe(true);
  });
});

describe('file faults under memory pressure', () => {
  it('stay consistent when readahead has to reclaim the cache it is filling', () => {
    const { m, cg } = setup(12);
    m.fs.create('/data', 64 * MiB);
    const p = m.spawn({ comm: 'a', exe: HELLO, cgroup: cg });
    const f = p.mmap(0, 64 * MiB, PROT_READ, MAP_SHARED, p.open('/data'), 0);
    for (let off = 0; off < 64 * MiB; off += 4096) p.read(f + off, 1);
    expect(p.exited).toBeUndefined();
    expect(cg.memoryCurrent).toBeLessThanOrEqual(12 * MiB);
    expect(p.rssFile).toBeGreaterThan(0);
    verifyMachine(m);
  });
});
