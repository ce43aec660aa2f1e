// bench/go_bench.ts (real Go's allocator benchmarks) lives outside the test
// tree; its parsing and one short real run are checked here, beside the
// rest of the harness that drives real Go.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GO_BENCH_DIR, parseGoBench, runGoBench } from '../bench/go_bench.ts';

// Output of `GOMAXPROCS=1 go test -run . -bench . -benchtime 200ms` in bench/go on this machine.
const OUTPUT = `goos: linux
goarch: amd64
pkg: gomem/benchgo
cpu: AMD EPYC
BenchmarkMallocgc/tiny8         	 5281821	        57.76 ns/op	       8 B/op	       1 allocs/op
BenchmarkMallocgc/noscan16      	 2695366	        80.73 ns/op	      16 B/op	       1 allocs/op
BenchmarkMallocgc/large40k      	   60466	      4791 ns/op	   40960 B/op	       1 allocs/op
BenchmarkMallocgc/scan64-2      	 2039072	       116.6 ns/op	      64 B/op	       1 allocs/op
PASS
ok  	gomem/benchgo	2.725s
`;

describe('go_bench', () => {
  it('parses ns/op per benchmark, without the Benchmark prefix or the -GOMAXPROCS suffix', () => {
    expect(Object.fromEntries(parseGoBench(OUTPUT))).toEqual({
      'mallocgc/tiny8': 57.76,
      'mallocgc/noscan16': 80.73,
      'mallocgc/large40k': 4791,
      'mallocgc/scan64': 116.6,
    });
  });

  const haveGo = spawnSync('go', ['version']).status === 0;
  it.skipIf(!haveGo)('runs the real benchmarks (needs Go; skipped when `go` is not installed)', () => {
    const m = runGoBench(GO_BENCH_DIR, 'Mallocgc$/(tiny8|noscan16)$', { benchtime: '20000x' });
    expect(m).not.toBeNull();
    expect([...m!.keys()].sort()).toEqual(['mallocgc/noscan16', 'mallocgc/tiny8']);
    for (const v of m!.values()) expect(v).toBeGreaterThan(0);
  }, 60_000);
});
