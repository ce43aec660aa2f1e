// The runtime's start-up (asm_amd64.s rt0_go → proc.go schedinit,
// newproc(runtime.main), runtime.main up to the package inits), as the
// sequence of runtime operations Go 1.23.5 performs on linux/amd64 —
// every allocation is a real mallocgc / stackalloc / persistentalloc of the
// model, so the heap, stacks and metadata at main come out of the model.
// Measured and explained step by step in reality/startup/README.md.
//
//   A. schedinit (M0's g0, no P): mallocinit; cpuinit's option slice;
//      mcommoninit(m0) (gsignal: malg(32 KiB)); modulesinit (and the data
//      and bss pointer masks, BuckHashSys); goargs; goenvs; parsedebugvars;
//      gcinit; the gcrash stack (16 KiB); mProfStackInit; procresize.
//   B. newproc(runtime.main): g1 with a 2 KiB stack (P0's stack cache).
//   C. runtime.main: newm(sysmon) (M1); runtime init tasks: go
//      forcegchelper(), whose wakep starts M2 for the idle P1; gcenable: a
//      channel, go bgsweep, go bgscavenge; g1 (locked to M0) blocks, so P0 is
//      handed to a new M3; the scavenger's timer; main_init_done.
//
// The schedule is real Go's most common one (reality/startup §8): g1
// resumes on P1 after gcenable, the runtime goroutines ran on P0.

import { bulkBarrierPreWrite } from './mbarrier.ts';
import { mallocgc } from './malloc.ts';
import { allocmcache } from './mcache.ts';
import { PageCache } from './mpagecache.ts';
import { type Sched, parkForever } from './proc.ts';
import { bgscavengeParkedFrames, bgsweepParkedFrames, forcegcParkedFrames, mainBaseFrames } from './proc_parked.ts';
import { pSudogbuf0 } from './proc_sudog.ts';
import { closure1Type, cpuOptionType, gType, mType, pType, pointerType, stringType, sudogType, timerType, hchanSize } from './rtypes.ts';
import type { Runtime } from './runtime.ts';
import { type G, P } from './runtime2.ts';
import type { RType } from './type.ts';
import { growsliceCap } from './slice.ts';
import type { Stack, StackAllocator } from './stack.ts';

/** What the start-up needs to know about the process and its binary. */
export interface StartupOptions {
  argv: readonly string[];
  envv: readonly string[];
  gomaxprocs: number;
  gcPercent: number;
  memoryLimit: bigint;
  /** Sizes of the binary's .data and .bss sections (modulesinit's pointer masks). */
  dataSize: number;
  bssSize: number;
}

/** An M (OS thread) as far as memory goes: its m struct, signal stack and g0 stack. */
export interface M {
  id: number;
  addr: number;
  gsignal: Stack;
  g0: Stack | null;
}

/** new(T) of a runtime structure: allocated, then every field is initialised (written). */
function newInit(rt: Runtime, t: RType): number {
  const x = mallocgc(rt, t.size, t, true);
  rt.sys.touch(x, t.size);
  return x;
}

// Field offsets (linux/amd64, Go 1.23.5, from DWARF; reality/startup §12)
// of the pointers through which the runtime's structures hold each other.
const mG0 = 0;
const mGsignal = 80;
const mCurg = 192;
const mAlllink = 328;
const mMLockProfileStack = 632;
const mProfStack = 688;

/**
 * Stores a pointer the runtime keeps in a global or in one of its own
 * structures. The word's page is written by the start-up already (its
 * residency is measured), so the store is contents only.
 */
function link(rt: Runtime, where: number, ptr: number): void {
  if (where !== 0) rt.mem.initWord(where, ptr);
}

/** The address of a runtime variable (plus a field offset), or 0 when the program has no globals image. */
function global(rt: Runtime, symbol: string, offset = 0): number {
  return rt.rootWord === null ? 0 : rt.rootWord(symbol, offset);
}

