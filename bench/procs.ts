// `npm run bench -- procs`: hello at GOMAXPROCS = 1,000, 10,000 and 100,000,
// gomem next to real Go running the same program (reality/cases/hello: a
// Println, three checkpoints, a 2 s sleep). One JSON line per case; the
// medians of three rounds, the sides alternating within each round so that
// the machine's load falls on both. Target (issue 12): time linear in Ps,
// 100,000 Ps in under 5 s.
//
// Each side is a fresh process timed from spawn to exit:
//   - gomem: Node, the TypeScript loader (tsx), loading the model, booting
//     the runtime with N Ps (allp, an mcache and a p struct per P, a mark
//     worker goroutine per P), then the run — the GC cycle that the N p
//     structs' 9 KiB each start, its marking and sweeping, the checkpoints'
//     ReadMemStats flushing every P's mcache; the 2 s sleep is virtual and
//     costs no wall time. It runs GoProcess directly (bench/procs_child.ts),
//     as `gomem run hello --gomaxprocs N` would, which refuses N > 1024.
//   - real Go: the binary built from reality/cases/hello doing the same at
//     GOMAXPROCS=N, whose sleep is real: go_ms is the whole process,
//     go_ms_awake is go_ms less the 2 s time.Sleep, and the ratio is
//     gomem_ms over go_ms_awake.
// gomem_run_ms is the model's part of gomem_ms (boot and run, measured in
// the child), virtual_s how long the run lasted in virtual time.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { printResult } from './timing.ts';
import { median } from './go/calibrate/results.ts';

const cases = [1_000, 10_000, 100_000];
const rounds = 3;
const sleepMs = 2_000;
const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds reality/cases/hello; null when Go is not installed. */
function goHello(dir: string): string | null {
  const probe = spawnSync('go', ['version']);
  if (probe.error || probe.status !== 0) return null;
  const bin = join(dir, 'hello');
  const b = spawnSync('go', ['build', '-o', bin, './cases/hello'], { cwd: join(root, 'reality'), encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' } });
  if (b.status !== 0) throw new Error(`go build reality/cases/hello failed:\n${b.stderr}`);
  return bin;
}

function gomemRun(procs: number): { ms: number; runMs: number; virtualNs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/procs_child.ts'), String(procs)], { cwd: root, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`gomem hello at GOMAXPROCS=${procs} failed:\n${r.stderr}`);
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as { run_ms: number; virtual_ns: number };
  return { ms, runMs: o.run_ms, virtualNs: o.virtual_ns };
}

function goRun(bin: string, procs: number): number {
  const t0 = performance.now();
  const r = spawnSync(bin, [], { encoding: 'utf8', env: { ...process.env, GOMAXPROCS: String(procs) }, maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`real Go hello at GOMAXPROCS=${procs} failed:\n${r.stderr}`);
  return ms;
}

export function run(): void {
  const dir = mkdtempSync(join(tmpdir(), 'gomem-procs-'));
  try {
    const bin = goHello(dir);
    if (bin === null) console.error('procs: real Go is not installed (scripts/install-go.sh); go_ms is null');
    for (const procs of cases) {
      const gomem: ReturnType<typeof gomemRun>[] = [];
      const go: number[] = [];
      for (let i = 0; i < rounds; i++) {
        gomem.push(gomemRun(procs));
        if (bin !== null) go.push(goRun(bin, procs));
      }
      const gomemMs = median(gomem.map((x) => x.ms));
      const goMs = bin === null ? null : median(go);
      const awake = goMs === null ? null : goMs - sleepMs;
      printResult({
        bench: `procs/${procs}`,
        gomem_ms: Math.round(gomemMs),
        gomem_run_ms: Math.round(median(gomem.map((x) => x.runMs))),
        virtual_s: Number((gomem[0]!.virtualNs / 1e9).toFixed(3)),
        go_ms: goMs === null ? null : Math.round(goMs),
        go_ms_awake: awake === null ? null : Math.round(awake),
        ratio: awake === null ? null : Number((gomemMs / awake).toFixed(2)),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
