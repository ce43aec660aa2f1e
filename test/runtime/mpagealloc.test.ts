// The page allocator's conversation with the OS: the mmap/madvise calls of
// sysInit / sysGrow / chunk-block creation, and which 4 KiB pages of its
// metadata it writes or reads, compared with the real Go 1.23.5 runtime on
// this machine (setarch -R, so addresses are deterministic).
//
// Reference, measured with a Go program printing /proc/self/maps
// (`setarch x86_64 -R strace -f -e trace=mmap,munmap,madvise,mprotect ./idle`):
//
//   mmap(NULL, 262144, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fb7000
//   mmap(NULL, 131072, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7f97000
//   mmap(NULL, 1048576, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7e97000
//   mmap(NULL, 8388608, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7600000
//   mmap(NULL, 67108864, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff3600000
//   mmap(NULL, 536870912, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffd3600000
//   mmap(NULL, 536870912, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffb3600000
//   mmap(0xc000000000, 67108864, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xc000000000
//   mmap(NULL, 33554432, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffb1600000
//   madvise(0x7fffb1600000, 33554432, MADV_NOHUGEPAGE) = 0
//   mmap(NULL, 68624, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7e86000
//   mmap(0xc000000000, 4194304, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0xc000000000
//   mmap(0x7ffff7f97000, 131072, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7ffff7f97000
//   mmap(0x7ffff7f17000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7ffff7f17000
//   mmap(0x7ffff7a06000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7ffff7a06000
//   mmap(0x7ffff5630000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7ffff5630000
//   mmap(0x7fffe3780000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7fffe3780000
//   mmap(0x7fffc3780000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7fffc3780000
//   mmap(NULL, 1048576, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffb1500000
//   madvise(0x7fffb1500000, 1048576, MADV_NOHUGEPAGE) = 0
//
// The first line is the first persistentalloc chunk (addrRanges.init is the
// first persistentalloc); lines 8–12 are mheap's arena reservation, arena
// L2 map, heapArena struct and heap sysMap — not the page allocator's, so
// the test issues them itself to keep later placements real.

import { describe, expect, it } from 'vitest';
import { SysMemStat } from '../../src/runtime/mem.ts';
import { PageAlloc } from '../../src/runtime/mpagealloc.ts';
import { SysArray, chunkIndex } from '../../src/runtime/mpagealloc_64bit.ts';
import { TestSysMemory } from '../../src/runtime/export_test.ts';

const heapBase = 0xc000000000;
const MiB = 1 << 20;

const realStrace = `mmap(NULL, 262144, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fb7000
mmap(NULL, 131072, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7f97000
mmap(NULL, 1048576, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7e97000
mmap(NULL, 8388608, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7600000
mmap(NULL, 67108864, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff3600000
mmap(NULL, 536870912, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffd3600000
mmap(NULL, 536870912, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffb3600000
mmap(0xc000000000, 67108864, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xc000000000
mmap(NULL, 33554432, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffb1600000
madvise(0x7fffb1600000, 33554432, MADV_NOHUGEPAGE) = 0
mmap(NULL, 68624, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7e86000
mmap(0xc000000000, 4194304, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0xc000000000
mmap(0x7ffff7f97000, 131072, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7ffff7f97000
mmap(0x7ffff7f17000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7ffff7f17000
mmap(0x7ffff7a06000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7ffff7a06000
mmap(0x7ffff5630000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7ffff5630000
mmap(0x7fffe3780000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7fffe3780000
mmap(0x7fffc3780000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7fffc3780000
mmap(NULL, 1048576, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffb1500000
madvise(0x7fffb1500000, 1048576, MADV_NOHUGEPAGE) = 0`.split('\n');

/** Go's start-up up to and including the first heap growth, as the real runtime orders it. */
function startup() {
  const sys = new TestSysMemory(0x7ffff7ff7000, true);
  const gcMiscSys = new SysMemStat('gcMiscSys');
  const otherSys = new SysMemStat('other_sys');
  const heapSys = new SysMemStat('heapSys');
  const persistent: number[] = [];
  const p = new PageAlloc();
  p.init(sys, gcMiscSys, false, {
    // The first persistentalloc maps the global 256 KiB chunk.
    persistentalloc: (size) => {
      if (persistent.length === 0) sys.sysAlloc(256 << 10, otherSys);
      persistent.push(size);
    },
  });
  // mheap.sysAlloc's calls (stand-ins, see the header).
  sys.sysReserve(heapBase, 64 * MiB);
  const l2 = sys.sysAllocOS(32 * MiB);
  sys.sysNoHugePage(l2, 32 * MiB);
  sys.sysAllocOS(68624);
  sys.sysMap(heapBase, 4 * MiB, heapSys);
  const afterInit = sys.log.length;
  p.grow(heapBase, 4 * MiB);
  return { sys, p, gcMiscSys, persistent, afterInit };
}

