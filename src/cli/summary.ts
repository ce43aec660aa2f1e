// The few lines a plain `gomem run` ends with on stderr (--quiet drops
// them): how the run ended, the memory high-water marks the kernel kept
// (VmHWM and VmPeak, what `ps` would have shown at worst), the heap and
// its goal as MemStats has them at the end, and what the collector cost.

import type { GoProcess, RunResult } from '../go/process.ts';

/** Bytes as ps and top users read them: binary units, one decimal. */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

function ended(r: RunResult): string {
  switch (r.outcome) {
    case 'exit':
      return `exited with status ${r.status}`;
    case 'panic':
      return 'panicked (exit status 2)';
    case 'fatal error':
      return 'died of a fatal error (exit status 2)';
    case 'oom-kill':
      return "was killed by the kernel's OOM killer (SIGKILL, exit status 137)";
    case 'segv':
      return 'was killed by SIGSEGV';
    case 'time-limit':
      return 'was stopped at --max-time';
  }
}

/** What the summary reads from a checkpoint's JSON line. */
export interface SummaryStats {
  name: string;
  memstats: { HeapInuse: number; NextGC: number | string; NumGC: number; NumForcedGC: number; GCCPUFraction: number };
}

/**
 * The summary's lines (without trailing newlines). The heap and GC figures
 * are those of the last checkpoint (the exit one when the program ended by
 * itself): a killed process can no longer be asked.
 */
export function runSummary(p: GoProcess, r: RunResult, last: SummaryStats | null): string[] {
  const secs = (r.elapsedNs / 1e9).toFixed(3);
  // The OOM killer's victim: its RSS at the kill counts too.
  const oom = p.proc.exited?.oom;
  const atKill = oom === undefined ? 0 : (oom.rssAnonPages + oom.rssFilePages + oom.rssShmemPages) * 4096;
  const peakRss = Math.max(atKill, p.proc.vmHwm);
  const lines = [
    `gomem: ${p.program.name} ${ended(r)} after ${secs} s of virtual time`,
    `  peak RSS ${humanBytes(peakRss)} (VmHWM), peak VSZ ${humanBytes(p.proc.vmPeak)} (VmPeak)`,
  ];
  if (last !== null) {
    const ms = last.memstats;
    const at = last.name === 'exit' ? 'at exit' : `at the last checkpoint, ${last.name}`;
    lines.push(
      `  heap in use ${humanBytes(ms.HeapInuse)} (HeapInuse), goal ${humanBytes(Number(ms.NextGC))} (NextGC), ${at}`,
      `  GC: ${ms.NumGC} cycles${ms.NumForcedGC > 0 ? ` (${ms.NumForcedGC} forced)` : ''}, ${(ms.GCCPUFraction * 100).toFixed(1)}% of the CPU (GCCPUFraction)`,
    );
  }
  return lines;
}
