// Finalizers (mfinal.go, and the finalizer specials of mheap.go and
// mgcsweep.go). runtime.SetFinalizer(obj, f) attaches a special record to
// obj's span. While it is set:
//   - mark treats the special as a root for obj's *contents* (what obj
//     points to is kept) but not for obj itself;
//   - when a sweep finds obj unmarked, it marks obj (it survives this cycle),
//     removes the special and queues f(obj) on the finalizer queue, itself a
//     root, and the finalizer goroutine (runfinq) runs it;
//   - the next cycle frees obj if f did not make it reachable again.
// Special records come from a fixalloc (48 bytes each, OtherSys), one per
// finalizer; gomem keeps them by span id, never per heap object.

import { arenaPageIndex } from './malloc_arena.ts';
import type { MSpan } from './mspan.ts';
import type { Runtime } from './runtime.ts';
import { type GoroutineBody, YieldPark } from './runtime2.ts';

/** unsafe.Sizeof(specialfinalizer{}) on amd64. */
export const specialFinalizerSize = 48;

/** One finalizer special: the object's offset in its span and what to run. */
interface Special {
  /** The object's slot, as an offset in its span. */
  off: number;
  /** The object's address as the program has it (8 bytes past the slot when a malloc header precedes it). */
  obj: number;
  fn: (obj: number) => void;
  /** The special record's simulated address (fixalloc). */
  rec: number;
}

export class Finalizers {
  /** Finalizer specials by span id (Go: span.specials, sorted by offset). */
  private readonly bySpan: (Special[] | undefined)[] = [];
  /** Spans that have any (for the mark's span roots). */
  private readonly spans = new Set<MSpan>();
  /** finq: finalizers queued by sweeping, with their objects (roots until they run). */
  private readonly queue: { obj: number; fn: (obj: number) => void }[] = [];
  /** The finalizer goroutine, once created, and whether it is parked waiting for work. */
  private fing: { ready(): void } | null = null;
  fingParked = true;
  /** Virtual time for running one finalizer's call. */
  callCost = 0;

  constructor(private readonly rt: Runtime) {}

  setFing(f: { ready(): void }): void {
    this.fing = f;
  }

  /** addfinalizer: attach fn to the object at obj (whose slot starts at base, in span s). */
  add(s: MSpan, base: number, obj: number, fn: (obj: number) => void, rec: number): boolean {
    const off = base - s.startAddr;
    let list = this.bySpan[s.id];
    if (list === undefined) list = this.bySpan[s.id] = [];
    if (list.some((x) => x.off === off)) return false; // "runtime.SetFinalizer: finalizer already set"
    list.push({ off, obj, fn, rec });
    list.sort((a, b) => a.off - b.off);
    this.spans.add(s);
    this.setPageSpecials(s, true);
    return true;
  }

  /** removefinalizer (SetFinalizer(obj, nil)): returns the record's address, or 0. */
  remove(s: MSpan, obj: number): number {
    const list = this.bySpan[s.id];
    const i = list?.findIndex((x) => x.obj === obj) ?? -1;
    if (i < 0) return 0;
    const [sp] = list!.splice(i, 1);
    if (list!.length === 0) this.dropSpan(s);
    return sp!.rec;
  }

  private dropSpan(s: MSpan): void {
    this.bySpan[s.id] = undefined;
    this.spans.delete(s);
    this.setPageSpecials(s, false);
  }

  private setPageSpecials(s: MSpan, on: boolean): void {
    const ha = this.rt.mheap.arenaOf(s.startAddr);
    if (ha === null) return;
    const page = arenaPageIndex(s.startAddr);
    if (on) ha.pageSpecials[page >>> 3]! |= 1 << (page & 7);
    else ha.pageSpecials[page >>> 3]! &= ~(1 << (page & 7));
  }

  /**
   * The mark's roots from finalizers: each special's object contents (the
   * object is scanned but not marked) and every queued object.
   */
  markRoots(scanContents: (s: MSpan, base: number) => void, shade: (p: number) => void): void {
    for (const s of this.spans) for (const sp of this.bySpan[s.id] ?? []) scanContents(s, s.startAddr + sp.off);
    for (const q of this.queue) shade(q.obj);
  }

  /**
   * The sweep's part (mspan.sweep step 2): an unmarked object with a
   * finalizer is marked — it survives this cycle — and its finalizer queued.
   * Returns the special records freed.
   */
  sweepSpecials(s: MSpan, freeRecord: (rec: number) => void): void {
    const list = this.bySpan[s.id];
    if (list === undefined) return;
    const keep: Special[] = [];
    for (const sp of list) {
      const idx = s.nelems === 1 ? 0 : s.divideByElemSize(sp.off);
      if (s.isMarked(idx)) {
        keep.push(sp);
        continue;
      }
      s.setMarked(idx);
      this.queue.push({ obj: sp.obj, fn: sp.fn });
      freeRecord(sp.rec);
    }
    if (keep.length === 0) this.dropSpan(s);
    else this.bySpan[s.id] = keep;
    if (this.queue.length > 0 && this.fingParked && this.fing !== null) {
      this.fingParked = false;
      this.fing.ready();
    }
  }

  /** runfinq: run queued finalizers one by one, then wait for more. */
  *runfinq(park: () => number, charge: (ns: number) => void): GoroutineBody {
    for (;;) {
      while (this.queue.length > 0) {
        const q = this.queue.shift()!;
        q.fn(q.obj);
        charge(this.callCost);
      }
      this.fingParked = true;
      yield park() as typeof YieldPark;
    }
  }

  /** Finalizers set and not yet run, and queued ones. */
  get pending(): number {
    let n = this.queue.length;
    for (const s of this.spans) n += this.bySpan[s.id]?.length ?? 0;
    return n;
  }
}
