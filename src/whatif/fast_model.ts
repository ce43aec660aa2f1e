// The fast mode: a workload (workload.ts) run cycle by cycle instead of
// object by object. The heap is a handful of numbers (heapLive, the marked
// heap, the resident heap) moved by the workload's rates, and the decisions
// are the runtime's own: gomem's port of the pacer (GcControllerState:
// trigger, goals, assist ratio, cons/mark) and of the GC CPU limiter
// (GcCPULimiterState) run here exactly as in an exact run, fed with
// aggregate inputs. What only an exact run can say (scan work per marked
// byte, mark CPU per byte of it, the spans' fragmentation, the memory
// beside the heap) comes from a short calibration run (fast_calibrate.ts).
// docs/fidelity.md gives how far this lands from the exact mode.
//
// Time advances in steps: up to 10 ms between cycles (the limiter's update
// period), cut at the trigger, a phase's end or an OOM kill; a 32nd of the
// mark phase (at least 50 µs) while marking, where the mutator's allocation, the workers' and assists' scan
// work and the assist ratio move together.

import { CostModel } from '../sim/cost.ts';
import { GcCPULimiterState, gcCPULimiterUpdatePeriod } from '../runtime/mgclimit.ts';
import { GcControllerState, gcTriggerHeap, gcTriggerTime, maxInt64 } from '../runtime/mgcpacer.ts';
import { retainExtraPercent, scavengePercent } from '../runtime/mgcscavenge.ts';
import type { Calibration } from './fast_calibrate.ts';
import { workerGoal } from './fast_calibrate.ts';
import type { Outcome, Row } from './outcome.ts';
import { Scatter } from './fast_scatter.ts';
import { SeriesBuilder } from './series.ts';
import { SpiralWatch } from './spiral.ts';
import type { Phase, Workload } from './workload.ts';
import { Timeline } from './workload_timeline.ts';

/** The settings a fast run takes: the ones the fast model acts on. */
export interface FastConfig {
  /** GOGC; -1 for off. */
  gcPercent: number;
  /** GOMEMLIMIT in bytes; null for none. */
  memoryLimit: number | null;
  /** The cgroup's memory.max in bytes; null for none. */
  memoryMax: number | null;
  gomaxprocs: number;
  /** How long the run lasts (virtual ns). */
  durationNs: number;
}

/** sysmon forces a cycle when none ran for this long (proc.go forcegcperiod). */
const forcegcPeriod = 2 * 60e9;
/** The longest step between cycles: the limiter's update period. */
const maxStep = gcCPULimiterUpdatePeriod;
/** Steps a mark phase is cut into, and the shortest step. */
const markSteps = 32;
const minMarkStep = 50e3;
/** The memory-limit scavenger goal: 95% of the limit (mgcscavenge.go). */
const memoryLimitScavengeGoal = 0.95;
/** Bytes the background scavenger releases in one go (a 64 KiB chunk of pages). */
const scavengeChunk = 64 << 10;

/** The rates of the phase in force. */
interface Rates {
  /** heapLive bytes per ns. */
  heapRate: number;
  /** CPUs the mutator wants (requests' own CPU and mallocgc's). */
  mutator: number;
  /** Bytes requests in flight hold. */
  inflight: number;
  /** Of heapRate, the first request's build of the first phase's live set. */
  buildRate: number;
}

export class FastRun {
  private readonly line: Timeline;
  private readonly ctrl: GcControllerState;
  private readonly limiter: GcCPULimiterState;
  private readonly P: number;
  private readonly bgCpus: number;
  private readonly end: number;
  /** Bytes per ns the background scavenger releases at its 1% of a CPU. */
  private readonly scavengeRate: number;
  private t = 0;
  private cycles = 0;
  private lastGcEnd = 0;
  /** The heap's resident bytes (HeapSys − HeapReleased) and its spans in use (HeapInuse). */
  private retained = 0;
  private inuse = 0;
  /** HeapInuse right after the last sweep: the marked heap's spans and the free slots the sweep left in them. */
  private inuseFloor = 0;
  /** heapLive and heapScan unrounded: a step's allocation can be a fraction of a byte, and the pacer's counters are integers. */
  private live = 0;
  private scan = 0;
  /** Bytes of the first phase's starting live set the first request has still to make (docs/workloads.md). */
  private building: number;
  private cpuAssist = 0;
  private cpuBackground = 0;
  private cpuPause = 0;
  private gcCpuFraction = 0;
  private peakRss = 0;
  private peakCharge = 0;
  private limiterOn = false;
  private killedAt: number | null = null;
  private readonly series: SeriesBuilder;
  private readonly spiral = new SpiralWatch();
  private readonly scatter: Scatter;

