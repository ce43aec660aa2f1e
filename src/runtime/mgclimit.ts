// The GC CPU limiter (Go 1.23 runtime/mgclimit.go, gcCPULimiterState): a
// leaky bucket of GOMAXPROCS × 1 s capacity that fills with GC CPU time
// (assists, 25% of all CPU while the GC is on, whole stop-the-world pauses)
// and drains with mutator time, idle time excluded. While it is full,
// limiting() is true: assists stop and allocation-time scavenging for the
// memory limit is skipped, which caps GC CPU at about 50% over the window.
// Also the per-P limiterEvent that measures assist, scavenge-assist, idle
// and idle-mark time while it is still in progress.
//
// The clock is whatever the caller passes as `now` (ns): the model's
// virtual clock, or a test's mock. Times and fills are float64 integers
// (exact below 2^53 ns, 104 CPU-days).

import { goThrow } from './panic.ts';
import { gcBackgroundUtilization } from './mgcpacer.ts';

/** Bucket capacity per P: 1 s of CPU, in ns. */
export const capacityPerProc = 1e9;
/** The longest the limiter should go without an update (10 ms of wall time, ns). */
export const gcCPULimiterUpdatePeriod = 10e6;

// limiterEventType: what a P is doing that the limiter must account for.
export const limiterEventNone = 0;
export const limiterEventIdleMarkWork = 1;
export const limiterEventMarkAssist = 2;
export const limiterEventScavengeAssist = 3;
export const limiterEventIdle = 4;
export type LimiterEventType =
  | typeof limiterEventNone
  | typeof limiterEventIdleMarkWork
  | typeof limiterEventMarkAssist
  | typeof limiterEventScavengeAssist
  | typeof limiterEventIdle;

export interface GcCPULimiterOptions {
  /** memstats.numgc: lastEnabledCycle records the cycle in progress, numgc + 1. */
  numgc?: () => number;
  /** The limiterEvent of every P (Go: allp[i].limiterEvent), drained at each update. Ignored by test limiters. */
  limiterEvents?: () => Iterable<LimiterEvent>;
  /** sched.idleTime: idle-P time found in flight at an update, in ns. */
  addSchedIdleTime?: (ns: number) => void;
  /** A test copy (Go: test): in-flight P events are not consulted. */
  test?: boolean;
}

export class GcCPULimiterState {
  /** Go's lock is an atomic flag; a GC transition holds it from start to finish, and an update that finds it held is dropped. */
  private locked = false;
  /** limiting(): the bucket is full. */
  private enabled = false;
  /** The limiter's copy of gcBlackenEnabled: whether 25% of all CPU counts as GC time. */
  gcEnabled = false;
  /** Between startGCTransition and finishGCTransition (a stop-the-world). */
  transitioning = false;
  readonly test: boolean;

  /** The bucket, in CPU-ns. Invariants: 0 ≤ fill ≤ capacity. */
  readonly bucket = { fill: 0, capacity: 0 };
  /** CPU-ns of GC time that arrived while the bucket was full (cumulative). */
  overflow = 0;

  /** Assist time (ns) reported since the last update. */
  assistTimePool = 0;
  /** Idle mark time pool; declared in Go 1.23 but never filled (idle marking goes through idleTimePool). */
  idleMarkTimePool = 0;
  /** Time (ns) Ps spent idle (or in idle mark workers) since the last update. */
  idleTimePool = 0;
  /** now of the last update (ns). */
  lastUpdate = 0;
  /** The GC cycle (numgc + 1 at the time) in which the limiter last turned on; /gc/limiter/last-enabled:gc-cycle. */
  lastEnabledCycle = 0;
  /** The limiter's copy of GOMAXPROCS. */
  nprocs = 0;
  /**
   * Time (ns) limiting() has been true, up to the update that last changed
   * it, and when it last turned on (gomem's own account: Go keeps none; the
   * state changes only at updates, so this is what Go's limiter did).
   */
  private limitingNs = 0;
  private limitingSince = 0;

  private readonly numgc: () => number;
  private readonly limiterEvents: (() => Iterable<LimiterEvent>) | null;
  private readonly addSchedIdleTime: ((ns: number) => void) | null;

