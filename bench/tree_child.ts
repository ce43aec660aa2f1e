// One gomem run of the tree benchmark, in its own process (bench/tree.ts
// starts it): the same program as bench/go/tree/main.go, written against
// gomem's public API, at GOGC=off and GOMAXPROCS=1. It times the build loop
// only and measures the host memory the build added (V8 heap and typed-array
// buffers, after a full host GC before and after).

import { GoProcess } from '../src/go/process.ts';
import { T, defineProgram } from '../src/index.ts';
import type { Ptr } from '../src/index.ts';

const n = Number(process.argv[2]);
const Node = T.declare('main.Node');
T.define(Node, T.struct([['left', T.pointer(Node)], ['right', T.pointer(Node)], ['val', T.int64], ['pad', T.array(T.byte, 40)]]));

let ns = 0;
let hostBytes = 0;
const hostNow = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const program = defineProgram({
  name: 'tree',
  description: 'a binary tree of n 64-byte nodes held by a global',
  *main(go) {
    const g = go.globals({ root: T.pointer(Node) });
    const build = go.func('main.build', { n: T.pointer(Node) }, (f, count: number): Ptr | null => {
      if (count === 0) return null;
      f.n = go.new(Node);
      const l = Math.floor((count - 1) / 2);
      go.set(f.n as Ptr, 'left', build(l));
      go.set(f.n as Ptr, 'right', build(count - 1 - l));
      go.set(f.n as Ptr, 'val', count);
      return f.n as Ptr;
    });
    const h0 = hostNow();
    const t0 = performance.now();
    g.root = build(n);
    ns = ((performance.now() - t0) * 1e6) / n;
    hostBytes = (hostNow() - h0) / n;
  },
});

const r = new GoProcess(program, { env: { GOGC: 'off', GOMAXPROCS: '1' }, stdout: () => {}, stderr: (s) => process.stderr.write(s) }).run();
if (r.status !== 0) process.exit(1);
console.log(JSON.stringify({ ns_per_node: ns, host_bytes_per_node: hostBytes }));
