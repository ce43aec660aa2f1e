// mallocgc throughput: simulated allocations per host second for the
// tiny, small noscan, small scan and large paths, next to real Go's ns/op
// for the same allocation measured in the same invocation (bench/go).
// Without a collector the simulated heap only grows, so each timed batch
// runs on a fresh runtime, booted outside the timed region, and stays
// under 256 MiB of simulated heap.

import { bootRuntime } from '../src/runtime/boot.ts';
import { mallocgc } from '../src/runtime/malloc.ts';
import type { RType } from '../src/runtime/type.ts';
import { GO_BENCH_DIR, runGoBench } from './go_bench.ts';
import { printResult } from './timing.ts';
import { performance } from 'node:perf_hooks';

/** A 64-byte struct whose first word is a pointer, like bench/go's scan64 object. */
const scan64: RType = { size: 64, ptrdata: 8, gcdata: Uint8Array.of(1), gcprog: false, str: 'main.scan64' };

interface Case {
  name: string;
  size: number;
  typ: RType | null;
}

const cases: Case[] = [
  { name: 'tiny8', size: 8, typ: null },
  { name: 'noscan16', size: 16, typ: null },
  { name: 'noscan64', size: 64, typ: null },
  { name: 'noscan1024', size: 1024, typ: null },
  { name: 'scan64', size: 64, typ: scan64 },
  { name: 'large40k', size: 40 << 10, typ: null },
];

const heapBudget = 256 << 20;

function measure(c: Case, total: number): number {
  const perBatch = Math.max(1, Math.floor(heapBudget / Math.max(c.size, 16)));
  let elapsed = 0;
  for (let done = 0; done < total; ) {
    const n = Math.min(perBatch, total - done);
    const { rt } = bootRuntime({ gcPercent: -1 });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) mallocgc(rt, c.size, c.typ, true);
    elapsed += performance.now() - t0;
    done += n;
  }
  return (elapsed * 1e6) / total;
}

export function run(): void {
  const goNs = runGoBench(GO_BENCH_DIR, 'Mallocgc');
  if (goNs === null) console.error('mallocgc: real Go is not installed (scripts/install-go.sh); go_ns_per_op is null');
  for (const c of cases) {
    const total = c.size >= 32768 ? 20_000 : 2_000_000;
    measure(c, Math.floor(total / 10)); // warm up the JIT
    let best = Infinity;
    for (let r = 0; r < 3; r++) best = Math.min(best, measure(c, total));
    const go = goNs?.get(`mallocgc/${c.name}`) ?? null;
    printResult({
      bench: `mallocgc/${c.name}`,
      gomem_ns_per_op: Number(best.toFixed(1)),
      go_ns_per_op: go,
      ratio: go === null ? null : Number((best / go).toFixed(2)),
    });
  }
}
