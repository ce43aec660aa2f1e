// Maps whose contents live in simulated memory (src/go/map.ts): values read
// back equal what was stored, through growth, same-size growth and
// deletion; a map read back from memory is the same map; the pointer words
// found by reading the buckets out of memory are exactly the live entries'
// pointers after every operation; iteration, clear, and Go's key equality.

import { describe, expect, it } from 'vitest';
import type { GoMap } from '../../src/go/map.ts';
import type { GoProcess } from '../../src/go/process.ts';
import { T } from '../../src/go/types.ts';
import { GoString, Iface, Ptr } from '../../src/go/values.ts';
import { GoPanic } from '../../src/runtime/panic.ts';
import { Rand } from '../../src/sim/rand.ts';
import { heapString, hmapOf, inProcess, mapAllocs, mapGrows, mapPointers, overflowBuckets } from './helpers/maps.ts';

const Node = T.named(T.struct([['val', T.int64], ['next', T.unsafePointer]]), 'main.Node');
const PNode = T.pointer(Node);

/** A reference model of a map's live entries, by a JS key. */
type Entries<V> = Map<string | number, { key: unknown; val: V }>;

function pointersOf(es: Entries<unknown>, keyPtr: (k: unknown) => number[], valPtr: (v: unknown) => number[]): number[] {
  const out: number[] = [];
  for (const { key, val } of es.values()) out.push(...keyPtr(key), ...valPtr(val));
  return out.filter((x) => x !== 0).sort((a, b) => a - b);
}

const strPtr = (p: GoProcess) => (k: unknown) => {
  const s = typeof k === 'string' ? p.literal(k) : (k as GoString);
  return s.len === 0 ? [] : [s.ptr];
};
const ptrOf = (v: unknown) => (v === null ? [] : [(v as Ptr).addr]);

