// A simulated Go process from exec to exit: the kernel model's machine and
// process, the runtime on top of it, the start-up (runtime/proc_start.ts),
// the package inits, main.main as goroutine 1, and the way the process ends
// — normally, by a Go fatal error or panic (exit status 2, Go's message on
// stderr), or killed by the kernel (OOM: status 137 and the kernel's log).

import { Machine, OomKilled, SegmentationFault, type Cgroup, type Process, type ThpMode } from '../kernel/index.ts';
import { Clock } from '../sim/clock.ts';
import { ClockCharger, CostModel, allocCharges } from '../sim/cost.ts';
import { Rand } from '../sim/rand.ts';
import { mallocgc } from '../runtime/malloc.ts';
import { mallocinit } from '../runtime/malloc_init.ts';
import { LinuxMem } from '../runtime/mem_linux.ts';
import { type CPUClasses, type MetricValue, readMetrics } from '../runtime/metrics.ts';
import { readMemStats } from '../runtime/mstats.ts';
import { VirtualTimeLimit, defaultMaxTimeNs } from '../runtime/deadline.ts';
import { GoFatalError, GoPanic } from '../runtime/panic.ts';
import { Sched, parkForever } from '../runtime/proc.ts';
import { Startup } from '../runtime/proc_start.ts';
import { gType } from '../runtime/rtypes.ts';
import { Runtime } from '../runtime/runtime.ts';
import { type DebugVars, MalformedGOMEMLIMIT, defaultDebugVars, parsegodebug, readGOGC, readGOMAXPROCS, readGOMEMLIMIT } from '../runtime/runtime1.ts';
import type { GoroutineBody } from '../runtime/runtime2.ts';
import { StackAllocator } from '../runtime/stack.ts';
import { arenaBase, heapArenaBytes } from '../runtime/malloc_arena.ts';
import { Go } from './api.ts';
import { type GoBinary, binaryFromJson, globalsSize, runtimeStartOSTouches, runtimeStartTouches } from './binary.ts';
import { type CheckpointInput, type ExtraValue, checkpointJson } from './checkpoint.ts';
import { PAGE_SIZE, PROT_EXEC, renderSmaps, renderStatus } from '../kernel/index.ts';
import { type InitStep, checkpointHelperInits, fmtProgramInits } from './pkginit.ts';
import type { Program, StartupRoots } from './program.ts';
import type { RootSet } from '../runtime/mgcmark.ts';
import { GC } from '../runtime/mgc.ts';
import type { G } from '../runtime/runtime2.ts';
import { Globals } from './globals.ts';
import { Rodata } from './rodata.ts';
import { GoMap } from './map.ts';
import { Chan } from './chan.ts';
import type { GoType } from './types.ts';
import { Func, GoString } from './values.ts';

const utf8d = new TextDecoder();
/** The share of a checkpoint's cost that is system time (the /proc reads), measured on the real helper. */
const checkpointKernelShare = 0.7;
import { ApiMisuse, goSourceFrames, misusePanicReport, programPanicReport } from './panic_trace.ts';
import { profileStack } from './prof_stack.ts';
import { writeHeapProto } from './pkg/pprof.ts';
import { defaultMemProfileRate, malgStack } from '../runtime/mprof.ts';
import helloBinary from './default_binary.json' with { type: 'json' };
import defaultLiveJson from './default_live.json' with { type: 'json' };

export interface RunOptions {
  /** The process environment as Go reads it: GOGC, GOMEMLIMIT, GOMAXPROCS, GODEBUG (others are passed through). */
  env?: Record<string, string>;
  /** os.Args[1:], overriding the program's own. */
  args?: readonly string[];
  /** Program options (--opt key=value). */
  options?: Record<string, string>;
  seed?: number;
  thp?: ThpMode;
  /** memory.max of the cgroup the process runs in (bytes); none by default. */
  cgroupMemoryMax?: number;
  /** CPUs the machine has (GOMAXPROCS defaults to this); default 2, as on the machine the recordings come from. */
  ncpu?: number;
  /** RAM of the machine (MemTotal), bytes; default 24 GiB, as on the machine the recordings come from. */
  memTotal?: number;
  /** Virtual time after which a program that has not ended is stopped (outcome 'time-limit'); default the program's maxTimeNs, else 1h. */
  maxTimeNs?: number;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  /** Called at each checkpoint with the CHECKPOINT JSON and the process, after the runtime read its stats. */
  onCheckpoint?: (json: string, name: string, p: GoProcess) => void;
  /** Heap profiling on (gomem run --memprofile), as if the program read heap profiles (Program.memProfile). */
  memProfile?: boolean;
}

