// The typed program API: values go into simulated memory and come back
// typed. Recursive types, struct fields and array elements by name and
// index, strings read back from their bytes, interfaces with their dynamic
// type, closures whose captured variables live in a heap object,
// unsafe.Pointer and uintptr, frames that survive blocking calls.

import { describe, expect, it } from 'vitest';
import type { Go } from '../../src/go/api.ts';
import { GoProcess } from '../../src/go/process.ts';
import { T } from '../../src/go/types.ts';
import { GoString, Iface, Ptr, Slice } from '../../src/go/values.ts';
import type { GoroutineBody } from '../../src/runtime/runtime2.ts';

function run(body: (go: Go) => GoroutineBody | void): void {
  const p = new GoProcess(
    {
      name: 't',
      description: 't',
      *main(go) {
        const r = body(go);
        if (r) yield* r;
      },
    },
    { stdout: () => {}, stderr: (s) => void (err += s) },
  );
  let err = '';
  const res = p.run();
  if (res.status !== 0) throw new Error(`exit ${res.status} (${res.outcome}): ${err}`);
}

describe('types', () => {
  it('are built once: T.pointer, T.slice, T.array, T.map and T.chan return the same object', () => {
    expect(T.pointer(T.int)).toBe(T.pointer(T.int));
    expect(T.slice(T.string)).toBe(T.slice(T.string));
    expect(T.array(T.byte, 40)).toBe(T.array(T.byte, 40));
    expect(T.map(T.string, T.int)).toBe(T.map(T.string, T.int));
    expect(T.chan(T.int, 'recv')).toBe(T.chan(T.int, 'recv'));
  });

  it('declare/define: type Node struct { left, right *Node; val int64 } is 24 bytes, pointers in words 0 and 1', () => {
    const Node = T.declare('main.Node');
    T.define(Node, T.struct([['left', T.pointer(Node)], ['right', T.pointer(Node)], ['val', T.int64]]));
    expect(Node.size).toBe(24);
    expect(Node.ptrdata).toBe(16);
    expect([...Node.gcdata!]).toEqual([0b11]);
    expect(Node.fields![1]!.type.elem).toBe(Node);
  });

  it('mutually recursive types', () => {
    const A = T.declare('main.A');
    const B = T.declare('main.B');
    T.define(A, T.struct([['b', T.pointer(B)], ['n', T.int]]));
    T.define(B, T.struct([['as', T.slice(A)], ['a', T.pointer(A)]]));
    expect(A.size).toBe(16);
    expect(B.size).toBe(32);
    expect([...B.gcdata!]).toEqual([0b1001]);
  });

  it('a type that contains itself by value is an invalid recursive type', () => {
    const R = T.declare('main.R');
    expect(() => T.struct([['r', R]])).toThrow(/invalid recursive type main.R/);
  });
});

