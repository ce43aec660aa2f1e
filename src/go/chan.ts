// Channels (runtime/chan.go) with their contents in simulated memory: the
// hchan's fields (qcount, dataqsiz, buf, elemsize, closed, elemtype, sendx,
// recvx) are read and written in the hchan object, and buffered elements
// live at buf + i·elemsize, a circular queue between recvx and sendx,
// stored through the write path (storeValue, typedmemmove, typedmemclr) so
// that the collector finds the pointers they hold.
//
// A value in flight is always in memory the collector scans:
//   - a sender that blocks pushes a "runtime.chansend" frame holding its
//     value in a slot of the element type until a receiver takes it (Go's
//     `ep` points into the sender's stack);
//   - a receiver that blocks pushes a "runtime.chanrecv" frame; a sender
//     that finds it waiting writes the value straight into that slot
//     through the write path (sendDirect writes into another goroutine's
//     stack, with the barrier), and the receiver reads it after waking.
// The goroutines waiting on a channel (Go's recvq/sendq of sudogs) are JS
// queues of the scheduler's G objects, in one table per process indexed by
// a channel id kept in the hchan's lock word (gomem never uses the lock
// itself: one goroutine runs at a time). An id is given to a channel when a
// goroutine first waits on it and taken back when no one waits; the recvq
// and sendq words of the hchan stay zero. Each waiter takes a sudog as Go's
// acquireSudog does (runtime/proc_sudog.ts) and holds it in g.waiting while
// it is parked, so the collector finds it there.

import { mallocgc } from '../runtime/malloc.ts';
import { typedmemclr, typedmemmove, writePointer } from '../runtime/mbarrier.ts';
import { GoPanic } from '../runtime/panic.ts';
import { acquireSudog, releaseSudog, setWaiting } from '../runtime/proc_sudog.ts';
import type { G, GoroutineBody } from '../runtime/runtime2.ts';
import { hchanSize, hchanType, makechanAllocs } from './chan_layout.ts';
import { type FrameRef, FrameShape, frameG, frameRecord, frameSlotAddr } from './frame.ts';
import { loadValue, storeValue, zeroValue } from './memops.ts';
import type { GoProcess } from './process.ts';
import { type GoType, Kind } from './types.ts';

function fieldOffset(name: string): number {
  return hchanType.fields!.find((f) => f.name === name)!.offset;
}

const cQcount = fieldOffset('qcount');
const cDataqsiz = fieldOffset('dataqsiz');
const cBuf = fieldOffset('buf');
const cElemsize = fieldOffset('elemsize');
const cClosed = fieldOffset('closed');
const cElemtype = fieldOffset('elemtype');
const cSendx = fieldOffset('sendx');
const cRecvx = fieldOffset('recvx');
const cLock = fieldOffset('lock');

/** A goroutine blocked on a channel (the sudog's JS half): its G and the frame slot holding or awaiting the value. */
export interface Waiter {
  readonly g: G;
  readonly frame: FrameRef;
  /** sudog.success: woken by a send or receive (not by close). */
  success: boolean;
  /** A select's case (sudog.isSelect): the first channel to pair with one of its waiters wins the select. */
  readonly sel?: SelectWait;
  /** The case's index in its select. */
  readonly index?: number;
}

/** One blocked select: the case that fired, -1 while none has. */
export interface SelectWait {
  fired: number;
}

interface WaitQueues {
  readonly recvq: Waiter[];
  readonly sendq: Waiter[];
}

/** The wait queues of a process's channels, by the id in each hchan's lock word (0: none). */
class ChanTable {
  readonly queues: (WaitQueues | undefined)[] = [undefined];
  readonly free: number[] = [];
}

const tables = new WeakMap<GoProcess, ChanTable>();

/** The frames of blocked senders and receivers, per element type. */
const sendShapes = new WeakMap<GoType, FrameShape>();
const recvShapes = new WeakMap<GoType, FrameShape>();

function frameShape(cache: WeakMap<GoType, FrameShape>, fn: string, elem: GoType): FrameShape {
  let s = cache.get(elem);
  if (s === undefined) {
    s = new FrameShape(fn, { elem });
    cache.set(elem, s);
  }
  return s;
}

/** Takes a waiter to wake: a select's waiter only if its select has not fired yet (then it fires with this case). */
function claim(w: Waiter): boolean {
  if (w.sel === undefined) return true;
  if (w.sel.fired !== -1) return false;
  w.sel.fired = w.index!;
  return true;
}