export interface RunResult {
  /** The exit status a shell sees: 0, 2 (Go fatal error / panic), 137 (SIGKILL). */
  status: number;
  outcome: 'exit' | 'fatal error' | 'panic' | 'oom-kill' | 'segv' | 'time-limit';
  /** Lines the kernel logged (the OOM killer). */
  kernelLog: string[];
  /** Virtual nanoseconds the process ran. */
  elapsedNs: number;
}

/** Thrown by os.Exit to unwind the simulation with a status. */
export class GoExit extends Error {
  constructor(readonly code: number) {
    super(`exit status ${code}`);
  }
}

/** The hello binary's variables: where a program without a binary of its own keeps the runtime's. */
const defaultLive = defaultLiveJson as unknown as StartupRoots;

/** The machine's CPUs when a run names none (--ncpu); GOMAXPROCS defaults to them, as in Go. */
export const defaultNcpu = 2;

export class GoProcess {
  readonly clock = new Clock();
  readonly machine: Machine;
  readonly cgroup: Cgroup | null = null;
  readonly proc: Process;
  readonly rt: Runtime;
  readonly stacks: StackAllocator;
  readonly sched: Sched;
  /** The garbage collector (runtime/mgc.ts). */
  readonly gc: GC;
  readonly startup: Startup;
  readonly debug: DebugVars;
  readonly binary: GoBinary;
  /** String literals, type descriptors and function code in the binary's read-only segments. */
  readonly rodata: Rodata;
  /** .data and .bss: the globals, with their pointer bitmap (roots). */
  readonly globals: Globals;
  readonly rand: Rand;
  /** --seed (default 1): programs that draw their own random streams (workload models) seed them from it. */
  readonly seed: number;
  readonly go: Go;
  readonly argv: string[];
  readonly envv: string[];
  readonly gomaxprocs: number;
  readonly options: Record<string, string>;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  private readonly gcPercent: number;
  private readonly memlimitEnv: string | undefined;
  private readonly onCheckpoint: RunOptions['onCheckpoint'];
  private seq = 0;
  /** Virtual time of the checkpoint helper's init (its t0), or of the start of main. */
  t0 = 0;
  private readonly pendingExtra: [string, ExtraValue][] = [];
  /** The virtual-time cost model (src/sim/costs.json, calibrated against real Go here). */
  readonly costs = new CostModel();
  readonly charger = new ClockCharger(this.clock);

