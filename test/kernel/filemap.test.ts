// File mappings, the page cache, readahead and fault-around. Measured on this
// machine unless marked hand-worked: a 600 MiB file made with fallocate on
// ext4 (/dev/vda, read_ahead_kb 8192), mapped with mmap(PROT_READ,
// MAP_SHARED) by a Go 1.23.5 program (/tmp/k/mf) and a C program
// (/tmp/k/pt/mfc.c, cache state read with mincore), the cache emptied with
// posix_fadvise(DONTNEED) for the cold runs.

import { describe, expect, it } from 'vitest';
import {
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_ANONYMOUS,
  O_RDWR,
  PROT_READ,
  PROT_WRITE,
  BusError,
} from '../../src/kernel/index.ts';
import { pteState, verify, verifyMachine } from '../../src/kernel/export_test.ts';
import { HELLO, MiB, newMachine } from './helpers.ts';

const FILE = '/tmp/k/big600';

function setup() {
  const m = newMachine();
  const f = m.fs.create(FILE, 600 * MiB);
  const p = m.spawn({ comm: 'mf', exe: HELLO });
  return { m, f, p };
}

describe('Example 5-3: reading three bytes of a 600 MiB shared file mapping', () => {
  for (const warm of [false, true]) {
    it(`${warm ? 'warm' : 'cold'} cache: VmSize +614400 kB, RssFile +64, +64, +0, and back after munmap`, () => {
      // measured with Go: start RssFile 1464 → mmap 1464 → read@5000 1528 → read@100000 1592 →
      // read@104000 1592 → munmap 1464; VmSize 1225540 → 1839940 → 1225540; VmPTE +4 then back.
      const { m, p, f } = setup();
      if (warm) {
        const q = m.spawn({ comm: 'cat', exe: HELLO });
        const qfd = q.open(FILE);
        q.pread(qfd, 600 * MiB, 0);
        expect(m.pageCache.cachedPages(f)).toBe(153600);
      }
      const vm0 = p.vmSize;
      const file0 = p.rssFile;
      const pte0 = p.vmPte;
      const fd = p.open(FILE);
      const a = p.mmap(0, 600 * MiB, PROT_READ, MAP_SHARED, fd, 0);
      expect(a % (2 * MiB)).toBe(0); // ext4's thp_get_unmapped_area (measured 0x7fff8bc00000)
      expect((p.vmSize - vm0) / 1024).toBe(614400);
      const steps = [5000, 100000, 104000].map((off) => {
        p.read(a + off, 1);
        return (p.rssFile - file0) / 1024;
      });
      expect(steps).toEqual([64, 128, 128]);
      expect(p.vmPte - pte0).toBe(4096);
      const v = p.vmas().find((x) => x.start === a)!;
      expect([v.rss, v.pss, v.privateClean, v.sharedClean].map((x) => x / 1024)).toEqual([128, 128, 128, 0]);
      expect(p.majflt).toBe(warm ? 1 : 2); // exec's own fault, plus the cold read
      p.munmap(a, 600 * MiB);
      expect(p.rssFile).toBe(file0);
      expect(p.vmSize).toBe(vm0);
      expect(p.vmPte).toBe(pte0);
      verifyMachine(m);
    });
  }

  it('readahead: a cold fault caches 2048 pages around it; the PG_readahead page at 1536 fetches the next window', () => {
    // measured (mfc, cold): read@5000 → cached [0..2047]; read@page 1530 → +64 kB; read@page 1540
    // → +60 kB (the window holds the PG_readahead page 1536, which fault-around skips);
    // read@page 1536 → +4 kB and cached [0..4095]; read@page 3600 → +64; read@page 5000 → +64 and
    // cached [0..6023] (read-around from 3976).
    const { m, p, f } = setup();
    const fd = p.open(FILE);
    const a = p.mmap(0, 600 * MiB, PROT_READ, MAP_SHARED, fd, 0);
    const file0 = p.rssFile;
    const steps = [5000, 1530 * 4096, 1540 * 4096, 1536 * 4096, 1537 * 4096, 3600 * 4096, 5000 * 4096].map((off) => {
      p.read(a + off, 1);
      return [(p.rssFile - file0) / 1024, m.pageCache.cachedPages(f)];
    });
    expect(steps).toEqual([
      [64, 2048],
      [128, 2048],
      [188, 2048],
      [192, 4096],
      [192, 4096],
      [256, 4096],
      [320, 6024],
    ]);
    verifyMachine(m);
  });

  it('a cold read in the middle reads around it: 50000 → pages 48976..51023', () => {
    const { m, p, f } = setup();
    const fd = p.open(FILE);
    const a = p.mmap(0, 600 * MiB, PROT_READ, MAP_SHARED, fd, 0);
    p.read(a + 50000 * 4096 + 7, 1);
    const fc = m.pageCache.of(f);
    expect(m.pageCache.cachedPages(f)).toBe(2048);
    expect([fc.isCached(48975), fc.isCached(48976), fc.isCached(51023), fc.isCached(51024)]).toEqual([false, true, true, false]);
  });
});

