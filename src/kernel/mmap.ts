// mmap(2), munmap(2), mprotect(2) and brk(2) on the model's address space:
// mm/mmap.c do_mmap, mm/vma.c __mmap_region / do_vmi_munmap, mm/mprotect.c
// do_mprotect_pkey / mprotect_fixup, mm/mmap.c brk, with the commit
// accounting of mm/util.c __vm_enough_memory. Each returns the address or 0
// on success and −errno on failure, with the errno Linux returns (each
// checked against this machine, see test/kernel/errors.test.ts).

import {
  EACCES,
  EBADF,
  EEXIST,
  EINVAL,
  ENODEV,
  ENOMEM,
  EOVERFLOW,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_SHARED_VALIDATE,
  MAP_TYPE,
  PAGE_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  STACK_GUARD_GAP,
  TASK_SIZE,
  VM_ACCESS_FLAGS,
  VM_ACCOUNT,
  VM_EXEC,
  VM_GROWSDOWN,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_NORESERVE,
  VM_READ,
  VM_SHARED,
  VM_WRITE,
  pageAlignUp,
} from './constants.ts';
import { OpenFile } from './fs.ts';
import type { Mm } from './mm.ts';
import type { Process } from './process.ts';
import { getUnmappedArea } from './unmapped_area.ts';
import { Vma } from './vma.ts';
import { zapRange } from './zap.ts';

/** PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP, accepted by mprotect. */
const PROT_OTHER_OK = 0x8 | 0x01000000 | 0x02000000;

/** calc_vm_prot_bits. */
export function protToVmFlags(prot: number): number {
  return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
}

/** __vm_enough_memory: may `pages` more be committed under vm.overcommit_memory? */
export function vmEnoughMemory(mm: Mm, pages: number): boolean {
  const m = mm.machine;
  const ram = Math.floor(m.memTotal / PAGE_SIZE);
  switch (m.overcommitMemory) {
    case 1:
      return true;
    case 0:
      return pages <= ram; // no swap
    default: {
      // OVERCOMMIT_NEVER: ratio 50 %, minus admin_reserve_kbytes (8 MiB) for root.
      const allowed = Math.floor((ram * m.overcommitRatio) / 100) - (8 * 1024 * 1024) / PAGE_SIZE;
      return m.committedPages + pages <= allowed;
    }
  }
}

/** accountable_mapping: private writable mappings without MAP_NORESERVE are charged to the commit. */
function accountable(vmFlags: number): boolean {
  return (vmFlags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) === VM_WRITE;
}

