// The checks of test/go/explain.test.ts, runnable in a child process too
// (the heavy scenarios block for minutes, longer than vitest's worker RPC
// allows): `node --import tsx test/go/helpers/explain_check.ts NAME [OPTS_JSON]`
// prints {"checkpoints": n, …} or the first failed check, exit status 1.

import { renderSmaps } from '../../../src/kernel/index.ts';
import { type ExplainReport, explain } from '../../../src/go/explain.ts';
import { GoProcess, type RunOptions } from '../../../src/go/process.ts';
import { scenarios } from '../../../src/scenarios/index.ts';

/** A tiny expect: toBe, toEqual, toBeLessThanOrEqual, toBeGreaterThan, throwing plain Errors. */
function expect<T>(actual: T, msg = ''): { toBe(x: T): void; toEqual(x: T): void; toBeLessThanOrEqual(x: number): void; toBeGreaterThan(x: number): void } {
  const fail = (what: string): never => {
    throw new Error(`${msg}: expected ${JSON.stringify(actual)} ${what}`);
  };
  return {
    toBe: (x) => void (Object.is(actual, x) || fail(`to be ${JSON.stringify(x)}`)),
    toEqual: (x) => void (JSON.stringify(actual) === JSON.stringify(x) || fail(`to equal ${JSON.stringify(x)}`)),
    toBeLessThanOrEqual: (x) => void ((actual as number) <= x || fail(`to be <= ${x}`)),
    toBeGreaterThan: (x) => void ((actual as number) > x || fail(`to be > ${x}`)),
  };
}

interface SmapsEntry {
  start: number;
  end: number;
  perms: string;
  name: string;
  rss: number;
  lazyFree: number;
  anonHuge: number;
}

function parseSmaps(text: string): SmapsEntry[] {
  const out: SmapsEntry[] = [];
  let cur: SmapsEntry | null = null;
  for (const line of text.split('\n')) {
    const h = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (h !== null) {
      cur = { start: parseInt(h[1]!, 16), end: parseInt(h[2]!, 16), perms: h[3]!, name: h[4]!.trim(), rss: 0, lazyFree: 0, anonHuge: 0 };
      if (cur.name !== '[vsyscall]') out.push(cur);
      continue;
    }
    const f = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (f === null || cur === null) continue;
    const bytes = Number(f[2]) * 1024;
    if (f[1] === 'Rss') cur.rss = bytes;
    else if (f[1] === 'LazyFree') cur.lazyFree = bytes;
    else if (f[1] === 'AnonHugePages') cur.anonHuge = bytes;
  }
  return out;
}

const sum = (xs: readonly { bytes: number }[]): number => xs.reduce((s, x) => s + x.bytes, 0);
export const line = (r: ExplainReport, id: string, which: 'rss' | 'vsz' = 'rss'): number => r[which].find((l) => l.id === id)?.bytes ?? 0;
const lines = (r: ExplainReport, pred: (id: string) => boolean, which: 'rss' | 'vsz' = 'rss'): number => sum(r[which].filter((l) => pred(l.id)));

