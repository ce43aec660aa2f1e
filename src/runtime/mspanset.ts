// spanSet (mspanset.go): the sets of spans each mcentral keeps. Go's is a
// lock-free structure; what gomem keeps of it is its memory: a spine of
// pointers to 512-entry blocks, both from persistentalloc and charged to
// GCSys (blocks 4120 B aligned to 256, the spine 256 pointers doubling),
// with fully-popped blocks recycled through a global pool. That is part
// of why GCSys grows as more size classes are used.
//
//   spine ─▶ [ block0 | block1 | … ]      head ──▶ next to pop
//             block: lfnode, popped, spans[512]      tail ──▶ next to push

import type { MSpan } from './mspan.ts';
import type { SysMemStat } from './mem.ts';

export const spanSetBlockEntries = 512;
export const spanSetInitSpineCap = 256;
/** unsafe.Sizeof(spanSetBlock{}): lfnode 16 + popped 4 (+4 pad) + 512 pointers. */
export const spanSetBlockBytes = 16 + 8 + spanSetBlockEntries * 8;
const cacheLineSize = 64;

export interface SpanSetMemory {
  /** persistentalloc(size, align, stat) on the running P. */
  persistentalloc(size: number, align: number, stat: SysMemStat): number;
  touch(addr: number, n: number): void;
  readonly gcMiscSys: SysMemStat;
}

class SpanSetBlock {
  readonly spans: (MSpan | null)[] = new Array<MSpan | null>(spanSetBlockEntries).fill(null);
  popped = 0;
  constructor(readonly addr: number) {}
}

/** spanSetBlockPool: blocks every spanSet shares. */
export class SpanSetBlockPool {
  private readonly stack: SpanSetBlock[] = [];
  constructor(private readonly mem: SpanSetMemory) {}

  alloc(): SpanSetBlock {
    const b = this.stack.pop();
    if (b) return b;
    const addr = this.mem.persistentalloc(spanSetBlockBytes, cacheLineSize * 4, this.mem.gcMiscSys);
    return new SpanSetBlock(addr);
  }

  free(b: SpanSetBlock): void {
    b.popped = 0;
    this.stack.push(b);
  }
}

export class SpanSet {
  private spine: (SpanSetBlock | null)[] = [];
  private spineAddr = 0;
  private spineCap = 0;
  private head = 0;
  private tail = 0;

  constructor(private readonly pool: SpanSetBlockPool, private readonly mem: SpanSetMemory) {}

  push(s: MSpan): void {
    const cursor = this.tail++;
    const top = Math.floor(cursor / spanSetBlockEntries);
    const bottom = cursor % spanSetBlockEntries;
    if (top >= this.spine.length) {
      if (this.spine.length === this.spineCap) {
        const newCap = this.spineCap === 0 ? spanSetInitSpineCap : this.spineCap * 2;
        this.spineAddr = this.mem.persistentalloc(newCap * 8, cacheLineSize, this.mem.gcMiscSys);
        if (this.spineCap !== 0) this.mem.touch(this.spineAddr, this.spineCap * 8); // memmove of the old spine
        this.spineCap = newCap;
      }
      const block = this.pool.alloc();
      this.spine.push(block);
      this.mem.touch(this.spineAddr + top * 8, 8);
    }
    const block = this.spine[top]!;
    block.spans[bottom] = s;
    this.mem.touch(block.addr + 24 + bottom * 8, 8);
  }

  pop(): MSpan | null {
    if (this.head >= this.tail) return null;
    const head = this.head;
    const top = Math.floor(head / spanSetBlockEntries);
    if (this.spine.length <= top) return null;
    this.head++;
    const bottom = head % spanSetBlockEntries;
    const block = this.spine[top]!;
    const s = block.spans[bottom]!;
    block.spans[bottom] = null;
    if (++block.popped === spanSetBlockEntries) {
      this.spine[top] = null;
      this.pool.free(block);
    }
    return s;
  }

  /** Empties a drained set at GC start (spanSet.reset). */
  reset(): void {
    if (this.head < this.tail) throw new Error('attempt to clear non-empty span set');
    const top = Math.floor(this.head / spanSetBlockEntries);
    if (top < this.spine.length) {
      const block = this.spine[top];
      if (block) {
        this.spine[top] = null;
        this.pool.free(block);
      }
    }
    this.head = 0;
    this.tail = 0;
    this.spine.length = 0;
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** The spans in the set, oldest first (for views and verify()). */
  *spans(): IterableIterator<MSpan> {
    for (let i = this.head; i < this.tail; i++) {
      const b = this.spine[Math.floor(i / spanSetBlockEntries)];
      const s = b?.spans[i % spanSetBlockEntries];
      if (s) yield s;
    }
  }
}
