// big-slice (Efficient Go, Example 5-5): make([]byte, 600 MiB) raises VSZ
// by 600 MiB but RSS by almost nothing — the span is fresh memory from the
// OS, so mallocgc does not zero it. Three one-byte writes fault in three
// pages (12 KiB); writing every byte makes all 600 MiB resident.
//
// Go:   b := make([]byte, 600*1024*1024); b[5000] = 1; b[100000] = 1; b[104000] = 1; for i := range b { b[i] = 1 }

import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

export default defineProgram({
  name: 'big-slice',
  description: 'Example 5-5: a 600 MiB []byte, three writes, then every byte written (VSZ vs RSS)',
  binary: binaryOf('big-slice'),
  inits: initsOf('big-slice'),
  live: liveOf('big-slice'),
  *main(go) {
    const T = go.T;
    go.checkpoint('start');
    const v = go.locals('main.main', { b: T.slice(T.byte) });
    const b = go.make(T.slice(T.byte), 600 << 20);
    v.b = b;
    go.checkpoint('after_make');
    go.set(b, 5000, 1);
    go.set(b, 100000, 1);
    go.set(b, 104000, 1);
    go.checkpoint('after_3_writes');
    go.fill(b);
    go.checkpoint('after_full_touch');
    go.runtime.KeepAlive(b);
  },
});
