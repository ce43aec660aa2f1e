// Goroutine stack memory (stack.go): stacks are manual spans taken from
// the heap (StackInuse), in power-of-two sizes from 2 KiB.
//   - Small stacks (2, 4, 8, 16 KiB; orders 0–3) come from the P's stack
//     cache, refilled 16 KiB at a time from the global per-order pools,
//     whose 32 KiB spans are cut into stacks linked through their first word.
//   - Stacks of 32 KiB and more are spans of their own, recycled through
//     stackLarge while a GC is running, else returned to the heap at once.
//   - freeStackSpans (after each GC) returns empty pool spans and the
//     whole stackLarge to the heap.

import type { MCache } from './mcache.ts';
import { spanAllocStack, type MSpan, mSpanManual } from './mspan.ts';
import type { Runtime } from './runtime.ts';
import { _GCoff } from './runtime.ts';
import { pageShift } from './sizeclasses_const.ts';

export const fixedStack = 2048; // _FixedStack on linux
export const numStackOrders = 4;
export const stackCacheSize = 32 << 10; // _StackCacheSize

/** A stack: [lo, hi). */
export interface Stack {
  lo: number;
  hi: number;
}

/**
 * Per-span state only stack spans need — the mSpanList links (Go's
 * mspan.next/prev) and the free-stack list (mspan.manualFreeList) — kept
 * here by span id rather than in every MSpan, so that the many heap spans
 * do not carry them.
 */
export class StackSpanLinks {
  next = new Int32Array(256);
  prev = new Int32Array(256);
  /** Free stacks of each stack span, by span id. */
  readonly free: (number[] | undefined)[] = [];

  constructor(readonly span: (id: number) => MSpan | null) {}

  ensure(id: number): void {
    if (id < this.next.length) return;
    let n = this.next.length;
    while (n <= id) n *= 2;
    const nx = new Int32Array(n);
    nx.set(this.next);
    this.next = nx;
    const pv = new Int32Array(n);
    pv.set(this.prev);
    this.prev = pv;
  }

  freeList(s: MSpan): number[] {
    return (this.free[s.id] ??= []);
  }

  nfree(s: MSpan): number {
    return this.free[s.id]?.length ?? 0;
  }
}

/** mSpanList: a doubly linked list of spans. */
export class MSpanList {
  first: MSpan | null = null;
  last: MSpan | null = null;

  constructor(private readonly links: StackSpanLinks) {}

  isEmpty(): boolean {
    return this.first === null;
  }

  next(s: MSpan): MSpan | null {
    return this.links.span(this.links.next[s.id]!);
  }

  /** Inserts at the front, as Go's mSpanList.insert does. */
  insert(s: MSpan): void {
    const l = this.links;
    l.ensure(s.id);
    l.next[s.id] = this.first?.id ?? 0;
    if (this.first !== null) l.prev[this.first.id] = s.id;
    else this.last = s;
    l.prev[s.id] = 0;
    this.first = s;
  }

  remove(s: MSpan): void {
    const l = this.links;
    const next = l.span(l.next[s.id]!);
    const prev = l.span(l.prev[s.id]!);
    if (this.first === s) this.first = next;
    else l.next[prev!.id] = next?.id ?? 0;
    if (this.last === s) this.last = prev;
    else l.prev[next!.id] = prev?.id ?? 0;
    l.next[s.id] = 0;
    l.prev[s.id] = 0;
  }

  *[Symbol.iterator](): IterableIterator<MSpan> {
    for (let s = this.first; s !== null; s = this.next(s)) yield s;
  }
}

export class StackAllocator {
  /** stackpool[order]: spans with free stacks of that order. */
  readonly stackpool: MSpanList[] = [];
  /** stackLarge.free[log2(npages)]. */
  readonly stackLarge: MSpanList[] = [];

  readonly links: StackSpanLinks;

  constructor(private readonly rt: Runtime) {
    this.links = new StackSpanLinks((id) => rt.mheap.spanById(id));
    for (let i = 0; i < numStackOrders; i++) this.stackpool.push(new MSpanList(this.links));
    for (let i = 0; i < 48 - pageShift; i++) this.stackLarge.push(new MSpanList(this.links));
    rt.stackcacheClearHook = (c) => this.stackcacheClear(c);
  }

  /** Links free stack x into s's free list: Go writes the link into the stack's first word. */
  private pushFree(s: MSpan, x: number): void {
    this.links.freeList(s).push(x);
    this.rt.sys.touch(x, 8);
  }

  private stackpoolalloc(order: number): number {
    const list = this.stackpool[order]!;
    let s = list.first;
    if (s === null) {
      s = this.rt.mheap.allocManual(stackCacheSize >> pageShift, spanAllocStack);
      if (s === null) this.rt.throwOutOfMemory();
      s = s!;
      if (s.allocCount !== 0) throw new Error('bad allocCount');
      s.elemsize = fixedStack << order;
      // Go pushes each stack on the front in address order, so the list pops
      // from the highest address down.
      for (let i = 0; i < stackCacheSize; i += s.elemsize) this.pushFree(s, s.startAddr + i);
      list.insert(s);
    }
    const x = this.links.freeList(s).pop();
    if (x === undefined) throw new Error('span has no free stacks');
    s.allocCount++;
    if (this.links.nfree(s) === 0) list.remove(s);
    return x;
  }