describe('values stored in a map read back from memory', () => {
  it('ints, through growth, deletion and re-insertion', () => {
    inProcess((go, p) => {
      const m = go.makeMap<number, number>(T.map(T.int, T.int));
      const want = new Map<number, number>();
      for (let i = 0; i < 3000; i++) {
        const k = i * 7919 - 1_000_000; // negative keys too
        m.set(k, i * i);
        want.set(k, i * i);
        if (i % 250 === 0) for (const [k2, v2] of want) expect(m.get(k2)).toBe(v2);
      }
      expect(hmapOf(p, m).B).toBe(9);
      for (const [k, v] of want) expect(m.get(k)).toBe(v);
      let n = 0;
      for (const k of [...want.keys()]) {
        if (n++ % 2 === 0) {
          m.delete(k);
          want.delete(k);
        }
      }
      expect(m.len).toBe(want.size);
      for (let i = 0; i < 3000; i++) {
        const k = i * 7919 - 1_000_000;
        expect(m.get(k)).toBe(want.get(k));
        expect(m.has(k)).toBe(want.has(k));
      }
      m.set(2 ** 40 + 3, -5);
      m.set(-(2 ** 40), 2 ** 50);
      expect([m.get(2 ** 40 + 3), m.get(-(2 ** 40)), m.get(2 ** 40)]).toEqual([-5, 2 ** 50, undefined]);
    });
  });

  it('strings: literals and heap strings of equal bytes are the same key', () => {
    inProcess((go, p) => {
      const m = go.makeMap<unknown, unknown>(T.map(T.string, T.string));
      for (let i = 0; i < 500; i++) m.set(heapString(p, `k${i}`), `value ${i} ✓`);
      m.set('', 'empty');
      for (let i = 0; i < 500; i++) {
        const v = m.get(`k${i}`) as GoString; // a JS string: the literal's bytes
        expect(v.text).toBe(`value ${i} ✓`);
        expect((m.get(heapString(p, `k${i}`)) as GoString).text).toBe(`value ${i} ✓`);
      }
      expect((m.get('') as GoString).text).toBe('empty');
      expect(m.has('k500')).toBe(false);
      expect(m.len).toBe(501);
      // An update with an equal key of other bytes' address rewrites the key (NeedKeyUpdate).
      const k7 = heapString(p, 'k7');
      m.set(k7, 'seven');
      const [stored] = [...m.keys()].filter((k) => (k as GoString).text === 'k7') as GoString[];
      expect(stored!.ptr).toBe(k7.ptr);
    });
  });

  it('pointers and structs, through growth and same-size growth after churn', () => {
    inProcess((go, p) => {
      const K = T.struct([['id', T.int32], ['name', T.string]]);
      const V = T.struct([['x', T.float64], ['n', PNode], ['ok', T.bool]]);
      const m = go.makeMap<unknown, Record<string, unknown>>(T.map(K, V));
      const nodes: Ptr[] = [];
      const want = new Map<number, { key: Record<string, unknown>; node: Ptr }>();
      const put = (i: number) => {
        const n = go.new(Node);
        go.set(n, 'val', i);
        nodes.push(n);
        const key = { id: i, name: heapString(p, `n${i % 97}`) };
        m.set(key, { x: i / 4, n, ok: i % 2 === 0 });
        want.set(i, { key, node: n });
      };
      const check = () => {
        expect(m.len).toBe(want.size);
        for (const [i, { key, node }] of want) {
          const v = m.get({ id: i, name: `n${i % 97}` })!;
          expect(v.x).toBe(i / 4);
          expect(v.ok).toBe(i % 2 === 0);
          expect((v.n as Ptr).addr).toBe(node.addr);
          expect(go.get(v.n as Ptr, 'val')).toBe(i);
          expect(m.has(key)).toBe(true);
        }
      };
      for (let i = 0; i < 100; i++) put(i);
      check();
      // Churn at a constant count: deleted slots scatter, overflow buckets pile up, same-size grows compact them.
      const g = mapGrows(p, () => {
        for (let i = 100; i < 8000; i++) {
          const old = i - 100;
          m.delete(want.get(old)!.key);
          want.delete(old);
          put(i);
        }
      });
      expect(g.sameSize).toBeGreaterThan(2);
      expect(g.grows).toBe(g.sameSize);
      check();
      expect(m.get({ id: 5, name: 'n5' })).toBeUndefined();
    });
  });

  it('keys and elems over 128 bytes are stored indirectly and read back', () => {
    inProcess((go, p) => {
      const Big = T.struct([['id', T.int], ['s', T.string], ['pad', T.array(T.int64, 15)]]); // 144 B
      expect(Big.size).toBe(144);
      const m = go.makeMap<unknown, unknown>(T.map(Big, Big));
      const allocs = mapAllocs(p, () => {
        for (let i = 0; i < 40; i++) m.set({ id: i, s: `s${i}`, pad: [i] }, { id: 1000 - i, s: heapString(p, `v${i}`), pad: [0, i] });
      });
      expect(allocs.filter((a) => a.what === 'indirect key').length).toBe(40);
      expect(allocs.filter((a) => a.what === 'indirect elem').length).toBe(40);
      for (let i = 0; i < 40; i++) {
        const v = m.get({ id: i, s: `s${i}`, pad: [i] }) as Record<string, unknown>;
        expect([v.id, (v.s as GoString).text, (v.pad as number[])[1]]).toEqual([1000 - i, `v${i}`, i]);
        expect(m.has({ id: i, s: `s${i}`, pad: [i, 1] })).toBe(false);
      }
    });
  });
});

describe('maps read back from memory', () => {
  it('a map stored in a struct field, a slice and another map is the same map', () => {
    inProcess((go) => {
      const MII = T.map(T.int, T.int);
      const Holder = T.struct([['name', T.string], ['m', MII]]);
      const h = go.new(Holder);
      const m = go.makeMap<number, number>(MII);
      go.set(h, 'm', m);
      const back = go.get(h, 'm') as GoMap<number, number>;
      expect(back.addr).toBe(m.addr);
      for (let i = 0; i < 100; i++) back.set(i, i * 3); // grows through the view
      expect(m.len).toBe(100);
      expect(m.get(99)).toBe(297);

      const s = go.make(T.slice(MII), 2);
      go.set(s, 1, m);
      (go.get(s, 1) as GoMap<number, number>).delete(50);
      expect(m.has(50)).toBe(false);

      const outer = go.makeMap<string, GoMap<number, number>>(T.map(T.string, MII));
      for (let j = 0; j < 20; j++) outer.set(`m${j}`, go.makeMap<number, number>(MII));
      for (let j = 0; j < 20; j++) for (let i = 0; i < j * 5; i++) outer.get(`m${j}`)!.set(i, j);
      for (let j = 0; j < 20; j++) {
        const inner = outer.get(`m${j}`)!;
        expect(inner.len).toBe(j * 5);
        if (j > 0) expect(inner.get(j * 5 - 1)).toBe(j);
      }
      const none = go.get(go.new(Holder), 'm');
      expect(none).toBeNull(); // a nil map
    });
  });
});

