// A Linux process as its memory sees it (struct task_struct + mm_struct):
// the memory syscalls, the program's loads and stores (which fault pages in),
// and the counters /proc/PID/status and ps read. Accesses follow
// arch/x86/mm/fault.c: no VMA → SIGSEGV (SEGV_MAPERR) unless the stack can
// grow down to the address; a VMA without the permission → SIGSEGV
// (SEGV_ACCERR); otherwise handle_mm_fault (fault.ts).
//
// Process.write/read are the hot path of the whole simulator (the Go
// allocator model calls them for every object it touches): pages that are
// already mapped as needed cost a VMA check and one byte compare each, and a
// 2 MiB region whose 512 pages are all resident anonymous pages is skipped
// as a whole.

import type { Cgroup } from './cgroup.ts';
import {
  EBADF,
  EINVAL,
  ENOENT,
  HPAGE_PMD_SIZE,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
  PAGE_SIZE,
  SEGV_ACCERR,
  SEGV_MAPERR,
  SIGSEGV,
  VM_GROWSDOWN,
  DEFAULT_STACK_RLIMIT,
} from './constants.ts';
import { OomKilled, ProcessExited, SegmentationFault } from './errors.ts';
import type { SyscallName } from './events.ts';
import { handleFault } from './fault.ts';
import { OpenFile } from './fs.ts';
import type { Machine } from './machine.ts';
import { doMadvise } from './madvise.ts';
import { GFP_PGTABLE, tryCharge, uncharge } from './memcontrol.ts';
import { Mm } from './mm.ts';
import { TaskCputime } from './cputime.ts';
import { doBrk, doMmap, doMprotect, doMunmap, expandStack, unmapRange } from './mmap.ts';
import { fileRead } from './readahead.ts';
import type { Vma } from './vma.ts';

export interface ExitInfo {
  /** Exit status as a shell reports it: 137 after SIGKILL, 139 after SIGSEGV. */
  status: number;
  signal?: number;
  /** Kernel log lines (the OOM report) for a kill. */
  kernelLog?: string[];
  /** For an OOM kill: the process's memory at the moment the killer chose it. */
  oom?: OomSnapshot;
}

/** What an OOM-killed process held when it was chosen (before its memory was freed). */
export interface OomSnapshot {
  /** Virtual time of the kill, ns since boot. */
  t: number;
  /** The cgroup whose limit was hit, its usage and limit (pages). */
  cgroup: string;
  usagePages: number;
  maxPages: number;
  rssAnonPages: number;
  rssFilePages: number;
  rssShmemPages: number;
  pgtablesBytes: number;
  totalVmPages: number;
  /** Every mapping: its range, name and resident bytes. */
  mappings: { start: number; end: number; name: string; rss: number; anon: number }[];
}

// The access hot path uses module-local copies of these constants: an
// imported binding is an ES-module live binding that V8 does not fold, and
// reading several per access made Process.write 4x slower (measured under
// tsx: ~110 ns → ~28 ns per resident write). export_test.ts checks they
// equal the named constants.
const HP_SIZE = 2097152; // HPAGE_PMD_SIZE
const PG_SIZE = 4096; // PAGE_SIZE
const ALL_PTES = 512; // PTRS_PER_PTE
const S_NONE = 0; // PTE_NONE
const S_ANON = 2; // PTE_ANON
const S_FILE_W = 5; // PTE_FILE_W
const F_WRITE = 0x2; // VM_WRITE
const F_ACCESS = 0x7; // VM_ACCESS_FLAGS
export const HOT_CONSTANTS = { HP_SIZE, PG_SIZE, ALL_PTES, S_NONE, S_ANON, S_FILE_W, F_WRITE, F_ACCESS } as const;

export interface StatusExtras {
  ppid: number;
  pgid: number;
  sid: number;
  fdSize: number;
  /** Signal masks as status prints them (16 hex digits); a Go program catches most signals: SigCgt fffffffd7fc1feff. */
  sigBlk: string;
  sigIgn: string;
  sigCgt: string;
  voluntaryCtxtSwitches: number;
  nonvoluntaryCtxtSwitches: number;
}

export class Process {
  readonly mm: Mm;
  /** Open file descriptors (0–2 are the terminal and not files of the model). */
  readonly fdTable = new Map<number, OpenFile>();
  /** Threads: in status; set by the runtime as it creates Ms. */
  threads = 1;
  /** Minor and major page faults (min_flt, maj_flt). */
  minflt = 0;
  majflt = 0;
  /** CPU time of the threads (utime, stime, load average samples): their runtime is reported by whoever runs them; ps, top and /proc/PID/stat read it. */
  readonly cputime: TaskCputime;
  /** Scheduler state letter for ps/top/status: 'R' running, 'S' sleeping. */
  state: 'R' | 'S' = 'S';
  /** The program handles SIGSEGV itself (the Go runtime does): a bad access throws but does not end the process. */
  handlesSigsegv = false;
  /** RLIMIT_STACK, bytes. */
  stackRlimit = DEFAULT_STACK_RLIMIT;
  /** Set when the process has ended. */
  exited?: ExitInfo;
  /** Virtual time (ns since boot) of the exec. */
  readonly startTime: number;
  /** Fields of /proc/PID/status that do not concern memory, with this machine's typical values; callers may set them. */
  readonly statusExtras: StatusExtras;