describe('pageAlloc.sysInit and the first sysGrow', () => {
  it('make exactly the real runtime mmap/madvise sequence, address for address', () => {
    const { sys } = startup();
    expect(sys.log).toEqual(realStrace);
  });

  it('charge gcMiscSys for what they commit: all of L0, one page of L1–L4 and of the index, the 1 MiB chunk block', () => {
    const { p, gcMiscSys, persistent } = startup();
    // 131072 + 4×4096 (L1–L4) + 4096 (scav index) + 1048576 (chunk block) = 1,200,128.
    expect(gcMiscSys.bytes).toBe(131072 + 4 * 4096 + 4096 + 1048576);
    expect(p.summaryMappedReady).toBe(131072 + 4 * 4096 + 4096);
    // addrRanges.init: 16 ranges of 16 bytes, persistentalloc'd (Go charges them to the same stat).
    expect(persistent).toEqual([256]);
  });

  it('write exactly the metadata pages real Go has resident at the start of main', () => {
    // Real Go (pagemap of /proc/self at the start of main, setarch -R): present
    // pages L0 [16], L1 [128], L2 [1030], L3 [8240], L4 [65920], scav index
    // [65920], chunk block [0] (page numbers within each reservation).
    // By hand: 0xc000000000 + 2^47 = 0x80c000000000. Its L0 entry is
    // 0x80c000000000 >> 34 = 8240, byte 65920, page 16 of L0; L1 entry
    // 65920 (>> 31), byte 527360, page 128; L2 entry 527360, byte 4218880,
    // page 1030; L3 entry 4218880, page 8240; L4 entry = chunk 33751040, byte
    // 270008320, page 65920; the index entry of the same chunk, page 65920;
    // chunk 33751040 is l2 index 0 of its block, bytes 0–127, page 0.
    const { sys, p } = startup();
    const page = (base: number, n: number) => base + n * 4096;
    // grow writes the chunk's scavenged bits, then the summaries leaf first.
    expect(sys.touched).toEqual([
      page(0x7fffb1500000, 0), // chunk block
      page(0x7fffd3600000, 65920), // L4
      page(0x7ffff3600000, 8240), // L3
      page(0x7ffff7600000, 1030), // L2
      page(0x7ffff7e97000, 128), // L1
      page(0x7ffff7f97000, 16), // L0
    ]);
    // Each summary entry is read (compared) before it is written, so its page
    // first maps the zero page and is then written — two faults, as on real
    // hardware. The chunk bitmap's first access is a read-modify-write (a
    // write fault).
    expect(sys.readFaulted).toEqual(sys.touched.slice(1));
    // The first allocation also reads, then writes, the chunk's scavenge index entry.
    expect(p.alloc(1)[0]).toBe(heapBase);
    expect(sys.touched.slice(6)).toEqual([page(0x7fffb3600000, 65920)]);
    expect(sys.readFaulted.slice(5)).toEqual([page(0x7fffb3600000, 65920)]);
  });

  it('read-fault the rest of L0 (pages 17–31) on a search that fails at the root, as real Go shows zero-page PTEs there', () => {
    // Real Go after growing the heap to 200 MiB: L0 pages 17–31 present in
    // pagemap with the zero page's PFN; only page 16 has its own page.
    const { sys, p } = startup();
    expect(p.alloc(513)).toEqual([0, 0]); // more than one chunk: find scans L0 from entry 8240 to the end
    const zeroOnly = sys.readFaulted.filter((a) => !sys.touched.includes(a));
    expect(zeroOnly).toEqual(Array.from({ length: 15 }, (_, k) => 0x7ffff7f97000 + (17 + k) * 4096));
  });

  it('map nothing more for contiguous growth within the same 2 GiB, and one page of L4 and of the index at the next 2 GiB', () => {
    // Real Go (strace): make([]byte, 5<<20) grows the heap by 8 MiB at
    // 0xc000400000 with no summary mmap; then make([]byte, 2560<<20) grows it
    // by 2.5 GiB at 0xc000c00000 and maps exactly
    //   mmap(0x7fffe3781000, 4096, … MAP_FIXED …)   (L4, second page)
    //   mmap(0x7fffc3781000, 4096, … MAP_FIXED …)   (scavenge index, second page)
    const { sys, p, gcMiscSys } = startup();
    const n = sys.log.length;
    p.grow(heapBase + 4 * MiB, 8 * MiB);
    expect(sys.log.slice(n)).toEqual([]);
    const before = gcMiscSys.bytes;
    p.grow(heapBase + 12 * MiB, 2560 * MiB);
    expect(sys.log.slice(n)).toEqual([
      'mmap(0x7fffe3781000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7fffe3781000',
      'mmap(0x7fffc3781000, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7fffc3781000',
    ]);
    expect(gcMiscSys.bytes - before).toBe(8192);
    expect(p.inUse.ranges).toEqual([{ base: heapBase, limit: heapBase + 2572 * MiB }]);
    p.verify();
  });
});