describe('the pointers a collector finds in a map are its live entries', () => {
  function churn<V>(
    p: GoProcess,
    m: GoMap<unknown, unknown>,
    ops: number,
    seed: number,
    mkKey: (i: number) => unknown,
    keyOf: (i: number) => string | number,
    mkVal: (i: number) => V,
    keyPtr: (k: unknown) => number[],
    valPtr: (v: unknown) => number[],
    maxLive: number,
  ): { sameSize: number; grows: number } {
    const r = new Rand(seed);
    const es: Entries<unknown> = new Map();
    let next = 0;
    const g = mapGrows(p, () => {
      for (let o = 0; o < ops; o++) {
        const live = [...es.keys()];
        const x = r.intn(10);
        if (x < 5 && es.size < maxLive) {
          const k = mkKey(next);
          const v = mkVal(next);
          m.set(k, v);
          es.set(keyOf(next++), { key: k, val: v });
        } else if (x < 7 && live.length > 0) {
          // Update an existing key, with a new key object of the same value.
          const jk = live[r.intn(live.length)]!;
          const i = typeof jk === 'number' ? jk : Number(String(jk).slice(1));
          const k = mkKey(i);
          const v = mkVal(next++);
          m.set(k, v);
          es.set(jk, { key: k, val: v });
        } else if (live.length > 0) {
          const jk = live[r.intn(live.length)]!;
          m.delete(es.get(jk)!.key);
          es.delete(jk);
        }
        expect(mapPointers(p, m)).toEqual(pointersOf(es, keyPtr, valPtr));
        expect(m.len).toBe(es.size);
      }
    });
    for (const { key, val } of es.values()) expect(valPtr(m.get(key))).toEqual(valPtr(val));
    return g;
  }

  it('map[string]*Node: keys and elems with pointers', () => {
    inProcess((go, p) => {
      const m = go.makeMap<unknown, unknown>(T.map(T.string, PNode));
      const g = churn(
        p,
        m,
        2500,
        7,
        (i) => (i % 3 === 0 ? `k${i}` : heapString(p, `k${i}`)),
        (i) => `k${i}`,
        (i) => (i % 5 === 0 ? null : go.new(Node)),
        strPtr(p),
        ptrOf,
        400,
      );
      expect(g.grows).toBeGreaterThan(4);
    });
  });

  it('map[*Node]int from make with a hint, through same-size grows', () => {
    inProcess((go, p) => {
      const m = go.makeMap<unknown, unknown>(T.map(PNode, T.int), 100);
      const nodes = new Map<number, Ptr>();
      const node = (i: number) => {
        if (!nodes.has(i)) nodes.set(i, go.new(Node));
        return nodes.get(i)!;
      };
      const g = churn(p, m, 8000, 11, node, (i) => i, (i) => i, ptrOf, () => [], 100);
      expect(g.sameSize).toBeGreaterThan(0);
    });
  });

  it('indirect keys and elems with pointers', () => {
    inProcess((go, p) => {
      const BigK = T.struct([['s', T.string], ['pad', T.array(T.int64, 16)]]);
      const BigV = T.struct([['n', PNode], ['pad', T.array(T.int64, 16)]]);
      const m = go.makeMap<unknown, unknown>(T.map(BigK, BigV));
      churn(
        p,
        m,
        1500,
        3,
        (i) => ({ s: heapString(p, `k${i}`), pad: [i] }),
        (i) => `k${i}`,
        (i) => ({ n: i % 4 === 0 ? null : go.new(Node), pad: [] }),
        (k) => strPtr(p)((k as Record<string, unknown>).s),
        (v) => ptrOf((v as Record<string, unknown> | undefined)?.n ?? null),
        150,
      );
    });
  });

  it('evacuated and deleted slots are cleared; the overflow chain keeps no stale entries', () => {
    inProcess((go, p) => {
      const m = go.makeMap<unknown, unknown>(T.map(T.int, PNode));
      const es: Entries<unknown> = new Map();
      for (let i = 0; i < 2000; i++) {
        const v = go.new(Node);
        m.set(i, v);
        es.set(i, { key: i, val: v });
        // Mid-grow, the old buckets still hold what is not yet evacuated, and nothing else.
        expect(mapPointers(p, m)).toEqual(pointersOf(es, () => [], ptrOf));
      }
      m.clear();
      expect(mapPointers(p, m)).toEqual([]);
      expect(overflowBuckets(p, m)).toBe(0);
      expect(m.len).toBe(0);
    });
  });
});