describe('read(2) readahead (classic order-0 ramp; the real kernel aligns later windows to large folios)', () => {
  it('sequential 4 KiB reads and small random reads', () => {
    // measured on this machine (/tmp/k/pt/rd.c on a 64 MiB file, cold): read of page 0 → [0..3];
    // page 1 (PG_readahead) → [4..19]; page 4 → real [20..79] (model [20..83]); pages 128, 256,
    // 300, 8000 alone → just that page; page 8001 (sequential) → real [8000..8004], model the same;
    // 100000 bytes at page 12000 → [12000..12024] in both.
    const m = newMachine();
    const f = m.fs.create('/tmp/k/data64', 64 * MiB);
    const p = m.spawn({ comm: 'rd', exe: HELLO });
    const fd = p.open('/tmp/k/data64');
    const fc = m.pageCache.of(f);
    const runs = (): string => {
      const out: string[] = [];
      let s = -1;
      for (let i = 0; i <= f.pages; i++) {
        const c = i < f.pages && fc.isCached(i);
        if (c && s < 0) s = i;
        if (!c && s >= 0) {
          out.push(s === i - 1 ? `${s}` : `${s}..${i - 1}`);
          s = -1;
        }
      }
      return out.join(' ');
    };
    const after = (off: number, len = 4096): string => {
      expect(p.pread(fd, len, off)).toBe(len);
      return runs();
    };
    expect(after(0)).toBe('0..3');
    expect(after(4096)).toBe('0..19');
    expect(after(8192)).toBe('0..19');
    expect(after(16384)).toBe('0..83');
    expect(after(128 * 4096)).toBe('0..83 128');
    expect(after(8000 * 4096)).toBe('0..83 128 8000');
    expect(after(8001 * 4096)).toBe('0..83 128 8000..8004');
    expect(after(12000 * 4096, 100000)).toBe('0..83 128 8000..8004 12000..12024');
    expect(p.vmRss / 1024).toBe(8); // read(2) maps nothing
    expect(p.pread(fd, 4096, 64 * MiB)).toBe(0); // at EOF
  });
});

