// One gomem run of the mark benchmark, in its own process (bench/mark.ts
// starts it): the same program as bench/go/mark/main.go, written against
// gomem's public API, at GOGC=off and GOMAXPROCS=1. It builds the tree, then
// times one `yield* go.runtime.GC()` on the host clock — the whole forced
// cycle as gomem runs it (sweep termination, roots, mark, mark termination,
// the full sweep of every span) and nothing else. It exits non-zero unless
// that cycle counted one GC and kept the tree live (a cycle that marked
// nothing would free the tree and time next to nothing).

import { GoProcess } from '../src/go/process.ts';
import { T, defineProgram } from '../src/index.ts';
import type { Ptr } from '../src/index.ts';

const n = Number(process.argv[2]);
const Node = T.declare('main.Node');
T.define(Node, T.struct([['left', T.pointer(Node)], ['right', T.pointer(Node)], ['val', T.int64], ['pad', T.int64]]));

let ns = 0;
let failure = '';

const program = defineProgram({
  name: 'mark',
  description: 'a binary tree of n 32-byte nodes held by a global, then one runtime.GC()',
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
    g.root = build(n);
    const before = go.runtime.ReadMemStats();
    const t0 = performance.now();
    yield* go.runtime.GC();
    ns = ((performance.now() - t0) * 1e6) / n;
    const after = go.runtime.ReadMemStats();
    if (after.NumGC !== before.NumGC + 1 || after.HeapAlloc < n * 32 || after.HeapAlloc > n * 32 + (8 << 20)) {
      failure = `the GC did not keep the tree: NumGC ${before.NumGC}→${after.NumGC}, HeapAlloc ${after.HeapAlloc} for ${n} nodes`;
    }
  },
});

const r = new GoProcess(program, { env: { GOGC: 'off', GOMAXPROCS: '1' }, stdout: () => {}, stderr: (s) => process.stderr.write(s) }).run();
if (r.status !== 0) process.exit(1);
if (failure !== '') {
  console.error(`mark: ${failure}`);
  process.exit(1);
}
console.log(JSON.stringify({ ns_per_op: ns }));