describe('enableChunkHugePages', () => {
  it("keeps Go's quirk: a heap inside one 32 GiB L1 region never gets its chunk block advised", () => {
    const { sys, p, persistent } = startup();
    const n = sys.log.length;
    p.enableChunkHugePages();
    expect(sys.log.slice(n)).toEqual([]);
    expect(p.chunkHugePages).toBe(true);
    // cloneInto persistentalloc's a copy of the 16-range inUse array.
    expect(persistent).toEqual([256, 256]);
  });

  it('advises every block but the last of a range spanning L1 regions, and new blocks directly', () => {
    const { sys, p } = startup();
    // Grow to 33 GiB: chunks of L1 index 0x1018 (the first block) and 0x1019.
    p.grow(heapBase + 4 * MiB, 33 * 1024 * MiB - 4 * MiB);
    const block2 = p.chunkBlockAddr[chunkIndex(heapBase + 32 * 1024 * MiB) >>> 13]!;
    expect(sys.log.slice(-2)).toEqual([
      `mmap(NULL, 1048576, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x${block2.toString(16)}`,
      `madvise(0x${block2.toString(16)}, 1048576, MADV_NOHUGEPAGE) = 0`,
    ]);
    const n = sys.log.length;
    p.enableChunkHugePages();
    expect(sys.log.slice(n)).toEqual(['madvise(0x7fffb1500000, 1048576, MADV_HUGEPAGE) = 0']);
    // A third L1 region's block is created already huge.
    p.grow(heapBase + 64 * 1024 * MiB, 4 * MiB);
    expect(sys.log.at(-1)).toMatch(/^madvise\(0x[0-9a-f]+, 1048576, MADV_HUGEPAGE\) = 0$/);
    p.enableChunkHugePages(); // idempotent
    expect(sys.log.at(-1)).toMatch(/MADV_HUGEPAGE/);
  });
});

describe('scavengeOne outside test mode', () => {
  it('releases with sysUnused, reports the bytes to the accounting hook, and keeps a free huge page whole', () => {
    const { sys, p } = startup();
    const released: number[] = [];
    p.accounting = { released: (_addr, n) => released.push(n) };
    // Use the whole chunk once so it is free and unscavenged (backed).
    expect(p.alloc(512)).toEqual([heapBase, 4 * MiB]); // new memory is scavenged
    p.free(heapBase, 512);
    const n = sys.log.length;
    // One page asked for; the highest free run is the whole chunk, and the
    // page at 511 lies in the huge page [256, 512): all 256 pages go.
    expect(p.scavenge(8192, null, true)).toBe(2 * MiB);
    expect(sys.log.slice(n)).toEqual([`madvise(0x${(heapBase + 2 * MiB).toString(16)}, 2097152, MADV_DONTNEED) = 0`]);
    expect(released).toEqual([2 * MiB]);
    p.verify();
    // The next allocation of the top page reports it scavenged.
    expect(p.alloc(512)).toEqual([heapBase, 2 * MiB]);
  });

  it('skips, unless forced, chunks dense (≥ 496 pages in use) in this or the last GC cycle', () => {
    const { p } = startup();
    expect(p.alloc(512)[0]).toBe(heapBase);
    p.free(heapBase, 512); // all 512 pages backed now
    expect(p.alloc(500)[0]).toBe(heapBase);
    p.scav.index.nextGen(); // GC: the background cursor moves up to what was freed
    expect(p.scavenge(Infinity, null, false)).toBe(0); // 500 in use: dense
    p.free(heapBase, 500);
    expect(p.scavenge(Infinity, null, false)).toBe(0); // free now, but dense in the last cycle
    p.scav.index.nextGen();
    expect(p.scavenge(Infinity, null, false)).toBe(4 * MiB); // a whole cycle not dense: all of it
    p.verify();
  });

  it('forced scavenging ignores density', () => {
    const { p } = startup();
    expect(p.alloc(512)[0]).toBe(heapBase);
    p.free(heapBase, 512);
    expect(p.alloc(500)[0]).toBe(heapBase);
    p.scav.index.nextGen();
    expect(p.scavenge(Infinity, null, true)).toBe(12 * 8192); // the 12 free pages, though the chunk is dense
  });
});

describe('SysArray', () => {
  it('faults on an access to a page never mapped, like Go segfaults on Reserved memory', () => {
    const a = new SysArray(null, 0x1000000, 4096);
    a.map(0x1000000, 4096); // entries 0–511
    a.set(3, 1, 2);
    expect([a.lo(3), a.hi(3), a.lo(511)]).toEqual([1, 2, 0]);
    expect(() => a.lo(512)).toThrow(/unexpected fault address 0x1001000/);
    expect(() => a.set(600, 1, 1)).toThrow(/not mapped/);
  });
});