  constructor(opts: GcCPULimiterOptions = {}) {
    this.numgc = opts.numgc ?? (() => 0);
    this.limiterEvents = opts.limiterEvents ?? null;
    this.addSchedIdleTime = opts.addSchedIdleTime ?? null;
    this.test = opts.test ?? false;
  }

  /** Whether the GC should hold back its CPU use (no assists, no allocation-time scavenging). */
  limiting(): boolean {
    return this.enabled;
  }

  /** Total time (ns) the limiter has been limiting, up to `now`. */
  limitingTime(now: number): number {
    return this.limitingNs + (this.enabled ? Math.max(0, now - this.limitingSince) : 0);
  }

  private setEnabled(on: boolean, now: number): void {
    if (on === this.enabled) return;
    if (on) this.limitingSince = now;
    else this.limitingNs += Math.max(0, now - this.limitingSince);
    this.enabled = on;
  }

  /**
   * The GC is switching on (gcStart) or off (gcMarkDone), with the world
   * stopped: flush the time so far under the old state and take ownership
   * until finishGCTransition.
   */
  startGCTransition(enableGC: boolean, now: number): void {
    if (!this.tryLock()) goThrow('failed to acquire lock to start a GC transition');
    if (this.gcEnabled === enableGC) goThrow('transitioning GC to the same state as before?');
    this.updateLocked(now);
    this.gcEnabled = enableGC;
    this.transitioning = true;
    // The lock stays held until finishGCTransition.
  }

  /**
   * The stop-the-world ended at `now`: all of it counts as GC time on every
   * P (user code could not run), then ownership is released.
   */
  finishGCTransition(now: number): void {
    if (!this.transitioning) goThrow('finishGCTransition called without starting one?');
    const lastUpdate = this.lastUpdate;
    if (now >= lastUpdate) this.accumulate(0, (now - lastUpdate) * this.nprocs, now);
    this.lastUpdate = now;
    this.transitioning = false;
    this.unlock();
  }

  /** More than an update period has passed since the last update. */
  needUpdate(now: number): boolean {
    return now - this.lastUpdate > gcCPULimiterUpdatePeriod;
  }

  /** Assist (or scavenge-assist) ns to count at the next update. */
  addAssistTime(t: number): void {
    this.assistTimePool += t;
  }

  /** Idle-P (or idle mark) ns to take out of the total at the next update. */
  addIdleTime(t: number): void {
    this.idleTimePool += t;
  }

  /** Accounts the time up to `now`. Dropped if a GC transition owns the limiter. */
  update(now: number): void {
    if (!this.tryLock()) return; // the owner's next update includes our time
    if (this.transitioning) goThrow('update during transition');
    this.updateLocked(now);
    this.unlock();
  }

  private updateLocked(now: number): void {
    const lastUpdate = this.lastUpdate;
    // A stale now: a later update already covered it.
    if (now < lastUpdate) return;
    let windowTotalTime = (now - lastUpdate) * this.nprocs;
    this.lastUpdate = now;

    let assistTime = this.assistTimePool;
    this.assistTimePool = 0;
    let idleTime = this.idleTimePool;
    this.idleTimePool = 0;

    if (!this.test && this.limiterEvents !== null) {
      // Take the in-flight part of every P's event, so that all the time
      // accounted here happened between lastUpdate and now.
      for (const ev of this.limiterEvents()) {
        const [typ, duration] = ev.consume(now);
        switch (typ) {
          case limiterEventIdleMarkWork:
          case limiterEventIdle:
            idleTime += duration;
            this.addSchedIdleTime?.(duration);
            break;
          case limiterEventMarkAssist:
          case limiterEventScavengeAssist:
            assistTime += duration;
            break;
          case limiterEventNone:
            break;
          default:
            goThrow('invalid limiter event type found');
        }
      }
    }

    let windowGCTime = assistTime;
    if (this.gcEnabled) windowGCTime += Math.trunc(windowTotalTime * gcBackgroundUtilization);

    // Idle time comes off the total only after the 25% was taken from the
    // real total: otherwise an undersubscribed program's thrashing GC would
    // look cheap next to GOMAXPROCS.
    windowTotalTime -= idleTime;

    this.accumulate(windowTotalTime - windowGCTime, windowGCTime, now);
  }