/** Address of a waiter's value slot (its frame is on its own, possibly moved, stack). */
function slotOf(w: Waiter): number {
  return frameG(w.frame).stack.hi - frameRecord(w.frame).sp;
}

export class Chan {
  constructor(
    readonly p: GoProcess,
    readonly type: GoType,
    /** Address of the hchan. */
    readonly addr: number,
  ) {}

  /**
   * make(chan T, size): makechan's allocations (chan_layout.ts) and the
   * hchan's fields written in memory.
   */
  static make(p: GoProcess, type: GoType, size = 0): Chan {
    const elem = type.elem!;
    const allocs = makechanAllocs(elem, size);
    const rt = p.rt;
    const mem = rt.mem;
    const c = mallocgc(rt, allocs[0]!.size, allocs[0]!.noscan ? null : allocs[0]!.type, true);
    let buf: number;
    if (allocs.length === 2) buf = mallocgc(rt, allocs[1]!.size, allocs[1]!.type, true);
    else if (elem.size * size === 0) buf = c + cBuf; // c.raceaddr(): the buf field itself
    else buf = c + hchanSize;
    writePointer(rt, c + cBuf, buf);
    mem.storeInt(c + cElemsize, 2, elem.size);
    writePointer(rt, c + cElemtype, rt.types.addrOf(elem));
    mem.storeWord(c + cDataqsiz, size);
    return new Chan(p, type, c);
  }

  /** The channel whose hchan is at addr (a channel value read back from memory). */
  static at(p: GoProcess, type: GoType, addr: number): Chan {
    if (type.kind !== Kind.Chan) throw new Error(`gomem: ${type.str} is not a channel type`);
    return new Chan(p, type, addr);
  }

  private get elem(): GoType {
    return this.type.elem!;
  }

  /** len(ch): the values buffered. */
  get len(): number {
    return this.p.rt.mem.loadWord(this.addr + cQcount);
  }

  /** cap(ch): the buffer's size. */
  get cap(): number {
    return this.p.rt.mem.loadWord(this.addr + cDataqsiz);
  }

  /** The buffer size (cap), under its older name. */
  get size(): number {
    return this.cap;
  }

  get closed(): boolean {
    return this.p.rt.mem.loadInt(this.addr + cClosed, 4, false) !== 0;
  }

  /** Address of buffer slot i (chanbuf). */
  private slot(i: number): number {
    return this.p.rt.mem.loadWord(this.addr + cBuf) + i * this.elem.size;
  }

  // ── wait queues ──────────────────────────────────────────────────────

  private queues(create: boolean): WaitQueues | undefined {
    const p = this.p;
    const mem = p.rt.mem;
    let t = tables.get(p);
    if (t === undefined) {
      if (!create) return undefined;
      tables.set(p, (t = new ChanTable()));
    }
    const id = mem.loadWord(this.addr + cLock);
    if (id !== 0) return t.queues[id];
    if (!create) return undefined;
    const nid = t.free.pop() ?? t.queues.length;
    const q: WaitQueues = { recvq: [], sendq: [] };
    t.queues[nid] = q;
    mem.storeWord(this.addr + cLock, nid);
    return q;
  }

  /** Gives the id back once no goroutine waits. */
  private releaseQueues(q: WaitQueues): void {
    if (q.recvq.length !== 0 || q.sendq.length !== 0) return;
    const mem = this.p.rt.mem;
    const id = mem.loadWord(this.addr + cLock);
    const t = tables.get(this.p)!;
    t.queues[id] = undefined;
    t.free.push(id);
    mem.storeWord(this.addr + cLock, 0);
  }

  private dequeue(which: 'recvq' | 'sendq'): Waiter | undefined {
    const q = this.queues(false);
    if (q === undefined) return undefined;
    let w: Waiter | undefined;
    // A select's waiter whose select another case already won is skipped (selectDone); one taken wins its select.
    while ((w = q[which].shift()) !== undefined && !claim(w));
    this.releaseQueues(q);
    return w;
  }

  /** acquireSudog, then gp.waiting = mysg: the sudog a goroutine parks in. */
  private parkSudog(g: G): number {
    const rt = this.p.rt;
    const s = acquireSudog(rt);
    setWaiting(rt, g, s);
    return s;
  }