describe('range over a map', () => {
  it('visits every entry once, from a seeded start', () => {
    const order = (seed: number) =>
      inProcess((go) => {
        const m = go.makeMap<number, number>(T.map(T.int, T.int));
        for (let i = 0; i < 1000; i++) m.set(i, 2 * i);
        const got = [...m.entries()];
        expect(got.length).toBe(1000);
        expect(new Set(got.map(([k]) => k)).size).toBe(1000);
        for (const [k, v] of got) expect(v).toBe(2 * k);
        return got.map(([k]) => k);
      }, seed);
    expect(order(5)).toEqual(order(5));
    expect(order(5)).not.toEqual(order(6));
  });

  it('allocates the overflow bookkeeping of a pointer-free map, as mapiterinit does', () => {
    inProcess((go, p) => {
      const m = go.makeMap<number, number>(T.map(T.int, T.int));
      for (let i = 0; i < 5; i++) m.set(i, i);
      expect(mapAllocs(p, () => void [...m.keys()]).map((a) => a.what)).toEqual(['mapextra', 'overflow slice header']);
      expect(mapAllocs(p, () => void [...m.keys()])).toEqual([]);
      const ms = go.makeMap<string, number>(T.map(T.string, T.int));
      ms.set('a', 1);
      expect(mapAllocs(p, () => void [...ms.keys()])).toEqual([]);
      expect([...go.makeMap(T.map(T.int, T.int)).keys()]).toEqual([]);
    });
  });

  it('keeps its hiter in a frame while the loop runs', () => {
    inProcess((go, p) => {
      const m = go.makeMap<number, number>(T.map(T.int, T.int));
      for (let i = 0; i < 50; i++) m.set(i, i);
      const g = p.sched.curG!;
      const depth = g.frames.length;
      let inside = 0;
      for (const k of m.keys()) {
        inside = g.frames.length;
        const f = g.frames[g.frames.length - 1]!;
        expect(f.fn).toBe('runtime.hiter');
        expect(f.ptrOffs.length).toBeGreaterThan(0);
        // The hiter's bucket pointers are in the frame: h and buckets.
        const base = g.stack.hi - f.sp;
        expect(p.rt.mem.loadWord(base + 24)).toBe(m.addr);
        expect(p.rt.mem.loadWord(base + 32)).toBe(hmapOf(p, m).buckets);
        if (k > 10) break;
      }
      expect(inside).toBe(depth + 1);
      expect(g.frames.length).toBe(depth);
    });
  });

  it('follows Go when the map grows or loses keys during the loop', () => {
    inProcess((go) => {
      const m = go.makeMap<number, number>(T.map(T.int, T.int));
      for (let i = 0; i < 100; i++) m.set(i, i);
      const seen = new Map<number, number>();
      let added = 0;
      for (const [k, v] of m.entries()) {
        expect(seen.has(k)).toBe(false);
        seen.set(k, v);
        if (added < 900) for (let j = 0; j < 10; j++) m.set(1000 + added++, -1); // grows twice mid-loop
        m.set(k, v + 1); // updates are seen only for keys not yet visited
      }
      for (let i = 0; i < 100; i++) expect(seen.get(i)).toBe(i);
      for (const [k, v] of seen) if (k >= 1000) expect(v).toBe(-1);

      const d = go.makeMap<number, number>(T.map(T.int, T.int));
      for (let i = 0; i < 200; i++) d.set(i, i);
      const visited: number[] = [];
      for (const k of d.keys()) {
        visited.push(k);
        d.delete(k ^ 1); // its partner, not yet reached, is never produced
      }
      expect(visited.length).toBe(100);
      expect(new Set(visited.map((k) => k >> 1)).size).toBe(100);
      expect(d.len).toBe(100);
    });
  });
});

