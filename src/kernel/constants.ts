// Linux's numbers for x86_64 with 4 KiB pages and 4-level paging, as the
// 6.18 kernel on this machine uses them (include/uapi/asm-generic/mman*.h,
// include/linux/mm.h, arch/x86/include/asm/page_64_types.h). Values are facts,
// reproduced so that strace lines and /proc renderings read like Linux's.

// ── mmap(2) / mprotect(2) protections ────────────────────────────────────
export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

// ── mmap(2) flags ─────────────────────────────────────────────────────────
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_SHARED_VALIDATE = 0x03;
export const MAP_TYPE = 0x0f;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x100;
export const MAP_DENYWRITE = 0x800;
export const MAP_EXECUTABLE = 0x1000;
export const MAP_LOCKED = 0x2000;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_NONBLOCK = 0x10000;
export const MAP_STACK = 0x20000;
export const MAP_HUGETLB = 0x40000;
export const MAP_SYNC = 0x80000;
export const MAP_FIXED_NOREPLACE = 0x100000;

// ── madvise(2) advice ─────────────────────────────────────────────────────
export const MADV_NORMAL = 0;
export const MADV_RANDOM = 1;
export const MADV_SEQUENTIAL = 2;
export const MADV_WILLNEED = 3;
export const MADV_DONTNEED = 4;
export const MADV_FREE = 8;
export const MADV_HUGEPAGE = 14;
export const MADV_NOHUGEPAGE = 15;
export const MADV_COLLAPSE = 25;

// ── open(2) ───────────────────────────────────────────────────────────────
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;

// ── errno ─────────────────────────────────────────────────────────────────
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const EOVERFLOW = 75;

/** errno → symbol, for strace-style output. */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ESRCH]: 'ESRCH',
  [EBADF]: 'EBADF',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EACCES]: 'EACCES',
  [EFAULT]: 'EFAULT',
  [EEXIST]: 'EEXIST',
  [ENODEV]: 'ENODEV',
  [EINVAL]: 'EINVAL',
  [EOVERFLOW]: 'EOVERFLOW',
};

/** errno → strerror(3) text (glibc's wording, as strace prints it). */
export const ERRNO_TEXT: Readonly<Record<number, string>> = {
  [EPERM]: 'Operation not permitted',
  [ENOENT]: 'No such file or directory',
  [ESRCH]: 'No such process',
  [EBADF]: 'Bad file descriptor',
  [EAGAIN]: 'Resource temporarily unavailable',
  [ENOMEM]: 'Cannot allocate memory',
  [EACCES]: 'Permission denied',
  [EFAULT]: 'Bad address',
  [EEXIST]: 'File exists',
  [ENODEV]: 'No such device',
  [EINVAL]: 'Invalid argument',
  [EOVERFLOW]: 'Value too large for defined data type',
};

// ── Signals ───────────────────────────────────────────────────────────────
export const SIGKILL = 9;
export const SIGSEGV = 11;
/** si_code values for SIGSEGV. */
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;

// ── Sizes ─────────────────────────────────────────────────────────────────
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
/** Pages per PTE table (one table maps 2 MiB). */
export const PTRS_PER_PTE = 512;
export const HPAGE_PMD_SIZE = 2 * 1024 * 1024;
export const HPAGE_PMD_NR = 512;
/** One PMD table maps 1 GiB; one PUD table maps 512 GiB (4-level paging: the P4D level is folded). */
export const PMD_TABLE_SPAN = 1024 * 1024 * 1024;
export const PUD_TABLE_SPAN = 512 * 1024 * 1024 * 1024;

/** Top of user space with 4-level paging: 2^47 − one guard page (TASK_SIZE_MAX). */
export const TASK_SIZE = 0x7ffffffff000;
/** Where the stack's top lies without ASLR (STACK_TOP = TASK_SIZE). */
export const STACK_TOP = TASK_SIZE;
/** mmap_legacy_base without ASLR: PAGE_ALIGN(TASK_SIZE / 3), used when top-down fails. */
export const TASK_UNMAPPED_BASE = 0x2aaaaaaab000;
/** vm.max_map_count default. */
export const DEFAULT_MAX_MAP_COUNT = 65530;
/** RLIMIT_STACK default (ulimit -s 8192). */
export const DEFAULT_STACK_RLIMIT = 8 * 1024 * 1024;
/** stack_guard_gap: 256 pages. */
export const STACK_GUARD_GAP = 256 * PAGE_SIZE;
/** fault_around_bytes default (mm/memory.c). */
export const FAULT_AROUND_BYTES = 65536;
/** MAX_RECLAIM_RETRIES in mm/memcontrol.c's try_charge_memcg. */
export const MAX_RECLAIM_RETRIES = 16;
/** SWAP_CLUSTER_MAX: the least memcg reclaim asks for. */
export const SWAP_CLUSTER_MAX = 32;