export function doMmap(proc: Process, addr: number, length: number, prot: number, flags: number, fd: number, offset: number): number {
  const mm = proc.mm;
  if (offset % PAGE_SIZE !== 0 || offset < 0) return -EINVAL;
  const anon = (flags & MAP_ANONYMOUS) !== 0;
  let of: OpenFile | null = null;
  if (!anon) {
    of = proc.fdTable.get(fd) ?? null;
    if (of === null) return -EBADF;
  }
  if (length === 0) return -EINVAL;
  const type = flags & MAP_TYPE;
  if (anon ? type !== MAP_SHARED && type !== MAP_PRIVATE : type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  const shared = type !== MAP_PRIVATE;
  if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
  const len = pageAlignUp(length);
  if (len === 0 || !Number.isFinite(len)) return -ENOMEM;
  const pgoff = offset / PAGE_SIZE;
  if (!Number.isSafeInteger(pgoff + len / PAGE_SIZE)) return -EOVERFLOW;
  if (mm.vmas.length >= mm.machine.maxMapCount) return -ENOMEM;

  // Where.
  let start: number;
  if (flags & MAP_FIXED) {
    if (addr % PAGE_SIZE !== 0) return -EINVAL;
    if (len > TASK_SIZE || addr > TASK_SIZE - len) return -ENOMEM;
    start = addr;
  } else {
    let hint = addr;
    if (hint !== 0 && hint < mm.machine.mmapMinAddr) hint = pageAlignUp(mm.machine.mmapMinAddr);
    start = getUnmappedArea(mm, hint, len, of !== null && !of.file.shmem, offset, anon && shared);
    if (start < 0) return start;
  }
  if (flags & MAP_FIXED_NOREPLACE && mm.intersects(start, start + len)) return -EEXIST;

  // vm_flags.
  let vmFlags = protToVmFlags(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  if (of !== null) {
    if (of.file.pinned) return -ENODEV;
    if (shared) {
      if (prot & PROT_WRITE && !of.writable) return -EACCES;
      vmFlags |= VM_SHARED | VM_MAYSHARE;
      if (!of.writable) vmFlags &= ~(VM_MAYWRITE | VM_SHARED);
    }
    if (!of.readable) return -EACCES;
  } else if (shared) {
    vmFlags |= VM_SHARED | VM_MAYSHARE;
  }
  if (flags & MAP_NORESERVE && mm.machine.overcommitMemory !== 2) vmFlags |= VM_NORESERVE;

  // Commit charge, net of what a MAP_FIXED replacement releases.
  let replacedAccounted = 0;
  if (flags & MAP_FIXED) replacedAccounted = accountedPagesIn(mm, start, start + len);
  if (accountable(vmFlags)) {
    const charged = len / PAGE_SIZE - replacedAccounted;
    if (charged > 0 && !vmEnoughMemory(mm, charged)) return -ENOMEM;
    vmFlags |= VM_ACCOUNT;
  }

  // A MAP_FIXED mapping replaces whatever was there.
  if (flags & MAP_FIXED) unmapRange(mm, start, start + len);

  let vmFile = of;
  let vmPgoff = pgoff;
  if (anon && shared) {
    // shmem_zero_setup: the mapping gets its own shmem object.
    vmFile = new OpenFile(mm.machine.fs.createShmem(len), 2, 0);
    vmPgoff = 0;
  } else if (anon) {
    vmPgoff = start / PAGE_SIZE;
  }
  const v = new Vma(mm, start, start + len, vmFlags, vmPgoff, vmFile);
  mm.mergeAt(mm.insert(v));
  return start;
}

/** Pages with VM_ACCOUNT inside [start, end). */
function accountedPagesIn(mm: Mm, start: number, end: number): number {
  let n = 0;
  for (let i = mm.findIndex(start); i < mm.vmas.length; i++) {
    const v = mm.vmas[i]!;
    if (v.start >= end) break;
    if (v.vmFlags & VM_ACCOUNT) n += (Math.min(end, v.end) - Math.max(start, v.start)) / PAGE_SIZE;
  }
  return n;
}

/**
 * Removes every mapping in [start, end): splits the VMAs at the edges, zaps
 * their pages, drops them, frees page tables no VMA needs any more
 * (do_vmi_align_munmap + vms_complete_munmap_vmas).
 */
export function unmapRange(mm: Mm, start: number, end: number): void {
  let i = mm.findIndex(start);
  if (i >= mm.vmas.length || mm.vmas[i]!.start >= end) return;
  mm.updateHiwaterVm();
  mm.updateHiwaterRss();
  if (mm.vmas[i]!.start < start) i = mm.split(i, start);
  let j = i;
  while (j < mm.vmas.length && mm.vmas[j]!.start < end) {
    if (mm.vmas[j]!.end > end) mm.split(j, end);
    j++;
  }
  for (let k = j - 1; k >= i; k--) {
    const v = mm.vmas[k]!;
    zapRange(mm, v, v.start, v.end, false);
    mm.remove(k);
  }
  mm.pgtables.freeUnused(start, end, (lo, hi) => mm.intersects(lo, hi));
}

export function doMunmap(proc: Process, addr: number, length: number): number {
  if (addr % PAGE_SIZE !== 0 || addr > TASK_SIZE || length > TASK_SIZE - addr) return -EINVAL;
  const len = pageAlignUp(length);
  if (len === 0) return -EINVAL;
  unmapRange(proc.mm, addr, addr + len);
  return 0;
}

export function doMprotect(proc: Process, addr: number, length: number, prot: number): number {
  const mm = proc.mm;
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  if (length === 0) return 0;
  const len = pageAlignUp(length);
  const end = addr + len;
  if (end <= addr) return -ENOMEM;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_OTHER_OK)) return -EINVAL;
  let i = mm.findIndex(addr);
  if (i >= mm.vmas.length || mm.vmas[i]!.start > addr) return -ENOMEM;
  let nstart = addr;
  while (nstart < end) {
    const v = mm.vmas[i];
    if (v === undefined || v.start > nstart) return -ENOMEM; // a hole
    const newFlags = protToVmFlags(prot) | (v.vmFlags & ~VM_ACCESS_FLAGS);
    // newflags >> 4 puts VM_MAY* where VM_* is: asking for what the mapping may not have.
    if ((newFlags & ~(newFlags >> 4)) & VM_ACCESS_FLAGS) return -EACCES;
    const tmp = Math.min(v.end, end);
    const r = mprotectFixup(mm, i, nstart, tmp, newFlags);
    if (r < 0) return r;
    i = mm.findIndex(tmp);
    nstart = tmp;
  }
  return 0;
}

