// sync.Pool as the collector sees it (sync/pool.go): a package-level Pool
// holds a per-P array of poolLocal (each 128 bytes: a private slot, an `any`,
// and a shared chain), created on first use (pinSlow, which also appends the
// pool to sync.allPools), and a victim array. At the start of every GC cycle
// poolCleanup drops the victims, moves every pool's locals to its victim, and
// empties allPools: an object put in a pool survives one cycle in the victim
// cache and is freed by the second unless taken out again. fmt's printer
// cache (ppFree) and log's buffers depend on it.
//
// The pool's fields are words in .bss (roots); the poolLocal arrays and what
// they hold are heap objects linked through memory, so liveness comes from
// the collector's own marking.

import { mallocgc } from '../runtime/malloc.ts';
import { typedslicecopy, writePointer } from '../runtime/mbarrier.ts';
import { growsliceCap } from '../runtime/slice.ts';
import { scanType } from '../runtime/rtypes.ts';
import type { GoProcess } from './process.ts';

/** unsafe.Sizeof(poolLocal{}) on amd64 (padded to a cache-line pair). */
export const poolLocalSize = 128;
const poolLocalType = scanType('sync.poolLocal', poolLocalSize, 32);
const poolPtrType = scanType('*sync.Pool', 8);

/** The pools of a process and sync.allPools / oldPools. */
export class Pools {
  readonly all: Pool[] = [];
  private allLen = 0;
  private allCap = 0;
  private allArray = 0;

  constructor(private readonly p: GoProcess) {}

  /** A package-level `var name sync.Pool`. */
  pool(name: string): Pool {
    const pool = new Pool(this.p, this, name);
    this.all.push(pool);
    return pool;
  }

  /** allPools = append(allPools, p): a new backing array when full; copies and stores through the write barrier, as append's. */
  register(pool: Pool): void {
    const rt = this.p.rt;
    const g = this.p.globals;
    if (this.allLen === this.allCap) {
      const grown = growsliceCap(this.allCap, this.allLen + 1, poolPtrType);
      const a = mallocgc(rt, grown.memBytes, poolPtrType, true);
      if (this.allLen > 0) typedslicecopy(rt, poolPtrType, a, this.allArray, this.allLen);
      this.allArray = a;
      this.allCap = grown.newcap;
      writePointer(rt, g.rootWord('sync.allPools', 0), a);
    }
    writePointer(rt, this.allArray + this.allLen * 8, pool.addr);
    this.allLen++;
    rt.mem.storeWord(g.rootWord('sync.allPools', 8), this.allLen);
  }

  /** poolCleanup, called with the world stopped at the start of each cycle. */
  cleanup(): void {
    const mem = this.p.rt.mem;
    const g = this.p.globals;
    for (const pool of this.all) pool.demote();
    // oldPools, allPools = allPools, nil.
    mem.initWord(g.rootWord('sync.oldPools', 0), mem.loadWord(g.rootWord('sync.allPools', 0)));
    mem.initWord(g.rootWord('sync.allPools', 0), 0);
    this.allLen = 0;
    this.allCap = 0;
    this.allArray = 0;
  }
}

export class Pool {
  /** &pool: the Pool variable itself, in .bss. */
  readonly addr: number;
  private readonly localWord: number;
  private readonly victimWord: number;

  constructor(
    private readonly p: GoProcess,
    private readonly pools: Pools,
    readonly name: string,
  ) {
    const g = p.globals;
    this.addr = g.rootWord(name, 0);
    this.localWord = g.rootWord(name, 8);
    this.victimWord = g.rootWord(name, 24);
  }

  /** The private slot of this P's poolLocal in the array at `arr`. */
  private slot(arr: number): number {
    return arr + (this.p.rt.curP?.id ?? 0) * poolLocalSize + 8; // private is an `any`: its data word
  }

  /** pin: this P's poolLocal, making the array (and registering the pool) if the pool has none. */
  private local(): number {
    const rt = this.p.rt;
    let arr = rt.mem.loadWord(this.localWord);
    if (arr === 0) {
      this.pools.register(this);
      const n = rt.allp.length;
      arr = mallocgc(rt, n * poolLocalSize, poolLocalType, true);
      rt.mem.storeWord(this.localWord, arr);
    }
    return arr;
  }

  /** Get: this P's private object, else the victim's; 0 when empty (the caller then calls New). */
  Get(): number {
    const mem = this.p.rt.mem;
    const ls = this.slot(this.local());
    let x = mem.loadWord(ls);
    if (x !== 0) {
      mem.storeWord(ls, 0);
      return x;
    }
    const victim = mem.loadWord(this.victimWord);
    if (victim !== 0) {
      const vs = this.slot(victim);
      x = mem.loadWord(vs);
      if (x !== 0) mem.storeWord(vs, 0);
    }
    return x;
  }

  /** Put: into this P's private slot if empty (the shared chain is not modelled: the object is dropped). */
  Put(x: number): void {
    const mem = this.p.rt.mem;
    const ls = this.slot(this.local());
    if (mem.loadWord(ls) === 0) mem.storeWord(ls, x);
  }

  /** poolCleanup's part for one pool: victim = local, local = nil. */
  demote(): void {
    const mem = this.p.rt.mem;
    mem.initWord(this.victimWord, mem.loadWord(this.localWord));
    mem.initWord(this.localWord, 0);
  }
}