const profStackBytes = 1072; // 134 PCs: debug.profstackdepth 128 + 6 (mProfStackInit)
const uintptrNoscan = null;

export class Startup {
  readonly ms: M[] = [];
  /** allgs: the runtime's slice of every G (len, cap), grown by append. */
  private allgsLen = 0;
  private allgsCap = 0;
  private allgsArray = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly sched: Sched,
    private readonly stacks: StackAllocator,
  ) {}

  /**
   * allgadd's append to allgs (runtime.allgs / allgptr): a new backing array
   * whenever it is full. Go's append copies and stores through the write
   * barrier: during a mark the new array is allocated black and never
   * scanned, so the gs copied into it must be shaded, or a g reachable only
   * through allgs is freed.
   */
  allgadd(gp: G): void {
    const rt = this.rt;
    if (this.allgsLen === this.allgsCap) {
      const g = growsliceCap(this.allgsCap, this.allgsLen + 1, pointerType);
      const a = mallocgc(rt, g.memBytes, pointerType, true);
      if (this.allgsLen > 0) {
        rt.sys.touch(a, this.allgsLen * 8); // the old elements are copied
        bulkBarrierPreWrite(rt, a, this.allgsArray, this.allgsLen * 8, pointerType);
        rt.mem.move(a, this.allgsArray, this.allgsLen * 8);
      }
      const where = global(rt, 'runtime.allgptr');
      if (where !== 0 && rt.writeBarrier.enabled) rt.writeBarrier.record(rt.mem.loadWord(where), a);
      this.allgsArray = a;
      this.allgsCap = g.newcap;
      link(rt, where, a);
    }
    rt.sys.touch(this.allgsArray + this.allgsLen * 8, 8);
    if (rt.writeBarrier.enabled) rt.writeBarrier.record(0, gp.addr);
    rt.mem.initWord(this.allgsArray + this.allgsLen * 8, gp.addr);
    this.allgsLen++;
  }

  /** malg for an M's g: a g struct and a stack of n bytes; returns both. */
  private malg(n: number): { g: number; stack: Stack } {
    const g = newInit(this.rt, gType);
    const stk = this.stacks.stackalloc(n);
    // The top of the stack is written when the g first runs on it.
    this.rt.sys.touch(stk.hi - 4096, 4096);
    return { g, stack: stk };
  }

  /** mProfStackInit: the M's two profiling stacks (134 PCs each), stored in the m at `m` (a global for m0). */
  private mProfStackInit(m: number): void {
    link(this.rt, m === 0 ? 0 : m + mProfStack, mallocgc(this.rt, profStackBytes, uintptrNoscan, true));
    link(this.rt, m === 0 ? 0 : m + mMLockProfileStack, mallocgc(this.rt, profStackBytes, uintptrNoscan, true));
  }

  /** newm → allocm: an m struct, a 32 KiB signal stack, profiling stacks, a 16 KiB g0 stack; then clone. Linked at the head of allm. */
  newm(): M {
    const rt = this.rt;
    const addr = newInit(rt, mType);
    const gsignal = this.malg(32 << 10);
    link(rt, addr + mGsignal, gsignal.g);
    this.mProfStackInit(addr);
    const g0 = this.malg(16 << 10);
    link(rt, addr + mG0, g0.g);
    const m: M = { id: this.ms.length, addr, gsignal: gsignal.stack, g0: g0.stack };
    // m.alllink = allm; allm = m (m0 is a global, not on the heap: the list ends there).
    const allm = global(rt, 'runtime.allm');
    const prev = this.ms[this.ms.length - 1]!;
    if (prev.addr !== 0) link(rt, addr + mAlllink, prev.addr);
    link(rt, allm, addr);
    this.ms.push(m);
    this.sched.threads++;
    return m;
  }

  /** The runtime's appends of the options slice in internal/cpu.doinit (three growths of 32-byte options). */
  private cpuinit(): void {
    // Each growth copies the options so far into the new array and appends more; the last is kept.
    let last = 0;
    for (const n of [6, 12, 27]) {
      last = mallocgc(this.rt, n * cpuOptionType.size, cpuOptionType, true);
      this.rt.sys.touch(last, n * cpuOptionType.size);
    }
    link(this.rt, global(this.rt, 'internal/cpu.options'), last);
  }

  /** A: schedinit, up to and including procresize. Leaves P0 acquired. */
  schedinit(opts: StartupOptions, mallocinit: (rt: Runtime) => void): void {
    const rt = this.rt;
    rt.curP = null;
    mallocinit(rt);
    this.cpuinit();
    // mcommoninit(m0) → mpreinit: the main thread's signal stack.
    const gsignal = this.malg(32 << 10);
    link(rt, global(rt, 'runtime.m0', mGsignal), gsignal.g);
    const m0: M = { id: 0, addr: 0, gsignal: gsignal.stack, g0: null };
    this.ms.push(m0);
    // modulesinit: activeModules (a *[]*moduledata) and the GC pointer masks of data and bss (BuckHashSys).
    const active = mallocgc(rt, 24, pointerType, true);
    link(rt, global(rt, 'runtime.modulesSlice'), active);
    link(rt, active, mallocgc(rt, 8, null, true));
    const mask = (n: number): number => Math.floor((Math.floor(n / 8) + 7) / 8) + 1;
    const md = rt.persistent.alloc(mask(opts.dataSize), 1, rt.memstats.buckhash_sys, null);
    rt.sys.touch(md, mask(opts.dataSize));
    const mb = rt.persistent.alloc(mask(opts.bssSize), 1, rt.memstats.buckhash_sys, null);
    rt.sys.touch(mb, mask(opts.bssSize));
    // goargs and goenvs: a string header per argument / variable, and each variable's bytes.
    if (opts.argv.length > 0) link(rt, global(rt, 'runtime.argslice'), mallocgc(rt, 16 * opts.argv.length, stringType, true));
    if (opts.envv.length > 0) {
      const envs = mallocgc(rt, 16 * opts.envv.length, stringType, true);
      link(rt, global(rt, 'runtime.envs'), envs);
      opts.envv.forEach((e, i) => link(rt, envs + 16 * i, mallocgc(rt, Buffer.byteLength(e), null, false)));
    }
    // parsedebugvars: p := new(string), kept in godebugEnv.
    link(rt, global(rt, 'runtime.godebugEnv'), mallocgc(rt, 16, stringType, true));
    rt.gcController.init(opts.gcPercent, opts.memoryLimit);
    // gcrash.stack = stackalloc(16384): no P yet, so straight from the order-3 pool.
    this.stacks.stackalloc(16 << 10);
    // m0's profiling stacks: m0 is a global.
    link(rt, global(rt, 'runtime.m0', mProfStack), mallocgc(rt, profStackBytes, uintptrNoscan, true));
    link(rt, global(rt, 'runtime.m0', mMLockProfileStack), mallocgc(rt, profStackBytes, uintptrNoscan, true));
    this.procresize(opts.gomaxprocs);
  }

  /** procresize(n) from zero Ps: allp, the idle and timer masks, a p struct and an mcache per P. */
  procresize(n: number): void {
    const rt = this.rt;
    const allp = mallocgc(rt, 8 * n, pointerType, true);
    link(rt, global(rt, 'runtime.allp'), allp);
    const maskBytes = 4 * Math.ceil(n / 32);
    link(rt, global(rt, 'runtime.idlepMask'), mallocgc(rt, maskBytes, null, true));
    link(rt, global(rt, 'runtime.timerpMask'), mallocgc(rt, maskBytes, null, true));
    for (let i = 0; i < n; i++) {
      const pp = newInit(rt, pType);
      link(rt, allp + 8 * i, pp);
      const c = i === 0 && rt.mcache0 !== null ? rt.mcache0 : allocmcache(rt);
      const P_ = new P(i, c, new PageCache());
      P_.addr = pp;
      rt.allp.push(P_);
    }
    rt.mcache0 = null;
    rt.curP = rt.allp[0]!;
    // stealOrder.reset(n): append the coprimes of n to a []uint32.
    const u32 = { size: 4, ptrdata: 0, gcdata: null, gcprog: false, str: 'uint32' } as const;
    let len = 0;
    let cap = 0;
    for (let i = 1; i <= n; i++) {
      if (gcd(i, n) !== 1) continue;
      if (len === cap) {
        const g = growsliceCap(cap, len + 1, u32);
        link(rt, global(rt, 'runtime.stealOrder', 8), mallocgc(rt, g.memBytes, null, false));
        cap = g.newcap;
      }
      len++;
    }
  }

  /**
   * B and C: the main goroutine and runtime.main's work before the package
   * inits. `mainBody` continues runtime.main (package inits, main.main).
   * Returns g1, runnable on P1 (or P0 with GOMAXPROCS=1).
   */
  startMain(mainBody: G['body']): G {
    const rt = this.rt;
    const sched = this.sched;
    const p0 = rt.allp[0]!;
    const pMain = rt.allp[1] ?? p0;
    // B: newproc(runtime.main), parked until mstart schedules it.
    const g1 = sched.newproc('runtime.main', mainBody!, { parked: 'start' });
    sched.pushParkedFrames(g1, mainBaseFrames);
    sched.mainG = g1;
    link(rt, global(rt, 'runtime.m0', mCurg), g1.addr);
    // C: runtime.main on M0 with P0.
    this.newm(); // sysmon (M1)
    const forcegc = sched.newproc('runtime.forcegchelper', parkForever(), { parked: 'force gc (idle)' });
    sched.pushParkedFrames(forcegc, forcegcParkedFrames);
    link(rt, global(rt, 'runtime.forcegc', 8), forcegc.addr);
    if (rt.allp.length > 1) this.newm(); // wakep: P1 is idle and no M is → M2
    // gcenable: c := make(chan int, 2); go bgsweep(c); go bgscavenge(c); <-c; <-c.
    // The channel and the two closures are garbage once gcenable returns.
    mallocgc(rt, hchanSize + 2 * 8, null, true);
    mallocgc(rt, closure1Type.size, closure1Type, true);
    const bgsweep = sched.newproc('runtime.bgsweep', parkForever(), { parked: 'GC sweep wait' });
    sched.pushParkedFrames(bgsweep, bgsweepParkedFrames);
    link(rt, global(rt, 'runtime.sweep', 8), bgsweep.addr);
    mallocgc(rt, closure1Type.size, closure1Type, true);
    const bgscavenge = sched.newproc('runtime.bgscavenge', parkForever(), { parked: 'GC scavenge wait' });
    sched.pushParkedFrames(bgscavenge, bgscavengeParkedFrames);
    link(rt, global(rt, 'runtime.scavenger', 8), bgscavenge.addr);
    // g1 blocks in <-c: its sudog goes back to the P's sudog cache, which keeps it.
    link(rt, pMain.addr + pSudogbuf0, newInit(rt, sudogType));
    pMain.sudogcacheLen = 1;
    this.newm(); // stoplockedm → handoffp(P0) → startm: M3
    // bgscavenge (on P0): scavengerState.init's sleep timer.
    link(rt, global(rt, 'runtime.scavenger', 16), newInit(rt, timerType));
    // g1 resumes on the idle P: main_init_done = make(chan bool).
    rt.curP = pMain;
    link(rt, global(rt, 'runtime.main_init_done'), mallocgc(rt, hchanSize, null, true));
    g1.lastP = pMain.id;
    rt.curP = null;
    return g1;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