  constructor(
    readonly program: Program,
    opts: RunOptions = {},
  ) {
    const env = opts.env ?? {};
    this.stdout = opts.stdout ?? ((s) => process.stdout.write(s));
    this.stderr = opts.stderr ?? ((s) => process.stderr.write(s));
    this.onCheckpoint = opts.onCheckpoint;
    this.seed = opts.seed ?? 1;
    this.rand = new Rand(this.seed);
    // A program that names no binary gets a fmt hello-world's layout, at the path go build would give it.
    this.binary = program.binary ?? binaryFromJson(helloBinary, `/usr/local/bin/${program.name}`);
    const ncpu = opts.ncpu ?? defaultNcpu;
    this.machine = new Machine({ clock: this.clock, thp: opts.thp ?? 'madvise', ncpu, memTotal: opts.memTotal });
    if (opts.cgroupMemoryMax !== undefined) this.cgroup = this.machine.createCgroup('/gomem', { memoryMax: opts.cgroupMemoryMax });
    for (const f of program.files ?? []) {
      // Created and read once beforehand, as the recordings' files are: every page is in the page cache.
      const file = this.machine.fs.create(f.path, f.size);
      const fc = this.machine.pageCache.of(file);
      for (let i = 0; i < Math.ceil(f.size / 4096); i++) this.machine.pageCache.add(fc, i, 0, false);
    }
    this.options = {};
    for (const [k, spec] of Object.entries(program.options ?? {})) this.options[k] = opts.options?.[k] ?? spec.default;
    for (const k of Object.keys(opts.options ?? {})) {
      if (!(k in (program.options ?? {}))) throw new Error(`unknown option "${k}" for ${program.name}`);
    }
    this.argv = [this.binary.exec.path, ...(opts.args ?? program.args ?? [])];
    this.envv = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    this.proc = this.machine.spawn({
      comm: this.binary.exec.path.split('/').pop()!.slice(0, 15),
      exe: this.binary.exec,
      argv: this.argv,
      env: this.envv,
      ...(this.cgroup ? { cgroup: this.cgroup } : {}),
    });
    // The Go runtime installs its signal handlers: a bad access becomes Go's own fatal error.
    this.proc.handlesSigsegv = true;
    this.proc.statusExtras.sigCgt = 'fffffffd7fc1feff';
    this.debug = defaultDebugVars();
    const parsed = parsegodebug(env.GODEBUG ?? '', this.debug);
    this.gcPercent = readGOGC(env.GOGC);
    this.memlimitEnv = env.GOMEMLIMIT; // read by gcinit at start-up, where a malformed value is fatal
    this.gomaxprocs = readGOMAXPROCS(env.GOMAXPROCS, ncpu);
    const sys = new LinuxMem(this.proc, this.debug);
    sys.costs = {
      faults: (n) => this.chargeKernel(this.costs.pageFault(n)),
      syscall: (name, resident) => this.chargeKernel(this.costs.syscall(name, resident)),
    };
    this.rt = new Runtime({ sys, clock: this.clock, debug: this.debug });
    this.rt.costs = allocCharges(this.costs, this.charger);
    this.rt.cacheBytes = this.costs.cacheBytes();
    this.rt.ncpu = ncpu;
    // schedinit: MemProfileRate is 0 unless something can read the profile; GODEBUG=memprofilerate=N sets it.
    if (opts.memProfile === true || program.memProfile === true) this.rt.memProfileRate = defaultMemProfileRate;
    if (parsed.memprofilerate !== undefined) this.rt.memProfileRate = parsed.memprofilerate;
    const profRand = new Rand(opts.seed ?? 1, 0x6d70726f); // a stream of its own: sampling does not move other draws
    this.rt.mprof.randomBits = () => profRand.uint32();
    this.rt.mprof.stackOf = () => profileStack(this.sched?.curG ?? null);
    this.rodata = new Rodata(this.binary, this.rt.types);
    this.globals = new Globals(this.binary, this.rt.mem);
    this.globals.setSymbols((program.live ?? defaultLive).symbols);
    this.rt.rootWord = (symbol, offset) => this.globals.rootWord(symbol, offset);
    this.stacks = new StackAllocator(this.rt);
    let startup: Startup | null = null;
    this.sched = new Sched(this.rt, this.clock, this.stacks, {
      allocG: () => {
        // malg's new(g) runs inside newproc's systemstack: a profile sample there sees the g0 stack
        // only, and it starts no GC cycle (gcStart returns at once on g0).
        const x = this.rt.nonpreemptibly(() => this.rt.mprof.withStack(malgStack, () => mallocgc(this.rt, gType.size, gType, true)));
        this.rt.sys.touch(x, gType.size);
        return x;
      },
      // newproc1, allgadd included, runs on the system stack too.
      allgadd: (g) => this.rt.nonpreemptibly(() => startup!.allgadd(g)),
      goroutineCreateCost: () => this.costs.goroutineCreate(),
      switchCost: () => this.costs.goroutineSwitch(),
      sleepWall: (d) => this.costs.sleepIdle(d),
    });
    this.sched.maxTimeNs = opts.maxTimeNs ?? program.maxTimeNs ?? defaultMaxTimeNs;
    // casgstatus's 1-in-8 sampling of scheduling latency: a stream of its own, from --seed.
    const schedRand = new Rand(opts.seed ?? 1, 0x7472636b);
    this.sched.cheaprand = () => schedRand.uint32();
    this.sched.ncpu = ncpu;
    this.startup = startup = new Startup(this.rt, this.sched, this.stacks);
    this.roots = { forEachGlobal: (f) => this.globals.forEachPointer(f), allgs: this.sched.allgs };
    this.rt.debugGC = this.debug;
    const bootNs = BigInt(this.machine.bootTime) * 1_000_000_000n;
    this.gc = new GC({
      rt: this.rt,
      sched: this.sched,
      stacks: this.stacks,
      clock: this.clock,
      costs: this.costs,
      roots: this.roots,
      print: (s) => this.stderr(s),
      clearpools: () => this.go.clearpools(),
      unixNanos: (t) => bootNs + BigInt(Math.round(t)),
      startTime: 0,
    });
    this.sched.gc = this.gc;
    this.gc.onMarkTermination = () => this.accumulateCPUStats();
    this.go = new Go(this);
  }

