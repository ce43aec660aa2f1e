// The browser view's frame time on a big trace: `npm run bench -- web_frame`.
// The churn workload (bench/programs/churn.ts: 100 MB/s of 4 KiB buffers)
// traced for 45 virtual seconds gives a bit over a million records, each a
// point of the timelines. gomem view serves it to headless Chromium
// (Debian's chromium through playwright-core, as test/web does), and the
// page is panned and zoomed through its test hook: each step sets the
// visible range, which redraws every chart (five, with the GC mark chart;
// decimation per pixel column and uPlot's draw) before the next step. The time of each step is
// measured in the page, with performance.now(). One JSON line: the p50 and
// p95 of 200 steps, against the 16.7 ms (one frame at 60 Hz).
// There is no Go side: Go has no such view.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { traceFile } from '../src/cli/trace.ts';
import { ensureBuilt, startViewServer } from '../src/cli/view.ts';
import { runTraced } from '../src/trace/writer.ts';
import { findChromium, loadPlaywright } from '../test/web/browser.ts';
import type { GomemHook } from '../web/src/hook_types.ts';
import { churnProgram } from './programs/churn.ts';
import { printResult } from './timing.ts';

const seconds = 45;
const steps = 200;

function churnTrace(): string {
  const program = churnProgram(seconds);
  const { raw } = runTraced(program);
  const path = join(mkdtempSync(join(tmpdir(), 'gomem-frame-')), 'churn.trace');
  writeFileSync(path, traceFile(raw));
  return path;
}

export async function run(): Promise<void> {
  const chromium = findChromium();
  const pw = await loadPlaywright();
  if (chromium === null || pw === null) {
    console.error('web_frame: chromium or playwright-core is missing (scripts/install-chromium.sh, npm ci); skipped');
    return;
  }
  ensureBuilt(() => {});
  const trace = churnTrace();
  const server = await startViewServer({ trace, host: '127.0.0.1', port: 0 });
  const browser = await pw.chromium.launch({ executablePath: chromium, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    const t0 = Date.now();
    await page.goto(server.url);
    await page.waitForFunction(() => {
      const s = (globalThis as unknown as { __gomem?: GomemHook }).__gomem?.state;
      return s === 'ready' || s === 'error';
    }, null, { timeout: 600_000 });
    const openMs = Date.now() - t0;
    const r = await page.evaluate((n: number) => {
      const g = (globalThis as unknown as { __gomem: GomemHook }).__gomem;
      const end = g.trace!.end;
      const times: number[] = [];
      // Zoom in towards the middle in 100 steps, then pan across the run in 100.
      for (let i = 0; i < n; i++) {
        let a: number;
        let b: number;
        if (i < n / 2) {
          const w = end * Math.pow(0.95, i);
          a = end / 2 - w / 2;
          b = end / 2 + w / 2;
        } else {
          const w = end / 20;
          a = ((i - n / 2) / (n / 2)) * (end - w);
          b = a + w;
        }
        const s = performance.now();
        g.setRange(a, b);
        times.push(performance.now() - s);
      }
      times.sort((x, y) => x - y);
      return { records: g.trace!.records, p50: times[Math.floor(n * 0.5)]!, p95: times[Math.floor(n * 0.95)]!, max: times[n - 1]! };
    }, steps);
    printResult({
      bench: 'web_frame',
      case: `churn-${seconds}s`,
      records: r.records,
      open_ms: openMs,
      frame_p50_ms: Number(r.p50.toFixed(2)),
      frame_p95_ms: Number(r.p95.toFixed(2)),
      frame_max_ms: Number(r.max.toFixed(2)),
      target_ms: 16.7,
      ratio: Number((r.p95 / 16.7).toFixed(2)),
    });
  } finally {
    await browser.close();
    await server.close();
  }
}
