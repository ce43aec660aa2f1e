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
  private ps: readonly P[] = [];
  /** Ps whose key may be stale, applied before the next query. */
  private dirty: number[] = [];
  private isDirty = new Uint8Array(0);
  /** Ps left out of the queries for now (hide). */
  private hidden = new Uint8Array(0);

  /** The number of Ps indexed. */
  get n(): number {
    return this.ps.length;
  }

  /** Indexes allp afresh (at start-up, and if GOMAXPROCS changes), and watches every P's time. */
  reset(ps: readonly P[]): void {
    this.ps = ps;
    let size = 1;
    while (size < ps.length) size *= 2;
    this.size = size;
    this.tree = new Float64Array(2 * size).fill(Infinity);
    this.isDirty = new Uint8Array(ps.length);
    this.hidden = new Uint8Array(ps.length);
    this.dirty = [];
    for (const p of ps) p.timeWatcher = this;
    this.rebuild();
  }

  timeChanged(id: number): void {
    if (this.isDirty[id] === 0) {
      this.isDirty[id] = 1;
      this.dirty.push(id);
    }
  }

  /** A P's run queue or runnext changed: it may have joined or left the idle Ps. */
  localChanged(id: number): void {
    this.timeChanged(id);
  }

  /** The key of P id: its time while it has nothing of its own to run (and is not hidden). */
  private key(id: number): number {
    const p = this.ps[id]!;
    return this.hidden[id] === 0 && p.runnext === null && p.runq.length === 0 ? p.time : Infinity;
  }

  private rebuild(): void {
    const { tree, size } = this;
    for (let i = 0; i < this.ps.length; i++) tree[size + i] = this.key(i);
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
    if (d.length * 8 > this.ps.length) {
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
