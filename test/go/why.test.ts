// `why` (src/go/why.ts): the planted retainer of test/cli/fixtures/why-leak.ts
// — a global map holding slices of pointers to leaked objects — is found and
// named, with the path the program built (global → hmap → bucket → slice
// backing array → leaked object), each hop checked against the words in
// memory; the shorter of two paths wins; garbage is not reachable; and
// goroutines are counted by where they are blocked.

import { describe, expect, it } from 'vitest';
import type { Chan } from '../../src/go/chan.ts';
import { defineProgram } from '../../src/go/program.ts';
import { T } from '../../src/go/types.ts';
import { type WhyPath, type WhyRun, whyAt } from '../../src/go/why.ts';
import { walkReachable } from '../../src/runtime/mgcmark.ts';
import { keys, leakProgram, perKey, type Planted } from '../cli/fixtures/why-leak.ts';

const mapT = 'map[string][]*main.Leak';
const hex = (a: number): string => `0x${a.toString(16)}`;

/** The leak program run to its checkpoint, with what it planted and what the collector's own walk finds there. */
function leaked(opts: { top?: number; addr?: (pl: Planted) => number } = {}): { run: WhyRun; planted: Planted; walk: { objects: number; bytes: number } } {
  const planted: Planted = { leaks: [], garbage: [] };
  let walk = { objects: 0, bytes: 0 };
  const program = leakProgram(planted);
  // The address is known only once the program ran: a first run finds it (runs are deterministic).
  const addr = opts.addr === undefined ? undefined : opts.addr((whyAt(leakProgram(planted), {}, 'leaked'), planted));
  const run = whyAt(
    program,
    { onCheckpoint: (_json, name, p) => (name === 'leaked' ? (walk = walkReachable(p.rt, p.roots)) : undefined) },
    'leaked',
    { ...(opts.top !== undefined ? { top: opts.top } : {}), ...(addr !== undefined ? { addr } : {}) },
  );
  return { run, planted, walk };
}

/** Each hop's field really holds the next object's address: the path is the program's own. */
function checkAgainstMemory(run: WhyRun, path: WhyPath): void {
  const mem = run.process.rt.mem;
  expect(mem.loadWord(Number(path.root.slot))).toBe(Number(path.hops[0]!.object.addr));
  for (let k = 1; k < path.hops.length; k++) {
    const h = path.hops[k]!;
    expect(mem.loadWord(Number(path.hops[k - 1]!.object.addr) + h.from!.offset)).toBe(Number(h.object.addr));
  }
}

describe('why: the planted retainer', () => {
  const { run, planted, walk } = leaked({ top: 3 });
  const r = run.report!;

  it('reaches the checkpoint and stops there', () => {
    expect(run.error).toBeNull();
    expect(run.checkpoints).toEqual(['leaked']);
    expect(r.checkpoint).toBe('leaked');
  });

  it('counts what the collector reaches, and not the garbage', () => {
    // The same roots and pointer words as mgcmark.ts walkReachable (no finalizers here; the tiny block is reached anyway).
    expect(r.heap.reachableObjects).toBe(walk.objects);
    expect(r.heap.reachableBytes).toBe(walk.bytes);
    expect(r.heap.heapObjects - r.heap.reachableObjects).toBeGreaterThanOrEqual(100); // the 100 garbage Leaks at least
  });

  it('names the leaked type as the largest retained, with its count and bytes', () => {
    const top = r.types![0]!;
    expect(top.type).toBe('main.Leak');
    expect(top.typeSources).toEqual(['path']); // 104-byte scan objects keep only pointer bits: typed by the path
    expect(top.objects).toBe(keys * perKey);
    expect(top.bytes).toBe(keys * perKey * 112); // size class 112
    expect(top.roots).toBe(1);
    expect(top.retainers).toEqual([{ root: 'main.registry', objects: keys * perKey, bytes: keys * perKey * 112 }]);
  });

  it('names the global and each hop: map → bucket → slice backing array → leaked object', () => {
    const path = r.types![0]!.path;
    expect(path.root).toMatchObject({ kind: 'global', name: 'main.registry', type: mapT });
    expect(path.hops.map((h) => [h.object.type, h.object.size, h.object.typeSource])).toEqual([
      [`runtime.hmap (${mapT})`, 48, 'path'],
      ['map.bucket[string][]*main.Leak', 352, 'path'],
      ['[143]*main.Leak', 1152, 'malloc header'], // cap 143 after append's growth: 1152-byte slot less the header
      ['main.Leak', 112, 'path'],
    ]);
    const [, b, s, l] = path.hops;
    expect(b!.from).toEqual({ type: `runtime.hmap (${mapT})`, field: 'buckets', offset: 16 });
    // bucket: tophash [8]uint8, keys [8]string, elems [8][]*Leak: slot i's slice at 8 + 128 + 24·i.
    const slot = (s!.from!.offset - 136) / 24;
    expect(Number.isInteger(slot) && slot >= 0 && slot < 8).toBe(true);
    expect(s!.from).toEqual({ type: 'map.bucket[string][]*main.Leak', field: `elems[${slot}]`, offset: 136 + 24 * slot });
    expect(l!.from).toEqual({ type: '[143]*main.Leak', field: '[0]', offset: 0 });
    // The object at the end is the first Leak appended under one of the keys.
    const k = planted.leaks.findIndex((a) => a[0] === Number(l!.object.addr));
    expect(k).toBeGreaterThanOrEqual(0);
    checkAgainstMemory(run, path);
  });

  it('types what it can only by the allocator otherwise, and names runtime roots by symbol', () => {
    const p = r.types!.find((t) => t.type === 'runtime.p')!;
    expect(p.path.root.name).toBe('runtime.allp');
    expect(p.objects).toBe(2); // GOMAXPROCS 2
  });
});

