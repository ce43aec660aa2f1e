// The what-if sliders in headless Chromium: blahdo opened with gomem view,
// GOGC moved from 100 to 50 on its slider, and the program run again in the
// page's Web Worker on the model's own code. The run drawn over the original
// (the dashed series) must be the run `gomem run blahdo --gogc 50` makes: at
// each checkpoint what it plots equals what --json printed, and at ten
// virtual times (and its checkpoints' times) each series equals what the
// CLI's own trace of that run gives there. Back to 100, the overlay goes.
// The ps and explain panels (the program run again in the same Worker, for
// the CLI's own renderers) show at each checkpoint, and between checkpoints
// for the last one, exactly what `gomem run blahdo --ps --explain` printed.
// The container's memory.max slider: at 128 MiB the overlay is `gomem run
// blahdo --cgroup-memory-max 128MiB` (memory.current and memory.max at each
// checkpoint as its --cgroup printed them), at 96 MiB the run the CLI's OOM
// kill ends, at the record, time and charge its kill report names.

import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTrace } from '../../src/trace/reader.ts';
import { valuesAt } from '../../web/src/series.ts';
import { type Timeline, buildTimeline } from '../../web/src/timeline.ts';
import { upperBound } from '../../web/src/table.ts';
import type { GomemHook } from '../../web/src/hook_types.ts';
import { browserMissing } from './browser.ts';
import { buildPage, closeView, type CheckpointJson, hook, openView, root, runJson, settled, slide } from './page.ts';

