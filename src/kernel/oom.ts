// The OOM killer (mm/oom_kill.c out_of_memory → select_bad_process →
// oom_kill_process, with mm/memcontrol.c's report for a memcg OOM):
//
//   1. Score every process under the cgroup that hit its limit:
//      oom_badness = RSS pages + page-table bytes / PAGE_SIZE (+ oom_score_adj,
//      always 0 here). The scan keeps the last of equal scores (>=).
//   2. Log what dmesg shows on 6.x: the "invoked oom-killer" line, the
//      cgroup's usage/limit/failcnt, an abridged "Memory cgroup stats"
//      block, the task table, the oom-kill summary and the "Killed process"
//      line; then the oom_reaper line.
//   3. Kill the victim with SIGKILL (exit status 137): its memory is freed at
//      once (the model has no separate reaper delay).
//
// The log format is Linux's (printk strings in mm/oom_kill.c and
// mm/memcontrol.c); the stack dump that follows the first line is left out.

import type { Cgroup } from './cgroup.ts';
import { PAGE_SIZE, SIGKILL, VM_SHARED } from './constants.ts';
import { OomKilled } from './errors.ts';
import type { Machine } from './machine.ts';
import type { ChargeRequest } from './memcontrol.ts';
import type { OomSnapshot, Process } from './process.ts';

/** dmesg's "[%5lu.%06lu] " prefix from a virtual time in ns. */
export function dmesgStamp(ns: number): string {
  const us = Math.floor(ns / 1000);
  const sec = Math.floor(us / 1e6);
  const frac = us - sec * 1e6;
  return `[${String(sec).padStart(5)}.${String(frac).padStart(6, '0')}] `;
}

function kb(pages: number): number {
  return pages * (PAGE_SIZE / 1024);
}

/** oom_badness for a process (points; higher is killed first). */
export function oomBadness(p: Process): number {
  return p.mm.rss + Math.floor(p.mm.pgtables.bytes / PAGE_SIZE);
}

/**
 * Kills the worst process under `over`. Returns false if there was none.
 * Throws OomKilled if the victim is `req.proc` (the allocating task).
 */
export function oomKill(machine: Machine, over: Cgroup, req: ChargeRequest): boolean {
  const memcg = over !== machine.root;
  const tasks: Process[] = [];
  for (const c of over.subtree()) for (const p of c.processes) if (p.exited === undefined) tasks.push(p);
  if (tasks.length === 0) return false;
  let victim: Process | null = null;
  let best = -Infinity;
  for (const p of tasks) {
    const pts = oomBadness(p);
    if (pts >= best) {
      best = pts;
      victim = p;
    }
  }
  const v = victim!;
  const current = req.proc ?? v;
  const lines: string[] = [];
  lines.push(`${current.comm} invoked oom-killer: gfp_mask=${req.gfp}, order=${req.order}, oom_score_adj=0`);
  if (memcg) {
    lines.push(`memory: usage ${kb(over.usage)}kB, limit ${kb(over.maxPages)}kB, failcnt ${over.failcnt}`);
    lines.push(`swap: usage 0kB, limit 9007199254740988kB, failcnt 0`);
    lines.push(`Memory cgroup stats for ${over.path}:`);
    lines.push(`anon ${over.statPages('anon') * PAGE_SIZE}`);
    lines.push(`file ${over.statPages('file') * PAGE_SIZE}`);
    lines.push(`kernel ${over.statPages('pagetables') * PAGE_SIZE}`);
    lines.push(`pagetables ${over.statPages('pagetables') * PAGE_SIZE}`);
    lines.push(`shmem ${over.statPages('shmem') * PAGE_SIZE}`);
    lines.push(`anon_thp ${over.statPages('anon_thp') * PAGE_SIZE}`);
  }
  lines.push('Tasks state (memory values in pages):');
  lines.push('[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name');
  for (const p of tasks) {
    const m = p.mm;
    lines.push(
      `[${String(p.pid).padStart(7)}] ${'0'.padStart(5)} ${String(p.pid).padStart(5)} ${String(m.totalVm).padStart(8)} ${String(m.rss).padStart(8)} ` +
        `${String(m.rssAnon).padStart(8)} ${String(m.rssFile).padStart(8)} ${String(m.rssShmem).padStart(9)} ${String(m.pgtables.bytes).padStart(8)} ` +
        `${'0'.padStart(8)}         ${'0'.padStart(5)} ${p.comm}`,
    );
  }
  const vm = v.mm;
  if (memcg) {
    lines.push(
      `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${over.path},task_memcg=${v.cgroup.path},task=${v.comm},pid=${v.pid},uid=0`,
    );
  } else {
    lines.push(`oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=${v.cgroup.path},task=${v.comm},pid=${v.pid},uid=0`);
  }
  lines.push(
    `${memcg ? 'Memory cgroup out of memory' : 'Out of memory'}: Killed process ${v.pid} (${v.comm}) total-vm:${kb(vm.totalVm)}kB, ` +
      `anon-rss:${kb(vm.rssAnon)}kB, file-rss:${kb(vm.rssFile)}kB, shmem-rss:${kb(vm.rssShmem)}kB, UID:0 pgtables:${vm.pgtables.bytes / 1024}kB oom_score_adj:0`,
  );
  // The reaper unmaps everything but VM_SHARED mappings.
  let fileLeft = 0;
  let shmemLeft = 0;
  for (const w of vm.vmas) {
    if (!(w.vmFlags & VM_SHARED)) continue;
    if (w.file?.shmem) shmemLeft += w.filePages;
    else fileLeft += w.filePages;
  }
  lines.push(`oom_reaper: reaped process ${v.pid} (${v.comm}), now anon-rss:0kB, file-rss:${kb(fileLeft)}kB, shmem-rss:${kb(shmemLeft)}kB`);
  const stamp = dmesgStamp(machine.clock.now);
  const log = lines.map((l) => stamp + l);
  over.events.oom_kill++;
  machine.kernelLog.push(...log);
  const snapshot: OomSnapshot = {
    t: machine.clock.now,
    cgroup: over.path,
    usagePages: over.usage,
    maxPages: over.maxPages,
    rssAnonPages: vm.rssAnon,
    rssFilePages: vm.rssFile,
    rssShmemPages: vm.rssShmem,
    pgtablesBytes: vm.pgtables.bytes,
    totalVmPages: vm.totalVm,
    mappings: vm.vmas.map((w) => ({ start: w.start, end: w.end, name: w.name, rss: w.rss, anon: w.anonymous })),
  };
  v.die(137, SIGKILL, log, snapshot);
  if (machine.events.wants('oom')) machine.events.emit('oom', { t: machine.clock.now, cgroup: over.path, victimPid: v.pid, kernelLog: log });
  if (v === req.proc) throw new OomKilled(v.pid, log);
  return true;
}
