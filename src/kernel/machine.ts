// One Linux box: RAM, the THP and overcommit settings, the file system and
// its page cache, the cgroup tree, and the processes. Defaults are this
// machine's (x86_64, 6.18, THP "madvise", vm.overcommit_memory 0,
// read_ahead_kb 8192 on the root disk), with 24 GiB of RAM.

import { Clock } from '../sim/clock.ts';
import { EventStream } from '../sim/events.ts';
import { Cgroup } from './cgroup.ts';
import { DEFAULT_MAX_MAP_COUNT, O_RDONLY, PAGE_SIZE } from './constants.ts';
import type { KernelEvents } from './events.ts';
import { execImage, VDSO_PAGES, type ExecImage } from './exec.ts';
import { File, FileSystem, OpenFile } from './fs.ts';
import { PageCache } from './pagecache.ts';
import { Process } from './process.ts';
import { Thp, type ThpMode } from './thp.ts';

export interface MachineOptions {
  /** RAM in bytes (MemTotal); default 24 GiB. */
  memTotal?: number;
  /** /sys/kernel/mm/transparent_hugepage/enabled; default 'madvise'. */
  thp?: ThpMode;
  /** vm.overcommit_memory; default 0. */
  overcommitMemory?: 0 | 1 | 2;
  clock?: Clock;
  events?: EventStream<KernelEvents>;
  /** read_ahead_kb of the disk holding files; default 8192 (this machine's vda). */
  readAheadKb?: number;
  /** Wall-clock time of boot, seconds since 1970 (ps START); default 2025-01-01 00:00:00 UTC. */
  bootTime?: number;
  /** CPUs (Cpus_allowed in status); default 2. */
  ncpu?: number;
  /** The first pid handed out; default 1000. */
  firstPid?: number;
}

export interface SpawnOptions {
  comm: string;
  exe: ExecImage;
  cgroup?: Cgroup;
  argv?: string[];
  /** Environment strings (they take stack space); default none. */
  env?: string[];
}

export class Machine {
  readonly clock: Clock;
  readonly events: EventStream<KernelEvents>;
  readonly fs = new FileSystem();
  readonly pageCache = new PageCache();
  readonly memTotal: number;
  readonly thp: Thp;
  overcommitMemory: 0 | 1 | 2;
  /** vm.overcommit_ratio (mode 2). */
  overcommitRatio = 50;
  /** vm.max_map_count. */
  maxMapCount = DEFAULT_MAX_MAP_COUNT;
  /** vm.mmap_min_addr (hints below it are raised; root may MAP_FIXED below it). */
  mmapMinAddr = 4096;
  /** Readahead window, pages. */
  readonly raPages: number;
  readonly bootTime: number;
  readonly ncpu: number;
  /** RLIMIT_SIGPENDING (the SigQ limit in status): max_threads / 2, max_threads = RAM pages / 32. */
  sigPendingLimit: number;
  /** The root cgroup: all of RAM. */
  readonly root: Cgroup;
  /** Pages committed by VM_ACCOUNT mappings (Committed_AS). */
  committedPages = 0;
  /** Anonymous pages in use, all processes (AnonPages in /proc/meminfo). */
  anonPages = 0;
  /** Every line the kernel logged (dmesg). */
  readonly kernelLog: string[] = [];
  /** The vDSO's kernel pages, mapped by every process. */
  readonly vdso: OpenFile;
  private readonly cgroups: Cgroup[] = [];
  private readonly live: Process[] = [];
  private nextPid: number;

  constructor(opts: MachineOptions = {}) {
    this.clock = opts.clock ?? new Clock();
    this.events = opts.events ?? new EventStream<KernelEvents>();
    this.memTotal = opts.memTotal ?? 24 * 1024 * 1024 * 1024;
    if (!(this.memTotal > 0) || this.memTotal % PAGE_SIZE !== 0) throw new Error(`machine: memTotal must be a positive multiple of ${PAGE_SIZE}`);
    this.thp = new Thp(opts.thp ?? 'madvise');
    this.overcommitMemory = opts.overcommitMemory ?? 0;
    this.raPages = Math.floor((opts.readAheadKb ?? 8192) / 4);
    this.bootTime = opts.bootTime ?? 1735689600;
    this.ncpu = opts.ncpu ?? 2;
    this.nextPid = opts.firstPid ?? 1000;
    this.sigPendingLimit = Math.floor(Math.floor(this.memTotal / PAGE_SIZE / 32) / 2);
    this.root = new Cgroup(0, '/', null, this.memTotal);
    this.cgroups.push(this.root);
    const vdsoFile = new File('[vdso]', VDSO_PAGES * PAGE_SIZE, 0, 0, 0);
    vdsoFile.pinned = true;
    const fc = this.pageCache.of(vdsoFile);
    for (let i = 0; i < VDSO_PAGES; i++) this.pageCache.add(fc, i, 0, false);
    this.vdso = new OpenFile(vdsoFile, O_RDONLY, 0);
  }

  /** Creates a cgroup v2 node; its parent ("/a" for "/a/b") must exist. */
  createCgroup(path: string, opts: { memoryMax?: number } = {}): Cgroup {
    if (!path.startsWith('/') || path === '/' || path.endsWith('/')) throw new Error(`cgroup: bad path "${path}"`);
    if (this.cgroups.some((c) => c.path === path)) throw new Error(`cgroup: ${path} exists`);
    const parentPath = path.slice(0, path.lastIndexOf('/')) || '/';
    const parent = this.cgroups.find((c) => c.path === parentPath);
    if (parent === undefined) throw new Error(`cgroup: parent ${parentPath} of ${path} does not exist`);
    const max = opts.memoryMax ?? Infinity;
    // 0 is a legal memory.max (so is anything under a page, which the kernel
    // rounds down to 0 pages): every charge fails and the OOM killer runs.
    if (!(max >= 0)) throw new Error(`cgroup: memory.max must not be negative, got ${max}`);
    const c = new Cgroup(this.cgroups.length, path, parent, max);
    parent.children.push(c);
    this.cgroups.push(c);
    return c;
  }

  cgroupById(id: number): Cgroup {
    const c = this.cgroups[id];
    if (c === undefined) throw new Error(`cgroup id ${id} unknown`);
    return c;
  }

  /** fork + execve of a static ELF image. */
  spawn(opts: SpawnOptions): Process {
    const cg = opts.cgroup ?? this.root;
    const argv = opts.argv ?? [opts.exe.path];
    const p = new Process(this, this.nextPid++, opts.comm.slice(0, 15), argv, cg);
    this.live.push(p);
    execImage(p, opts.exe, argv, opts.env ?? []);
    return p;
  }

  /** Live processes in pid order. */
  get processes(): readonly Process[] {
    return this.live;
  }

  /** Called by Process.die. */
  reap(p: Process): void {
    const i = this.live.indexOf(p);
    if (i >= 0) this.live.splice(i, 1);
  }

  /** Page-cache pages over all files (Cached in /proc/meminfo). */
  get cachedPages(): number {
    return this.pageCache.totalPages - VDSO_PAGES;
  }
}