const artifacts = join(root, 'test-artifacts', 'web');
const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/whatif.test.ts: SKIPPED, ${missing}`);

describe.skipIf(missing !== null)('what-if sliders in headless Chromium: blahdo, GOGC 100 → 50', () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let cli: CheckpointJson[] = [];
  let cliTl: Timeline;

  beforeAll(async () => {
    buildPage();
    const dir = mkdtempSync(join(tmpdir(), 'gomem-whatif-'));
    const trace = join(dir, 'blahdo.trace');
    runJson(['blahdo', '--trace', trace]);
    // What the what-if run must be: gomem run blahdo --gogc 50, its --json and its own trace.
    const trace50 = join(dir, 'blahdo-gogc50.trace');
    cli = runJson(['blahdo', '--gogc', '50', '--trace', trace50]);
    cliTl = buildTimeline(decodeTrace(gunzipSync(readFileSync(trace50))));
    ({ server, browser, page } = await openView(['view', trace]));
  }, 180_000);

  afterAll(() => closeView(server, browser));

  it('offers the five knobs at the trace’s own settings, and draws nothing over the run before one moves', async () => {
    const w = await hook(page, (g) => g.whatIf());
    expect(w).toMatchObject({ state: 'none', flags: [], knobs: { gogc: '100', memlimit: 'off', gomaxprocs: '2', cgroupMemoryMax: null, madvdontneed: '1' } });
    for (const id of ['gogc', 'memlimit', 'gomaxprocs', 'cgroup']) expect(await page.textContent(`#whatif-${id}-value`)).not.toBe('');
    expect(await page.inputValue('#whatif-madvdontneed')).toBe('1');
    expect((await hook(page, (g) => g.charts())).heap).toEqual(['HeapInuse', 'HeapAlloc', 'NextGC', 'trigger', 'HeapReleased', 'StackInuse']);
  });

  it('GOGC 50 runs blahdo again in the Worker and overlays it: at each checkpoint what gomem run blahdo --gogc 50 --json printed', async () => {
    await slide(page, 'gogc', '50');
    await settled(page);
    const w = await hook(page, (g) => g.whatIf());
    expect(w.error).toBeUndefined();
    expect(w).toMatchObject({ state: 'done', flags: ['--gogc 50'], outcome: 'exit', knobs: { gogc: '50' } });
    // The same run: as many records, the same end, the same checkpoints at the same times.
    expect(w.run!.records).toBe(cliTl.records.length);
    expect(w.run!.end).toBe(cliTl.end);
    expect(w.run!.cycles).toBe(cliTl.cycles.length);
    expect(w.run!.checkpoints).toEqual(cliTl.checkpoints.map((c) => ({ name: c.name, t: c.t, record: c.record })));
    // The axis reaches the end of the longer of the two runs.
    expect(await hook(page, (g) => g.range())).toEqual([0, Math.max(cliTl.end, await hook(page, (g) => g.trace!.end))]);
    expect(w.run!.checkpoints.map((c) => c.name)).toEqual(cli.map((c) => c.name));
    for (const c of cli) {
      const mark = w.run!.checkpoints.find((m) => m.name === c.name)!;
      const v = (await hook(page, (g, r: number) => g.whatIfValues({ record: r }), mark.record))!;
      expect(v.process!.VmRSS, `${c.name} VmRSS`).toBe(c.proc.VmRSS_kB! * 1024);
      expect(v.process!.VmSize, `${c.name} VmSize`).toBe(c.proc.VmSize_kB! * 1024);
      for (const k of ['HeapInuse', 'HeapAlloc', 'NextGC', 'HeapReleased', 'StackInuse']) expect(v.heap![k], `${c.name} ${k}`).toBe(c.memstats[k]);
    }
    // The charts draw the what-if series beside the original's.
    const charts = await hook(page, (g) => g.charts());
    expect(charts.heap).toEqual(['HeapInuse', 'HeapAlloc', 'NextGC', 'trigger', 'HeapReleased', 'StackInuse', ...['HeapInuse', 'HeapAlloc', 'NextGC', 'trigger', 'HeapReleased', 'StackInuse'].map((l) => `${l} (what-if)`)]);
    expect(charts.process).toEqual(['VmRSS', 'memory.current', 'VmSize', 'VmRSS (what-if)', 'memory.current (what-if)', 'VmSize (what-if)']);
    expect(charts.gcCpu).toEqual(['assist', 'dedicated', 'fractional', 'idle', 'pause', 'assist (what-if)', 'dedicated (what-if)', 'fractional (what-if)', 'idle (what-if)', 'pause (what-if)']);
    expect(charts.events).toEqual(['page faults', 'scavenged', 'page faults (what-if)', 'scavenged (what-if)']);
    // uPlot drew every chart with the what-if series (a chart made again with them, no page error).
    expect(await page.$$eval('#charts .u-legend', (ls) => ls.map((l) => (l as unknown as { textContent: string }).textContent.includes('(what-if)')))).toEqual([true, true, true, true, true]);
    expect(await page.textContent('#whatif-status')).toContain('blahdo --gogc 50');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'whatif-blahdo-gogc50.png'), fullPage: true });
    await (await page.$('#whatif'))!.screenshot({ path: join(artifacts, 'whatif-sliders.png') });
  }, 180_000);

  it('at ten virtual times across the run, every overlaid series equals the CLI trace of gomem run blahdo --gogc 50 there', async () => {
    const times = Array.from({ length: 10 }, (_, i) => Math.round((cliTl.end * (i + 0.5)) / 10));
    for (const t of times) {
      const want = valuesAt(cliTl, Math.max(0, upperBound(cliTl.tm, cliTl.tm.length, t) - 1));
      const got = await hook(page, (g, at: number) => g.whatIfValues({ t: at }), t);
      expect(got, `t=${t}`).toEqual(want);
    }
    // And they differ from the original run's somewhere: the overlay shows a difference.
    const orig = await hook(page, (g, at: number) => g.values(at), times[5]!);
    const over = await hook(page, (g, at: number) => g.whatIfValues({ t: at }), times[5]!);
    expect(over!.heap!.NextGC).not.toBe(orig.heap!.NextGC);
  });

  it('the knobs are in the URL’s hash: the link opens with blahdo at GOGC 50 drawn over it again', async () => {
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.includes('whatif=gogc%3A50'), undefined, { timeout: 10_000 });
    const p2 = await browser!.newPage({ viewport: { width: 1400, height: 1600 } });
    await p2.goto(page.url());
    await p2.waitForFunction(() => (globalThis as unknown as { __gomem?: GomemHook }).__gomem?.state === 'ready', null, { timeout: 30_000 });
    await settled(p2);
    expect(await hook(p2, (g) => g.whatIf())).toMatchObject({ state: 'done', flags: ['--gogc 50'], knobs: { gogc: '50' } });
    expect(await p2.textContent('#whatif-gogc-value')).toBe('50');
    const t = cliTl.checkpoints[1]!.t;
    expect(await hook(p2, (g, at: number) => g.whatIfValues({ t: at }), t)).toEqual(await hook(page, (g, at: number) => g.whatIfValues({ t: at }), t));
    await p2.close();
  }, 120_000);

  it('back to GOGC 100 (the trace’s own) removes the overlay', async () => {
    await slide(page, 'gogc', '100');
    await settled(page);
    expect(await hook(page, (g) => g.whatIf())).toMatchObject({ state: 'none', flags: [] });
    expect(await hook(page, (g) => g.whatIfValues({ t: 0 }))).toBeNull();
    expect((await hook(page, (g) => g.charts())).heap).toHaveLength(6);
  });

  it('the other knobs, one after another, add up as gomem run’s flags: madvdontneed=0, then GOMAXPROCS 1, then GOMEMLIMIT 64MiB, each run as the CLI runs it', async () => {
    const steps: { act: () => Promise<void>; flags: string[] }[] = [
      { act: () => page.selectOption('#whatif-madvdontneed', '0').then(() => {}), flags: ['--godebug madvdontneed=0'] },
      { act: () => slide(page, 'gomaxprocs', '1'), flags: ['--gomaxprocs 1', '--godebug madvdontneed=0'] },
      { act: () => slide(page, 'memlimit', '64MiB'), flags: ['--memlimit 64MiB', '--gomaxprocs 1', '--godebug madvdontneed=0'] },
    ];
    for (const s of steps) {
      await s.act();
      await settled(page);
      const w = await hook(page, (g) => g.whatIf());
      expect(w.error).toBeUndefined();
      expect(w.flags).toEqual(s.flags);
      const want = runJson(['blahdo', ...s.flags.flatMap((f) => f.split(' '))]);
      expect(w.run!.checkpoints.map((c) => c.name)).toEqual(want.map((c) => c.name));
      for (const c of want) {
        const mark = w.run!.checkpoints.find((m) => m.name === c.name)!;
        const v = (await hook(page, (g, r: number) => g.whatIfValues({ record: r }), mark.record))!;
        expect(v.process!.VmRSS, `${s.flags.join(' ')} ${c.name} VmRSS`).toBe(c.proc.VmRSS_kB! * 1024);
        for (const k of ['HeapInuse', 'HeapAlloc', 'NextGC', 'HeapReleased']) expect(v.heap![k], `${s.flags.join(' ')} ${c.name} ${k}`).toBe(c.memstats[k]);
      }
    }
    await page.click('#whatif-reset');
    await settled(page);
    expect(await hook(page, (g) => g.whatIf())).toMatchObject({ state: 'none', flags: [], knobs: { gogc: '100', memlimit: 'off', gomaxprocs: '2', madvdontneed: '1' } });
  }, 240_000);

  it('the container’s memory.max at 128 MiB is gomem run blahdo --cgroup-memory-max 128MiB: memory.current and memory.max at each checkpoint as --cgroup printed them, every series at ten times as its trace has them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gomem-whatif-cgroup-'));
    const trace = join(dir, 'blahdo-128.trace');
    const want = runJson(['blahdo', '--cgroup-memory-max', '128MiB', '--trace', trace]);
    const tl = buildTimeline(decodeTrace(gunzipSync(readFileSync(trace))));
    // What --cgroup prints at each checkpoint: "# cgroup /gomem at NAME", then memory.current and memory.max.
    const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', 'blahdo', '--cgroup-memory-max', '128MiB', '--cgroup', '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const printed = new Map<string, { current: number; max: number }>();
    for (const m of run.stdout.matchAll(/^# cgroup \/gomem at (\S+)\nmemory\.current (\d+)\nmemory\.max (\d+)$/gm)) printed.set(m[1]!, { current: Number(m[2]), max: Number(m[3]) });
    expect([...printed.keys()]).toEqual(want.map((c) => c.name));

    await slide(page, 'cgroup', '128.0 MiB');
    await settled(page);
    const w = await hook(page, (g) => g.whatIf());
    expect(w.error).toBeUndefined();
    expect(w).toMatchObject({ state: 'done', flags: ['--cgroup-memory-max 128MiB'], outcome: 'exit', knobs: { cgroupMemoryMax: 128 * 2 ** 20 } });
    expect(w.run!.records).toBe(tl.records.length);
    expect(w.run!.end).toBe(tl.end);
    expect(w.run!.checkpoints).toEqual(tl.checkpoints.map((c) => ({ name: c.name, t: c.t, record: c.record })));
    for (const c of want) {
      const mark = w.run!.checkpoints.find((m) => m.name === c.name)!;
      const v = (await hook(page, (g, r: number) => g.whatIfValues({ record: r }), mark.record))!;
      expect(v.process!['memory.current'], `${c.name} memory.current`).toBe(printed.get(c.name)!.current);
      expect(v.process!['memory.max'], `${c.name} memory.max`).toBe(printed.get(c.name)!.max);
      expect(v.process!.VmRSS, `${c.name} VmRSS`).toBe(c.proc.VmRSS_kB! * 1024);
      for (const k of ['HeapInuse', 'HeapAlloc', 'NextGC', 'HeapReleased']) expect(v.heap![k], `${c.name} ${k}`).toBe(c.memstats[k]);
    }
    for (let i = 0; i < 10; i++) {
      const t = Math.round((tl.end * (i + 0.5)) / 10);
      expect(await hook(page, (g, at: number) => g.whatIfValues({ t: at }), t), `t=${t}`).toEqual(valuesAt(tl, Math.max(0, upperBound(tl.tm, tl.tm.length, t) - 1)));
    }
    // The process chart draws the what-if run's memory.max.
    expect((await hook(page, (g) => g.charts())).process).toEqual(['VmRSS', 'memory.current', 'VmSize', 'VmRSS (what-if)', 'memory.current (what-if)', 'VmSize (what-if)', 'memory.max (what-if)']);
    expect(await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.includes('whatif=cgroup%3A134217728'), undefined, { timeout: 10_000 })).toBeTruthy();
  }, 180_000);

  it('the container’s memory.max at 96 MiB kills blahdo as gomem run blahdo --cgroup-memory-max 96MiB does: at the same record and time, with the charge its kill report names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gomem-whatif-cgroup-'));
    const trace = join(dir, 'blahdo-96.trace');
    const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', 'blahdo', '--cgroup-memory-max', '96MiB', '--trace', trace, '--json', '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(137);
    // "gomem: OOM kill at 0.004 s of virtual time: cgroup /gomem charged 96.0 MiB of its 96.0 MiB limit"
    const kill = /^gomem: OOM kill at (\S+) s of virtual time: cgroup \/gomem charged (\S+) MiB of its (\S+) MiB limit$/m.exec(run.stderr);
    expect(kill, run.stderr).not.toBeNull();
    const tl = buildTimeline(decodeTrace(gunzipSync(readFileSync(trace))));
    const exit = tl.records.at(-1)!;
    expect(exit).toMatchObject({ kind: 'exit', status: 137, outcome: 'oom-kill' });

    await slide(page, 'cgroup', '96.0 MiB');
    await settled(page);
    const w = await hook(page, (g) => g.whatIf());
    expect(w.error).toBeUndefined();
    expect(w).toMatchObject({ state: 'done', flags: ['--cgroup-memory-max 96MiB'], outcome: 'oom-kill', knobs: { cgroupMemoryMax: 96 * 2 ** 20 } });
    expect(w.run!.records).toBe(tl.records.length);
    expect(w.run!.end).toBe(tl.end);
    expect((tl.end / 1e9).toFixed(3)).toBe(kill![1]);
    expect(w.run!.checkpoints).toEqual(tl.checkpoints.map((c) => ({ name: c.name, t: c.t, record: c.record })));
    // Just before the kill (the exit's mm record, which takes the process's pages away), the charge the report names; after it, none.
    const gone = tl.records.findIndex((r) => r.kind === 'mm' && r.cause === 'exit');
    const before = (await hook(page, (g, r: number) => g.whatIfValues({ record: r }), gone - 1))!;
    expect(before).toEqual(valuesAt(tl, gone - 1));
    expect(before.process!['memory.max']).toBe(96 * 2 ** 20);
    expect((before.process!['memory.current']! / 2 ** 20).toFixed(1)).toBe(kill![2]);
    const last = (await hook(page, (g, r: number) => g.whatIfValues({ record: r }), tl.records.length - 1))!;
    expect(last).toEqual(valuesAt(tl, tl.records.length - 1));
    expect(last.process).toMatchObject({ VmRSS: 0, 'memory.current': 0 });
    expect(await page.textContent('#whatif-status')).toContain('blahdo --cgroup-memory-max 96MiB (oom-kill;');
    await page.click('#whatif-reset');
    await settled(page);
    expect(await hook(page, (g) => g.whatIf())).toMatchObject({ state: 'none', flags: [], knobs: { cgroupMemoryMax: null } });
  }, 180_000);
});