  constructor(
    readonly machine: Machine,
    readonly pid: number,
    /** Command name (task->comm, at most 15 characters). */
    readonly comm: string,
    readonly argv: readonly string[],
    readonly cgroup: Cgroup,
  ) {
    this.mm = new Mm(machine, this);
    this.startTime = machine.clock.now;
    this.cputime = new TaskCputime(this.startTime);
    this.statusExtras = {
      ppid: 1,
      pgid: pid,
      sid: pid,
      fdSize: 256,
      sigBlk: '0000000000000000',
      sigIgn: '0000000000000000',
      sigCgt: '0000000000000000',
      voluntaryCtxtSwitches: 0,
      nonvoluntaryCtxtSwitches: 0,
    };
    cgroup.processes.add(this);
  }

  // ── syscalls ──────────────────────────────────────────────────────────

  mmap(addr: number, length: number, prot: number, flags: number, fd: number, offset: number): number {
    this.alive();
    const ret = doMmap(this, addr, length, prot, flags, fd, offset);
    return this.traced('mmap', [addr, length, prot, flags, fd, offset], ret);
  }

  munmap(addr: number, length: number): number {
    this.alive();
    return this.traced('munmap', [addr, length], doMunmap(this, addr, length));
  }

  mprotect(addr: number, length: number, prot: number): number {
    this.alive();
    return this.traced('mprotect', [addr, length, prot], doMprotect(this, addr, length, prot));
  }

  madvise(addr: number, length: number, advice: number): number {
    this.alive();
    return this.traced('madvise', [addr, length, advice], doMadvise(this, addr, length, advice));
  }

  brk(addr: number): number {
    this.alive();
    return this.traced('brk', [addr], doBrk(this, addr));
  }

  /** open(2) of a file of the model's file system; flags O_RDONLY (default), O_WRONLY or O_RDWR. */
  open(path: string, flags = O_RDONLY): number {
    this.alive();
    const acc = flags & 3;
    let ret: number;
    const f = this.machine.fs.lookup(path);
    if (acc !== O_RDONLY && acc !== O_WRONLY && acc !== O_RDWR) ret = -EINVAL;
    else if (f === undefined) ret = -ENOENT;
    else {
      let fd = 3;
      while (this.fdTable.has(fd)) fd++;
      this.fdTable.set(fd, new OpenFile(f, acc, this.machine.raPages));
      ret = fd;
    }
    if (this.machine.events.wants('syscall')) {
      this.machine.events.emit('syscall', { pid: this.pid, t: this.machine.clock.now, name: 'open', args: [flags], path, ret });
    }
    return ret;
  }

  close(fd: number): number {
    this.alive();
    return this.traced('close', [fd], this.fdTable.delete(fd) ? 0 : -EBADF);
  }

  /** pread(2) through the page cache with readahead; no pages are mapped, RSS does not change. Returns bytes read. */
  pread(fd: number, length: number, offset: number): number {
    this.alive();
    const of = this.fdTable.get(fd);
    let ret: number;
    if (of === undefined || !of.readable) ret = -EBADF;
    else if (offset < 0 || length < 0) ret = -EINVAL;
    else ret = fileRead(this.machine, of, offset, length, this.cgroup, this);
    return this.traced('pread64', [fd, length, offset], ret);
  }

  // ── the program's memory accesses ────────────────────────────────────

  /** The program stores to [addr, addr + length): write faults as needed. */
  write(addr: number, length: number): void {
    if (length > 0) this.access(addr, length, true);
  }

  /** The program loads from [addr, addr + length): read faults as needed. */
  read(addr: number, length: number): void {
    if (length > 0) this.access(addr, length, false);
  }

  private access(addr: number, length: number, write: boolean): void {
    if (this.exited !== undefined) throw new ProcessExited(this.pid);
    const mm = this.mm;
    const pt = mm.pgtables;
    const end = addr + length;
    const need = write ? F_WRITE : F_ACCESS;
    let a = addr;
    while (a < end) {
      let v = mm.lastVma;
      if (v === null || a < v.start || a >= v.end) v = this.vmaFor(a, write);
      if ((v.vmFlags & need) === 0) this.segv(a, SEGV_ACCERR, write);
      const stop = end < v.end ? end : v.end;
      while (a < stop) {
        const index = Math.floor(a / HP_SIZE);
        const base = index * HP_SIZE;
        const regionEnd = stop < base + HP_SIZE ? stop : base + HP_SIZE;
        let t = pt.get(index);
        if (t !== undefined && t.anon === ALL_PTES) {
          a = regionEnd;
          continue;
        }
        let i = Math.floor((a - base) / PG_SIZE);
        const iEnd = Math.ceil((regionEnd - base) / PG_SIZE);
        for (; i < iEnd; i++) {
          if (t !== undefined) {
            const s = t.states[i]!;
            if (write ? s === S_ANON || s === S_FILE_W : s !== S_NONE) continue;
          }
          handleFault(this, v, base + i * PG_SIZE, write);
          if (t === undefined) t = pt.get(index);
        }
        a = regionEnd;
      }
    }
  }

