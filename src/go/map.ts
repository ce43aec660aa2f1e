// Maps (map.go, Go 1.23's bucket maps): the entries live in a JS Map; the
// MapModel (map_model.ts) replays Go's buckets, growth, evacuation and
// overflow buckets on each key's hash and reports what each operation
// allocates, which goes through mallocgc. Hashes come from the key and the
// map's seed (hash0, drawn from the process's seeded generator), so a run is
// reproducible and different seeds place keys differently, as in Go.

import { mallocgc } from '../runtime/malloc.ts';
import type { Alloc } from './alloc.ts';
import { MapModel } from './map_model.ts';
import type { GoProcess } from './process.ts';
import type { GoType } from './types.ts';

/** FNV-1a over the key's text, mixed with the map's seed: a 32-bit hash. */
function hashKey(key: unknown, seed: number): number {
  const s = typeof key === 'string' ? key : String(key);
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class GoMap<K = unknown, V = unknown> {
  /** Address of the hmap. */
  readonly addr: number;
  private readonly entries = new Map<K, V>();
  private readonly model: MapModel;
  private readonly seed: number;

  constructor(
    private readonly p: GoProcess,
    readonly type: GoType,
    hint = 0,
  ) {
    this.seed = p.rand.uint32();
    this.model = new MapModel(type, { hint, seed: this.seed });
    let first = 0;
    for (const a of this.model.makeAllocs) {
      const x = this.allocate(a);
      if (first === 0) first = x;
    }
    this.addr = first;
  }

  private allocate(a: Alloc): number {
    const x = mallocgc(this.p.rt, a.size, a.noscan ? null : a.type, true);
    this.p.rt.sys.touch(x, Math.min(a.size, 64)); // the header words written on use
    return x;
  }

  static make<K, V>(p: GoProcess, type: GoType, hint: number): GoMap<K, V> {
    return new GoMap<K, V>(p, type, hint);
  }

  static at(_p: GoProcess, _type: GoType, _addr: number): GoMap {
    throw new Error('gomem: maps read back from memory are not implemented yet');
  }

  /** m[k] = v */
  set(k: K, v: V): void {
    if (!this.entries.has(k)) for (const a of this.model.insertHash(hashKey(k, this.seed))) this.allocate(a);
    this.entries.set(k, v);
  }

  /** v, ok := m[k] */
  get(k: K): V | undefined {
    return this.entries.get(k);
  }

  has(k: K): boolean {
    return this.entries.has(k);
  }

  /** delete(m, k) */
  delete(k: K): void {
    if (!this.entries.delete(k)) return;
    for (const a of this.model.deleteHash(hashKey(k, this.seed))) this.allocate(a);
  }

  get len(): number {
    return this.entries.size;
  }

  keys(): IterableIterator<K> {
    return this.entries.keys();
  }
}
