// Real Go's side of the allocator benchmarks: runs the Go benchmarks in
// bench/go (package gomem/benchgo: mallocgc/tiny8, noscan16, noscan64,
// noscan1024, scan64, large40k) with `go test -run '^$' -bench …` at
// GOMAXPROCS=1 and returns ns/op per benchmark, so a gomem benchmark can
// print its own ns/op next to real Go's from the same invocation.
// A library, not a benchmark (bench/main.ts skips go_* files).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const GO_BENCH_DIR = fileURLToPath(new URL('./go', import.meta.url));

export interface GoBenchOptions {
  /** GOGC for the benchmark process (default "100", Go's default). */
  gogc?: string;
  /** go test -benchtime (default "1s"). */
  benchtime?: string;
}

/**
 * Parses `go test -bench` output into ns/op by benchmark name. Names drop the
 * "Benchmark" prefix and the -GOMAXPROCS suffix and lower-case their first
 * letter: "BenchmarkMallocgc/tiny8-2" → "mallocgc/tiny8".
 */
export function parseGoBench(output: string): Map<string, number> {
  const out = new Map<string, number>();
  const re = /^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+(?:e[+-]?\d+)?) ns\/op/;
  for (const line of output.split('\n')) {
    const m = re.exec(line);
    if (m) out.set(m[1]![0]!.toLowerCase() + m[1]!.slice(1), Number(m[2]));
  }
  return out;
}

/**
 * Runs the Go benchmarks in dir whose names match pattern (go test -bench
 * syntax, e.g. "Mallocgc/tiny8$"). Returns ns/op per benchmark, or null when
 * Go is not installed. Throws when the benchmarks fail.
 */
export function runGoBench(dir: string, pattern: string, opts: GoBenchOptions = {}): Map<string, number> | null {
  const probe = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return null;
  const r = spawnSync('go', ['test', '-run', '^$', '-bench', pattern, '-benchtime', opts.benchtime ?? '1s', '-benchmem', '.'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GOMAXPROCS: '1', GOGC: opts.gogc ?? '100', CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`go test -bench ${pattern} in ${dir} failed:\n${r.stdout}\n${r.stderr}`);
  return parseGoBench(r.stdout);
}
