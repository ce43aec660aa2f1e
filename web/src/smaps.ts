// /proc/PID/smaps at the cursor, as far as a snapshot tells it: each
// mapping's range, permissions, name, Size, Rss, Anonymous, LazyFree and
// AnonHugePages, counted from the snapshot's page runs as Linux's
// smaps_pte_range counts them (the zero page and kernel pages are mapped
// but not in Rss; lazily freed pages are Anonymous and LazyFree until
// reclaimed), and the totals the checkpoints' smaps_summary carries.

import type { SnapshotMapping } from '../../src/trace/reader.ts';
import type { AddrMap } from './addrmap.ts';
import { time } from './fmt.ts';

/** Linux's vm_flags bits that smaps shows. */
const VM_READ = 0x1;
const VM_WRITE = 0x2;
const VM_EXEC = 0x4;
const VM_SHARED = 0x8;
const VM_HUGEPAGE = 0x20000000;
const VM_NOHUGEPAGE = 0x40000000;

export interface SmapsRow {
  range: string;
  perms: string;
  name: string;
  size_kB: number;
  rss_kB: number;
  anon_kB: number;
  lazyfree_kB: number;
  anonhuge_kB: number;
  /** 'hg' (MADV_HUGEPAGE), 'nh' (MADV_NOHUGEPAGE) or ''. */
  thp: string;
}

export function smapsRow(v: SnapshotMapping): SmapsRow {
  const f = v.flags;
  const perms = `${f & VM_READ ? 'r' : '-'}${f & VM_WRITE ? 'w' : '-'}${f & VM_EXEC ? 'x' : '-'}${f & VM_SHARED ? 's' : 'p'}`;
  let rss = 0;
  let anon = 0;
  let lazyfree = 0;
  let anonhuge = 0;
  for (const r of v.runs) {
    const kb = r.pages * 4;
    if (r.state === 'zero' || r.state === 'pfn' || r.state === 'none') continue;
    rss += kb;
    if (r.state === 'anon' || r.state === 'lazyfree') {
      anon += kb;
      if (r.huge) anonhuge += kb;
    }
    if (r.state === 'lazyfree') lazyfree += kb;
  }
  return {
    range: `${v.start.toString(16)}-${v.end.toString(16)}`,
    perms,
    name: v.name,
    size_kB: (v.end - v.start) / 1024,
    rss_kB: rss,
    anon_kB: anon,
    lazyfree_kB: lazyfree,
    anonhuge_kB: anonhuge,
    thp: f & VM_HUGEPAGE ? 'hg' : f & VM_NOHUGEPAGE ? 'nh' : '',
  };
}

/**
 * The vsyscall page: smaps lists it after the process's mappings on x86-64
 * (the kernel's gate area, at the same address in every process), though it
 * is no VMA of the process and VmSize leaves it out.
 */
export const vsyscallRow: SmapsRow = { range: 'ffffffffff600000-ffffffffff601000', perms: '--xp', name: '[vsyscall]', size_kB: 4, rss_kB: 0, anon_kB: 0, lazyfree_kB: 0, anonhuge_kB: 0, thp: '' };

/** smaps's entries in its order: the mappings, then [vsyscall]. */
export function smapsRows(m: AddrMap): SmapsRow[] {
  return [...m.vmas.map(smapsRow), vsyscallRow];
}

/** The panel's text: a line per mapping, then the totals. */
export function smapsText(m: AddrMap | null): string {
  if (m === null) return '(no snapshot yet)';
  const rows = smapsRows(m);
  const lines = [`/proc/PID/smaps as of the snapshot at ${time(m.snapshot.t)} (record ${m.snapshot.record + 1}), kB`, `${'mapping'.padEnd(27)} perms ${'Size'.padStart(9)} ${'Rss'.padStart(8)} ${'Anon'.padStart(8)} ${'LazyFree'.padStart(8)} ${'AnonHuge'.padStart(8)} thp  name`];
  const total = { size: 0, rss: 0, anon: 0, lazyfree: 0, anonhuge: 0 };
  for (const r of rows) {
    lines.push(`${r.range.padEnd(27)} ${r.perms}  ${String(r.size_kB).padStart(9)} ${String(r.rss_kB).padStart(8)} ${String(r.anon_kB).padStart(8)} ${String(r.lazyfree_kB).padStart(8)} ${String(r.anonhuge_kB).padStart(8)} ${r.thp.padEnd(4)} ${r.name}`);
    total.size += r.size_kB;
    total.rss += r.rss_kB;
    total.anon += r.anon_kB;
    total.lazyfree += r.lazyfree_kB;
    total.anonhuge += r.anonhuge_kB;
  }
  lines.push(`${`${rows.length} mappings`.padEnd(27)}        ${String(total.size).padStart(9)} ${String(total.rss).padStart(8)} ${String(total.anon).padStart(8)} ${String(total.lazyfree).padStart(8)} ${String(total.anonhuge).padStart(8)}`);
  return lines.join('\n');
}