describe('key equality is Go’s ==', () => {
  it('floats: NaN never matches, +0 and -0 are one key', () => {
    inProcess((go) => {
      const m = go.makeMap<number, number>(T.map(T.float64, T.int));
      m.set(NaN, 1);
      m.set(NaN, 2);
      expect(m.len).toBe(2);
      expect(m.has(NaN)).toBe(false);
      m.delete(NaN);
      expect(m.len).toBe(2);
      m.set(-0, 3);
      m.set(0, 4);
      expect(m.len).toBe(3);
      expect(m.get(-0)).toBe(4);
      expect(Object.is([...m.keys()].find((k) => k === 0), 0)).toBe(true); // the key was updated to +0
      for (let i = 0; i < 200; i++) m.set(i + 0.5, i);
      expect(m.len).toBe(203);
      expect([...m.keys()].filter((k) => Number.isNaN(k)).length).toBe(2);
      const f32 = go.makeMap<number, number>(T.map(T.float32, T.int));
      f32.set(0.1, 1);
      expect(f32.get(0.1)).toBe(1);
    });
  });

  it('interfaces: dynamic type and value; unhashable dynamic types panic', () => {
    inProcess((go, p) => {
      const m = go.makeMap<unknown, number>(T.map(T.interface([]), T.int));
      const n = go.new(Node);
      m.set(go.box(7, T.int), 1);
      m.set(go.box(7, T.int64), 2);
      m.set(go.box('seven', T.string), 3);
      m.set(go.box(n, PNode), 4);
      m.set(null, 5);
      expect(m.len).toBe(5);
      expect(m.get(new Iface(T.int, 7))).toBe(1);
      expect(m.get(new Iface(T.int64, 7))).toBe(2);
      expect(m.get(new Iface(T.string, heapString(p, 'seven')))).toBe(3);
      expect(m.get(new Iface(PNode, new Ptr(PNode, n.addr)))).toBe(4);
      expect(m.get(null)).toBe(5);
      expect(m.has(new Iface(T.int32, 7))).toBe(false);
      expect(() => m.set(go.box(null, T.slice(T.int)), 6)).toThrow(new GoPanic('runtime error: hash of unhashable type []int'));
    });
  });

  it('a map type with an uncomparable key is refused', () => {
    inProcess((go) => {
      expect(() => go.makeMap(T.map(T.slice(T.int), T.int))).toThrow(/invalid map key type/);
    });
  });
});

describe('make and clear', () => {
  it('make writes the hmap fields Go writes', () => {
    inProcess((go, p) => {
      const small = hmapOf(p, go.makeMap(T.map(T.int, T.int)));
      expect([small.count, small.B, small.buckets, small.extra]).toEqual([0, 0, 0, 0]);
      const big = hmapOf(p, go.makeMap(T.map(T.int, T.int), 100));
      expect(big.B).toBe(4);
      expect(big.buckets).not.toBe(0);
      expect(big.extra).not.toBe(0);
      // mapextra.nextOverflow: the first preallocated overflow bucket, after the 16 main ones.
      expect(p.rt.mem.loadWord(big.extra + 16)).toBe(big.buckets + 16 * 144);
      expect(small.hash0).not.toBe(big.hash0);
    });
  });

  it('clear(m) keeps the buckets, empties them, and draws a new hash0', () => {
    inProcess((go, p) => {
      const m = go.makeMap<number, unknown>(T.map(T.int, PNode));
      for (let i = 0; i < 300; i++) m.set(i, go.new(Node));
      const before = hmapOf(p, m);
      expect(mapAllocs(p, () => m.clear())).toEqual([]);
      const after = hmapOf(p, m);
      expect([after.count, after.B, after.buckets, after.noverflow]).toEqual([0, before.B, before.buckets, 0]);
      expect(after.hash0).not.toBe(before.hash0);
      expect(m.get(5)).toBeUndefined();
      expect([...m.keys()]).toEqual([]);
      for (let i = 0; i < 300; i++) m.set(i, null);
      expect(m.len).toBe(300);
      expect(m.get(299)).toBeNull();
    });
  });
});