describe('why --addr', () => {
  it('takes the shorter of two paths (the registry, not the 5-hop chain)', () => {
    const { run, planted } = leaked({ addr: (pl) => pl.leaks[0]![0]! });
    const o = run.report!.object!;
    expect(o.reachable).toBe(true);
    expect(o.object).toMatchObject({ addr: hex(planted.leaks[0]![0]!), type: 'main.Leak', size: 112 });
    expect(o.path!.root.name).toBe('main.registry');
    expect(o.path!.hops.map((h) => h.object.type)).toEqual([`runtime.hmap (${mapT})`, 'map.bucket[string][]*main.Leak', '[143]*main.Leak', 'main.Leak']);
    checkAgainstMemory(run, o.path!);
  });

  it('an interior pointer finds its object; a later element is found at its index', () => {
    const { run, planted } = leaked({ addr: (pl) => pl.leaks[2]![37]! + 24 });
    const o = run.report!.object!;
    expect(o.object.addr).toBe(hex(planted.leaks[2]![37]!));
    const last = o.path!.hops[o.path!.hops.length - 1]!;
    expect(last.from).toEqual({ type: '[143]*main.Leak', field: '[37]', offset: 37 * 8 });
    checkAgainstMemory(run, o.path!);
  });

  it('the chain decoy itself is reached from main.chain, typed by the global', () => {
    const { run } = leaked({ top: 1000 }); // every type: the 4 nodes are 64 bytes
    const node = run.report!.types!.find((t) => t.type === 'main.Node')!;
    expect(node.objects).toBe(4);
    expect(node.path.root.name).toBe('main.chain');
    expect(node.path.hops.map((h) => h.object.type)).toEqual(['main.Node']);
  });

  it('garbage is a heap object no root reaches', () => {
    const { run, planted } = leaked({ addr: (pl) => pl.garbage[50]! });
    const o = run.report!.object!;
    expect(o.reachable).toBe(false);
    expect(o.path).toBeNull();
    expect(o.object).toMatchObject({ addr: hex(planted.garbage[50]!), type: '(scan, size class 9, 112 B)', typeSource: 'none' });
  });

  it('an address outside the heap is an input error', () => {
    const { run } = leaked({ addr: () => 0x1000 });
    expect(run.report).toBeNull();
    expect(run.error?.message).toBe('--addr 0x1000: not a heap object (no in-use heap span holds it)');
  });
});

