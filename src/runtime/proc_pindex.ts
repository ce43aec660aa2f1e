// The scheduler's index of idle Ps by virtual time: gomem's own, with no Go
// counterpart. Go's scheduler never compares Ps' clocks; gomem's picks the P
// that can start earliest (proc.ts), and with GOMAXPROCS in the tens of
// thousands looking at every P for every pick made a run quadratic in Ps.
//
// A P with nothing of its own to run (no runnext, an empty run queue) can
// start nothing before its own time, and what it would take (the global
// queue's head, a stolen goroutine) is the same for all such Ps; so the
// scheduler needs, among them, the earliest time and the lowest id whose
// time is at most some bound. A segment tree of minimum times over P ids
// answers both in O(log Ps). Ps with work of their own are kept out (their
// key is Infinity); the scheduler looks at those one by one.

import type { P, PTimeWatcher } from './runtime2.ts';

export class PTimeIndex implements PTimeWatcher {
  /** Leaves at size + id; every inner node holds the minimum of its two children. */
  private tree = new Float64Array(2);
  private size = 1;
  /** The number of Ps indexed (allp may grow after; the scheduler then resets the index). */
  private count = 0;
  /**
   * Each P's time and whether it has work of its own, copied here as they
   * change: a rebuild then reads two typed arrays instead of touching every
   * P object (scattered through a large host heap, a cache miss each).
   */
  private times = new Float64Array(0);
  private busy = new Uint8Array(0);
  /** Ps whose key may be stale, applied before the next query. */
  private dirty: number[] = [];
  private isDirty = new Uint8Array(0);
  /** Ps left out of the queries for now (hide). */
  private hidden = new Uint8Array(0);

  /** The number of Ps indexed. */
  get n(): number {
    return this.count;
  }

  /** Indexes allp afresh (at start-up, and if GOMAXPROCS changes), and watches every P's time. */
  reset(ps: readonly P[]): void {
    this.count = ps.length;
    let size = 1;
    while (size < ps.length) size *= 2;
    this.size = size;
    this.tree = new Float64Array(2 * size).fill(Infinity);
    this.isDirty = new Uint8Array(ps.length);
    this.hidden = new Uint8Array(ps.length);
    this.times = new Float64Array(ps.length);
    this.busy = new Uint8Array(ps.length);
    this.dirty = [];
    for (const p of ps) {
      p.timeWatcher = this;
      this.times[p.id] = p.time;
      this.busy[p.id] = p.hasLocalWork() ? 1 : 0;
    }
    this.rebuild();
  }

  timeChanged(id: number, t: number): void {
    this.times[id] = t;
    this.touch(id);
  }

  /** A P's run queue or runnext changed: it may have joined or left the idle Ps. */
  localChanged(id: number, hasWork: boolean): void {
    this.busy[id] = hasWork ? 1 : 0;
    this.touch(id);
  }

  private touch(id: number): void {
    if (this.isDirty[id] === 0) {
      this.isDirty[id] = 1;
      this.dirty.push(id);
    }
  }

  /** The key of P id: its time while it has nothing of its own to run (and is not hidden). */
  private key(id: number): number {
    return this.hidden[id] === 0 && this.busy[id] === 0 ? this.times[id]! : Infinity;
  }

  private rebuild(): void {
    const { tree, size } = this;
    for (let i = 0; i < this.count; i++) tree[size + i] = this.key(i);
    for (let i = size - 1; i >= 1; i--) tree[i] = Math.min(tree[2 * i]!, tree[2 * i + 1]!);
  }

  private set(id: number, v: number): void {
    const tree = this.tree;
    let i = this.size + id;
    tree[i] = v;
    for (i >>= 1; i >= 1; i >>= 1) {
      const m = Math.min(tree[2 * i]!, tree[2 * i + 1]!);
      if (tree[i] === m) break;
      tree[i] = m;
    }
  }

  /** Applies the changes since the last query: one path each, or a rebuild when many Ps moved (a stop-the-world). */
  sync(): void {
    const d = this.dirty;
    if (d.length === 0) return;
    if (d.length * 8 > this.count) {
      this.rebuild();
    } else {
      for (const id of d) this.set(id, this.key(id));
    }
    for (const id of d) this.isDirty[id] = 0;
    d.length = 0;
  }

  /** Leaves P id out of the queries until restore(id) (the P a catch-up runs beside, Ps already looked at). */
  hide(id: number): void {
    this.hidden[id] = 1;
    this.set(id, Infinity);
  }

  restore(id: number): void {
    this.hidden[id] = 0;
    this.set(id, this.key(id));
  }

  /** The earliest time of an idle P (Infinity: none). */
  min(): number {
    return this.tree[1]!;
  }

  /** The lowest id of an idle P whose time is at most t, or -1. */
  leftmostAtMost(t: number): number {
    const tree = this.tree;
    if (!(tree[1]! <= t) || tree[1] === Infinity) return -1;
    let i = 1;
    while (i < this.size) i = tree[2 * i]! <= t ? 2 * i : 2 * i + 1;
    return i - this.size;
  }
}
