// A process's CPU time as Linux 6.18 accounts it on this machine
// (kernel/sched/cputime.c with CONFIG_TICK_CPU_ACCOUNTING and CONFIG_HZ=250),
// the /proc/PID/stat clock ticks that ps and top read, and the process's
// part of the load average (kernel/sched/loadavg.c).
//
// Linux keeps, per thread group:
//   sum_exec_runtime  the nanoseconds its threads ran on a CPU. The kernel
//                     model has no threads: whoever runs them (the Go runtime
//                     model: its Ps' busy time plus M0's start-up) reports it
//                     with update(). Idle threads and sleeps add nothing.
//   tick samples      every 4 ms tick that finds a thread running charges the
//                     tick to user or system time by the mode the CPU was in
//                     (account_process_tick). The model counts the ticks that
//                     fall inside kernel work the caller reports (page faults,
//                     syscalls: kernelWork) and takes every other tick of the
//                     running time as user time.
//   cputime_adjust    scales the samples to sum_exec_runtime and keeps both
//                     parts from ever going down: utime + stime is exactly
//                     sum_exec_runtime.
// /proc/PID/stat converts utime and stime to USER_HZ (100) ticks separately,
// truncating each (nsec_to_clock_t), so their sum can be a tick below the
// total's: ps and top add the two.
//
// The load average samples the number of running threads every LOAD_FREQ
// (5 s + 1 tick). The model knows a process's CPU time only at its updates,
// so a sample takes the process's average number of running threads since
// the update before (its CPU time over the wall time between the two).

/** CONFIG_HZ of this machine's kernel (the scheduler tick). */
export const CONFIG_HZ = 250;
/** TICK_NSEC: one scheduler tick, ns. */
export const TICK_NSEC = 1e9 / CONFIG_HZ;
/** USER_HZ (sysconf(_SC_CLK_TCK)): the unit of utime, stime and starttime in /proc/PID/stat. */
export const USER_HZ = 100;
const NSEC_PER_USER_TICK = 1e9 / USER_HZ;
/** LOAD_FREQ = 5 HZ + 1: the load average is sampled every 5.004 s from boot. */
export const LOAD_FREQ_NS = (5 * CONFIG_HZ + 1) * TICK_NSEC;

/** nsec_to_clock_t: ns to USER_HZ ticks, truncating. */
export function nsecToClockT(ns: number): number {
  return Math.floor(ns / NSEC_PER_USER_TICK);
}

export class TaskCputime {
  /** sum_exec_runtime of all the threads, ns. */
  private rtime = 0;
  /** Virtual time (ns since boot) of the last update. */
  private updatedAt: number;
  /** Ticks that found a thread in kernel mode. */
  private systemTicks = 0;
  /** cputime_adjust's prev_cputime. */
  private prevUtime = 0;
  private prevStime = 0;
  /** Average running threads of this process at each load sample (index k: the sample at (k + 1) * LOAD_FREQ). */
  private readonly loadSamples: number[] = [];

  constructor(startNs: number) {
    this.updatedAt = startNs;
    // No sample falls before the process started.
    for (let k = 0; (k + 1) * LOAD_FREQ_NS <= startNs; k++) this.loadSamples.push(0);
  }

  /**
   * The threads have run `rtimeNs` in all as of `nowNs` (ns since boot).
   * sum_exec_runtime never goes down; load samples due since the last
   * update take the average in between.
   */
  update(rtimeNs: number, nowNs: number): void {
    const rtime = Math.max(this.rtime, rtimeNs);
    if (nowNs > this.updatedAt) {
      const running = (rtime - this.rtime) / (nowNs - this.updatedAt);
      while ((this.loadSamples.length + 1) * LOAD_FREQ_NS <= nowNs) this.loadSamples.push(running);
      this.updatedAt = nowNs;
    }
    this.rtime = rtime;
  }

  /** A thread did kernel work from `a` to `b` (ns since boot, on its CPU's timeline): the ticks in (a, b] were system time. */
  kernelWork(a: number, b: number): void {
    if (b > a) this.systemTicks += Math.floor(b / TICK_NSEC) - Math.floor(a / TICK_NSEC);
  }