  constructor(
    private readonly w: Workload,
    private readonly cal: Calibration,
    private readonly cfg: FastConfig,
    opts: { points?: number; firstBucketNs?: number } = {},
  ) {
    this.P = cfg.gomaxprocs;
    this.end = cfg.durationNs;
    this.line = new Timeline(w.phases, 0, cfg.durationNs);
    this.ctrl = new GcControllerState(() => this.mappedReady());
    this.ctrl.init(cfg.gcPercent, cfg.memoryLimit === null ? maxInt64 : BigInt(Math.floor(cfg.memoryLimit)));
    this.ctrl.addGlobals(Math.round(cal.globalsScan));
    // The most a stack scan could cost: the calibration's stacks, which the fast model does not grow.
    this.ctrl.maxStackScan = Math.round(cal.stackScan);
    this.limiter = new GcCPULimiterState({ numgc: () => this.cycles, test: true });
    this.limiter.resetCapacity(0, this.P);
    const { dedicated, fractional } = workerGoal(this.P);
    this.bgCpus = (dedicated + fractional * this.P) * cal.backgroundShare;
    const chunkNs = new CostModel().syscall('madviseDontneed', scavengeChunk / 4096);
    this.scavengeRate = ((scavengePercent / 100) * scavengeChunk) / chunkNs;
    this.series = new SeriesBuilder(opts);
    this.scatter = new Scatter(w, this.line);
    this.building = w.phases[0]!.liveStart;
  }

  /** Runs to the end (or the OOM kill) and gives the row and series an exact run would. */
  run(): Outcome {
    while (this.t < this.end && this.killedAt === null) {
      const { trigger } = this.ctrl.trigger();
      const due = this.due(trigger);
      if (due !== null) this.cycle(due);
      else this.between(trigger);
    }
    return this.finish();
  }

  // ── the workload ──

  private phase(): Phase {
    return this.w.phases[this.line.index(this.t)]!;
  }

  private rates(): Rates {
    const p = this.phase();
    const cal = this.cal;
    const perRequest = p.requestRate > 0 ? p.allocRate / p.requestRate : 0;
    const requestNs = p.cpuPerRequestNs + perRequest * cal.mutatorNsPerByte;
    // The build runs on one goroutine at mallocgc's pace, on top of the rate.
    const build = this.building > 0 ? cal.heapLivePerByte / Math.max(0.1, cal.mutatorNsPerByte) : 0;
    return {
      buildRate: build,
      heapRate: (p.allocRate * cal.heapLivePerByte) / 1e9 + build,
      mutator: Math.min(this.P, (p.requestRate * p.cpuPerRequestNs + p.allocRate * cal.mutatorNsPerByte) / 1e9),
      // Requests hold their objects for their service time: longer requests, more in flight.
      inflight: ((p.allocRate * cal.inflightNs) / 1e9) * (cal.requestNs > 0 ? requestNs / cal.requestNs : 1),
    };
  }

  /** Bytes the mark will find reachable now: the long-lived set and what requests hold. */
  private survivors(r: Rates): number {
    return this.cal.markedPerLive * Math.max(0, this.line.liveAt(this.t) - this.building) + r.inflight;
  }

  // ── memory ──

  /** Memory the runtime has mapped ready beside the heap's resident pages (stacks, metadata), as mappedReady counts it. */
  private nonHeapMapped(): number {
    return this.cal.nonHeapBase - this.cal.fileRss + this.cal.nonHeapPerHeap * this.retained;
  }