  /** find_vma + expand_stack + access checks for an address outside the cached VMA. */
  private vmaFor(a: number, write: boolean): Vma {
    const mm = this.mm;
    const i = mm.findIndex(a);
    const v = mm.vmas[i];
    if (v === undefined) return this.segv(a, SEGV_MAPERR, write);
    if (v.start > a && !(v.vmFlags & VM_GROWSDOWN && expandStack(this, i, a))) return this.segv(a, SEGV_MAPERR, write);
    mm.lastVma = v;
    return v;
  }

  private segv(addr: number, code: number, write: boolean): never {
    const e = new SegmentationFault(this.pid, addr, code, write);
    if (!this.handlesSigsegv) this.die(128 + SIGSEGV, SIGSEGV);
    throw e;
  }

  // ── accounting (bytes, O(1)) ─────────────────────────────────────────

  get vmSize(): number {
    return this.mm.totalVm * PAGE_SIZE;
  }
  get vmPeak(): number {
    return Math.max(this.mm.hiwaterVm, this.mm.totalVm) * PAGE_SIZE;
  }
  get vmRss(): number {
    return this.mm.rss * PAGE_SIZE;
  }
  get vmHwm(): number {
    return Math.max(this.mm.hiwaterRss, this.mm.rss) * PAGE_SIZE;
  }
  get rssAnon(): number {
    return this.mm.rssAnon * PAGE_SIZE;
  }
  get rssFile(): number {
    return this.mm.rssFile * PAGE_SIZE;
  }
  get rssShmem(): number {
    return this.mm.rssShmem * PAGE_SIZE;
  }
  get vmData(): number {
    return this.mm.dataVm * PAGE_SIZE;
  }
  get vmStk(): number {
    return this.mm.stackVm * PAGE_SIZE;
  }
  /** VmExe: the text segment, capped by exec_vm (fs/proc/task_mmu.c task_mem). */
  get vmExe(): number {
    const mm = this.mm;
    const text = Math.ceil(mm.endCode / PAGE_SIZE) * PAGE_SIZE - Math.floor(mm.startCode / PAGE_SIZE) * PAGE_SIZE;
    return Math.min(text, mm.execVm * PAGE_SIZE);
  }
  /** VmLib: executable mappings other than the text (here: the vDSO). */
  get vmLib(): number {
    return this.mm.execVm * PAGE_SIZE - this.vmExe;
  }
  get vmPte(): number {
    return this.mm.pgtables.bytes;
  }
  /** utime + stime, ns (sum_exec_runtime of the threads). */
  get cpuTimeNs(): number {
    return this.cputime.runtimeNs;
  }

  /** The VMAs in address order. */
  vmas(): readonly Vma[] {
    return this.mm.vmas;
  }

  // ── life and death ───────────────────────────────────────────────────

  /** exit_mmap and release: every page and page table goes, the process leaves its cgroup. */
  die(status: number, signal?: number, kernelLog?: string[], oom?: OomSnapshot): void {
    if (this.exited !== undefined) return;
    const mm = this.mm;
    mm.updateHiwaterRss();
    mm.updateHiwaterVm();
    if (mm.vmas.length > 0) unmapRange(mm, 0, Number.MAX_SAFE_INTEGER - HPAGE_PMD_SIZE);
    mm.pgtables.clear();
    this.fdTable.clear();
    this.exited = { status, ...(signal !== undefined ? { signal } : {}), ...(kernelLog !== undefined ? { kernelLog } : {}), ...(oom !== undefined ? { oom } : {}) };
    this.cgroup.processes.delete(this);
    this.machine.reap(this);
    const ev = this.machine.events;
    if (ev.wants('exit')) ev.emit('exit', { pid: this.pid, t: this.machine.clock.now, status, ...(signal !== undefined ? { signal } : {}) });
  }

  /** exit(2). */
  exit(status: number): void {
    this.die(status & 0xff);
  }

  /**
   * Page tables are charged to the memcg (__GFP_ACCOUNT) under its limit like
   * an anonymous page: over memory.max the charge reclaims, then OOM-kills.
   */
  chargePgtable(bytes: number): void {
    const pages = bytes / PAGE_SIZE;
    if (pages > 0) {
      const req = { proc: this, reclaim: true, oom: true, gfp: GFP_PGTABLE, order: 0 };
      if (!tryCharge(this.machine, this.cgroup, pages, 'pagetables', req)) throw new OomKilled(this.pid, []);
    } else if (pages < 0) uncharge(this.cgroup, -pages, 'pagetables');
  }

  private alive(): void {
    if (this.exited !== undefined) throw new ProcessExited(this.pid);
  }

  private traced(name: SyscallName, args: readonly number[], ret: number): number {
    const ev = this.machine.events;
    if (ev.wants('syscall')) ev.emit('syscall', { pid: this.pid, t: this.machine.clock.now, name, args, ret });
    return ret;
  }
}
