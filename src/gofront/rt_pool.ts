// sync.Pool for compiled code: each pool variable (by its address) is one
// of the process's pools (src/go/pool.ts: per-P poolLocal arrays on the heap,
// registered in allPools on first use, moved to the victim cache by
// poolCleanup at each cycle's start and dropped at the next), so a pooled
// object lives exactly as long as Go's would. The pool holds the value's
// data word, as Go's private slot does; the interface value itself (its
// dynamic type) is kept here by that word, to hand back from Get.

import type { Go } from '../go/api.ts';
import { ifaceData } from '../go/memops.ts';
import type { Pool } from '../go/pool.ts';
import { Iface, type Ptr } from '../go/values.ts';
import type { GoType } from '../go/types.ts';
import type { FuncVal, Ref } from './rt.ts';

export class PoolRt {
  private readonly pools = new Map<number | object, Pool>();
  /** The interface values put in pools, by their data word. */
  private readonly values = new Map<number, Iface>();
  private n = 0;

  constructor(
    private readonly go: Go,
    private readonly rt: { get(x: unknown, k: string): unknown; callf(f: FuncVal | null): Generator<unknown, unknown, unknown> },
  ) {}

  private pool(p: Ptr | Ref): Pool {
    const key = 'addr' in p ? p.addr : p.get();
    let pool = this.pools.get(key as number | object);
    if (pool === undefined) this.pools.set(key as number | object, (pool = this.go.pools.pool(`main.pool·${this.n++}`)));
    return pool;
  }

  /** p.Get(): this P's private object, else the victim cache's, else New() (nil without New). Yield* it: New may block. */
  *Get(p: Ptr | Ref): Generator<unknown, Iface | null, unknown> {
    const x = this.pool(p).Get();
    if (x !== 0) {
      const v = this.values.get(x);
      if (v !== undefined) return v;
    }
    const nw = this.rt.get(p, 'New') as FuncVal | null;
    if (nw === null || nw === undefined) return null;
    return (yield* this.rt.callf(nw)) as Iface | null;
  }

  /** p.Put(x): into this P's private slot (a nil x is not kept). */
  Put(p: Ptr | Ref, v: unknown, t: GoType | null): void {
    if (v === null || v === undefined) return;
    const x = v instanceof Iface ? v : new Iface(t!, v);
    const data = ifaceData(this.go.p, x);
    x.data = data;
    this.values.set(data, x);
    this.pool(p).Put(data);
  }
}