  private mappedReady(): number {
    return Math.round(this.retained + this.nonHeapMapped());
  }

  private rss(): number {
    return this.retained + this.cal.nonHeapBase + this.cal.nonHeapPerHeap * this.retained;
  }

  /** The spans in use follow heapLive; the resident heap grows with them, down to what the scavengers leave. */
  private setHeap(dt: number): void {
    const ctrl = this.ctrl;
    // Allocation refills the free slots the sweep left in spans still in use before HeapInuse grows again.
    this.inuse = Math.max(this.inuseFloor, this.cal.inuseFactor * ctrl.heapLive);
    if (this.inuse > this.retained) this.retained = this.inuse;
    // The background scavenger's goals: 10% over the last goal (GOGC), 95% of the limit.
    let target = Infinity;
    if (this.cfg.gcPercent >= 0 && ctrl.lastHeapGoal > 0) target = ctrl.lastHeapGoal * (1 + retainExtraPercent / 100);
    const limit = this.cfg.memoryLimit;
    if (limit !== null) target = Math.min(target, memoryLimitScavengeGoal * limit - this.nonHeapMapped());
    if (this.retained > target) this.retained = Math.max(this.inuse, target, this.retained - this.scavengeRate * dt);
    // Growing the heap past the limit, the allocator releases free pages itself first (mheap.grow).
    if (limit !== null) this.retained = Math.min(this.retained, Math.max(this.inuse, limit - this.nonHeapMapped()));
    // The pacer's counters are integers (uint64s in Go).
    ctrl.heapInUse.bytes = Math.round(this.inuse);
    ctrl.heapFree.bytes = Math.round(this.retained - this.inuse);
    ctrl.totalAlloc = Math.round(ctrl.heapLive / this.cal.heapLivePerByte);
    const rss = this.rss();
    const charge = rss + this.cal.chargeOverRss;
    if (rss > this.peakRss) this.peakRss = rss;
    if (charge > this.peakCharge) this.peakCharge = charge;
    const goal = this.cycles > 0 || ctrl.triggered >= 0 ? ctrl.heapGoal() : -1;
    this.series.sample(this.t, rss, charge, this.inuse, ctrl.totalAlloc, goal === Infinity ? -1 : goal);
    const max = this.cfg.memoryMax;
    // The page that would take the charge past memory.max is the one the kernel kills for.
    if (max !== null && charge >= max) this.killedAt = this.t;
  }

  /** heapLive at which the cgroup's charge reaches memory.max (Infinity: no cgroup limit). */
  private killHeapLive(): number {
    const max = this.cfg.memoryMax;
    if (max === null) return Infinity;
    const cal = this.cal;
    const retained = (max - cal.chargeOverRss - cal.nonHeapBase) / (1 + cal.nonHeapPerHeap);
    // Only heap growth past what is already resident raises the charge.
    return retained > this.retained ? retained / cal.inuseFactor : Infinity;
  }

  // ── the limiter ──

  private limiterTick(): void {
    if (this.limiter.needUpdate(this.t)) this.limiter.update(this.t);
    this.noteLimiter();
  }

  private noteLimiter(): void {
    const on = this.limiter.limiting();
    if (on !== this.limiterOn) {
      this.limiterOn = on;
      this.spiral.limiter(this.t, on);
    }
  }

  // ── between cycles ──

  /** The kind of cycle due now (heapLive past the trigger, or sysmon's forced one), or null. */
  private due(trigger: number): typeof gcTriggerHeap | typeof gcTriggerTime | null {
    // Under GOGC=off with no limit the goal, and so the trigger, is infinite.
    if (this.ctrl.heapLive >= trigger) return gcTriggerHeap;
    return this.cfg.gcPercent >= 0 && this.t - this.lastGcEnd >= forcegcPeriod ? gcTriggerTime : null;
  }

