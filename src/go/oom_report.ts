// What gomem says about a run's memory beyond what Go and Linux print: the
// GC's state at an instant (heap goal, live heap, cycles in the last minute,
// GC CPU, the GC CPU limiter) and, at an OOM kill, the moment, what the
// process had resident then and where. Every figure is read from the model.

import type { OomSnapshot } from '../kernel/index.ts';
import { readmemstats } from '../runtime/mstats.ts';
import type { GoProcess } from './process.ts';

export interface GcState {
  /** Virtual ns since the process started. */
  t: number;
  heapGoal: number;
  /** Heap marked live by the last cycle (/gc/heap/live:bytes). */
  liveHeap: number;
  numGC: number;
  /** Cycles that ended in the last 60 s (from MemStats.PauseEnd, at most its 256 entries). */
  cyclesLastMinute: number;
  /** GC CPU over the run: /cpu/classes/gc/total over /cpu/classes/total. */
  gcCpuFraction: number;
  limiterOn: boolean;
  /** Virtual ns the GC CPU limiter has been on. */
  limiterNs: number;
  gogc: number;
  memoryLimit: bigint;
}

const MINUTE = 60e9;

export function gcState(p: GoProcess): GcState {
  const rt = p.rt;
  const gc = rt.gcController;
  const ms = rt.memstats;
  const now = p.clock.now;
  const nowUnix = BigInt(p.machine.bootTime) * 1_000_000_000n + BigInt(Math.round(now));
  let recent = 0;
  for (let i = 0; i < Math.min(ms.numgc, ms.pause_end.length); i++) {
    const end = ms.pause_end[(ms.numgc - 1 - i + ms.pause_end.length) % ms.pause_end.length]!;
    if (nowUnix - end > BigInt(MINUTE)) break;
    recent++;
  }
  const m = p.readMetrics();
  const gcCpu = Number(m.get('/cpu/classes/gc/total:cpu-seconds') ?? 0);
  const total = Number(m.get('/cpu/classes/total:cpu-seconds') ?? 0);
  return {
    t: now,
    heapGoal: gc.heapGoal(),
    liveHeap: Number(m.get('/gc/heap/live:bytes') ?? gc.heapMarked),
    numGC: ms.numgc,
    cyclesLastMinute: recent,
    gcCpuFraction: total > 0 ? gcCpu / total : 0,
    limiterOn: p.gc.limiter.limiting(),
    limiterNs: p.gc.limiter.limitingTime(now),
    gogc: gc.gcPercent,
    memoryLimit: gc.memoryLimit,
  };
}

/** Bytes as MiB with one decimal ("507.3 MiB"). */
export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** Virtual ns as seconds with three decimals ("249.531 s"). */
export function secs(ns: number): string {
  return `${(ns / 1e9).toFixed(3)} s`;
}

/** A GOGC / GOMEMLIMIT pair as Go's environment spells it. */
export function settings(s: GcState): string {
  const gogc = s.gogc < 0 ? 'off' : String(s.gogc);
  const limit = s.memoryLimit >= (1n << 63n) - 1n ? 'off' : `${s.memoryLimit / 1048576n}MiB`;
  return `GOGC=${gogc} GOMEMLIMIT=${limit}`;
}

/** The GC's state as one line of figures. */
export function gcStateLine(s: GcState): string {
  return (
    `heap goal ${mib(s.heapGoal)}, live heap ${mib(s.liveHeap)} (${settings(s)}); ` +
    `${s.numGC} GC cycles, ${s.cyclesLastMinute}${s.cyclesLastMinute >= 256 ? '+' : ''} in the last minute; ` +
    `GC CPU ${(100 * s.gcCpuFraction).toFixed(1)}%; limiter ${s.limiterOn ? 'on' : 'off'} (on for ${secs(s.limiterNs)} in all)`
  );
}

/**
 * gomem's account of an OOM kill: the moment, the RSS the kernel counted
 * then and where it was (the Go heap arenas at 0xc000000000, other anonymous
 * mappings — the runtime's metadata, the thread stacks —, the binary's file
 * pages, page tables), the runtime's view of its heap, and the GC's state.
 */
export function oomReport(p: GoProcess, snap: OomSnapshot): string[] {
  const page = 4096;
  let heap = 0;
  let otherAnon = 0;
  let file = 0;
  for (const m of snap.mappings) {
    if (m.start >= 0xc000000000 && m.start < 0xc000000000 + 2 ** 40 && m.name === '') heap += m.rss;
    else if (m.anon > 0) otherAnon += m.anon;
    if (m.rss > m.anon) file += m.rss - m.anon;
  }
  const rss = (snap.rssAnonPages + snap.rssFilePages + snap.rssShmemPages) * page;
  // No flushallmcaches: the process is dead and its memory gone; the
  // mcaches' unflushed counts are left out, as a stopped process would have them.
  const gc = p.rt.gcController;
  const ms = readmemstats({
    memstats: p.rt.memstats,
    heapInUse: gc.heapInUse.bytes,
    heapFree: gc.heapFree.bytes,
    heapReleased: gc.heapReleased.bytes,
    spanallocInuse: p.rt.mheap.spanalloc.inuse,
    cacheallocInuse: p.rt.mheap.cachealloc.inuse,
    heapGoalExact: gc.heapGoalExact(),
  });
  const s = gcState(p);
  const metadata = ms.MSpanSys + ms.MCacheSys + ms.BuckHashSys + ms.GCSys + ms.OtherSys;
  return [
    `gomem: OOM kill at ${secs(snap.t)} of virtual time: cgroup ${snap.cgroup} charged ${mib(snap.usagePages * page)} of its ${mib(snap.maxPages * page)} limit`,
    `gomem:   RSS ${mib(rss)} (anon ${mib(snap.rssAnonPages * page)}, file ${mib(snap.rssFilePages * page)}, shmem ${mib(snap.rssShmemPages * page)}), page tables ${mib(snap.pgtablesBytes)}, VSZ ${mib(snap.totalVmPages * page)}`,
    `gomem:   resident by mapping: Go heap arenas ${mib(heap)}, other anonymous (runtime metadata, thread stacks) ${mib(otherAnon)}, file-backed (the binary) ${mib(file)}`,
    `gomem:   the runtime's view: HeapInuse ${mib(ms.HeapInuse)}, HeapAlloc ${mib(ms.HeapAlloc)}, free and not released ${mib(ms.HeapIdle - ms.HeapReleased)}, HeapReleased ${mib(ms.HeapReleased)}, stacks ${mib(ms.StackSys)}, metadata ${mib(metadata)}`,
    `gomem:   GC: ${gcStateLine(s)}`,
  ];
}

/**
 * How an OOM kill reads on a terminal: the kernel's log lines (what dmesg
 * shows) when asked for, gomem's account of the moment, then what the shell
 * prints for a job killed by SIGKILL.
 */
export function oomKillLines(kernelLog: readonly string[], report: readonly string[], dmesg: boolean): string[] {
  return [...(dmesg ? kernelLog : []), ...report, 'Killed'];
}
