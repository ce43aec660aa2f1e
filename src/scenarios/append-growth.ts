// append-growth: appending to a []int64 one element at a time up to
// 1,000,000. Every time the capacity runs out growslice allocates a new
// array — doubling below 256 elements, then growing by 1.25× plus 192 —
// and rounds it up to a size class, so the capacities are 1, 2, 4, …, 512,
// 848, 1280, … as in real Go.
//
// Go:   for i := 0; i < 1000000; i++ { s = append(s, int64(i)); if cap(s) != last { caps = append(caps, cap(s)) } }

import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

export default defineProgram({
  name: 'append-growth',
  description: 'append to a []int64 one element at a time up to 1,000,000; every new cap is in the exit checkpoint (--json: extra.caps)',
  binary: binaryOf('append-growth'),
  inits: initsOf('append-growth'),
  live: liveOf('append-growth'),
  *main(go) {
    const T = go.T;
    go.checkpoint('start');
    // main's frame: 96 bytes of locals (go build -gcflags=-S) + 8 of return
    // address; growslice spills the outgrown array's pointer into its
    // outgoing-argument area, where a scan of the preempted loop finds it.
    const v = go.locals('main.main', { s: T.slice(T.int64) }, 104 - 24);
    let s = go.make(T.slice(T.int64), 0, 0);
    const caps: number[] = [];
    let last = -1;
    for (let i = 0; i < 1000000; i++) {
      s = go.append(s, i);
      if (s.cap !== last) {
        last = s.cap;
        caps.push(last);
        v.s = s;
      }
    }
    go.extra('caps', caps);
    go.extra('len', s.len);
    go.checkpoint('after_append');
  },
});
