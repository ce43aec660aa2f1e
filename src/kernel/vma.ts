// A virtual memory area (struct vm_area_struct, include/linux/mm_types.h):
// a page-aligned range with one protection, one set of vm_flags and one
// backing (anonymous memory, a file, or a kernel special mapping), plus the
// per-VMA page counters that /proc/PID/smaps prints. Linux walks the page
// tables to produce smaps; the model keeps the same numbers as counters that
// every page-state change updates, so reading them is O(1).
//
// Counters are in pages, except pss* which are in smaps' fixed point
// (bytes << PSS_SHIFT, PSS_SHIFT = 12: a page mapped once adds 2^24).

import {
  MAP_ANONYMOUS,
  MAP_PRIVATE,
  MAP_SHARED,
  PAGE_SIZE,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
  VM_EXEC,
  VM_MAYSHARE,
  VM_READ,
  VM_WRITE,
} from './constants.ts';
import type { File, OpenFile } from './fs.ts';
import type { Mm } from './mm.ts';
import { pssShare } from './pagecache.ts';

/** Kernel special mappings installed at exec (arch/x86/entry/vdso/vma.c). */
export const SPECIAL_NONE = 0;
export const SPECIAL_VVAR = 1;
export const SPECIAL_VVAR_VCLOCK = 2;
export const SPECIAL_VDSO = 3;
export const SPECIAL_STACK = 4;

/** 2^24: Pss of one page mapped by one PTE, in smaps' fixed point. */
export const PSS_ONE = 16777216;

export class Vma {
  /** anon_vma identity: 0 until the first anonymous page is faulted in (anon_vma_prepare). */
  anonVma = 0;

  // ── counters (pages) ──
  /** Anonymous pages (incl. lazily freed ones and those inside huge pages). */
  anon = 0;
  /** Anonymous pages after MADV_FREE, still clean. */
  lazy = 0;
  /** Anonymous pages mapped by a huge PMD. */
  anonHuge = 0;
  /** Page-cache pages mapped (file or shmem). */
  filePages = 0;
  /** Of `filePages`: pages whose mapcount is ≥ 2. */
  fileShared = 0;
  /** Of `filePages`: dirty pages. */
  fileDirty = 0;
  /** Of `filePages`: shared and dirty. */
  fileSharedDirty = 0;
  /** Pss of the mapped page-cache pages, fixed point. */
  pssFile = 0;
  /** Pss of the dirty mapped page-cache pages, fixed point. */
  pssFileDirty = 0;

  constructor(
    readonly mm: Mm,
    public start: number,
    public end: number,
    /** vm_flags: VM_* bits, access bits included. */
    public vmFlags: number,
    /** vm_pgoff: file offset in pages; start / 4096 for private anonymous memory. */
    public pgoff: number,
    /** vm_file, or null for anonymous memory. */
    readonly vmFile: OpenFile | null,
    /** SPECIAL_*: the [stack], [vvar], [vvar_vclock] or [vdso] mapping. */
    readonly special: number = 0,
  ) {}

  get size(): number {
    return this.end - this.start;
  }

  get pages(): number {
    return (this.end - this.start) / PAGE_SIZE;
  }

  /** True for private anonymous memory (vma_is_anonymous: no vm_ops), special mappings excluded. */
  get isAnonymous(): boolean {
    return this.vmFile === null && (this.special === 0 || this.special === SPECIAL_STACK);
  }

  /** The backing file (or shmem object), if any. */
  get file(): File | undefined {
    return this.vmFile === null ? undefined : this.vmFile.file;
  }

  // ── the public face (Process.vmas()) ──

  /** PROT_* bits. */
  get prot(): number {
    const f = this.vmFlags;
    return (f & VM_READ ? PROT_READ : 0) | (f & VM_WRITE ? PROT_WRITE : 0) | (f & VM_EXEC ? PROT_EXEC : 0);
  }