  /** Runs the program to its end. */
  run(): RunResult {
    try {
      this.start();
      this.sched.run();
      return this.result('exit', this.sched.exitCode ?? 0);
    } catch (e) {
      return this.die(e);
    }
  }

  private start(): void {
    const b = this.binary;
    runtimeStartTouches(b, this.proc);
    runtimeStartOSTouches(this.proc);
    this.startup.schedinit(
      {
        argv: this.argv,
        envv: this.envv,
        gomaxprocs: this.gomaxprocs,
        gcPercent: this.gcPercent,
        memoryLimit: readGOMEMLIMIT(this.memlimitEnv),
        dataSize: b.sections.data,
        bssSize: b.sections.bss,
      },
      mallocinit,
    );
    this.rt.gcController.globalsScan = globalsSize(b);
    this.rt.zerobase = b.exec.segments[b.exec.segments.length - 1]!.vaddr; // &runtime.zerobase lies in the bss
    const g1 = this.startup.startMain(this.runtimeMain());
    this.rt.curP = this.rt.allp[g1.lastP]!;
    this.sched.ready(g1);
    this.rt.curP = null;
    // Until the scheduler runs goroutine 1, M0 has been on the CPU since the exec: rt0_go, schedinit, newproc(runtime.main).
    this.m0StartupNs = this.clock.now - this.proc.startTime;
  }

  /** runtime.main after gcenable: the package inits, then main.main, then exit. */
  private *runtimeMain(): GoroutineBody {
    this.t0 = this.clock.now;
    // gcenable: the background sweeper, the scavenger and the forcegc helper are running; collection may start.
    const byName = (n: string): G | null => this.sched.allgs.find((g) => g.name === n) ?? null;
    this.gc.enable(byName('runtime.bgsweep'), byName('runtime.forcegchelper'), byName('runtime.bgscavenge'));
    const inits = this.program.inits ?? [...fmtProgramInits, ...(this.program.checkpointHelper ? checkpointHelperInits : [])];
    const objs = inits.map((step) => this.initStep(step));
    this.linkInitObjects(objs);
    yield* this.program.main(this.go);
    this.go.checkBlocking();
    this.checkpoint('exit');
  }

  /**
   * Stores, for each package-init object that stays live, the pointer that
   * holds it where real Go keeps it (a package variable, another init
   * object, a parked goroutine's stack). The pages were written by the
   * inits already: contents only. Without measurements for the binary, every
   * init object is held by a variable of its package.
   */
  private linkInitObjects(objs: readonly number[]): void {
    const live = this.program.live;
    const mem = this.rt.mem;
    objs.forEach((obj, i) => {
      if (obj === 0) return;
      if (live === undefined) {
        mem.initWord(this.globals.pointerWord(), obj);
        return;
      }
      const h = live.holders[i];
      if (h === undefined) return; // garbage once main runs
      let where: number;
      if (h.symbol !== undefined) where = this.globals.rootWord(h.symbol, h.offset ?? 0);
      else if (h.step !== undefined && objs[h.step]) where = objs[h.step]! + (h.offset ?? 0);
      else where = this.globals.pointerWord(); // a parked goroutine's frame, or a holder gomem does not allocate
      mem.initWord(where, obj);
    });
  }