describe.skipIf(missing !== null)('ps and explain panels in headless Chromium: blahdo, as gomem run --ps --explain prints them', () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let printed = '';

  beforeAll(async () => {
    buildPage();
    const dir = mkdtempSync(join(tmpdir(), 'gomem-texts-'));
    const trace = join(dir, 'blahdo.trace');
    runJson(['blahdo', '--trace', trace]);
    const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', 'blahdo', '--ps', '--explain', '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    printed = run.stdout;
    ({ server, browser, page } = await openView(['view', trace]));
  }, 180_000);

  afterAll(() => closeView(server, browser));

  it('before the run the panels say what they need; after it, at each checkpoint, the ps row and the explain text the CLI printed there', async () => {
    expect((await hook(page, (g) => g.panels())).ps).toContain('run for ps and explain');
    expect(await hook(page, (g) => g.cliTexts())).toEqual({ state: 'done' });
    const marks = await hook(page, (g) => g.checkpoints());
    expect(marks.map((m) => m.name)).toEqual(['before_loop', 'after_loop', 'exit']);
    const rows = printed.split('\n').filter((l) => l.startsWith('root '));
    expect(rows).toHaveLength(3);
    for (const [i, m] of marks.entries()) {
      await hook(page, (g, r: number) => g.setCursorRecord(r), m.record);
      const p = await hook(page, (g) => g.panels());
      // ps: the header and the row, as --ps printed them ("    # NAME" included).
      const ps = p.ps.split('\n');
      expect(ps[0]).toBe(`# ps aux at checkpoint ${m.name}, t = ${ps[0]!.split(', t = ')[1]}`);
      const lines = printed.split('\n');
      expect(ps[1]).toBe(lines[lines.indexOf('# ps aux at each checkpoint') + 1]); // USER PID %CPU …
      expect(ps[2]).toBe(rows[i]);
      expect(rows[i]!.endsWith(`    # ${m.name}`)).toBe(true);
      // explain: the section --explain printed at the checkpoint, to the byte.
      const body = p.explain.slice(p.explain.indexOf('\n') + 1);
      expect(body.length).toBeGreaterThan(1000);
      expect(printed).toContain(`# explain at ${m.name}\n${body}`);
      expect(body.startsWith(`blahdo at checkpoint ${m.name}\n`)).toBe(true);
    }
    // Between two checkpoints: the last one's, named as such.
    const mid = Math.round((marks[0]!.t + marks[1]!.t) / 2);
    await hook(page, (g, t: number) => g.setCursor(t), mid);
    const p = await hook(page, (g) => g.panels());
    expect(p.ps.split('\n')[2]).toBe(rows[0]);
    expect(p.explain.split('\n')[0]).toContain('at checkpoint before_loop');
    expect(p.explain.split('\n')[0]).not.toContain('(the cursor)');
    mkdirSync(artifacts, { recursive: true });
    await (await page.$('#ps'))!.screenshot({ path: join(artifacts, 'panel-ps.png') });
    await (await page.$('#explain'))!.screenshot({ path: join(artifacts, 'panel-explain.png') });
  }, 180_000);
});