  /** gp.waiting = nil, then releaseSudog(mysg): after the goroutine wakes. */
  private unparkSudog(g: G, s: number): void {
    const rt = this.p.rt;
    setWaiting(rt, g, 0);
    releaseSudog(rt, s);
  }

  // ── operations ───────────────────────────────────────────────────────

  /** ch <- v (yield* it). */
  send(v: unknown): GoroutineBody {
    return this.p.go.blocking('ch.send(…)', this.sendBody(v));
  }

  /** A send that does not block: done (true), or no receiver waits and the buffer is full (false); closed panics. */
  trySend(v: unknown): boolean {
    const p = this.p;
    const rt = p.rt;
    const mem = rt.mem;
    const c = this.addr;
    const elem = this.elem;
    if (this.closed) throw new GoPanic('send on closed channel');
    const r = this.dequeue('recvq');
    if (r !== undefined) {
      // sendDirect: into the waiting receiver's frame, through the write barrier.
      if (elem.size > 0) storeValue(p, slotOf(r), elem, v, true);
      r.success = true;
      p.sched.ready(r.g);
      p.charger.charge(p.costs.chanOp(true));
      return true;
    }
    const qcount = mem.loadWord(c + cQcount);
    const dataqsiz = mem.loadWord(c + cDataqsiz);
    if (qcount < dataqsiz) {
      let sendx = mem.loadWord(c + cSendx);
      if (elem.size > 0) storeValue(p, this.slot(sendx), elem, v);
      if (++sendx === dataqsiz) sendx = 0;
      mem.storeWord(c + cSendx, sendx);
      mem.storeWord(c + cQcount, qcount + 1);
      p.charger.charge(p.costs.chanOp(false));
      return true;
    }
    return false;
  }

  private *sendBody(v: unknown): GoroutineBody {
    const p = this.p;
    const elem = this.elem;
    if (this.trySend(v)) return;
    // Block, with the value in this frame until a receiver takes it.
    const shape = frameShape(sendShapes, 'runtime.chansend', elem);
    const f = shape.push(p);
    try {
      if (elem.size > 0) storeValue(p, frameSlotAddr(f, 0), elem, v, false);
      const w: Waiter = { g: frameG(f), frame: f, success: false };
      const sg = this.parkSudog(w.g);
      this.queues(true)!.sendq.push(w);
      yield p.sched.park('chan send');
      this.unparkSudog(w.g, sg);
      if (!w.success) throw new GoPanic('send on closed channel');
    } finally {
      shape.pop(p, f);
    }
  }

  /** <-ch; the value (undefined once closed and drained) (yield* it). */
  recv(): Generator<1 | 2 | 3, unknown, unknown> {
    return this.p.go.blocking('ch.recv()', this.recvBody());
  }

  private *recvBody(): Generator<1 | 2 | 3, unknown, unknown> {
    const [v, ok] = yield* this.recv2Body();
    return ok ? v : undefined;
  }

  /** v, ok := <-ch: the zero value and false once closed and drained (yield* it). */
  recv2(): Generator<1 | 2 | 3, [unknown, boolean], unknown> {
    return this.p.go.blocking('ch.recv2()', this.recv2Body());
  }

  private *recv2Body(): Generator<1 | 2 | 3, [unknown, boolean], unknown> {
    const p = this.p;
    const elem = this.elem;
    const now = this.tryRecv();
    if (now !== null) return now;
    // Block in a frame whose slot a sender fills.
    const shape = frameShape(recvShapes, 'runtime.chanrecv', elem);
    const f = shape.push(p);
    try {
      const w: Waiter = { g: frameG(f), frame: f, success: false };
      const sg = this.parkSudog(w.g);
      this.queues(true)!.recvq.push(w);
      yield p.sched.park('chan receive');
      this.unparkSudog(w.g, sg);
      return [this.load(frameSlotAddr(f, 0)), w.success];
    } finally {
      shape.pop(p, f);
    }
  }