  /** One package-init step; returns the address of what it allocated, or 0. */
  private initStep(step: InitStep): number {
    const rt = this.rt;
    const g = this.sched.curG!;
    if ('alloc' in step) {
      // Package init code initialises what it allocates.
      const x = this.allocStep(step);
      rt.sys.touch(x, step.alloc);
      return x;
    } else if ('allocPerEnv' in step) {
      const n = step.allocPerEnv * this.envv.length;
      if (n > 0) return mallocgc(rt, n, step.noscan ? null : this.go.opaqueType(step.type, n), true);
    } else if ('allocPerArg' in step) {
      const n = step.allocPerArg * this.argv.length;
      if (n > 0) return mallocgc(rt, n, step.noscan ? null : this.go.opaqueType(step.type, n), true);
    } else if (step.action === 'createfing') {
      this.go.createfing();
    } else if (step.action === 'SetFinalizer') {
      this.go.runtime.noteFinalizer();
    } else if (step.action === 'ReadMemStats') {
      readMemStats(rt);
      if (step.pkg === 'gomem/reality/checkpoint') this.t0 = this.clock.now;
    } else if (step.action === 'stackgrow') {
      this.sched.growStackTo(g, step.to);
    } else if (step.action === 'onP') {
      rt.curP = rt.allp[step.p] ?? rt.curP;
    } else if (step.action === 'newproc') {
      this.sched.newproc(step.name, parkForever(), { parked: 'IO wait' });
    }
    return 0;
  }

  /** A checkpoint: ReadMemStats (flushing the mcaches, as the Go helper's does), metrics, /proc. */
  checkpoint(name: string): void {
    const ms = readMemStats(this.rt);
    const input: CheckpointInput = {
      name,
      seq: ++this.seq,
      elapsedNs: this.clock.now - this.t0,
      goroutines: this.sched.numGoroutine(),
      memstats: ms,
      metrics: this.readMetrics(),
      statusText: this.statusText(),
      smapsText: renderSmaps(this.proc),
      extra: this.pendingExtra.splice(0),
    };
    this.onCheckpoint?.(checkpointJson(input), name, this);
    // The real helper's own time after its reads (costs.md: checkpoint.*; smaps grows with RSS).
    // The goroutine keeps its P but is preemptible throughout: a cycle under way goes on marking.
    const start = this.clock.now;
    this.charger.charge(this.costs.checkpoint(this.proc.mm.rss * PAGE_SIZE));
    // Most of it is the kernel generating /proc/self/status and smaps: 70% of the helper's CPU
    // time was system time in a real loop of 2000 checkpoints (utime 7-8 ticks, stime 15-21).
    this.proc.cputime.kernelWork(start, start + checkpointKernelShare * (this.clock.now - start));
    this.sched.preemptible(start);
  }

  /** runtime/metrics.Read of every supported metric, with the scheduler's counts. */
  readMetrics(): Map<string, MetricValue> {
    return readMetrics(this.rt, {
      gomaxprocs: this.gomaxprocs,
      gcount: Math.max(1, this.sched.numGoroutine()),
      startingStackSize: this.sched.startingStackSize,
      limiterLastEnabledCycle: this.gc.limiterLastEnabledCycle,
      // work.cpuStats as metrics.go reads it: the snapshot of the last mark
      // termination (all zero before the first), except the pause time,
      // which every stop-the-world adds to as it ends.
      cpu: { ...this.cpuStats, gcPause: this.gc.cpu.pause },
    });
  }

  /** work.cpuStats at the last mark termination. */
  private cpuStats: CPUClasses = { gcAssist: 0, gcDedicated: 0, gcIdle: 0, gcPause: 0, scavengeAssist: 0, scavengeBackground: 0, idle: 0, total: 0, user: 0 };