describe('why: types through func values, interfaces, channels; finalizer roots', () => {
  const Item = T.named(T.struct([['name', T.string], ['v', T.int]]), 'main.Item');
  const PItem = T.pointer(Item);
  const held = { closure: 0, boxed: 0, queued: 0, finalized: 0, inner: 0 };
  const program = defineProgram({
    name: 'why-types',
    description: 'values held through a closure, an interface, a channel buffer and a finalizer',
    *main(go) {
      const g = go.globals({ fn: T.func(), any: T.interface(), ch: T.chan(PItem) });
      const a = go.new(Item);
      held.closure = a.addr;
      g.fn = go.closure('main.main.func1', { it: PItem, n: T.int }, { it: a, n: 3 }, () => 0);
      const b = go.new(Item);
      held.boxed = b.addr;
      g.any = go.box(b, PItem);
      const ch = go.makeChan(T.chan(PItem), 4);
      g.ch = ch;
      const c = go.new(Item);
      held.queued = c.addr;
      yield* ch.send(c);
      // An object with a finalizer, itself unreachable: what it points to stays (its contents are a root).
      const Fin = T.named(T.struct([['p', T.pointer(T.int)], ['pad', T.array(T.int, 100)]]), 'main.Fin');
      const f = go.new(Fin);
      held.finalized = f.addr;
      const x = go.new(T.int);
      held.inner = x.addr;
      go.set(f, 'p', x);
      go.runtime.SetFinalizer(f, () => {});
      go.checkpoint('here');
    },
  });
  whyAt(program, {}, 'here'); // fills `held` (runs are deterministic: the addresses are the same every run)
  const at = (addr: number): WhyPath => {
    const run = whyAt(program, {}, 'here', { addr });
    expect(run.report!.object!.reachable).toBe(true);
    checkAgainstMemory(run, run.report!.object!.path!);
    return run.report!.object!.path!;
  };
  const hops = (path: WhyPath): (string | undefined)[][] => path.hops.map((h) => [h.from?.field, h.object.type]);

  it('a closure: the func literal’s captured variables', () => {
    const p = at(held.closure);
    expect(p.root.name).toBe('main.fn');
    expect(hops(p)).toEqual([[undefined, 'main.main.func1 closure'], ['it', 'main.Item']]);
  });

  it('an interface: the type word names the value', () => {
    const p = at(held.boxed);
    expect(p.root).toMatchObject({ name: 'main.any', type: 'interface {}' });
    expect(hops(p)).toEqual([[undefined, 'main.Item']]);
  });

  it('a channel: hchan.buf, then the element', () => {
    const p = at(held.queued);
    expect(p.root.name).toBe('main.ch');
    expect(hops(p)).toEqual([
      [undefined, 'runtime.hchan (chan *main.Item)'],
      ['buf', '[4]*main.Item'],
      ['[0]', 'main.Item'],
    ]);
  });

  it('a finalizer special keeps what its object points to, not the object', () => {
    const p = at(held.inner);
    expect(p.root).toMatchObject({ kind: 'finalizer', slot: hex(held.finalized) });
    expect(p.hops).toHaveLength(1);
    const run = whyAt(program, {}, 'here', { addr: held.finalized });
    expect(run.report!.object).toMatchObject({ reachable: false, object: { type: 'main.Fin', typeSource: 'malloc header' } });
  });
});

describe('why: goroutines by where they are blocked', () => {
  it('the leak program: 10 workers on a channel receive, 3 sleepers, main running', () => {
    const { run } = leaked();
    const gs = run.report!.goroutines;
    expect(gs.total).toBe(14);
    expect(gs.groups.map((g) => [g.count, g.state, g.function, g.stack.map((f) => f.function)])).toEqual([
      [10, 'chan receive', 'main.worker', ['runtime.chanrecv', 'main.worker']],
      [3, 'sleep', 'main.main.func1', ['main.main.func1']],
      [1, 'running', 'main.main', ['main.main']],
    ]);
    expect(gs.groups[2]!.stack[0]!.file).toMatch(/why-leak\.ts$/);
    expect(gs.groups[2]!.stack[0]!.line).toBeGreaterThan(0);
    expect(gs.runtimeGroups.map((g) => g.function)).toContain('runtime.bgsweep');
  });

  it('a handler that leaks: 15 of 20 blocked in main.handle under main.serve, the 5 answered gone', () => {
    const Req = T.chan(T.int);
    const program = defineProgram({
      name: 'serve-leak',
      description: 'goroutines leaked in a nested call on a channel receive',
      *main(go) {
        const f = go.locals('main.main', { ch: Req });
        f.ch = go.makeChan(Req);
        const handle = go.func('main.handle', { v: T.int }, function* (h, ch: Chan) {
          h.v = yield* ch.recv();
        });
        for (let i = 0; i < 20; i++) {
          go.go('main.serve', function* (_g, a) {
            yield* handle(a.ch as Chan);
          }, { args: { ch: [Req, f.ch] } });
        }
        yield* go.time.Sleep(go.time.Millisecond);
        for (let i = 0; i < 5; i++) yield* (f.ch as Chan).send(i);
        yield* go.time.Sleep(go.time.Millisecond);
        go.checkpoint('after');
      },
    });
    const run = whyAt(program, {}, 'after');
    const gs = run.report!.goroutines;
    expect(gs.total).toBe(16);
    expect(gs.groups[0]).toMatchObject({ count: 15, state: 'chan receive', function: 'main.handle' });
    expect(gs.groups[0]!.stack.map((f) => f.function)).toEqual(['runtime.chanrecv', 'main.handle', 'main.serve']);
    expect(gs.groups[0]!.goids).toHaveLength(15);
    expect(gs.groups.slice(1).map((g) => [g.count, g.state, g.function])).toEqual([[1, 'running', 'main.main']]);
  });
});
