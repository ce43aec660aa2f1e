// Channels whose contents live in simulated memory (src/go/chan.ts): the
// hchan's fields, the circular buffer at buf, values in flight in the
// frames of blocked senders and receivers, channels read back from memory.

import { describe, expect, it } from 'vitest';
import { hchanSize } from '../../src/go/chan_layout.ts';
import type { Chan } from '../../src/go/chan.ts';
import type { GoProcess } from '../../src/go/process.ts';
import { T } from '../../src/go/types.ts';
import { GoString, Ptr } from '../../src/go/values.ts';
import { GoPanic } from '../../src/runtime/panic.ts';
import type { G } from '../../src/runtime/runtime2.ts';
import { chanPointers, hchanOf, heapString, inProcess, inProcessGen } from './helpers/maps.ts';

const Node = T.named(T.struct([['val', T.int64], ['next', T.unsafePointer]]), 'main.Node');
const PNode = T.pointer(Node);

/** The pointer words in the frames of g named fn (a blocked sender's or receiver's value). */
function framePointers(p: GoProcess, g: G, fn: string): number[] {
  const out: number[] = [];
  for (const f of g.frames) {
    if (f.fn !== fn) continue;
    for (const o of f.ptrOffs) out.push(p.rt.mem.loadWord(g.stack.hi - f.sp + o));
  }
  return out;
}

describe('make(chan T, n) writes the hchan', () => {
  it('fields, and where the buffer is', () => {
    inProcess((go, p) => {
      const a = go.makeChan(T.chan(T.int), 3);
      expect(hchanOf(p, a)).toMatchObject({ qcount: 0, dataqsiz: 3, buf: a.addr + hchanSize, elemsize: 8, closed: 0, sendx: 0, recvx: 0 });
      expect(p.rt.types.at(hchanOf(p, a).elemtype!)).toBe(T.int);
      const b = go.makeChan(T.chan(PNode), 4);
      expect(hchanOf(p, b).buf).not.toBe(b.addr + hchanSize); // a separate typed buffer
      const c = go.makeChan(T.chan(T.struct([])), 5);
      expect(hchanOf(p, c).buf).toBe(c.addr + 16); // c.raceaddr(): &c.buf
      const d = go.makeChan(T.chan(T.string));
      expect([d.len, d.cap, d.closed, a.cap, a.size]).toEqual([0, 0, false, 3, 3]);
    });
  });

  it('allocates what makechan allocates (MemStats)', () => {
    inProcess((go) => {
      const before = go.runtime.ReadMemStats();
      go.makeChan(T.chan(T.pointer(T.int)), 10); // scan hchan 112 + buf 80
      go.makeChan(T.chan(T.string), 4); // 112 + 64
      const after = go.runtime.ReadMemStats();
      expect([after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc]).toEqual([4, 112 + 80 + 112 + 64]);
    });
  });
});

describe('the buffer holds the values, in memory', () => {
  it('a FIFO across wraparound: ints, strings, pointers, structs', () => {
    inProcessGen(function* (go, p) {
      const S = T.struct([['n', PNode], ['s', T.string], ['x', T.int32]]);
      const ch = go.makeChan(T.chan(S), 4);
      const queue: { n: Ptr; s: GoString; x: number }[] = [];
      let next = 0;
      const pointers = () =>
        queue.flatMap((v) => [v.n.addr, v.s.ptr]).sort((a, b) => a - b);
      for (let round = 0; round < 30; round++) {
        const sends = 1 + (round % 4);
        for (let i = 0; i < sends && queue.length < 4; i++) {
          const v = { n: go.new(Node), s: heapString(p, `s${next}`), x: next++ };
          yield* ch.send(v);
          queue.push(v);
          expect(chanPointers(p, ch)).toEqual(pointers());
        }
        const recvs = 1 + ((round * 7) % 4);
        for (let i = 0; i < recvs && queue.length > 0; i++) {
          const got = (yield* ch.recv()) as Record<string, unknown>;
          const want = queue.shift()!;
          expect((got.n as Ptr).addr).toBe(want.n.addr);
          expect((got.s as GoString).text).toBe(want.s.text);
          expect(got.x).toBe(want.x);
          expect(chanPointers(p, ch)).toEqual(pointers());
        }
        expect(ch.len).toBe(queue.length);
        const h = hchanOf(p, ch);
        expect(h.qcount).toBe(queue.length);
        expect((h.recvx! + h.qcount!) % 4).toBe(h.sendx);
      }
      expect(next).toBeGreaterThan(8); // wrapped around the 4 slots
    });
  });

  it('a channel stored in a struct field and read back is the same channel', () => {
    inProcessGen(function* (go, p) {
      const CH = T.chan(PNode);
      const Holder = T.struct([['id', T.int], ['c', CH]]);
      const h = go.new(Holder);
      const ch = go.makeChan(CH, 2);
      go.set(h, 'c', ch);
      const back = go.get(h, 'c') as Chan;
      expect(back.addr).toBe(ch.addr);
      const n = go.new(Node);
      yield* back.send(n);
      expect(ch.len).toBe(1);
      expect(chanPointers(p, ch)).toEqual([n.addr]);
      expect(((yield* ch.recv()) as Ptr).addr).toBe(n.addr);
      expect(chanPointers(p, back)).toEqual([]);
      back.close();
      expect(ch.closed).toBe(true);
      expect(go.get(go.new(Holder), 'c')).toBeNull();
    });
  });
});