  private stackpoolfree(x: number, order: number): void {
    const s = this.rt.mheap.spanOf(x)!;
    if (s.state !== mSpanManual) throw new Error('freeing stack not in a stack span');
    if (this.links.nfree(s) === 0) this.stackpool[order]!.insert(s);
    this.pushFree(s, x);
    s.allocCount--;
    if (this.rt.gcphase === _GCoff && s.allocCount === 0) {
      this.stackpool[order]!.remove(s);
      this.links.free[s.id] = undefined;
      this.rt.mheap.freeManual(s, spanAllocStack);
    }
  }

  private stackcacherefill(c: MCache, order: number): void {
    const cache = c.stackcache[order]!;
    let size = 0;
    const got: number[] = [];
    while (size < stackCacheSize / 2) {
      const x = this.stackpoolalloc(order);
      got.push(x);
      this.rt.sys.touch(x, 8); // linked into the cache through its first word
      size += fixedStack << order;
    }
    // Go pushes each on the front: the last one taken is the first handed out.
    cache.list = got;
    cache.size = size;
  }

  private stackcacherelease(c: MCache, order: number): void {
    const cache = c.stackcache[order]!;
    let size = cache.size;
    while (size > stackCacheSize / 2) {
      const x = cache.list.pop()!;
      this.stackpoolfree(x, order);
      size -= fixedStack << order;
    }
    cache.size = size;
  }

  /** stackcache_clear: give every cached stack back to the pools. */
  stackcacheClear(c: MCache): void {
    for (let order = 0; order < numStackOrders; order++) {
      const cache = c.stackcache[order]!;
      while (cache.list.length > 0) this.stackpoolfree(cache.list.pop()!, order);
      cache.size = 0;
    }
  }

  /** stackalloc(n): n must be a power of two. */
  stackalloc(n: number): Stack {
    const rt = this.rt;
    if ((n & (n - 1)) !== 0) throw new Error('stack size not a power of 2');
    let v: number;
    if (n < fixedStack << numStackOrders && n < stackCacheSize) {
      let order = 0;
      for (let n2 = n; n2 > fixedStack; n2 >>>= 1) order++;
      const p = rt.curP;
      if (p === null) {
        v = this.stackpoolalloc(order);
      } else {
        const c = p.mcache;
        const cache = c.stackcache[order]!;
        if (cache.list.length === 0) this.stackcacherefill(c, order);
        v = cache.list.pop()!;
        cache.size -= n;
      }
    } else {
      const npage = n >> pageShift;
      const log2npage = 31 - Math.clz32(npage);
      let s: MSpan | null = null;
      const large = this.stackLarge[log2npage]!;
      if (!large.isEmpty()) {
        s = large.first!;
        large.remove(s);
      }
      if (s === null) {
        s = rt.mheap.allocManual(npage, spanAllocStack);
        if (s === null) rt.throwOutOfMemory();
        s!.elemsize = n;
      }
      v = s!.startAddr;
    }
    return { lo: v, hi: v + n };
  }

  stackfree(stk: Stack): void {
    const rt = this.rt;
    const n = stk.hi - stk.lo;
    if ((n & (n - 1)) !== 0) throw new Error('stack not a power of 2');
    if (n < fixedStack << numStackOrders && n < stackCacheSize) {
      let order = 0;
      for (let n2 = n; n2 > fixedStack; n2 >>>= 1) order++;
      const p = rt.curP;
      if (p === null) {
        this.stackpoolfree(stk.lo, order);
      } else {
        const c = p.mcache;
        const cache = c.stackcache[order]!;
        if (cache.size >= stackCacheSize) this.stackcacherelease(c, order);
        cache.list.push(stk.lo);
        rt.sys.touch(stk.lo, 8);
        cache.size += n;
      }
    } else {
      const s = rt.mheap.spanOf(stk.lo)!;
      if (s.state !== mSpanManual) throw new Error('bad span state');
      if (rt.gcphase === _GCoff) {
        rt.mheap.freeManual(s, spanAllocStack);
      } else {
        this.stackLarge[31 - Math.clz32(s.npages)]!.insert(s);
      }
    }
  }

  /** freeStackSpans: after each GC, return unused stack memory to the heap. */
  freeStackSpans(): void {
    const rt = this.rt;
    for (const list of this.stackpool) {
      for (let s = list.first; s !== null; ) {
        const next = list.next(s);
        if (s.allocCount === 0) {
          list.remove(s);
          this.links.free[s.id] = undefined;
          rt.mheap.freeManual(s, spanAllocStack);
        }
        s = next;
      }
    }
    for (const list of this.stackLarge) {
      for (let s = list.first; s !== null; ) {
        const next = list.next(s);
        list.remove(s);
        rt.mheap.freeManual(s, spanAllocStack);
        s = next;
      }
    }
  }
}
