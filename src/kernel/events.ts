// Events the kernel model emits on its EventStream. Observers (StraceWriter,
// recorders, the web view) subscribe; the kernel never calls them directly and
// builds an event only when someone listens (`wants`).

/** The memory syscalls the model implements, named as strace names them. */
export type SyscallName = 'mmap' | 'munmap' | 'mprotect' | 'madvise' | 'brk' | 'open' | 'close' | 'pread64';

export interface SyscallEvent {
  pid: number;
  /** Virtual time of the call, ns. */
  t: number;
  name: SyscallName;
  /** Raw arguments in the syscall's order (numbers; `open` carries its path in `path`). */
  args: readonly number[];
  /** Path argument of open(2). */
  path?: string;
  /** Return value: the result, or −errno. */
  ret: number;
}

/** How a fault was resolved (mm/memory.c handle_pte_fault and friends). */
export type FaultKind =
  | 'anon' // do_anonymous_page, write: a new zeroed page
  | 'zero' // do_anonymous_page, read: the shared zero page
  | 'thp' // do_huge_pmd_anonymous_page: a 2 MiB page
  | 'huge-zero' // the huge zero page
  | 'cow' // wp fault on the zero page / a file page of a private mapping: a private copy
  | 'file' // do_read_fault / do_shared_fault: a page-cache page
  | 'mkwrite' // write to a clean page of a shared file mapping
  | 'reuse'; // write to a lazily-freed page: made dirty again

export interface FaultEvent {
  pid: number;
  t: number;
  addr: number;
  write: boolean;
  kind: FaultKind;
  /** VM_FAULT_MAJOR: the page had to be read from the file. */
  major: boolean;
  /** Pages newly mapped by this fault (fault-around can map up to 16). */
  pages: number;
}

export interface OomEvent {
  t: number;
  /** The cgroup whose limit was hit ("/" for the whole machine). */
  cgroup: string;
  victimPid: number;
  kernelLog: readonly string[];
}

/** Memory reclaim (mm/vmscan.c) freed pages charged to a cgroup: page cache, lazily freed anonymous pages. */
export interface ReclaimEvent {
  t: number;
  /** The cgroup whose subtree was reclaimed ("/" for the whole machine). */
  cgroup: string;
  pages: number;
}

export interface ExitEvent {
  pid: number;
  t: number;
  status: number;
  signal?: number;
}

// A type alias (not an interface) so that it satisfies EventStream's Record<string, object>.
export type KernelEvents = {
  syscall: SyscallEvent;
  fault: FaultEvent;
  oom: OomEvent;
  reclaim: ReclaimEvent;
  exit: ExitEvent;
};