  /** MAP_SHARED or MAP_PRIVATE, plus MAP_ANONYMOUS, as the mapping was created. */
  get flags(): number {
    const type = this.vmFlags & VM_MAYSHARE ? MAP_SHARED : MAP_PRIVATE;
    const anon = this.vmFile === null || this.vmFile.file.shmem ? MAP_ANONYMOUS : 0;
    return type | anon;
  }

  /** File offset in bytes (0 for anonymous memory, as maps prints it). */
  get offset(): number {
    return this.vmFile === null || this.vmFile.file.shmem ? 0 : this.pgoff * PAGE_SIZE;
  }

  /** The name column of /proc/PID/maps: a path, [heap], [stack], [vdso] …, or ''. */
  get name(): string {
    return this.mm.vmaName(this);
  }

  /** Bytes resident (Rss). */
  get rss(): number {
    return (this.anon + this.filePages) * PAGE_SIZE;
  }

  /** Proportional set size in bytes (rounded down to a whole byte as smaps does before printing kB). */
  get pss(): number {
    return Math.floor((this.anon * PSS_ONE + this.pssFile) / 4096);
  }

  get pssDirty(): number {
    return Math.floor(((this.anon - this.lazy) * PSS_ONE + this.pssFileDirty) / 4096);
  }

  get sharedClean(): number {
    return (this.fileShared - this.fileSharedDirty) * PAGE_SIZE;
  }

  get sharedDirty(): number {
    return this.fileSharedDirty * PAGE_SIZE;
  }

  get privateClean(): number {
    return (this.lazy + (this.filePages - this.fileShared) - (this.fileDirty - this.fileSharedDirty)) * PAGE_SIZE;
  }

  get privateDirty(): number {
    return (this.anon - this.lazy + (this.fileDirty - this.fileSharedDirty)) * PAGE_SIZE;
  }

  get anonymous(): number {
    return this.anon * PAGE_SIZE;
  }

  get lazyFree(): number {
    return this.lazy * PAGE_SIZE;
  }

  get anonHugePages(): number {
    return this.anonHuge * PAGE_SIZE;
  }

  /** Adds (sign +1) or removes (−1) one mapped page-cache page with the given mapcount and dirtiness. */
  fileContrib(mapcount: number, dirty: boolean, sign: number): void {
    const share = pssShare(mapcount) * sign;
    this.filePages += sign;
    this.pssFile += share;
    if (mapcount >= 2) this.fileShared += sign;
    if (dirty) {
      this.fileDirty += sign;
      this.pssFileDirty += share;
      if (mapcount >= 2) this.fileSharedDirty += sign;
    }
  }

  /** Zeroes every counter (before a recount). */
  resetCounters(): void {
    this.anon = this.lazy = this.anonHuge = 0;
    this.filePages = this.fileShared = this.fileDirty = this.fileSharedDirty = 0;
    this.pssFile = this.pssFileDirty = 0;
  }

  /** Moves this VMA's counters into `into` (a merge). */
  addCountersTo(into: Vma): void {
    into.anon += this.anon;
    into.lazy += this.lazy;
    into.anonHuge += this.anonHuge;
    into.filePages += this.filePages;
    into.fileShared += this.fileShared;
    into.fileDirty += this.fileDirty;
    into.fileSharedDirty += this.fileSharedDirty;
    into.pssFile += this.pssFile;
    into.pssFileDirty += this.pssFileDirty;
  }

  /** Subtracts `part`'s counters from this one (after a split recounted the part). */
  subtractCounters(part: Vma): void {
    this.anon -= part.anon;
    this.lazy -= part.lazy;
    this.anonHuge -= part.anonHuge;
    this.filePages -= part.filePages;
    this.fileShared -= part.fileShared;
    this.fileDirty -= part.fileDirty;
    this.fileSharedDirty -= part.fileSharedDirty;
    this.pssFile -= part.pssFile;
    this.pssFileDirty -= part.pssFileDirty;
  }

  toString(): string {
    return `${this.start.toString(16)}-${this.end.toString(16)}`;
  }
}