  /** sum_exec_runtime, ns (utime + stime). */
  get runtimeNs(): number {
    return this.rtime;
  }

  /** utime after cputime_adjust, ns. */
  get utimeNs(): number {
    this.adjust();
    return this.prevUtime;
  }

  /** stime after cputime_adjust, ns. */
  get stimeNs(): number {
    this.adjust();
    return this.prevStime;
  }

  /** /proc/PID/stat field 14: utime in USER_HZ ticks. */
  get utimeTicks(): number {
    return nsecToClockT(this.utimeNs);
  }

  /** /proc/PID/stat field 15: stime in USER_HZ ticks. */
  get stimeTicks(): number {
    return nsecToClockT(this.stimeNs);
  }

  /** utime + stime in ticks, as ps and top add them (procps TICS_ALL). */
  get ticks(): number {
    return this.utimeTicks + this.stimeTicks;
  }

  /** The process's average number of running threads at load sample k (the one at (k + 1) × LOAD_FREQ), 0 if not yet known. */
  loadSample(k: number): number {
    return this.loadSamples[k] ?? 0;
  }

  /**
   * cputime_adjust: stime = rtime × stime samples / all samples, where the
   * running time holds rtime / TICK_NSEC samples; then neither part may go
   * below what it was last time.
   */
  private adjust(): void {
    const rtime = this.rtime;
    if (this.prevUtime + this.prevStime >= rtime) return;
    let stime = Math.min(rtime, this.systemTicks * TICK_NSEC);
    if (stime < this.prevStime) stime = this.prevStime;
    let utime = rtime - stime;
    if (utime < this.prevUtime) {
      utime = this.prevUtime;
      stime = rtime - utime;
    }
    this.prevUtime = utime;
    this.prevStime = stime;
  }
}

// ── the load average (kernel/sched/loadavg.c) ─────────────────────────────

const FSHIFT = 11;
const FIXED_1 = 1 << FSHIFT;
/** EXP_1, EXP_5, EXP_15: 1/exp(5 s / 1, 5, 15 min) in fixed point. */
const EXP = [1884, 2014, 2037] as const;

/** calc_load: one step of the exponentially decaying average, fixed point. */
function calcLoad(load: number, exp: number, active: number): number {
  let newload = load * exp + active * (FIXED_1 - exp);
  if (active >= load) newload += FIXED_1 - 1;
  return Math.floor(newload / FIXED_1);
}

/**
 * avenrun[0..2] (fixed point, FSHIFT 11) at `nowNs` of a machine whose
 * processes are `cputimes`: calc_global_load at every LOAD_FREQ since boot,
 * the active count being the processes' running threads (in fixed point:
 * their averages, not a whole count).
 */
export function avenrun(cputimes: readonly TaskCputime[], nowNs: number): [number, number, number] {
  const a: [number, number, number] = [0, 0, 0];
  for (let k = 0; (k + 1) * LOAD_FREQ_NS <= nowNs; k++) {
    let running = 0;
    for (const c of cputimes) running += c.loadSample(k);
    const active = Math.round(running * FIXED_1);
    for (let i = 0; i < 3; i++) a[i] = calcLoad(a[i]!, EXP[i]!, active);
  }
  return a;
}

/** /proc/loadavg's figures: get_avenrun with FIXED_1/200 added, printed "%lu.%02lu". */
export function loadavgText(avenrunFixed: readonly number[]): string[] {
  return avenrunFixed.map((x) => {
    const v = x + Math.floor(FIXED_1 / 200);
    const int = v >> FSHIFT;
    const frac = ((v & (FIXED_1 - 1)) * 100) >> FSHIFT;
    return `${int}.${String(frac).padStart(2, '0')}`;
  });
}

/**
 * /proc/uptime's first figure as a reader parses it: seconds since boot
 * printed with two decimals (centiseconds truncated), read back as a double.
 */
export function procUptimeSecs(nowNs: number): number {
  const cs = Math.floor(nowNs / 1e7);
  return Number(`${Math.floor(cs / 100)}.${String(cs % 100).padStart(2, '0')}`);
}