describe('values in flight are in frames', () => {
  it('a blocked sender keeps its value in a runtime.chansend frame until a receiver takes it', () => {
    inProcessGen(function* (go, p) {
      const ch = go.makeChan(T.chan(PNode));
      const n = go.new(Node);
      go.set(n, 'val', 42);
      let sender: G | null = null;
      let sent = false;
      go.go('main.sender', function* () {
        sender = p.sched.curG;
        yield* ch.send(n);
        sent = true;
      });
      yield* go.time.Sleep(1000); // the sender runs and blocks
      expect(sent).toBe(false);
      expect(framePointers(p, sender!, 'runtime.chansend')).toEqual([n.addr]);
      expect(p.rt.mem.loadWord(ch.addr + 96)).not.toBe(0); // a waiter: the channel has an id in its lock word
      const got = (yield* ch.recv()) as Ptr;
      expect(got.addr).toBe(n.addr);
      expect(go.get(got, 'val')).toBe(42);
      yield* go.time.Sleep(1000);
      expect(sent).toBe(true);
      expect(framePointers(p, sender!, 'runtime.chansend')).toEqual([]);
      expect(p.rt.mem.loadWord(ch.addr + 96)).toBe(0); // nobody waits: the id is given back
    });
  });

  it('a sender writes straight into a blocked receiver’s frame', () => {
    inProcessGen(function* (go, p) {
      const ch = go.makeChan(T.chan(T.string));
      let receiver: G | null = null;
      let got: unknown = null;
      go.go('main.receiver', function* () {
        receiver = p.sched.curG;
        got = yield* ch.recv();
      });
      yield* go.time.Sleep(1000);
      expect(framePointers(p, receiver!, 'runtime.chanrecv')).toEqual([0]);
      const s = heapString(p, 'hello');
      yield* ch.send(s);
      // Delivered into the receiver's frame before it runs again.
      expect(framePointers(p, receiver!, 'runtime.chanrecv')).toEqual([s.ptr]);
      yield* go.time.Sleep(1000);
      expect((got as GoString).text).toBe('hello');
      expect((got as GoString).ptr).toBe(s.ptr);
    });
  });

  it('a full buffer takes a blocked sender’s value at its tail when a receiver frees a slot', () => {
    inProcessGen(function* (go, p) {
      const ch = go.makeChan(T.chan(PNode), 2);
      const ns = [go.new(Node), go.new(Node), go.new(Node)];
      yield* ch.send(ns[0]);
      yield* ch.send(ns[1]);
      go.go('main.sender', function* () {
        yield* ch.send(ns[2]);
      });
      yield* go.time.Sleep(1000);
      expect(chanPointers(p, ch)).toEqual([ns[0]!.addr, ns[1]!.addr].sort((a, b) => a - b));
      expect(((yield* ch.recv()) as Ptr).addr).toBe(ns[0]!.addr);
      expect(chanPointers(p, ch)).toEqual([ns[1]!.addr, ns[2]!.addr].sort((a, b) => a - b));
      expect(ch.len).toBe(2);
      expect(((yield* ch.recv()) as Ptr).addr).toBe(ns[1]!.addr);
      expect(((yield* ch.recv()) as Ptr).addr).toBe(ns[2]!.addr);
      expect(chanPointers(p, ch)).toEqual([]);
    });
  });
});

describe('close', () => {
  it('wakes receivers with the zero value and senders with a panic', () => {
    inProcessGen(function* (go, p) {
      const ch = go.makeChan(T.chan(T.int));
      const results: unknown[] = [];
      for (let i = 0; i < 2; i++) {
        go.go('main.receiver', function* () {
          results.push(yield* ch.recv2());
        });
      }
      yield* go.time.Sleep(1000);
      ch.close();
      yield* go.time.Sleep(1000);
      expect(results).toEqual([[0, false], [0, false]]);
      expect(() => ch.close()).toThrow(new GoPanic('close of closed channel'));
      let panicked: unknown = null;
      function* send() {
        try {
          yield* ch.send(1);
        } catch (e) {
          panicked = e;
        }
      }
      yield* send();
      expect(panicked).toEqual(new GoPanic('send on closed channel'));

      const full = go.makeChan(T.chan(T.int), 1);
      yield* full.send(7);
      let senderPanic: unknown = null;
      go.go('main.sender', function* () {
        try {
          yield* full.send(8);
        } catch (e) {
          senderPanic = e;
        }
      });
      yield* go.time.Sleep(1000);
      full.close();
      yield* go.time.Sleep(1000);
      expect(senderPanic).toEqual(new GoPanic('send on closed channel'));
      // Buffered values are still received after close, then zero values.
      expect(yield* full.recv2()).toEqual([7, true]);
      expect(yield* full.recv()).toBeUndefined();
      expect(p.rt.mem.loadWord(full.addr + 96)).toBe(0);
    });
  });
});