  /** Moves the bucket by gcTime − mutatorTime (CPU-ns) and switches limiting on when it fills, off when it drains. */
  private accumulate(mutatorTime: number, gcTime: number, now: number): void {
    const headroom = this.bucket.capacity - this.bucket.fill;
    const enabled = headroom === 0;
    const change = gcTime - mutatorTime;

    if (change > 0 && headroom <= change) {
      this.overflow += change - headroom;
      this.bucket.fill = this.bucket.capacity;
      if (!enabled) {
        this.setEnabled(true, now);
        this.lastEnabledCycle = (this.numgc() + 1) >>> 0;
      }
      return;
    }

    if (change < 0 && this.bucket.fill <= -change) {
      this.bucket.fill = 0;
    } else {
      this.bucket.fill += change;
    }
    // Exactly 50% GC time leaves a full bucket limiting.
    if (change !== 0 && enabled) this.setEnabled(false, now);
  }

  private tryLock(): boolean {
    if (this.locked) return false;
    this.locked = true;
    return true;
  }

  private unlock(): void {
    if (!this.locked) goThrow('double unlock');
    this.locked = false;
  }

  /**
   * GOMAXPROCS changed (procresize, world stopped, GC off): flush, then
   * resize the bucket. A fill above the new capacity is cut to it (and
   * limits); fewer CPUs are not overflow.
   */
  resetCapacity(now: number, nprocs: number): void {
    if (!this.tryLock()) goThrow('failed to acquire lock to reset capacity');
    this.updateLocked(now);
    this.nprocs = nprocs;
    this.bucket.capacity = nprocs * capacityPerProc;
    if (this.bucket.fill > this.bucket.capacity) {
      this.bucket.fill = this.bucket.capacity;
      this.setEnabled(true, now);
      this.lastEnabledCycle = (this.numgc() + 1) >>> 0;
    } else if (this.bucket.fill < this.bucket.capacity) {
      this.setEnabled(false, now);
    }
    this.unlock();
  }
}

/**
 * What a P is doing for the limiter, and since when (Go: p.limiterEvent).
 * Go packs the type into the top 3 bits of a 64-bit nanotime stamp and
 * recovers the dropped top bits from `now`; virtual time never reaches 2^61
 * ns, so the two are kept apart here and durations come out the same.
 */
export class LimiterEvent {
  typ: LimiterEventType = limiterEventNone;
  /** Start of the event, or of its unaccounted remainder (ns). */
  since = 0;

  /** Begins an event; false if another is in flight (its time is already being attributed). */
  start(typ: LimiterEventType, now: number): boolean {
    if (this.typ !== limiterEventNone) return false;
    this.typ = typ;
    this.since = now;
    return true;
  }

  /** Takes the time of the in-flight event so far, restarting it at now. A stale now gives [None, 0]. */
  consume(now: number): [LimiterEventType, number] {
    const typ = this.typ;
    if (typ === limiterEventNone) return [limiterEventNone, 0];
    const duration = now < this.since ? 0 : now - this.since;
    if (duration === 0) return [limiterEventNone, 0];
    this.since = now;
    return [typ, duration];
  }

  /** Ends the event and reports its remaining time to the limiter (and idle time to the scheduler). */
  stop(typ: LimiterEventType, now: number, limiter: GcCPULimiterState, addSchedIdleTime?: (ns: number) => void): void {
    if (this.typ !== typ) {
      goThrow("limiterEvent.stop: found wrong event in p's limiter event slot", [`runtime: want=${typ} got=${this.typ}`]);
    }
    const since = this.since;
    this.typ = limiterEventNone;
    this.since = 0;
    const duration = now < since ? 0 : now - since;
    if (duration === 0) return;
    switch (typ) {
      case limiterEventIdleMarkWork:
        limiter.addIdleTime(duration);
        break;
      case limiterEventIdle:
        limiter.addIdleTime(duration);
        addSchedIdleTime?.(duration);
        break;
      case limiterEventMarkAssist:
      case limiterEventScavengeAssist:
        limiter.addAssistTime(duration);
        break;
      default:
        goThrow('limiterEvent.stop: invalid limiter event type found');
    }
  }
}
