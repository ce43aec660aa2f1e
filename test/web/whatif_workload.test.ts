// A workload model's trace in the browser view: `gomem run service.json
// --trace` carries the JSON as the program's source, so the what-if slider
// runs the workload again in the page's Worker (src/whatif's own program,
// bundled). GOGC moved from 100 to 50 must give the run `gomem run
// service.json --gogc 50` makes: the same checkpoints at the same times,
// with the same RSS and heap figures at each.

import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTrace } from '../../src/trace/reader.ts';
import { type Timeline, buildTimeline } from '../../web/src/timeline.ts';
import { browserMissing } from './browser.ts';
import { buildPage, closeView, type CheckpointJson, hook, openView, runJson, settled, slide } from './page.ts';

const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/whatif_workload.test.ts: SKIPPED, ${missing}`);

const workload = {
  format: 'gomem-workload/1',
  name: 'small-service',
  connections: 4,
  phases: [{ duration: '400ms', allocRate: '20MiB/s', requestRate: 400, cpuPerRequest: '500µs', live: ['0', '8MiB'] }],
};

describe.skipIf(missing !== null)('what-if on a workload model in headless Chromium: GOGC 100 → 50', () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let cli: CheckpointJson[] = [];
  let cliTl: Timeline;

  beforeAll(async () => {
    buildPage();
    const dir = mkdtempSync(join(tmpdir(), 'gomem-whatif-workload-'));
    const file = join(dir, 'service.json');
    writeFileSync(file, JSON.stringify(workload));
    const trace = join(dir, 'service.trace');
    runJson([file, '--opt', 'every=100ms', '--trace', trace]);
    const trace50 = join(dir, 'service-gogc50.trace');
    cli = runJson([file, '--opt', 'every=100ms', '--gogc', '50', '--trace', trace50]);
    cliTl = buildTimeline(decodeTrace(gunzipSync(readFileSync(trace50))));
    ({ server, browser, page } = await openView(['view', trace]));
  }, 180_000);

  afterAll(() => closeView(server, browser));

  it('runs the workload again in the Worker: at each checkpoint what gomem run service.json --gogc 50 --json printed', async () => {
    await slide(page, 'gogc', '50');
    await settled(page);
    const w = await hook(page, (g) => g.whatIf());
    expect(w.error).toBeUndefined();
    expect(w).toMatchObject({ state: 'done', flags: ['--gogc 50'], outcome: 'exit' });
    expect(w.run!.records).toBe(cliTl.records.length);
    expect(w.run!.end).toBe(cliTl.end);
    expect(w.run!.cycles).toBe(cliTl.cycles.length);
    expect(w.run!.checkpoints.map((c) => c.name)).toEqual(['at_100ms', 'at_200ms', 'at_300ms', 'exit']);
    expect(w.run!.checkpoints.map((c) => c.name)).toEqual(cli.map((c) => c.name));
    for (const c of cli) {
      const mark = w.run!.checkpoints.find((m) => m.name === c.name)!;
      const v = (await hook(page, (g, r: number) => g.whatIfValues({ record: r }), mark.record))!;
      expect(v.process!.VmRSS, `${c.name} VmRSS`).toBe(c.proc.VmRSS_kB! * 1024);
      for (const k of ['HeapInuse', 'HeapAlloc', 'NextGC']) expect(v.heap![k], `${c.name} ${k}`).toBe(c.memstats[k]);
    }
  }, 180_000);
});