  /** cpuStats.accumulate at mark termination: every class up to now, user as what is left. */
  private accumulateCPUStats(): void {
    const cpu = this.gc.cpu;
    const total = this.gomaxprocs * this.clock.now;
    const c: CPUClasses = {
      gcAssist: cpu.assist,
      gcDedicated: cpu.dedicated + cpu.fractional,
      gcIdle: cpu.idle,
      gcPause: cpu.pause,
      scavengeAssist: this.rt.scavenge.cumAssistTime,
      scavengeBackground: this.rt.scavenge.cumBgTime,
      // Go sums the time Ps sat idle, which never shrinks. gomem derives it
      // from busy time, and a P that has run ahead of the clock (a mark
      // worker's long step) makes the derived figure dip: it is held.
      idle: Math.max(this.cpuStats.idle, total - this.sched.busyTimeNow() - cpu.pause),
      total,
      user: 0,
    };
    c.user = total - (c.gcAssist + c.gcDedicated + c.gcIdle + c.gcPause + c.scavengeAssist + c.scavengeBackground + c.idle);
    this.cpuStats = c;
  }

  /** The mallocgc an allocation step of the traced data stands for (package inits, first uses); returns the address. */
  allocStep(step: { alloc: number; noscan: boolean; type: string }): number {
    return mallocgc(this.rt, step.alloc, step.noscan ? null : this.go.opaqueType(step.type, step.alloc), true);
  }

  /**
   * pprof.WriteHeapProfile: the heap profile as of the last completed GC
   * cycle (everything sampled so far, before the first), gzipped
   * profile.proto. The writing itself allocates nothing in the model.
   */
  heapProfile(): Uint8Array {
    const timeNanos = BigInt(this.machine.bootTime) * 1_000_000_000n + BigInt(Math.round(this.clock.now));
    const text = this.binary.exec.segments.find((s) => (s.prot & PROT_EXEC) !== 0);
    const binary = text === undefined ? undefined : { path: this.binary.exec.path, start: text.vaddr, limit: text.vaddr + text.memsz, offset: text.offset };
    return writeHeapProto(this.rt.mprof.records(true), { rate: this.rt.memProfileRate, timeNanos, ...(binary ? { binary } : {}) });
  }

  /** /proc/PID/status of the process, with the runtime's thread count. */
  statusText(): string {
    this.syncProcFields();
    return renderStatus(this.proc);
  }

  /**
   * What ps, top and /proc read from the process that the runtime knows:
   * its threads, and the CPU time they used (sum_exec_runtime): M0's
   * start-up before the scheduler ran, then the time the Ps spent running
   * goroutines, mark workers (idle ones too: they burn a CPU Linux counts),
   * assists, sweeping and scavenging, with the running goroutine's step up to
   * now. Idle Ps and sleeping goroutines add nothing.
   */
  syncProcFields(): void {
    this.proc.threads = this.sched.threads;
    this.proc.cputime.update(this.m0StartupNs + this.sched.busyTimeNow(), this.clock.now);
  }

  /** CPU time of M0 from the exec to the scheduler's first goroutine, ns. */
  private m0StartupNs = 0;

  /** Kernel work on the running thread's clock (a page fault, a syscall): its ticks are system time. */
  private chargeKernel(ns: number): void {
    const a = this.clock.now;
    this.charger.charge(ns);
    this.proc.cputime.kernelWork(a, this.clock.now);
  }

  /** The address ranges of the heap arenas (mheap.allArenas, 64 MiB each), for smaps' heap filter. */
  heapArenaRanges(): [number, number][] {
    return this.rt.mheap.allArenas.map((ai) => [arenaBase(ai), arenaBase(ai) + heapArenaBytes] as [number, number]);
  }

  /** The collector's roots: the globals' pointer words and every goroutine's frames. */
  readonly roots: RootSet;

  // ── the binary's image: literals, functions, globals ─────────────────

  /** A string literal (its bytes in rodata; no allocation). */
  literal(text: string): GoString {
    return new GoString(text, this.rodata.literalAddr(text), Buffer.byteLength(text));
  }

  readonly emptyString = new GoString('', 0, 0);

  /** The text of a string whose len bytes are at ptr: a literal's, or the bytes stored in memory. */
  stringText(ptr: number, len: number): string {
    return this.rodata.literalText(ptr, len) ?? utf8d.decode(this.rt.mem.readBytes(ptr, len));
  }

  /** &runtime.staticuint64s[v]: the box of a small integer. */
  staticuint64(v: number): number {
    return this.globals.staticuint64s + 8 * v;
  }

  /** &runtime.zeroVal[0]: the box of "" and nil slices. */
  get zeroVal(): number {
    return this.globals.zeroVal;
  }

