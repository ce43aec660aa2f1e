// size-rounding and size-rounding-scan: 1000 live objects of each of the
// sizes 1, 8, 9, 17, 33, 100, 1025, 4097, 32769 and 40000 bytes. HeapAlloc
// grows by the size class, not the size: 9 bytes take 16, 1025 take 1152,
// 32769 take a whole 40 KiB span; tiny noscan objects share 16-byte blocks;
// pointerful objects over 512 bytes carry an 8-byte malloc header.
//
// Go:   for i := range keep[si] { keep[si][i] = make([]byte, size) }   (noscan)
//       for i := range k { k[i] = new(sN) }  with sN = struct{ p *int; pad [N-8]byte }   (scan)

import type { Go } from '../go/api.ts';
import { defineProgram } from '../go/program.ts';
import type { GoType } from '../go/types.ts';
import type { Ptr } from '../go/values.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const sizes = [1, 8, 9, 17, 33, 100, 1025, 4097, 32769, 40000];

/** One size: 1000 objects made and stored in the global array keep[si] (their holders) by fill(keep). */
function step(go: Go, size: number, keep: Ptr, fill: (keep: Ptr) => void, objSize?: number): void {
  let ms = go.runtime.ReadMemStats();
  const heap0 = ms.HeapAlloc;
  const total0 = ms.TotalAlloc;
  const mallocs0 = ms.Mallocs;
  fill(keep);
  ms = go.runtime.ReadMemStats();
  go.extra('size', size);
  if (objSize !== undefined) go.extra('obj_size', objSize);
  go.extra('heapalloc_delta', ms.HeapAlloc - heap0);
  go.extra('totalalloc_delta', ms.TotalAlloc - total0);
  go.extra('mallocs_delta', ms.Mallocs - mallocs0);
  go.checkpoint(`after_${size}`);
}

export const sizeRounding = defineProgram({
  name: 'size-rounding',
  description: '1000 live noscan objects of each of 10 sizes: HeapAlloc grows by the size class',
  binary: binaryOf('size-rounding'),
  inits: initsOf('size-rounding'),
  live: liveOf('size-rounding'),
  *main(go) {
    const T = go.T;
    // main.main's frame as go build -gcflags=-S gives it: locals 0xa8 and the return address.
    go.locals('main.main', {}, 0xa8 + 8);
    const byteSlice = T.slice(T.byte);
    // var keep [10][1000][]byte: globals, so the holders themselves are not heap objects.
    const g = go.globals({ keep: T.array(T.array(byteSlice, 1000), sizes.length) });
    const keep = go.globalAddr(g, 'keep');
    go.checkpoint('start');
    sizes.forEach((size, si) => {
      // keep[si][i] = make([]byte, size)
      step(go, size, go.addr(keep, si), (k) => { for (let i = 0; i < 1000; i++) go.set(k, i, go.make(byteSlice, size)); });
    });
  },
});

/** struct { p *int; pad [n-8]byte } (8 bytes: struct { p *int }). */
function scanStruct(go: Go, n: number): GoType {
  const T = go.T;
  const fields: [string, GoType][] = [['p', T.pointer(T.int)]];
  if (n > 8) fields.push(['pad', T.array(T.byte, n - 8)]);
  return T.named(T.struct(fields), `main.s${n}`);
}

export const sizeRoundingScan = defineProgram({
  name: 'size-rounding-scan',
  description: 'the same with pointerful objects: the 8-byte malloc header shows above 512 bytes',
  binary: binaryOf('size-rounding-scan'),
  inits: initsOf('size-rounding-scan'),
  live: liveOf('size-rounding-scan'),
  *main(go) {
    const T = go.T;
    go.checkpoint('start');
    // Below 8 bytes a pointerful object is still 8 (s8); 9 and 17 round up to 16 and 24; the rest hold a pointer and pad to size+(-size mod 8).
    const objSizes: Record<number, number> = { 1: 8, 8: 8, 9: 16, 17: 24, 33: 40, 100: 104, 1025: 1032, 4097: 4104, 32769: 32776, 40000: 40000 };
    sizes.forEach((size) => {
      const t = scanStruct(go, objSizes[size]!);
      // var kN [1000]*sN: a global array of pointers.
      const g = go.globals({ k: T.array(T.pointer(t), 1000) });
      step(go, size, go.globalAddr(g, 'k'), (k) => go.allocN(t, 1000, k), t.size); // for i := range k { k[i] = new(sN) }, in bulk
    });
  },
});
