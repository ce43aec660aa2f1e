// Start-up: the wall time of a whole `gomem run hello` process over that of
// `node -e 0`, the same Node doing nothing. One JSON line per case.
//
//   npm run bench -- startup
//
// Each side is a fresh process started by spawnSync from here and timed
// from spawn to exit, so both include starting Node itself. The gomem side
// also includes everything bin/gomem.js does before the program runs (the
// check that dist/ is as new as src/, loading the CLI's modules and their
// source maps, and, when a case needs them, tsx and the module hooks for
// program files), then simulating hello (a Println, a 2 s virtual sleep,
// four checkpoints) and writing its output and exit summary into pipes
// read here. The sides alternate round by round, so load from other work
// on the machine falls on both; the figures are medians over the rounds.
//
// Real Go's start-up is timed in the same rounds, the same way: the binary
// of bench/go/hello (a fmt hello-world, built here with go build) from
// spawn to exit, which includes exec, the runtime's start (arena
// reservation, allocator and GC set-up, package inits), one Println and
// exit, but not the 2 s sleep of reality/cases/hello, which gomem's `run
// hello` only simulates. go_hello_ms and ratio_go (gomem_ms over it) are
// null when Go is not installed (scripts/install-go.sh). ratio stays the
// figure over `node -e 0`, the one bench history compares.
//
// Cases:
//   compiled       the compiled CLI (GOMEM_CLI=dist; fails if dist/ is stale: npm run build)
//   ts-sources     the TypeScript sources through tsx (GOMEM_CLI=src), what
//                  every run cost before dist/, and still costs when dist/ is stale
//   ts-program     a user's program file in TypeScript on the compiled CLI
//                  (tsx and the hooks registered, the file transformed at load)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { printResult } from './timing.ts';
import { median } from './go/calibrate/results.ts';
import { GO_BENCH_DIR } from './go_bench.ts';

const ROUNDS = 11;
const bin = fileURLToPath(new URL('../bin/gomem.js', import.meta.url));

/** Builds bench/go/hello into dir; null when Go is not installed. */
function goHello(dir: string): string | null {
  const probe = spawnSync('go', ['version']);
  if (probe.error || probe.status !== 0) return null;
  const out = join(dir, 'hello');
  const b = spawnSync('go', ['build', '-o', out, './hello'], { cwd: GO_BENCH_DIR, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' } });
  if (b.status !== 0) throw new Error(`go build bench/go/hello failed:\n${b.stderr}`);
  return out;
}

/** Wall milliseconds of real Go's hello from spawn to exit; throws unless it printed "hi". */
function goWallMs(hello: string): number {
  const t0 = performance.now();
  const r = spawnSync(hello, [], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 || r.stdout !== 'hi\n') throw new Error(`startup bench: real Go's hello exited ${r.status}: ${r.stderr.trim()}`);
  return ms;
}

const helloProgram = `import { defineProgram } from 'gomem';

export default defineProgram({
  name: 'hello-ts',
  description: 'prints, then sleeps',
  *main(go: any) {
    go.fmt.Println('hi');
    yield* go.time.Sleep(2 * go.time.Second);
  },
});
`;

/** Wall milliseconds of one process run to its exit; throws unless it exits 0 having printed "hi". */
function wallMs(args: string[], env: NodeJS.ProcessEnv, expectHi: boolean): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 || (expectHi && r.stdout !== 'hi\n')) {
    throw new Error(`startup bench: node ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  }
  return ms;
}

export function run(): void {
  const dir = mkdtempSync(join(tmpdir(), 'gomem-startup-'));
  const program = join(dir, 'hello.ts');
  writeFileSync(program, helloProgram);
  const cases: { name: string; args: string[]; env: NodeJS.ProcessEnv }[] = [
    { name: 'compiled', args: [bin, 'run', 'hello'], env: { ...process.env, GOMEM_CLI: 'dist' } },
    { name: 'ts-sources', args: [bin, 'run', 'hello'], env: { ...process.env, GOMEM_CLI: 'src' } },
    { name: 'ts-program', args: [bin, 'run', program], env: { ...process.env, GOMEM_CLI: 'dist' } },
  ];
  try {
    const hello = goHello(dir);
    if (hello === null) console.error('startup: real Go is not installed (scripts/install-go.sh); go_hello_ms is null');
    const node: number[] = [];
    const go: number[] = [];
    const times = cases.map(() => [] as number[]);
    // One unrecorded round first: the file system cache and tsx's transform cache start warm for every recorded one.
    for (let round = -1; round < ROUNDS; round++) {
      const n = wallMs(['-e', '0'], process.env, false);
      const g = hello === null ? null : goWallMs(hello);
      const t = cases.map((c) => wallMs(c.args, c.env, true));
      if (round < 0) continue;
      node.push(n);
      if (g !== null) go.push(g);
      t.forEach((ms, i) => times[i]!.push(ms));
    }
    const nodeMs = median(node);
    const goMs = hello === null ? null : median(go);
    cases.forEach((c, i) => {
      const ms = median(times[i]!);
      printResult({
        bench: 'startup',
        case: c.name,
        command: `gomem ${c.args.slice(1).join(' ').replace(program, 'hello.ts')}`,
        rounds: ROUNDS,
        gomem_ms: Number(ms.toFixed(1)),
        node_e0_ms: Number(nodeMs.toFixed(1)),
        ratio: Number((ms / nodeMs).toFixed(2)),
        go_hello_ms: goMs === null ? null : Number(goMs.toFixed(1)),
        ratio_go: goMs === null ? null : Number((ms / goMs).toFixed(1)),
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