describe('sharing and writing (hand-worked from fs/proc/task_mmu.c smaps_account)', () => {
  it('two processes mapping the same pages: Shared_Clean, Pss halved', () => {
    const { m, p } = setup();
    const q = m.spawn({ comm: 'mf2', exe: HELLO });
    const a = p.mmap(0, 600 * MiB, PROT_READ, MAP_SHARED, p.open(FILE), 0);
    const b = q.mmap(0, 600 * MiB, PROT_READ, MAP_SHARED, q.open(FILE), 0);
    p.read(a, 1); // maps pages 0..15
    q.read(b + 8 * 4096, 1); // maps pages 0..15 too
    const vp = p.vmas().find((x) => x.start === a)!;
    const vq = q.vmas().find((x) => x.start === b)!;
    expect([vp.rss, vp.pss, vp.sharedClean, vp.privateClean].map((x) => x / 1024)).toEqual([64, 32, 64, 0]);
    expect([vq.rss, vq.pss, vq.sharedClean].map((x) => x / 1024)).toEqual([64, 32, 64]);
    q.munmap(b, 600 * MiB);
    expect([vp.pss, vp.sharedClean, vp.privateClean].map((x) => x / 1024)).toEqual([64, 0, 64]);
    verifyMachine(m);
  });

  it('a write to a private file mapping makes an anonymous copy (RssFile → RssAnon)', () => {
    const { m, p } = setup();
    const a = p.mmap(0, 600 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE, p.open(FILE), 0);
    const anon0 = p.rssAnon;
    p.read(a, 1);
    const file1 = p.rssFile;
    p.write(a + 4096, 1);
    expect(p.rssFile).toBe(file1 - 4096);
    expect(p.rssAnon - anon0).toBe(4096);
    expect(pteState(p, a + 4096)).toBe('anon');
    p.write(a + 100 * 4096, 1); // not mapped yet: COW straight from the cache, no fault-around
    expect(p.rssFile).toBe(file1 - 4096);
    const v = p.vmas().find((x) => x.start === a)!;
    expect([v.anonymous, v.privateDirty, v.privateClean].map((x) => x / 1024)).toEqual([8, 8, 60]); // 15 file pages still mapped clean
    verifyMachine(m);
  });

  it('a write to a shared writable mapping dirties the page cache (Private_Dirty, RssFile)', () => {
    const { m, p, f } = setup();
    const fd = p.open(FILE, O_RDWR);
    const a = p.mmap(0, 600 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    p.write(a, 2);
    const v = p.vmas().find((x) => x.start === a)!;
    expect([v.rss, v.privateDirty, v.anonymous].map((x) => x / 1024)).toEqual([4, 4, 0]);
    expect(pteState(p, a)).toBe('file-dirty');
    expect(m.pageCache.of(f).nrDirty).toBe(1);
    // read-only open: a shared writable mapping is refused
    expect(p.mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, p.open(FILE), 0)).toBe(-13);
    verifyMachine(m);
  });

  it('shared anonymous memory is shmem: RssShmem', () => {
    const { m, p } = setup();
    const a = p.mmap(0, 1 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    p.write(a, 3 * 4096);
    expect(p.rssShmem / 1024).toBe(12);
    expect(p.vmas().find((x) => x.start === a)!.name).toBe('/dev/zero (deleted)');
    verifyMachine(m);
  });

  it('an access beyond the end of the file is SIGBUS', () => {
    const m = newMachine();
    m.fs.create('/small', 5000);
    const p = m.spawn({ comm: 'x', exe: HELLO });
    const a = p.mmap(0, 3 * 4096, PROT_READ, MAP_PRIVATE, p.open('/small'), 0);
    p.read(a + 4999, 1);
    expect(() => p.read(a + 8192, 1)).toThrowError(BusError);
    verify(p);
  });
});

describe('the vDSO and fault counters', () => {
  it('vDSO pages count as RssFile and are shared between processes; [vvar] never counts', () => {
    const m = newMachine();
    const p = m.spawn({ comm: 'a', exe: HELLO });
    const q = m.spawn({ comm: 'b', exe: HELLO });
    const vdso = (x: typeof p) => x.vmas().find((v) => v.name === '[vdso]')!;
    const vvar = p.vmas().find((v) => v.name === '[vvar]')!;
    p.read(vvar.start, 16384);
    expect(p.rssFile).toBe(0);
    p.read(vdso(p).start, 8192);
    expect(p.rssFile).toBe(8192);
    q.read(vdso(q).start, 4096);
    expect([vdso(p).sharedClean, vdso(p).privateClean, vdso(p).pss].map((x) => x / 1024)).toEqual([4, 4, 6]);
    expect(() => p.write(vdso(p).start, 1)).toThrow(); // read-only
    verifyMachine(m);
  });

  it('counts minor and major faults and emits fault events', () => {
    const { m, p } = setup();
    const kinds: string[] = [];
    m.events.on('fault', (e) => kinds.push(`${e.kind}${e.major ? '!' : ''}:${e.pages}`));
    const min0 = p.minflt;
    const maj0 = p.majflt;
    const a = p.mmap(0, 600 * MiB, PROT_READ, MAP_SHARED, p.open(FILE), 0);
    p.read(a, 1); // cold: major, 16 pages mapped
    p.read(a + 16 * 4096, 1); // warm: minor, 16 more
    p.read(a + 4096, 1); // mapped: no fault
    const b = p.mmap(0, 1 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p.read(b, 1);
    p.write(b, 1);
    expect([p.minflt - min0, p.majflt - maj0]).toEqual([3, 1]);
    expect(kinds).toEqual(['file!:16', 'file:16', 'zero:0', 'cow:1']);
  });
});
