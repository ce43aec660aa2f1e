// Page-touch throughput of the kernel model (src/kernel): how fast simulated
// memory can be faulted in, and what an access to already-resident memory
// costs (the Go allocator model calls Process.write on its hot paths).
// Prints one JSON line per case.
//
//   npm run bench -- pagetouch

import { performance } from 'node:perf_hooks';
import { Machine, MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, MADV_HUGEPAGE, PROT_EXEC, PROT_READ, PROT_WRITE, type Process } from '../src/kernel/index.ts';
import { nsPerOp, printResult } from './timing.ts';

const MiB = 1024 * 1024;
const SIZE = 600 * MiB;
const PAGES = SIZE / 4096;

function proc(m: Machine): Process {
  return m.spawn({
    comm: 'bench',
    exe: {
      path: '/bench',
      fileSize: 1 << 20,
      segments: [{ offset: 0, vaddr: 0x400000, filesz: 1 << 20, memsz: 1 << 20, prot: PROT_READ | PROT_EXEC }],
    },
  });
}

/** Runs f `rounds` times; returns [best, first] in ms (the first run includes JIT warm-up). */
function best(rounds: number, f: () => number): [number, number] {
  let b = Infinity;
  let first = 0;
  for (let i = 0; i < rounds; i++) {
    const t = f();
    if (i === 0) first = t;
    b = Math.min(b, t);
  }
  return [b, first];
}

export function run(): void {
  // 600 MiB anonymous, one 1-byte write per page: 153600 write faults.
  const [pageByPage, pageByPageFirst] = best(3, () => {
    const p = proc(new Machine());
    const a = p.mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    const t0 = performance.now();
    for (let off = 0; off < SIZE; off += 4096) p.write(a + off, 1);
    return performance.now() - t0;
  });
  printResult({ bench: 'pagetouch', case: 'anon-600MiB-page-by-page', ms: +pageByPage.toFixed(1), firstRunMs: +pageByPageFirst.toFixed(1), pagesPerHostSecond: Math.round(PAGES / (pageByPage / 1000)) });

  // The same, as one write(addr, 600 MiB).
  const [whole, wholeFirst] = best(3, () => {
    const p = proc(new Machine());
    const a = p.mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    const t0 = performance.now();
    p.write(a, SIZE);
    return performance.now() - t0;
  });
  printResult({ bench: 'pagetouch', case: 'anon-600MiB-one-write', ms: +whole.toFixed(1), firstRunMs: +wholeFirst.toFixed(1), pagesPerHostSecond: Math.round(PAGES / (whole / 1000)) });

  // With MADV_HUGEPAGE: 300 huge-page faults.
  const [huge, hugeFirst] = best(3, () => {
    const p = proc(new Machine());
    const a = p.mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p.madvise(a, SIZE, MADV_HUGEPAGE);
    const t0 = performance.now();
    for (let off = 0; off < SIZE; off += 4096) p.write(a + off, 1);
    return performance.now() - t0;
  });
  printResult({ bench: 'pagetouch', case: 'anon-600MiB-page-by-page-thp', ms: +huge.toFixed(1), firstRunMs: +hugeFirst.toFixed(1), pagesPerHostSecond: Math.round(PAGES / (huge / 1000)) });

  // A 600 MiB shared file mapping read page by page (fault-around, readahead, page cache).
  const [file, fileFirst] = best(3, () => {
    const m = new Machine();
    m.fs.create('/data', SIZE);
    const p = proc(m);
    const a = p.mmap(0, SIZE, PROT_READ, MAP_SHARED, p.open('/data'), 0);
    const t0 = performance.now();
    for (let off = 0; off < SIZE; off += 4096) p.read(a + off, 1);
    return performance.now() - t0;
  });
  printResult({ bench: 'pagetouch', case: 'file-600MiB-page-by-page', ms: +file.toFixed(1), firstRunMs: +fileFirst.toFixed(1), pagesPerHostSecond: Math.round(PAGES / (file / 1000)) });

  // The hot path: 8-byte writes to resident memory, moving 64 bytes at a time through 64 MiB.
  {
    const p = proc(new Machine());
    const len = 64 * MiB;
    const a = p.mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p.write(a, len);
    let off = 0;
    const ns = nsPerOp((n) => {
      for (let i = 0; i < n; i++) {
        p.write(a + off, 8);
        off += 64;
        if (off >= len) off = 0;
      }
    });
    printResult({ bench: 'pagetouch', case: 'resident-write-8B', nsPerOp: +ns.toFixed(1) });
    const nsRead = nsPerOp((n) => {
      for (let i = 0; i < n; i++) {
        p.read(a + off, 8);
        off += 64;
        if (off >= len) off = 0;
      }
    });
    printResult({ bench: 'pagetouch', case: 'resident-read-8B', nsPerOp: +nsRead.toFixed(1) });
  }
}