  private between(trigger: number): void {
    const ctrl = this.ctrl;
    const r = this.rates();
    let dt = Math.min(maxStep, this.end - this.t, this.line.nextStart(this.t) - this.t);
    if (this.cfg.gcPercent >= 0) dt = Math.min(dt, this.lastGcEnd + forcegcPeriod - this.t);
    if (r.heapRate > 0) {
      const toTrigger = (Math.max(trigger, ctrl.heapLive) - ctrl.heapLive) / r.heapRate;
      const toKill = (this.killHeapLive() - ctrl.heapLive) / r.heapRate;
      dt = Math.min(dt, Math.max(1, Math.ceil(toTrigger)), Math.max(1, Math.ceil(toKill)));
    }
    dt = Math.max(1, dt);
    this.addLive(r, r.heapRate * dt, false);
    this.limiter.addIdleTime((this.P - r.mutator) * dt);
    this.t += dt;
    this.setHeap(dt);
    this.limiterTick();
  }

  /**
   * `bytes` of heapLive allocated at rates `r`: heapLive, heapScan with its
   * scannable share (frozen while marking), and the build's share counted
   * as made.
   */
  private addLive(r: Rates, bytes: number, marking: boolean): void {
    this.live += bytes;
    this.ctrl.heapLive = Math.round(this.live);
    if (!marking) {
      this.scan += bytes * this.cal.scanPerMarked;
      this.ctrl.heapScan = Math.round(this.scan);
    }
    if (this.building > 0 && r.heapRate > 0) {
      this.building = Math.max(0, this.building - (bytes * r.buildRate) / r.heapRate / this.cal.heapLivePerByte);
    }
  }

  /** The scan work done so far this cycle, as the pacer counts it: globals first, then stacks, then the heap. */
  private setScanWork(done: number): void {
    const cal = this.cal;
    this.ctrl.globalsScanWork = Math.round(Math.min(done, cal.globalsScan));
    this.ctrl.stackScanWork = Math.round(Math.min(Math.max(0, done - cal.globalsScan), cal.stackScan));
    this.ctrl.heapScanWork = Math.round(Math.max(0, done - cal.globalsScan - cal.stackScan));
  }

  // ── a cycle ──

