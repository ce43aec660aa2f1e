// The Example 5-3 walk-through ("How Go uses memory resources", Efficient
// Go): a process maps a 600 MiB file read-only and shared, reads three bytes,
// unmaps it; then the anonymous counterpart (a 600 MiB private mapping, one
// byte written at the same offsets, then every byte), with and without
// MADV_HUGEPAGE. Only kernel calls are involved, so it lives with the kernel
// model; examples/mmap-file.ts and `gomem demo mmap-file` print it.
//
// The process is a Go 1.23.5 hello binary as this machine built it, with the
// runtime's start-up mmaps replayed from strace (setarch -R), so VSZ starts
// where a real Go program's does. The real program's numbers for each step
// are in docs/fidelity/kernel.md and test/kernel/walkthrough.test.ts.

import {
  MADV_HUGEPAGE,
  MADV_NOHUGEPAGE,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  MAP_SHARED,
  PROT_EXEC,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
} from './constants.ts';
import type { ExecImage } from './exec.ts';
import { Machine } from './machine.ts';
import type { Process } from './process.ts';
import { renderSmapsEntry } from './procfs.ts';
import { renderPsHeader, renderPsRow } from './ps.ts';

const MiB = 1024 * 1024;

/** readelf -lW of a Go 1.23.5 "hello" built on this machine (2278215 bytes). */
export const GO_HELLO_IMAGE: ExecImage = {
  path: '/tmp/gomem/hello',
  fileSize: 2278215,
  segments: [
    { offset: 0x000000, vaddr: 0x400000, filesz: 0x09d711, memsz: 0x09d711, prot: PROT_READ | PROT_EXEC },
    { offset: 0x09e000, vaddr: 0x49e000, filesz: 0x0c1868, memsz: 0x0c1868, prot: PROT_READ },
    { offset: 0x160000, vaddr: 0x560000, filesz: 0x00a7e0, memsz: 0x02e240, prot: PROT_READ | PROT_WRITE },
  ],
};

const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

/**
 * The Go 1.23.5 runtime's memory syscalls before main runs (strace -f on
 * this machine, ASLR off): [addr, len, prot, flags] for mmap, or
 * [addr, len, advice] for madvise. Pages the runtime touches are not
 * replayed (the walk-through looks at differences).
 */
const GO_STARTUP: readonly (readonly number[])[] = [
  [0, 262144, RW, ANON],
  [0, 131072, PROT_NONE, ANON],
  [0, 1048576, PROT_NONE, ANON],
  [0, 8388608, PROT_NONE, ANON],
  [0, 67108864, PROT_NONE, ANON],
  [0, 536870912, PROT_NONE, ANON],
  [0, 536870912, PROT_NONE, ANON],
  [0xc000000000, 67108864, PROT_NONE, ANON],
  [0, 33554432, RW, ANON],
  [-1, 33554432, MADV_NOHUGEPAGE],
  [0, 68624, RW, ANON],
  [0xc000000000, 4194304, RW, ANON | MAP_FIXED],
  [0x7ffff7f97000, 131072, RW, ANON | MAP_FIXED],
  [0x7ffff7f17000, 4096, RW, ANON | MAP_FIXED],
  [0x7ffff7a06000, 4096, RW, ANON | MAP_FIXED],
  [0x7ffff5630000, 4096, RW, ANON | MAP_FIXED],
  [0x7fffe3780000, 4096, RW, ANON | MAP_FIXED],
  [0x7fffc3780000, 4096, RW, ANON | MAP_FIXED],
  [0, 1048576, RW, ANON],
  [-1, 1048576, MADV_NOHUGEPAGE],
  [0, 65536, RW, ANON],
  [0, 65536, RW, ANON],
  [0, 262144, RW, ANON],
  [0, 262144, RW, ANON],
];

