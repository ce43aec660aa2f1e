// Where mmap(NULL, …) puts a mapping (mm/mmap.c __get_unmapped_area,
// arch/x86/kernel/sys_x86_64.c arch_get_unmapped_area_topdown,
// mm/vma.c unmapped_area_topdown, mm/huge_memory.c __thp_get_unmapped_area):
//
//   1. A hint (no MAP_FIXED), rounded down to a page, is used as is if
//      [hint, hint + len) is free below TASK_SIZE.
//   2. Otherwise the highest gap below mmap_base that fits len is taken, and
//      the mapping is put at the top of it (top-down allocator). If none
//      fits, the lowest gap above TASK_UNMAPPED_BASE (bottom-up fallback).
//   3. 6.x aligns larger mappings for THPs: anonymous mappings whose length
//      is a multiple of 2 MiB (no hint), and files on file systems with
//      thp_get_unmapped_area (ext4) of 2 MiB or more, are searched with
//      len + 2 MiB and then placed on a 2 MiB boundary: rounded up inside the
//      padded gap, or — when the padded gap's start is already aligned and
//      the search is top-down — 2 MiB above it.
//
// Checked address for address against strace of a Go program on this
// machine with ASLR off (test/kernel/placement.test.ts).

import { ENOMEM, HPAGE_PMD_SIZE, PAGE_SIZE, STACK_GUARD_GAP, TASK_SIZE, TASK_UNMAPPED_BASE, VM_GROWSDOWN } from './constants.ts';
import type { Mm } from './mm.ts';

/** The lowest address a gap may start at (info.low_limit = PAGE_SIZE on x86). */
const LOW_LIMIT = PAGE_SIZE;

/** vm_start_gap: a VM_GROWSDOWN VMA keeps stack_guard_gap free below it. */
function startGap(mm: Mm, i: number): number {
  const v = mm.vmas[i];
  if (v === undefined) return TASK_SIZE;
  if (v.vmFlags & VM_GROWSDOWN) return Math.max(0, v.start - STACK_GUARD_GAP);
  return v.start;
}

/** unmapped_area_topdown: the highest gap in [low, high) of at least len bytes; returns its end − len, or −ENOMEM. */
export function unmappedAreaTopdown(mm: Mm, len: number, low: number, high: number): number {
  const vmas = mm.vmas;
  // gap i lies between vmas[i-1].end and vmas[i].start; gap vmas.length is above the last VMA.
  for (let i = vmas.length; i >= 0; i--) {
    const gapStart = i === 0 ? 0 : vmas[i - 1]!.end;
    if (gapStart >= high) continue;
    const gapEnd = Math.min(startGap(mm, i), high);
    const lo = Math.max(gapStart, low);
    if (gapEnd >= lo && gapEnd - lo >= len) return gapEnd - len;
    if (gapStart < low) break;
  }
  return -ENOMEM;
}

/** unmapped_area: the lowest gap in [low, high) of at least len bytes; returns its start, or −ENOMEM. */
export function unmappedAreaBottomup(mm: Mm, len: number, low: number, high: number): number {
  const vmas = mm.vmas;
  for (let i = 0; i <= vmas.length; i++) {
    const gapStart = Math.max(i === 0 ? 0 : vmas[i - 1]!.end, low);
    const gapEnd = Math.min(startGap(mm, i), high);
    if (gapStart >= high) break;
    if (gapEnd > gapStart && gapEnd - gapStart >= len) return gapStart;
  }
  return -ENOMEM;
}

/** arch_get_unmapped_area_topdown without MAP_FIXED: hint first, then top-down, then bottom-up. */
export function archGetUnmappedArea(mm: Mm, hint: number, len: number): number {
  if (len > TASK_SIZE) return -ENOMEM;
  if (hint !== 0) {
    const addr = hint - (hint % PAGE_SIZE);
    if (TASK_SIZE - len >= addr) {
      const i = mm.findIndex(addr);
      if (i >= mm.vmas.length || addr + len <= startGap(mm, i)) return addr;
    }
  }
  const a = unmappedAreaTopdown(mm, len, LOW_LIMIT, mm.mmapBase);
  if (a >= 0) return a;
  return unmappedAreaBottomup(mm, len, TASK_UNMAPPED_BASE, TASK_SIZE);
}

/** __thp_get_unmapped_area: a 2 MiB-aligned placement for [off, off + len), or 0 to fall back. */
function thpGetUnmappedArea(mm: Mm, hint: number, len: number, off: number): number {
  const size = HPAGE_PMD_SIZE;
  const offEnd = off + len;
  const offAlign = Math.ceil(off / size) * size;
  if (offEnd <= offAlign || offEnd - offAlign < size) return 0;
  const lenPad = len + size;
  const ret = archGetUnmappedArea(mm, hint, lenPad);
  if (ret < 0) return 0;
  if (ret === hint) return hint;
  const offSub = (((off - ret) % size) + size) % size;
  if (offSub === 0) return ret + size; // top-down (MMF_TOPDOWN) and already aligned
  return ret + offSub;
}

/**
 * get_unmapped_area for a mapping without MAP_FIXED. `file` says whether
 * the mapping is file-backed (a file on the root ext4 file system, whose
 * get_unmapped_area is thp_get_unmapped_area) and `offBytes` its offset.
 */
export function getUnmappedArea(mm: Mm, hint: number, len: number, file: boolean, offBytes: number, sharedAnon: boolean): number {
  if (len > TASK_SIZE - PAGE_SIZE) return -ENOMEM;
  let addr: number;
  if (file) {
    addr = thpGetUnmappedArea(mm, hint, len, offBytes);
    if (addr === 0) addr = archGetUnmappedArea(mm, hint, len);
  } else if (sharedAnon) {
    // shmem_get_unmapped_area with shmem_enabled=never: no huge alignment.
    addr = archGetUnmappedArea(mm, hint, len);
  } else if (hint === 0 && len % HPAGE_PMD_SIZE === 0) {
    addr = thpGetUnmappedArea(mm, 0, len, 0);
    if (addr === 0) addr = archGetUnmappedArea(mm, 0, len);
  } else {
    addr = archGetUnmappedArea(mm, hint, len);
  }
  if (addr < 0) return addr;
  if (addr > TASK_SIZE - len) return -ENOMEM;
  return addr;
}