  /** The map whose hmap is at addr. */
  mapAt(addr: number, t: GoType): GoMap {
    return GoMap.at(this, t, addr);
  }

  /** The channel whose hchan is at addr. */
  chanAt(addr: number, t: GoType): Chan {
    return Chan.at(this, t, addr);
  }

  /** The func value whose funcval is at addr. */
  funcAt(addr: number, t: GoType): Func {
    return new Func(t, addr);
  }

  /** The JS body implementing a func value, with the address of its closure object (0 for a static funcval). */
  funcBody(f: Func): { name: string; body: unknown; closure: number } {
    let i = this.rodata.funcIndexOfFuncval(f.addr);
    let closure = 0;
    if (i < 0) {
      closure = f.addr;
      i = this.rodata.funcIndexOfCode(this.rt.mem.loadWord(f.addr));
    }
    if (i < 0) throw new Error(`gomem: call of a func value at 0x${f.addr.toString(16)} that holds no function`);
    const fn = this.rodata.funcs[i]!;
    return { name: fn.name, body: fn.body, closure };
  }

  /** Virtual time for writing n bytes in a loop (the cost model, once installed). */
  chargeBytesWritten(n: number): void {
    this.rt.chargeZeroing(n);
  }

  /** Values for the next checkpoint's `extra` object. */
  addExtra(key: string, value: ExtraValue): void {
    this.pendingExtra.push([key, value]);
  }

  private result(outcome: RunResult['outcome'], status: number, kernelLog: string[] = []): RunResult {
    return { status, outcome, kernelLog, elapsedNs: this.sched.elapsed() };
  }

  /** How the process ends when something unwinds the simulation. */
  private die(e: unknown): RunResult {
    if (e instanceof GoExit) return this.result('exit', e.code);
    if (e instanceof OomKilled) return this.result('oom-kill', 137, [...e.kernelLog]);
    if (e instanceof MalformedGOMEMLIMIT) {
      this.stderr(`GOMEMLIMIT=${e.value}\nfatal error: ${e.message}\n`);
      return this.result('fatal error', 2);
    }
    if (e instanceof GoFatalError) {
      for (const l of e.preamble) this.stderr(l + '\n');
      this.stderr(`fatal error: ${e.reason}\n\n${this.goroutineHeader()}\n`);
      return this.result('fatal error', 2);
    }
    if (e instanceof GoPanic) {
      // Raised in compiled Go code: its frames with their Go lines.
      const frames = goSourceFrames(e);
      const g = this.sched.curG ?? this.sched.mainG;
      this.stderr(`panic: ${e.value}\n\n${frames !== null ? `goroutine ${g?.goid ?? 1} [running]:\n${frames}` : `${this.goroutineHeader()}\n`}`);
      return this.result('panic', 2);
    }
    if (e instanceof SegmentationFault) {
      this.stderr(
        `unexpected fault address 0x${e.addr.toString(16)}\nfatal error: fault\n[signal SIGSEGV: segmentation violation code=0x${e.code.toString(16)} addr=0x${e.addr.toString(16)} pc=0x0]\n\n${this.goroutineHeader()}\n`,
      );
      return this.result('segv', 2);
    }
    if (e instanceof VirtualTimeLimit) return this.result('time-limit', 2);
    if (e instanceof ApiMisuse) {
      this.stderr(misusePanicReport(e, this.sched.curG?.goid ?? 1));
      return this.result('panic', 2);
    }
    const report = programPanicReport(e, this.sched.curG?.goid ?? 1);
    if (report !== null) {
      this.stderr(report);
      return this.result('panic', 2);
    }
    throw e;
  }

  private goroutineHeader(): string {
    const g = this.sched.curG ?? this.sched.mainG;
    return `goroutine ${g?.goid ?? 1} [running]:\n${g?.name === 'runtime.main' ? 'main.main' : (g?.name ?? 'main.main')}()`;
  }

  /** An exit status a shell would print for the result ("exit status 2", "Killed"). */
  static describe(r: RunResult): string {
    if (r.outcome === 'oom-kill') return 'Killed';
    return `exit status ${r.status}`;
  }
}

export type { ExtraValue };
