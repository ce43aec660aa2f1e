// `npm run bench -- mark`: one complete runtime.GC() over a binary tree of
// 10,000,000 32-byte nodes (two pointers and two int64s: size class 32,
// scan) built depth first and held by a global, next to real Go doing the
// same (bench/go/mark) in the same invocation. Both sides: GOGC=off,
// GOMAXPROCS=1, each run in its own process, the tree built before the clock
// starts. What each side's time includes:
//   - real Go: time.Now() around runtime.GC(): sweep termination, the mark
//     (the single P's background worker, the caller being blocked), mark
//     termination and the full sweep that runtime.GC waits for, with the
//     page faults of the fresh mark bits;
//   - gomem: performance.now() around `yield* go.runtime.GC()`: the same
//     cycle as gomem models it — the stop-the-world phases, root and heap
//     marking through simulated memory (address → span → mark bit → heap
//     bits → stored words), the sweep of every span, and the scheduler's
//     and cost model's virtual-time accounting around them.
// Both check that the cycle kept the tree (HeapAlloc ≈ 10M × 32 B after it,
// NumGC + 1) and fail otherwise. One JSON line per run, ns per live object.
// Target (issue 8): ratio ≤ 2.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printResult } from './timing.ts';

const nodes = 10_000_000;
const runs = 3;
const root = fileURLToPath(new URL('..', import.meta.url));

function goMark(): string | null {
  const probe = spawnSync('go', ['version']);
  if (probe.error || probe.status !== 0) return null;
  const bin = join(mkdtempSync(join(tmpdir(), 'gomem-mark-')), 'mark');
  const b = spawnSync('go', ['build', '-o', bin, './mark'], { cwd: join(root, 'bench/go'), encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' } });
  if (b.status !== 0) throw new Error(`go build bench/go/mark failed:\n${b.stderr}`);
  return bin;
}

function json(out: string): Record<string, number> {
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

export function run(): void {
  const bin = goMark();
  if (bin === null) console.error('mark: real Go is not installed (scripts/install-go.sh); go_ns_per_op is null');
  for (let i = 0; i < runs; i++) {
    const g = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', join(root, 'bench/mark_child.ts'), String(nodes)], { cwd: root, encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`gomem mark run failed:\n${g.stderr}`);
    const gm = json(g.stdout).ns_per_op!;
    let goNs: number | null = null;
    if (bin !== null) {
      const r = spawnSync(bin, [String(nodes)], { encoding: 'utf8', env: { ...process.env, GOGC: 'off', GOMAXPROCS: '1' } });
      if (r.status !== 0) throw new Error(`go mark failed:\n${r.stderr}`);
      goNs = json(r.stdout).ns_per_op!;
    }
    printResult({
      bench: 'mark/binary-tree-10M',
      gomem_ns_per_op: Number(gm.toFixed(1)),
      go_ns_per_op: goNs === null ? null : Number(goNs.toFixed(1)),
      ratio: goNs === null ? null : Number((gm / goNs).toFixed(2)),
    });
  }
}