/** Changes the flags of [start, end) inside VMA i: commit accounting, split, merge, vm_stat_account. */
function mprotectFixup(mm: Mm, i: number, start: number, end: number, newFlags: number): number {
  const v0 = mm.vmas[i]!;
  const oldFlags = v0.vmFlags;
  if (newFlags === oldFlags) return 0;
  const pages = (end - start) / PAGE_SIZE;
  let charged = 0;
  if (newFlags & VM_WRITE) {
    if (!(oldFlags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE))) {
      if (!vmEnoughMemory(mm, pages)) return -ENOMEM;
      charged = pages;
      newFlags |= VM_ACCOUNT;
    }
  } else if (oldFlags & VM_ACCOUNT && v0.isAnonymous && v0.anonVma === 0) {
    newFlags &= ~VM_ACCOUNT;
  }
  modifyFlags(mm, i, start, end, newFlags);
  if (charged) mm.commit(charged);
  if (oldFlags & VM_ACCOUNT && !(newFlags & VM_ACCOUNT)) mm.commit(-pages);
  return 0;
}

/**
 * vma_modify_flags: gives [start, end) of VMA i the flags `newFlags`,
 * splitting at the edges and merging with neighbours where possible
 * (stat accounting moves with the flags; the commit is the caller's).
 * Returns the index of the VMA now covering `start`.
 */
export function modifyFlags(mm: Mm, i: number, start: number, end: number, newFlags: number): number {
  let v = mm.vmas[i]!;
  if (v.vmFlags === newFlags) return i;
  if (start > v.start) {
    i = mm.split(i, start);
    v = mm.vmas[i]!;
  }
  if (end < v.end) mm.split(i, end);
  const pages = v.pages;
  mm.vmStatAccount(v.vmFlags, -pages);
  v.vmFlags = newFlags;
  mm.vmStatAccount(newFlags, pages);
  return mm.mergeAt(i);
}

export function doBrk(proc: Process, brk: number): number {
  const mm = proc.mm;
  const origBrk = mm.brk;
  if (brk < mm.startBrk) return origBrk;
  const newBrk = pageAlignUp(brk);
  const oldBrk = pageAlignUp(mm.brk);
  if (oldBrk === newBrk) {
    mm.brk = brk;
    return brk;
  }
  if (brk <= mm.brk) {
    mm.brk = brk;
    unmapRange(mm, newBrk, oldBrk);
    return brk;
  }
  // Leave a page and the stack guard gap free below the next mapping.
  const nextI = mm.findIndex(oldBrk);
  const next = mm.vmas[nextI];
  if (next !== undefined) {
    const gap = next.vmFlags & VM_GROWSDOWN ? next.start - STACK_GUARD_GAP : next.start;
    if (newBrk + PAGE_SIZE > gap) return origBrk;
  }
  const pages = (newBrk - oldBrk) / PAGE_SIZE;
  if (!vmEnoughMemory(mm, pages)) return origBrk;
  const flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;
  // do_brk_flags extends the previous brk VMA (one at or above start_brk) or makes a new one.
  const prevI = mm.findIndex(oldBrk - 1);
  const prev = mm.vmas[prevI];
  if (prev !== undefined && prev.end === oldBrk && prev.start >= mm.startBrk && prev.vmFlags === flags && prev.vmFile === null) {
    mm.vmStatAccount(flags, pages);
    mm.commit(pages);
    prev.end = newBrk;
  } else {
    mm.insert(new Vma(mm, oldBrk, newBrk, flags, oldBrk / PAGE_SIZE, null));
  }
  mm.brk = brk;
  return brk;
}

/** Makes [start, end) of the stack VMA grow downwards to cover `addr` (expand_stack), or returns false. */
export function expandStack(proc: Process, i: number, addr: number): boolean {
  const mm = proc.mm;
  const v = mm.vmas[i]!;
  if (!(v.vmFlags & VM_GROWSDOWN)) return false;
  const newStart = addr - (addr % PAGE_SIZE);
  if (v.end - newStart > proc.stackRlimit) return false;
  const prev = i > 0 ? mm.vmas[i - 1] : undefined;
  if (prev !== undefined && newStart - STACK_GUARD_GAP < prev.end) return false;
  const grow = (v.start - newStart) / PAGE_SIZE;
  if (v.vmFlags & VM_ACCOUNT) {
    if (!vmEnoughMemory(mm, grow)) return false;
    mm.commit(grow);
  }
  mm.vmStatAccount(v.vmFlags, grow);
  v.start = newStart;
  v.pgoff -= grow;
  return true;
}

