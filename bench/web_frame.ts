// The browser view's frame time on a big trace: `npm run bench -- web_frame`.
// The churn workload (bench/programs/churn.ts: 100 MB/s of 4 KiB buffers)
// traced for 45 virtual seconds gives a bit over a million records, each a
// point of the timelines. gomem view serves it to headless Chromium
// (Debian's chromium through playwright-core, as test/web does), and the
// page is panned and zoomed through its test hook: each step sets the
// visible range, which redraws every chart (five, with the GC mark chart;
// decimation per pixel column and uPlot's draw) before the next step. The time of each step is
// measured in the page, with performance.now(), on a second pass of the 200
// steps (the first warms the page up). One JSON line: the p50 and p95 of
// the 200, against the 16.7 ms (one frame at 60 Hz), and the load
// averages when it ended (the machine's other work moves the p95 most).
// There is no Go side: Go has no such view.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
      // Zoom in towards the middle in 100 steps, then pan across the run in 100: once to warm up (the first
      // frames compile the drawing code), then measured.
      for (let i = 0; i < 2 * n; i++) {
        const k = i % n;
        let a: number;
        let b: number;
        if (k < n / 2) {
          const w = end * Math.pow(0.95, k);
          a = end / 2 - w / 2;
          b = end / 2 + w / 2;
        } else {
          const w = end / 20;
          a = ((k - n / 2) / (n / 2)) * (end - w);
          b = a + w;
        }
        const s = performance.now();
        g.setRange(a, b);
        if (i >= n) times.push(performance.now() - s);
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
      load: loadavg().map((x) => Number(x.toFixed(2))),
    });
  } finally {
    await browser.close();
    await server.close();
  }
}