  /** A receive that does not block: [value, ok], or null when no value is there and the channel is open. */
  tryRecv(): [unknown, boolean] | null {
    const p = this.p;
    const rt = p.rt;
    const mem = rt.mem;
    const c = this.addr;
    const elem = this.elem;
    const qcount = mem.loadWord(c + cQcount);
    if (this.closed) {
      if (qcount === 0) return [zeroValue(elem), false];
    } else {
      const s = this.dequeue('sendq');
      if (s !== undefined) {
        let v: unknown;
        const dataqsiz = mem.loadWord(c + cDataqsiz);
        if (dataqsiz === 0) {
          // recvDirect: the value straight from the sender's frame.
          v = this.load(slotOf(s));
        } else {
          // The buffer is full: take its head, and put the sender's value at its tail.
          let recvx = mem.loadWord(c + cRecvx);
          const qp = this.slot(recvx);
          v = this.load(qp);
          if (elem.size > 0) typedmemmove(rt, elem, qp, slotOf(s));
          if (++recvx === dataqsiz) recvx = 0;
          mem.storeWord(c + cRecvx, recvx);
          mem.storeWord(c + cSendx, recvx);
        }
        s.success = true;
        p.sched.ready(s.g);
        return [v, true];
      }
    }
    if (qcount > 0) {
      let recvx = mem.loadWord(c + cRecvx);
      const qp = this.slot(recvx);
      const v = this.load(qp);
      if (elem.size > 0) typedmemclr(rt, elem, qp, elem.size);
      if (++recvx === mem.loadWord(c + cDataqsiz)) recvx = 0;
      mem.storeWord(c + cRecvx, recvx);
      mem.storeWord(c + cQcount, qcount - 1);
      return [v, true];
    }
    return null;
  }

  // ── select's half ────────────────────────────────────────────────────

  /**
   * A blocked select's case on this channel: a frame holding the value to
   * send or the slot to receive into, and a waiter in the channel's queue.
   */
  parkCase(sel: SelectWait, index: number, dir: 'send' | 'recv', v: unknown): { w: Waiter; sudog: number } {
    const p = this.p;
    const elem = this.elem;
    const f = frameShape(dir === 'send' ? sendShapes : recvShapes, dir === 'send' ? 'runtime.chansend' : 'runtime.chanrecv', elem).push(p);
    if (dir === 'send' && elem.size > 0) storeValue(p, frameSlotAddr(f, 0), elem, v, false);
    const w: Waiter = { g: frameG(f), frame: f, success: false, sel, index };
    const sudog = acquireSudog(p.rt);
    this.queues(true)![dir === 'send' ? 'sendq' : 'recvq'].push(w);
    return { w, sudog };
  }

  /** After the select wakes: the case's waiter out of the queue (if still there), its frame popped; a received value. */
  unparkCase(c: { w: Waiter; sudog: number }, dir: 'send' | 'recv'): [unknown, boolean] {
    const p = this.p;
    const q = this.queues(false);
    if (q !== undefined) {
      const list = q[dir === 'send' ? 'sendq' : 'recvq'];
      const i = list.indexOf(c.w);
      if (i >= 0) list.splice(i, 1);
      this.releaseQueues(q);
    }
    releaseSudog(p.rt, c.sudog);
    const v = dir === 'recv' && c.w.success ? this.load(frameSlotAddr(c.w.frame, 0)) : zeroValue(this.elem);
    frameShape(dir === 'send' ? sendShapes : recvShapes, dir === 'send' ? 'runtime.chansend' : 'runtime.chanrecv', this.elem).pop(p, c.w.frame);
    return [v, c.w.success];
  }

  /** The element at a (a zero-size element has no memory). */
  private load(a: number): unknown {
    return loadValue(this.p, a, this.elem);
  }

  /** close(ch): every waiting receiver gets the zero value; waiting senders panic. */
  close(): void {
    const p = this.p;
    const rt = p.rt;
    const elem = this.elem;
    if (this.closed) throw new GoPanic('close of closed channel');
    rt.mem.storeInt(this.addr + cClosed, 4, 1);
    const q = this.queues(false);
    if (q === undefined) return;
    // Go collects the woken goroutines on a list it pops from the front: the last one queued runs first.
    const woken: G[] = [];
    for (const w of q.recvq.splice(0)) {
      if (!claim(w)) continue;
      if (elem.size > 0) typedmemclr(rt, elem, slotOf(w), elem.size);
      w.success = false;
      woken.push(w.g);
    }
    for (const w of q.sendq.splice(0)) {
      if (!claim(w)) continue;
      w.success = false;
      woken.push(w.g);
    }
    this.releaseQueues(q);
    for (let i = woken.length - 1; i >= 0; i--) p.sched.ready(woken[i]!);
  }
}