/** Spawns the Go hello image and replays the runtime's start-up mappings. */
export function spawnGoHello(m: Machine, comm = 'mmapfile'): Process {
  if (m.fs.lookup(GO_HELLO_IMAGE.path) === undefined) m.fs.create(GO_HELLO_IMAGE.path, GO_HELLO_IMAGE.fileSize);
  const p = m.spawn({ comm, exe: GO_HELLO_IMAGE, argv: [`./${comm}`] });
  p.threads = 4; // a Go program has 4 threads by main (measured: Threads: 4)
  p.handlesSigsegv = true;
  let last = 0;
  for (const c of GO_STARTUP) {
    if (c.length === 3) p.madvise(last, c[1]!, c[2]!);
    else last = p.mmap(c[0]!, c[1]!, c[2]!, c[3]!, -1, 0);
  }
  return p;
}

export interface WalkStep {
  label: string;
  vszKb: number;
  rssKb: number;
  rssFileKb: number;
  rssAnonKb: number;
  /** The mapping's smaps numbers (0 when unmapped). */
  mappingRssKb: number;
  anonHugeKb: number;
  /** The file's pages in the page cache, kB. */
  cachedKb: number;
  psRow: string;
  /** The mapping's smaps entry, if mapped. */
  smaps?: string;
}

export interface Walkthrough {
  file: WalkStep[];
  anon: WalkStep[];
  anonHuge: WalkStep[];
}

export interface WalkOptions {
  /** Size of the file and of the anonymous mappings; default 600 MiB. */
  size?: number;
  /** Offsets read (file) or written (anonymous); default 5000, 100000, 104000. */
  offsets?: readonly number[];
  /** The file's path and inode (to match a real capture). */
  path?: string;
  ino?: number;
}

/** Runs the three walk-throughs on fresh machines and returns every step. */
export function mmapFileWalkthrough(opts: WalkOptions = {}): Walkthrough {
  const size = opts.size ?? 600 * MiB;
  const offsets = opts.offsets ?? [5000, 100000, 104000];
  const path = opts.path ?? '/tmp/gomem/data600';
  const step = (m: Machine, p: Process, label: string, addr: number): WalkStep => {
    const v = addr === 0 ? undefined : p.mm.findVma(addr) ?? undefined;
    const f = m.fs.lookup(path);
    return {
      label,
      vszKb: p.vmSize / 1024,
      rssKb: p.vmRss / 1024,
      rssFileKb: p.rssFile / 1024,
      rssAnonKb: p.rssAnon / 1024,
      mappingRssKb: v === undefined ? 0 : v.rss / 1024,
      anonHugeKb: v === undefined ? 0 : v.anonHugePages / 1024,
      cachedKb: f === undefined ? 0 : m.pageCache.cachedPages(f) * 4,
      psRow: renderPsRow(p),
      ...(v === undefined ? {} : { smaps: renderSmapsEntry(p, v) }),
    };
  };

  // 1. The file, mapped read-only and shared (syscall.Mmap(fd, 0, size, PROT_READ, MAP_SHARED)).
  const m1 = new Machine({ memTotal: 24684092 * 1024 });
  m1.fs.create(path, size, opts.ino === undefined ? {} : { ino: opts.ino });
  const p1 = spawnGoHello(m1);
  const file: WalkStep[] = [step(m1, p1, 'start', 0)];
  const fd = p1.open(path);
  const a = p1.mmap(0, size, PROT_READ, MAP_SHARED, fd, 0);
  file.push(step(m1, p1, 'mmap', a));
  for (const off of offsets) {
    p1.read(a + off, 1);
    file.push(step(m1, p1, `read @${off}`, a));
  }
  p1.munmap(a, size);
  file.push(step(m1, p1, 'munmap', 0));

  // 2. and 3. The anonymous counterpart, without and with MADV_HUGEPAGE.
  const anonWalk = (huge: boolean): WalkStep[] => {
    const m = new Machine({ memTotal: 24684092 * 1024 });
    const p = spawnGoHello(m);
    const out: WalkStep[] = [step(m, p, 'start', 0)];
    const b = p.mmap(0, size, RW, ANON, -1, 0);
    if (huge) p.madvise(b, size, MADV_HUGEPAGE);
    out.push(step(m, p, huge ? 'mmap+MADV_HUGEPAGE' : 'mmap', b));
    for (const off of offsets) {
      p.write(b + off, 1);
      out.push(step(m, p, `write @${off}`, b));
    }
    p.write(b, size);
    out.push(step(m, p, 'write all', b));
    p.munmap(b, size);
    out.push(step(m, p, 'munmap', 0));
    return out;
  };
  return { file, anon: anonWalk(false), anonHuge: anonWalk(true) };
}