describe('loads and stores through memory', () => {
  const Node = T.declare('main.N2');
  T.define(Node, T.struct([['next', T.pointer(Node)], ['x', T.int64], ['f', T.float64], ['b', T.bool], ['u8', T.uint8], ['i32', T.int32], ['name', T.string]]));

  it('struct fields read back what was stored', () => {
    run((go) => {
      const f = go.locals('main.main', { a: T.pointer(Node), b: T.pointer(Node) });
      f.a = go.new(Node);
      f.b = go.new(Node);
      const a = f.a as Ptr;
      go.set(a, 'next', f.b);
      go.set(a, 'x', -123456789012);
      go.set(a, 'f', 2.5);
      go.set(a, 'b', true);
      go.set(a, 'u8', 300); // truncated to a byte, as Go's uint8(300) would be after a conversion
      go.set(a, 'i32', -7);
      go.set(a, 'name', go.concat('hello, ', 'world'));
      expect((go.get(a, 'next') as Ptr).addr).toBe((f.b as Ptr).addr);
      expect(go.get(a, 'x')).toBe(-123456789012);
      expect(go.get(a, 'f')).toBe(2.5);
      expect(go.get(a, 'b')).toBe(true);
      expect(go.get(a, 'u8')).toBe(44);
      expect(go.get(a, 'i32')).toBe(-7);
      expect((go.get(a, 'name') as GoString).text).toBe('hello, world');
      expect(go.get(f.b as Ptr, 'next')).toBeNull();
      // The whole struct by value.
      const v = go.load(a) as Record<string, unknown>;
      expect(v.x).toBe(-123456789012);
      expect((v.name as GoString).text).toBe('hello, world');
    });
  });

  it('a string literal stored and read back keeps its rodata address and text', () => {
    run((go) => {
      const p = go.new(T.string);
      const lit = go.str('héllo');
      go.store(p, lit);
      const s = go.load(p) as GoString;
      expect(s.text).toBe('héllo');
      expect(s.ptr).toBe(lit.ptr);
      expect(s.len).toBe(6);
    });
  });

  it('[]byte contents round-trip through string(b) and []byte(s)', () => {
    run((go) => {
      const b = go.stringToBytes(go.str('gomem bytes'));
      go.set(b, 0, 'G'.charCodeAt(0));
      expect(go.bytesToString(b).text).toBe('Gomem bytes');
      expect(b.cap).toBe(16);
    });
  });

  it('arrays by index, and &x[i] as an interior pointer', () => {
    run((go) => {
      const A = T.array(T.pointer(T.int), 4);
      const a = go.new(A);
      const x = go.new(T.int);
      go.store(x, 42);
      go.set(a, 2, x);
      const e = go.addr(a, 2);
      expect(e.addr).toBe(a.addr + 16);
      expect((go.load(e) as Ptr).addr).toBe(x.addr);
      expect(go.load(go.get(a, 2) as Ptr)).toBe(42);
      expect(() => go.get(a, 4)).toThrow(/index out of range \[4\] with length 4/);
    });
  });

  it('slices of slices and append carrying pointers to the new array', () => {
    run((go) => {
      const SS = T.slice(T.slice(T.int));
      let outer = go.make(SS, 0);
      for (let i = 0; i < 20; i++) {
        const inner = go.append(go.make(T.slice(T.int), 0), i, i * i);
        outer = go.append(outer, inner);
      }
      // 32 elements of 24 bytes with pointers: 768 B + the 8-byte malloc header → the 896 class → cap 37.
    expect(outer.cap).toBe(37);
      const s7 = go.get(outer, 7) as Slice;
      expect([go.get(s7, 0), go.get(s7, 1)]).toEqual([7, 49]);
    });
  });

  it('interfaces keep their dynamic type; small integers box into staticuint64s without allocating', () => {
    run((go) => {
      const any = T.interface();
      const p = go.new(T.array(any, 3));
      const before = go.runtime.ReadMemStats().Mallocs;
      go.set(p, 0, go.box(7, T.int));
      const afterSmall = go.runtime.ReadMemStats().Mallocs;
      go.set(p, 1, go.box(100000, T.int));
      go.set(p, 2, go.box(go.str('s'), T.string));
      const after = go.runtime.ReadMemStats().Mallocs;
      expect(afterSmall - before).toBe(0);
      expect(after - afterSmall).toBe(2);
      const [a, b, c] = [0, 1, 2].map((i) => go.get(p, i) as Iface);
      expect([a!.type, a!.value]).toEqual([T.int, 7]);
      expect([b!.type, b!.value]).toEqual([T.int, 100000]);
      expect((c!.value as GoString).text).toBe('s');
    });
  });

  it('unsafe.Pointer keeps an object reachable; a uintptr does not', () => {
    run((go) => {
      const f = go.locals('main.main', { up: T.unsafePointer, u: T.uintptr });
      const x = go.new(T.int64);
      go.store(x, 9);
      f.up = go.unsafePointer(x);
      f.u = go.uintptr(x);
      expect(f.u).toBe(x.addr);
      const back = go.pointerAt(f.up as Ptr, T.pointer(T.int64))!;
      expect(go.load(back)).toBe(9);
      expect(go.p.globals).toBeDefined();
    });
  });
});

describe('functions, closures, frames', () => {
  it('go.func frames are roots while the function runs and gone after', () => {
    run((go) => {
      const g = go.p.sched.curG!;
      const depth = go.func('main.depth', { p: T.pointer(T.int) }, (f, n: number): number => {
        f.p = go.new(T.int);
        return n === 0 ? g.frames.length : depth(n - 1);
      });
      const before = g.frames.length;
      expect(depth(10)).toBe(before + 11);
      expect(g.frames.length).toBe(before);
    });
  });

  it('a blocking call keeps its frame across the block', () => {
    run(function* (go) {
      const napper = go.func('main.nap', { keep: T.pointer(T.int64) }, function* (f, ns: number) {
        f.keep = go.new(T.int64);
        go.store(f.keep as Ptr, 5);
        yield* go.time.Sleep(ns);
        return go.load(f.keep as Ptr);
      });
      const v: unknown = yield* napper(1e6) as unknown as GoroutineBody;
      expect(v).toBe(5);
    });
  });

  it('a closure\'s captured variables live in its heap object (a 24-byte {F, p, n})', () => {
    run((go) => {
      const x = go.new(T.int);
      go.store(x, 3);
      const f = go.closure('main.main.func1', { p: T.pointer(T.int), n: T.int }, { p: x, n: 4 }, (env, k: number) => {
        return (go.load(env.p as Ptr) as number) * (env.n as number) + k;
      });
      expect(go.invoke(f, 1)).toBe(13);
      // The funcval's first word is the code pointer; the next the captured pointer.
      expect(go.p.rt.mem.loadWord(f.addr + 8)).toBe(x.addr);
      const none = go.closure('main.main.func2', {}, {}, () => 1);
      expect(go.invoke(none)).toBe(1);
    });
  });

  it('a local used after its function returned is an error gomem reports', () => {
    run((go) => {
      let leaked: { p: unknown } | null = null;
      const f = go.func('main.leak', { p: T.pointer(T.int) }, (fr) => {
        leaked = fr;
      });
      f();
      expect(() => leaked!.p).toThrow(/used after main.leak returned/);
    });
  });
});