/** Every assertion the issue asks for, at one checkpoint. */
export function checkReport(p: GoProcess, r: ExplainReport): void {
  const where = `${r.program} at ${r.checkpoint}`;
  // Exact sums, no residual.
  expect(sum(r.rss), `${where}: RSS lines`).toBe(p.proc.vmRss);
  expect(sum(r.vsz), `${where}: VSZ lines`).toBe(p.proc.vmSize);
  for (const l of [...r.rss, ...r.vsz]) expect(l.bytes, `${where}: ${l.id}`).toBeGreaterThan(0);
  expect(r.rss.some((l) => /(^|\.)(other|rest|unknown|residual)$/.test(l.id))).toBe(false);

  // smaps: per mapping, the page count is its Rss and the lines split it (and its size) exactly.
  const smaps = parseSmaps(renderSmaps(p.proc));
  expect(r.mappings.length, where).toBe(smaps.length);
  r.mappings.forEach((m, i) => {
    const s = smaps[i]!;
    expect([m.start, m.end], where).toEqual([s.start, s.end]);
    expect(m.rss, `${where}: Rss of ${s.start.toString(16)} ${s.name}`).toBe(s.rss);
    expect(Object.values(m.rssLines).reduce((a, b) => a + b, 0), where).toBe(m.rss);
    expect(Object.values(m.vszLines).reduce((a, b) => a + b, 0), where).toBe(m.end - m.start);
  });
  const smapsRss = (pred: (e: SmapsEntry) => boolean): number => smaps.filter(pred).reduce((a, e) => a + e.rss, 0);
  const exe = p.binary.exec.path;
  expect(line(r, 'binary.text'), `${where}: text`).toBe(smapsRss((e) => e.name === exe && e.perms === 'r-xp'));
  expect(line(r, 'binary.rodata'), `${where}: rodata`).toBe(smapsRss((e) => e.name === exe && e.perms === 'r--p'));
  expect(line(r, 'binary.data') + line(r, 'binary.data-written'), `${where}: data`).toBe(smapsRss((e) => e.name === exe && e.perms === 'rw-p'));
  expect(line(r, 'os.stack'), `${where}: [stack]`).toBe(smapsRss((e) => e.name === '[stack]'));
  expect(line(r, 'os.vdso'), `${where}: vdso`).toBe(smapsRss((e) => e.name === '[vdso]' || e.name === '[vvar]' || e.name === '[vvar_vclock]'));
  const files = new Set(smaps.filter((e) => e.name.startsWith('/') && e.name !== exe).map((e) => e.name));
  for (const f of files) expect(line(r, `file:${f}`), `${where}: ${f}`).toBe(smapsRss((e) => e.name === f));
  // Only the runtime's releases make lazily freed pages (some since taken back unwritten); huge pages are counted where they are.
  expect(line(r, 'heap.released-lazyfree') + line(r, 'heap.lazyfree-reused'), `${where}: LazyFree`).toBe(smaps.reduce((a, e) => a + e.lazyFree, 0));
  expect(r.rss.reduce((a, l) => a + (l.hugeBytes ?? 0), 0), `${where}: AnonHugePages`).toBe(smaps.reduce((a, e) => a + e.anonHuge, 0));

  // MemStats at the same instant: exact relations for the heap as a whole …
  const ms = r.check.memstats;
  const h = r.check.heap;
  expect(h.inUseSpanBytes, `${where}: HeapInuse`).toBe(ms.HeapInuse);
  expect(h.allocatedSlotBytes, `${where}: HeapAlloc`).toBe(ms.HeapAlloc);
  expect(h.stackSpanBytes, `${where}: StackInuse`).toBe(ms.StackInuse);
  expect(h.workbufSpanBytes, `${where}: workbufs`).toBe(r.check.inWorkBufs);
  expect(h.ptrScalarSpanBytes, `${where}: ptr/scalar bits`).toBe(r.check.inPtrScalarBits);
  expect(h.workbufSpanBytes + h.ptrScalarSpanBytes + r.check.gcMiscSys, `${where}: GCSys`).toBe(ms.GCSys);
  expect(h.freeBytes, `${where}: HeapIdle − HeapReleased`).toBe(ms.HeapIdle - ms.HeapReleased);
  expect(h.releasedBytes, `${where}: HeapReleased`).toBe(ms.HeapReleased);
  expect(h.mappedBytes, `${where}: mapped heap`).toBe(ms.HeapSys + ms.StackInuse + r.check.inWorkBufs + r.check.inPtrScalarBits);
  expect(line(r, 'vsz.heap.inuse', 'vsz'), where).toBe(ms.HeapInuse);
  expect(line(r, 'vsz.heap.stacks', 'vsz'), where).toBe(ms.StackInuse);
  expect(line(r, 'vsz.heap.free', 'vsz') + line(r, 'vsz.heap.released', 'vsz'), where).toBe(ms.HeapIdle);
  expect(line(r, 'vsz.heap.released', 'vsz'), where).toBe(ms.HeapReleased);
  expect(line(r, 'vsz.persistentalloc.mapped', 'vsz'), where).toBe(p.rt.persistent.chunks.length * 256 * 1024);
  // … and bounds for what of it is resident.
  expect(line(r, 'heap.objects') + line(r, 'heap.span-free') + line(r, 'heap.heap-bits'), `${where}: resident in-use spans`).toBeLessThanOrEqual(ms.HeapInuse);
  expect(line(r, 'heap.objects'), `${where}: resident objects`).toBeLessThanOrEqual(ms.HeapAlloc);
  expect(line(r, 'heap.free-retained'), `${where}: free retained`).toBeLessThanOrEqual(ms.HeapIdle - ms.HeapReleased);
  expect(line(r, 'heap.released-lazyfree') + line(r, 'heap.released-thp'), `${where}: released resident`).toBeLessThanOrEqual(ms.HeapReleased);
  expect(line(r, 'stacks'), `${where}: stacks`).toBeLessThanOrEqual(ms.StackInuse);
  expect(line(r, 'gc.workbufs'), `${where}: workbufs`).toBeLessThanOrEqual(r.check.inWorkBufs);
  expect(line(r, 'meta.persistent.mspan_sys'), `${where}: MSpanSys`).toBeLessThanOrEqual(ms.MSpanSys);
  expect(line(r, 'meta.persistent.mcache_sys'), `${where}: MCacheSys`).toBeLessThanOrEqual(ms.MCacheSys);
  const gcMiscRss = lines(r, (id) => ['meta.gc-bits', 'meta.pagealloc-summary', 'meta.pagealloc-chunks', 'meta.scavenge-index', 'meta.persistent.gcMiscSys'].includes(id));
  // heapArena metadata is 68,624 B mapped as 17 pages: its resident rounding may pass the stat by < 4 KiB per arena.
  expect(gcMiscRss + line(r, 'meta.heap-arena-metadata'), `${where}: GCSys metadata`).toBeLessThanOrEqual(r.check.gcMiscSys + 4096 * p.rt.mheap.allArenas.length);
}

export interface Case {
  name: string;
  opts?: RunOptions;
}

export function runAll(c: Case): { reports: ExplainReport[]; checkpoints: number } {
  const reports: ExplainReport[] = [];
  let checkpoints = 0;
  // An exception thrown at a checkpoint would end the program as a Go panic: keep it and throw it here.
  let failure: unknown = null;
  const p = new GoProcess(scenarios.get(c.name)!, {
    ...c.opts,
    stdout: () => {},
    stderr: () => {},
    onCheckpoint: (_json, name, proc) => {
      checkpoints++;
      if (failure !== null) return;
      try {
        const r = explain(proc, name);
        checkReport(proc, r);
        reports.push(r);
      } catch (e) {
        failure = e;
      }
    },
  });
  p.run();
  if (failure !== null) throw failure;
  return { reports, checkpoints };
}

// As a script: one case, its result as JSON on stdout.
if (process.argv[1] !== undefined && process.argv[1].endsWith('explain_check.ts')) {
  const name = process.argv[2]!;
  const opts = process.argv[3] !== undefined ? (JSON.parse(process.argv[3]) as RunOptions) : undefined;
  try {
    const { reports, checkpoints } = runAll({ name, ...(opts ? { opts } : {}) });
    process.stdout.write(JSON.stringify({ checkpoints, reports: reports.length }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
    process.exitCode = 1;
  }
}
