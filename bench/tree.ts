// `npm run bench -- tree`: a binary tree of 3,300,000 nodes (two pointers,
// an int64 and [40]byte: 64 bytes, scan) held by a global, built depth first
// through the public program API, next to real Go building the same tree
// (bench/go/tree) in the same invocation. Both sides: GOGC=off,
// GOMAXPROCS=1, each run in its own process, timed around the build loop
// only (real Go's time includes its page faults and zeroing; gomem's
// includes its whole model: allocator, memory contents, kernel model, cost
// model). One JSON line per run. Targets (issue 7): ratio ≤ 10,
// host_bytes_per_node ≤ 48.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printResult } from './timing.ts';

const nodes = 3_300_000;
const runs = 3;
const root = fileURLToPath(new URL('..', import.meta.url));

function goTree(): string | null {
  const probe = spawnSync('go', ['version']);
  if (probe.error || probe.status !== 0) return null;
  const bin = join(mkdtempSync(join(tmpdir(), 'gomem-tree-')), 'tree');
  const b = spawnSync('go', ['build', '-o', bin, './tree'], { cwd: join(root, 'bench/go'), encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' } });
  if (b.status !== 0) throw new Error(`go build bench/go/tree failed:\n${b.stderr}`);
  return bin;
}

function json(out: string): Record<string, number> {
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

export function run(): void {
  const bin = goTree();
  if (bin === null) console.error('tree: real Go is not installed (scripts/install-go.sh); go_ns_per_node is null');
  for (let i = 0; i < runs; i++) {
    const g = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', join(root, 'bench/tree_child.ts'), String(nodes)], { cwd: root, encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`gomem tree run failed:\n${g.stderr}`);
    const gm = json(g.stdout);
    let goNs: number | null = null;
    if (bin !== null) {
      const r = spawnSync(bin, [String(nodes)], { encoding: 'utf8', env: { ...process.env, GOGC: 'off', GOMAXPROCS: '1' } });
      if (r.status !== 0) throw new Error(`go tree failed:\n${r.stderr}`);
      goNs = json(r.stdout).ns_per_node!;
    }
    printResult({
      bench: 'tree/3.3M',
      gomem_ns_per_node: Number(gm.ns_per_node!.toFixed(1)),
      go_ns_per_node: goNs === null ? null : Number(goNs.toFixed(1)),
      ratio: goNs === null ? null : Number((gm.ns_per_node! / goNs).toFixed(2)),
      host_bytes_per_node: Number(gm.host_bytes_per_node!.toFixed(1)),
    });
  }
}