  private cycle(kind: typeof gcTriggerHeap | typeof gcTriggerTime): void {
    const ctrl = this.ctrl;
    const cal = this.cal;
    const P = this.P;
    // Sweep termination: the world stops.
    const tStart = this.t;
    const heap0 = ctrl.heapLive;
    const r0 = this.rates();
    const survivors = this.survivors(r0);
    const heapWork = Math.max(0, cal.scanPerMarked * survivors + cal.scanBase);
    const total = heapWork + cal.stackScan + cal.globalsScan;
    const markCpu = cal.markNsPerScan * total + cal.markNsBase + cal.scatterScale * this.scatter.extraMarkNs(this.t);
    const nsPerWork = total > 0 ? markCpu / total : 0;
    ctrl.startCycle(tStart, P, { kind });
    this.limiter.startGCTransition(true, tStart);
    this.t += cal.sweepTermPauseNs;
    this.limiter.finishGCTransition(this.t);
    this.cpuPause += cal.sweepTermPauseNs * P;

    // Mark: the workers take the 25% and every idle P; allocation owes assists at the pacer's ratio.
    // About 32 steps a mark, however long it is: enough for the assist ratio to follow the heap.
    const step = Math.max(minMarkStep, Math.ceil(markCpu / (this.bgCpus + Math.max(0, P - this.bgCpus - r0.mutator)) / markSteps));
    let done = 0;
    let credit = 0;
    let assistNs = 0;
    let idleNs = 0;
    let bgNs = 0;
    while (done < total && this.killedAt === null) {
      const r = this.rates();
      const mutator = Math.min(r.mutator, P - this.bgCpus);
      const idle = Math.max(0, P - this.bgCpus - mutator);
      const workerRate = nsPerWork > 0 ? (this.bgCpus + idle) / nsPerWork : Infinity;
      let dt = Math.min(step, Math.max(1, Math.ceil((total - done) / workerRate)));
      // The mutator's allocation: as much as its CPU allows, less what assists take of it.
      const a0 = r.mutator > 0 ? r.heapRate * dt * (mutator / r.mutator) : 0;
      const bgWork = workerRate * dt;
      credit += bgWork;
      let alloc = a0;
      let assistWork = 0;
      const owed = a0 * ctrl.assistWorkPerByte;
      if (this.limiter.limiting() || owed <= credit) {
        credit = Math.max(0, credit - owed);
      } else {
        const cpu = mutator * dt;
        const x = (cpu + credit * nsPerWork) / (owed * nsPerWork + cpu);
        alloc = x * a0;
        assistWork = Math.max(0, x * owed - credit);
        credit = 0;
      }
      const assist = assistWork * nsPerWork;
      done += bgWork + assistWork;
      if (done > total) {
        // The work ran out inside this step: end the mark where it did.
        const over = (done - total) / (bgWork + assistWork);
        dt = Math.max(1, Math.round(dt * (1 - over)));
      }
      assistNs += assist;
      idleNs += idle * dt;
      bgNs += this.bgCpus * dt;
      this.addLive(r, alloc, true);
      this.setScanWork(done);
      ctrl.revise();
      this.limiter.addAssistTime(assist);
      // Idle workers' time is idle time to the limiter (limiterEventIdleMarkWork).
      this.limiter.addIdleTime(idle * dt);
      this.t += dt;
      this.setHeap(dt);
      this.limiterTick();
    }
    if (this.killedAt !== null) return;

    // Mark termination: the world stops again; the pacer learns from the cycle and sets the next goal.
    this.setScanWork(total);
    ctrl.assistTime = Math.round(assistNs);
    ctrl.idleMarkTime = Math.round(idleNs);
    ctrl.fractionalMarkTime = Math.round(bgNs);
    this.limiter.startGCTransition(false, this.t);
    ctrl.endCycle(this.t, P, false);
    const heap1 = ctrl.heapLive;
    const marked = Math.round(survivors + (heap1 - heap0));
    this.inuse = cal.inuseFactor * heap1;
    this.inuseFloor = cal.inuseFactor * (marked + cal.sweptKeep * Math.max(0, heap1 - marked));
    ctrl.resetLive(marked);
    this.live = marked;
    this.scan = ctrl.heapScan;
    ctrl.commit(false);
    this.t += cal.markTermPauseNs;
    this.limiter.finishGCTransition(this.t);
    this.cpuPause += cal.markTermPauseNs * P;
    this.cpuAssist += assistNs;
    this.cpuBackground += bgNs;
    this.cycles++;
    this.lastGcEnd = this.t;
    this.gcCpuFraction = (this.cpuAssist + this.cpuBackground + this.cpuPause) / (this.t * P);
    this.spiral.cycleDone(this.t, marked);
    // The sweep frees the dead: the spans in use shrink to the marked heap's; the pages stay resident.
    this.setHeap(0);
  }

  private finish(): Outcome {
    const killed = this.killedAt !== null;
    const endNs = killed ? this.killedAt! : this.end;
    const row: Row = {
      outcome: killed ? 'oom-kill' : 'exit',
      status: killed ? 137 : 0,
      endNs,
      peakRss: Math.round(this.peakRss),
      peakCharge: Math.round(this.peakCharge),
      gcCycles: this.cycles,
      gcCpuFraction: this.gcCpuFraction,
      assistNs: Math.round(this.cpuAssist),
      // Every cycle pauses as the calibration's did: its longest pause, once there was a cycle.
      maxPauseNs: this.cycles > 0 ? Math.round(this.cal.maxPauseNs) : 0,
      limiterNs: Math.round(this.limiter.limitingTime(endNs)),
      spiral: this.spiral.result(),
    };
    return { row, series: this.series.finish() };
  }
}

/** A workload's run in the fast mode. */
export function runFast(w: Workload, cal: Calibration, cfg: FastConfig, opts: { points?: number; firstBucketNs?: number } = {}): Outcome {
  return new FastRun(w, cal, cfg, opts).run();
}