// ── vm_flags (include/linux/mm.h), the bits /proc/PID/smaps prints as VmFlags ──
export const VM_READ = 0x1;
export const VM_WRITE = 0x2;
export const VM_EXEC = 0x4;
export const VM_SHARED = 0x8;
export const VM_MAYREAD = 0x10;
export const VM_MAYWRITE = 0x20;
export const VM_MAYEXEC = 0x40;
export const VM_MAYSHARE = 0x80;
export const VM_GROWSDOWN = 0x100;
export const VM_PFNMAP = 0x400;
export const VM_LOCKED = 0x2000;
export const VM_IO = 0x4000;
export const VM_SEQ_READ = 0x8000;
export const VM_RAND_READ = 0x10000;
export const VM_DONTCOPY = 0x20000;
export const VM_DONTEXPAND = 0x40000;
export const VM_ACCOUNT = 0x100000;
export const VM_NORESERVE = 0x200000;
export const VM_DONTDUMP = 0x4000000;
export const VM_MIXEDMAP = 0x10000000;
export const VM_HUGEPAGE = 0x20000000;
export const VM_NOHUGEPAGE = 0x40000000;
/** VM_STACK is VM_GROWSDOWN on x86. */
export const VM_STACK = VM_GROWSDOWN;
/** Mappings that never merge (VM_SPECIAL). */
export const VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;
/** Flags that may differ between two VMAs sharing an anon_vma (VM_ACCESS_FLAGS). */
export const VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC;

/**
 * VmFlags mnemonics by bit number (fs/proc/task_mmu.c show_smap_vma_flags);
 * smaps prints them in bit order, each followed by a space.
 */
export const VM_FLAG_MNEMONICS: readonly (string | undefined)[] = (() => {
  const m: (string | undefined)[] = new Array(32).fill(undefined);
  const set = (flag: number, s: string): void => {
    m[31 - Math.clz32(flag)] = s;
  };
  set(VM_READ, 'rd');
  set(VM_WRITE, 'wr');
  set(VM_EXEC, 'ex');
  set(VM_SHARED, 'sh');
  set(VM_MAYREAD, 'mr');
  set(VM_MAYWRITE, 'mw');
  set(VM_MAYEXEC, 'me');
  set(VM_MAYSHARE, 'ms');
  set(VM_GROWSDOWN, 'gd');
  set(VM_PFNMAP, 'pf');
  set(VM_LOCKED, 'lo');
  set(VM_IO, 'io');
  set(VM_SEQ_READ, 'sr');
  set(VM_RAND_READ, 'rr');
  set(VM_DONTCOPY, 'dc');
  set(VM_DONTEXPAND, 'de');
  set(VM_ACCOUNT, 'ac');
  set(VM_NORESERVE, 'nr');
  set(VM_DONTDUMP, 'dd');
  set(VM_MIXEDMAP, 'mm');
  set(VM_HUGEPAGE, 'hg');
  set(VM_NOHUGEPAGE, 'nh');
  return m;
})();

// ── Names for strace-style rendering ──────────────────────────────────────
/** mmap flag bits after the map type, in strace's order (by value). */
export const MMAP_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [MAP_FIXED, 'MAP_FIXED'],
  [MAP_ANONYMOUS, 'MAP_ANONYMOUS'],
  [0x40, 'MAP_32BIT'],
  [MAP_GROWSDOWN, 'MAP_GROWSDOWN'],
  [MAP_DENYWRITE, 'MAP_DENYWRITE'],
  [MAP_EXECUTABLE, 'MAP_EXECUTABLE'],
  [MAP_LOCKED, 'MAP_LOCKED'],
  [MAP_NORESERVE, 'MAP_NORESERVE'],
  [MAP_POPULATE, 'MAP_POPULATE'],
  [MAP_NONBLOCK, 'MAP_NONBLOCK'],
  [MAP_STACK, 'MAP_STACK'],
  [MAP_HUGETLB, 'MAP_HUGETLB'],
  [MAP_SYNC, 'MAP_SYNC'],
  [MAP_FIXED_NOREPLACE, 'MAP_FIXED_NOREPLACE'],
];

export const MAP_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'MAP_FILE',
  [MAP_SHARED]: 'MAP_SHARED',
  [MAP_PRIVATE]: 'MAP_PRIVATE',
  [MAP_SHARED_VALIDATE]: 'MAP_SHARED_VALIDATE',
};

export const MADV_NAMES: Readonly<Record<number, string>> = {
  [MADV_NORMAL]: 'MADV_NORMAL',
  [MADV_RANDOM]: 'MADV_RANDOM',
  [MADV_SEQUENTIAL]: 'MADV_SEQUENTIAL',
  [MADV_WILLNEED]: 'MADV_WILLNEED',
  [MADV_DONTNEED]: 'MADV_DONTNEED',
  [MADV_FREE]: 'MADV_FREE',
  [MADV_HUGEPAGE]: 'MADV_HUGEPAGE',
  [MADV_NOHUGEPAGE]: 'MADV_NOHUGEPAGE',
  [MADV_COLLAPSE]: 'MADV_COLLAPSE',
};

/** Page count of a byte length, rounding up. */
export function pagesOf(bytes: number): number {
  return Math.ceil(bytes / PAGE_SIZE);
}

/** Rounds a byte address up to a page boundary (PAGE_ALIGN). */
export function pageAlignUp(x: number): number {
  return Math.ceil(x / PAGE_SIZE) * PAGE_SIZE;
}

/** Rounds a byte address down to a page boundary. */
export function pageAlignDown(x: number): number {
  return Math.floor(x / PAGE_SIZE) * PAGE_SIZE;
}