function table(title: string, steps: readonly WalkStep[], cols: readonly [string, (s: WalkStep) => number][]): string {
  let out = `${title}\n`;
  out += '  ' + 'step'.padEnd(20) + cols.map(([h]) => h.padStart(18)).join('') + '\n';
  let prev: WalkStep | undefined;
  for (const s of steps) {
    out += '  ' + s.label.padEnd(20);
    for (const [, get] of cols) {
      const v = get(s);
      const d = prev === undefined ? '' : ` (${v - get(prev) >= 0 ? '+' : ''}${v - get(prev)})`;
      out += (String(v) + d).padStart(18);
    }
    out += '\n';
    prev = s;
  }
  return out;
}

/** The walk-through as text: tables of the numbers, a ps row and the mapping's smaps entry at each step. */
export function formatWalkthrough(w: Walkthrough): string {
  let out = 'Example 5-3 on the gomem model of Linux 6.18 (x86_64, 4 KiB pages, THP madvise)\n';
  out += 'A Go 1.23 process (runtime start-up mappings replayed) maps a 600 MiB file with\n';
  out += 'PROT_READ, MAP_SHARED, reads one byte at 5000, 100000 and 104000, and unmaps it.\n\n';
  out += table('File mapping (kB)', w.file, [
    ['VSZ', (s) => s.vszKb],
    ['RSS', (s) => s.rssKb],
    ['RssFile', (s) => s.rssFileKb],
    ['cached', (s) => s.cachedKb],
  ]);
  out += '  Real Go 1.23.5 on this machine, cold or warm cache: VmSize +614400, then RssFile\n';
  out += '  +0, +64, +64, +0 kB, and back to the start after munmap. One read faults in one\n';
  out += '  64 KiB fault-around window; the second read is 24 pages further, in the next window.\n';
  for (const s of w.file) {
    out += `\n  ── ${s.label} ──\n  ${renderPsHeader()}\n  ${s.psRow}\n`;
    if (s.smaps !== undefined) out += indent(s.smaps);
  }
  out += '\nThe anonymous counterpart: mmap(NULL, 600 MiB, RW, MAP_PRIVATE|MAP_ANONYMOUS),\none byte written at the same offsets, then every byte.\n\n';
  const cols: [string, (s: WalkStep) => number][] = [
    ['VSZ', (s) => s.vszKb],
    ['RSS', (s) => s.rssKb],
    ['RssAnon', (s) => s.rssAnonKb],
    ['AnonHuge', (s) => s.anonHugeKb],
  ];
  out += table('Anonymous, no madvise (kB)', w.anon, cols);
  out += '\n' + table('Anonymous with MADV_HUGEPAGE (kB)', w.anonHuge, cols);
  out += '\n  One written byte costs a 4 KiB page; with MADV_HUGEPAGE it costs the whole 2 MiB\n';
  out += '  huge page around it, and the next two bytes cost nothing more (real Go 1.23.5 on\n';
  out += '  this machine: the mapping\'s Rss 4, 8, 12 kB vs. 2048, 2048, 2048 kB; 614400 kB both\n';
  out += '  when all written, AnonHugePages 0 vs. 614400 kB).\n';
  out += '\n  ps aux, anonymous with MADV_HUGEPAGE:\n  ' + renderPsHeader() + '\n';
  for (const s of w.anonHuge) out += `  ${s.psRow}    ← ${s.label}\n`;
  return out;
}

function indent(s: string): string {
  return s
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => '    ' + l + '\n')
    .join('');
}
