// A size class with one object per span (16384 bytes: two pages, one
// object) keeps the object's stored words in 1 KiB chunks, as a large
// object does. Such a span, full and unswept in mcentral after a cycle,
// is swept and taken as it is by the next refill of its class
// (mcentral.cacheSpan: sweep with preserve), and mallocgc clears the slot
// the dead object used: its chunks go. It once treated them as a many-slot
// span's per-slot store and crashed ("Cannot read properties of undefined
// (reading 'buffer')"); a service-shaped workload met it within seconds.

import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram } from '../../src/go/program.ts';
import { T } from '../../src/go/types.ts';
import type { Slice } from '../../src/go/values.ts';

describe('a one-object span reused', () => {
  it('reads the new object as zero where the old one stored pointers', () => {
    const ptrs = T.slice(T.unsafePointer);
    let seen: unknown[] = [];
    const program = defineProgram({
      name: 'one-object-span',
      description: 'make([]unsafe.Pointer, 2000), another, a cycle, then a third: it reuses the slot of the first',
      *main(go) {
        const f = go.locals('main.main', { s: ptrs, keep: ptrs });
        f.s = go.make(ptrs, 2000); // 16000 bytes: class 16384, one object a span
        const first = (f.s as Slice).ptr;
        // A second one takes the mcache's place, so the first's span waits in mcentral's full list.
        f.keep = go.make(ptrs, 2000);
        for (let i = 0; i < 2000; i += 100) go.set(f.s as Slice, i, go.new(T.int64));
        f.s = null;
        // Garbage until a cycle ends by itself (not runtime.GC, which sweeps everything before it returns):
        // the 16 KiB span is then full and unswept, and the next refill of its class sweeps it and takes it.
        const before = go.debug.ReadGCStats().NumGC;
        while (go.debug.ReadGCStats().NumGC === before) go.allocN(T.array(T.int64, 8), 1000);
        f.s = go.make(ptrs, 2000);
        expect((f.s as Slice).ptr).toBe(first);
        seen = [0, 100, 1900].map((i) => go.get(f.s as Slice, i));
      },
    });
    const err: string[] = [];
    const p = new GoProcess(program, { stdout: () => {}, stderr: (s) => err.push(s) });
    const status = p.run().status;
    expect(err.join(''), 'no panic').toBe('');
    expect(status).toBe(0);
    expect(seen).toEqual([null, null, null]);
  });
});
