// Page allocator speed: ns per alloc+free pair of 1, 8 and 64 pages on a
// 64 MiB heap that is half allocated in scattered runs, ns per
// pageCache.alloc(1), and ns per allocToCache+flush (a page-cache refill).
// `npm run bench -- pagealloc`; one JSON line per case.
//
// Baseline: real Go's page allocator through its export_test.go API
// (bench/go/pagealloc/pagealloc_bench_test.go; it pays a systemstack switch
// and a lock per call, a few ns, like mheap does). Go's runtime test hooks
// build only inside GOROOT/src/runtime, so the benchmark file is put into a
// writable copy of GOROOT: GOMEM_GOROOT if set, else one this bench makes
// once (106 MB, cp -rL of `go env GOROOT`) under the system's temp directory
// and reuses. Without Go installed the Go side is skipped.

import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SysMemStat } from '../src/runtime/mem.ts';
import { PageAlloc } from '../src/runtime/mpagealloc.ts';
import { PageCache, allocToCache } from '../src/runtime/mpagecache.ts';
import { TestSysMemory } from '../src/runtime/export_test.ts';
import { Rand } from '../src/sim/rand.ts';
import { median } from './go/calibrate/results.ts';
import { nsPerOp, printResult } from './timing.ts';

const heapBase = 0xc000000000;
const pageSize = 8192;

/** A 64 MiB heap with about half its pages allocated in random runs of 1–16 pages. */
function fragmentedHeap(): PageAlloc {
  const p = new PageAlloc();
  p.init(new TestSysMemory(), new SysMemStat('gcMiscSys'), false);
  p.grow(heapBase, 64 << 20);
  const r = new Rand(11);
  const live: [number, number][] = [];
  for (;;) {
    const n = 1 + r.intn(16);
    const [a] = p.alloc(n);
    if (a === 0) break;
    live.push([a, n]);
  }
  for (const [a, n] of live) if (r.intn(2) === 0) p.free(a, n);
  return p;
}

/** A writable copy of the installed GOROOT (GOMEM_GOROOT, or one made under tmpdir once per Go version); null without Go. */
function writableGoroot(): string | null {
  const given = process.env.GOMEM_GOROOT;
  if (given) return existsSync(`${given}/src/runtime/export_test.go`) ? given : null;
  let goroot: string;
  let version: string;
  try {
    goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    version = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
  const copy = join(tmpdir(), `gomem-goroot-${version}`);
  if (!existsSync(`${copy}/src/runtime/export_test.go`)) {
    console.error(`pagealloc: copying ${goroot} to ${copy} (once) to build Go's runtime test hooks`);
    rmSync(copy, { recursive: true, force: true });
    cpSync(goroot, copy, { recursive: true, dereference: true });
  }
  return copy;
}

function goBaseline(): Record<string, number> | null {
  const goroot = writableGoroot();
  if (goroot === null) return null;
  const src = fileURLToPath(new URL('./go/pagealloc/pagealloc_bench_test.go', import.meta.url));
  copyFileSync(src, `${goroot}/src/runtime/gomem_pagealloc_bench_test.go`);
  const out = execFileSync(`${goroot}/bin/go`, ['test', 'runtime', '-run', '^$', '-bench', 'GomemPage', '-count', '1'], {
    env: { ...process.env, GOROOT: goroot },
    encoding: 'utf8',
  });
  const res: Record<string, number> = {};
  for (const m of out.matchAll(/^BenchmarkGomemPage(\w+)-\d+\s+\d+\s+([\d.]+) ns\/op/gm)) res[m[1]!] = Number(m[2]);
  return res;
}

/** gomem's ns/op for each case, by the Go benchmark's name. */
function gomemRound(): Map<string, { name: string; ns: number }> {
  const out = new Map<string, { name: string; ns: number }>();
  for (const npages of [1, 8, 64]) {
    const p = fragmentedHeap();
    const ns = nsPerOp((n) => {
      for (let i = 0; i < n; i++) {
        const [a] = p.alloc(npages);
        p.free(a, npages);
      }
    });
    out.set(`AllocFree${npages}`, { name: `alloc+free ${npages} page${npages > 1 ? 's' : ''}`, ns });
  }
  {
    const c = new PageCache();
    c.base = heapBase;
    const ns = nsPerOp((n) => {
      for (let i = 0; i < n; i++) {
        if (c.empty()) c.cacheLo = c.cacheHi = -1;
        c.alloc(1);
      }
    });
    out.set('CacheAlloc1', { name: 'pageCache.alloc(1)', ns });
  }
  {
    const p = fragmentedHeap();
    const c = new PageCache();
    const ns = nsPerOp((n) => {
      for (let i = 0; i < n; i++) {
        allocToCache(p, c);
        c.flush(p);
      }
    });
    out.set('CacheRefillFlush', { name: 'allocToCache+flush', ns });
  }
  return out;
}

const rounds = 3;

/**
 * Three rounds, each Go's benchmarks then gomem's cases, so that a round's
 * ratio compares runs made at the same time on a shared machine; one line
 * per case with the medians of each side and of the per-round ratios.
 */
export function run(): void {
  const ours = new Map<string, { name: string; ns: number[]; go: number[] }>();
  let haveGo = true;
  for (let r = 0; r < rounds; r++) {
    const go = haveGo ? goBaseline() : null;
    if (go === null) haveGo = false;
    for (const [goName, { name, ns }] of gomemRound()) {
      const o = ours.get(goName) ?? { name, ns: [], go: [] };
      o.ns.push(ns);
      const g = go?.[goName];
      if (g !== undefined) o.go.push(g);
      ours.set(goName, o);
    }
  }
  for (const { name, ns, go } of ours.values()) {
    // A ratio only where Go measured the case in every round, each against the same round's gomem run.
    const ratios = go.length === rounds ? ns.map((x, i) => x / go[i]!) : null;
    printResult({
      bench: 'pagealloc',
      case: name,
      ns_per_op: Number(median(ns).toFixed(1)),
      ...(ratios !== null ? { go_ns_per_op: median(go), ratio: Number(median(ratios).toFixed(2)) } : {}),
    });
  }
  if (!haveGo) printResult({ bench: 'pagealloc', case: 'go baseline', skipped: 'real Go is not installed (scripts/install-go.sh)' });
  void pageSize;
}
