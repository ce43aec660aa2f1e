// `npm run bench -- spans`: host memory for a span-heavy heap. 16 GiB and
// 64 GiB (on a machine of 80 GiB) of live, touched, noscan 1 KiB objects at
// GOGC=off — two million and eight million spans — each run in its own
// process. Prints host bytes held as a percentage of the simulated RSS and
// per span. Target (issue 7): ≤ 4 % at 16 GiB; 64 GiB completes.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printResult } from './timing.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export function run(): void {
  for (const [gib, mem] of [
    [16, 24],
    [64, 80],
  ] as const) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', join(root, 'bench/spans_child.ts'), String(gib), String(mem)], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`spans ${gib} GiB failed:\n${r.stderr}`);
    const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rss_bytes: number; host_bytes: number };
    const spans = (gib * 2 ** 30) / 8192;
    printResult({
      bench: `spans/${gib}GiB`,
      simulated_rss_gib: Number((o.rss_bytes / 2 ** 30).toFixed(2)),
      host_mib: Number((o.host_bytes / 2 ** 20).toFixed(0)),
      host_percent_of_rss: Number(((o.host_bytes / o.rss_bytes) * 100).toFixed(2)),
      host_bytes_per_span: Number((o.host_bytes / spans).toFixed(0)),
    });
  }
}
