// Channels (chan.go): makechan's allocations (an hchan, with the buffer in
// the same object for pointer-free elements), send and receive with the
// direct hand-off to a waiting goroutine, buffering, blocking through a
// sudog (acquireSudog's per-P cache, allocated when empty), and close.

import { mallocgc } from '../runtime/malloc.ts';
import { GoPanic } from '../runtime/panic.ts';
import { sudogType } from '../runtime/rtypes.ts';
import type { G, GoroutineBody } from '../runtime/runtime2.ts';
import { makechanAllocs } from './chan_layout.ts';
import type { GoProcess } from './process.ts';
import type { GoType } from './types.ts';

interface Waiter {
  g: G;
  value: unknown;
}

/** Free sudogs per P (pp.sudogcache); a sudog is allocated only when it is empty. */
const sudogCaches = new WeakMap<object, number>();

export class Chan {
  readonly addr: number;
  private readonly buf: unknown[] = [];
  private readonly recvq: Waiter[] = [];
  private readonly sendq: Waiter[] = [];
  closed = false;

  constructor(
    private readonly p: GoProcess,
    readonly type: GoType,
    readonly size: number,
  ) {
    let first = 0;
    for (const a of makechanAllocs(type.elem!, size)) {
      const x = mallocgc(p.rt, a.size, a.noscan ? null : a.type, true);
      if (first === 0) first = x;
    }
    this.addr = first;
  }

  static make(p: GoProcess, type: GoType, size: number): Chan {
    return new Chan(p, type, size);
  }

  static at(_p: GoProcess, _type: GoType, _addr: number): Chan {
    throw new Error('gomem: channels read back from memory are not implemented yet');
  }

  private acquireSudog(): void {
    const key = this.p.rt.curP ?? this.p;
    const n = sudogCaches.get(key) ?? 0;
    if (n > 0) sudogCaches.set(key, n - 1);
    else mallocgc(this.p.rt, sudogType.size, sudogType, true);
  }

  private releaseSudog(): void {
    const key = this.p.rt.curP ?? this.p;
    sudogCaches.set(key, (sudogCaches.get(key) ?? 0) + 1);
  }

  /** ch <- v */
  *send(v: unknown): GoroutineBody {
    if (this.closed) throw new GoPanic('send on closed channel');
    const r = this.recvq.shift();
    if (r) {
      r.g.param = v;
      this.p.sched.ready(r.g);
      this.p.charger.charge(this.p.costs.chanOp(true));
      return;
    }
    if (this.buf.length < this.size) {
      this.buf.push(v);
      this.p.charger.charge(this.p.costs.chanOp(false));
      return;
    }
    const g = this.p.sched.curG!;
    this.acquireSudog();
    this.sendq.push({ g, value: v });
    yield this.p.sched.park('chan send');
    this.releaseSudog();
    if (g.param === CLOSED) throw new GoPanic('send on closed channel');
  }

  /** <-ch; the value (undefined once closed and drained). */
  *recv(): Generator<1 | 2 | 3, unknown, unknown> {
    if (this.buf.length > 0) {
      const v = this.buf.shift();
      const s = this.sendq.shift();
      if (s) {
        this.buf.push(s.value);
        this.p.sched.ready(s.g);
      }
      return v;
    }
    const s = this.sendq.shift();
    if (s) {
      this.p.sched.ready(s.g);
      return s.value;
    }
    if (this.closed) return undefined;
    const g = this.p.sched.curG!;
    this.acquireSudog();
    this.recvq.push({ g, value: undefined });
    yield this.p.sched.park('chan receive');
    this.releaseSudog();
    const v = g.param;
    g.param = undefined;
    return v === CLOSED ? undefined : v;
  }

  /** close(ch): every waiting receiver gets the zero value; waiting senders panic. */
  close(): void {
    if (this.closed) throw new GoPanic('close of closed channel');
    this.closed = true;
    for (const w of this.recvq.splice(0)) {
      w.g.param = CLOSED;
      this.p.sched.ready(w.g);
    }
    for (const w of this.sendq.splice(0)) {
      w.g.param = CLOSED;
      this.p.sched.ready(w.g);
    }
  }

  get len(): number {
    return this.buf.length;
  }
}

const CLOSED = Symbol('closed');
