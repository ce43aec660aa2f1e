// One line naming a trace record in Go's and Linux's words, for the cursor
// line above the panels.

import type { TraceRecord } from '../../src/trace/reader.ts';
import { bytes } from './fmt.ts';

export function describe(r: TraceRecord): string {
  switch (r.kind) {
    case 'mm': {
      const d = r.anon + r.file + r.shmem;
      const parts = [`${r.cause} at 0x${r.addr.toString(16)}`];
      if (r.n > 1) parts.push(`×${r.n}`);
      if (d !== 0) parts.push(`RSS ${d > 0 ? '+' : ''}${bytes(d * 4096)}`);
      if (r.vm !== 0) parts.push(`VSZ ${r.vm > 0 ? '+' : ''}${bytes(r.vm * 4096)}`);
      return parts.join(', ');
    }
    case 'syscall':
      return `${r.name}(${r.args.map((a) => (a > 4096 ? `0x${a.toString(16)}` : String(a))).join(', ')}) = ${r.ret}${r.path !== undefined ? ` ${r.path}` : ''}`;
    case 'gcStart':
      return `GC ${r.cycle} starts (${r.why}): heap live ${bytes(r.heapLive)}, trigger ${bytes(r.trigger)}, goal ${bytes(r.goal)}`;
    case 'gcPhase':
      return `GC ${r.cycle}: ${r.phase}`;
    case 'gcMark':
      return `GC ${r.cycle} mark: ${r.who}${r.p >= 0 ? ` on P${r.p}` : ''}, ${r.ns} ns, ${bytes(r.work)} scanned, ${bytes(r.marked)} marked, ${r.grey} grey objects left`;
    case 'gcDone':
      return `GC ${r.cycle} done: ${bytes(r.heap0)}->${bytes(r.heap1)}->${bytes(r.heap2)}, ${bytes(r.goal)} goal; next goal ${bytes(r.nextGoal)}`;
    case 'spanAlloc':
    case 'spanFree':
      return `${r.kind === 'spanAlloc' ? 'mheap.allocSpan' : 'mheap.freeSpan'}: ${r.use} span at 0x${r.base.toString(16)}, ${r.npages} pages, spanclass ${r.spanclass}${r.scav > 0 ? `, ${bytes(r.scav)} scavenged` : ''}`;
    case 'scavenge':
      return `scavenger (${r.who}) released ${bytes(r.bytes)} at 0x${r.addr.toString(16)}`;
    case 'heapGrow':
      return `mheap.grow: ${bytes(r.bytes)} at 0x${r.base.toString(16)}`;
    case 'gcLimiter':
      return `GC CPU limiter ${r.on ? 'on' : 'off'} (on for ${(r.totalNs / 1e9).toFixed(3)} s in all)`;
    case 'allocs':
      return `allocation counts: ${r.classes.length} size classes, ${r.largeCount} large`;
    case 'checkpoint':
      return `checkpoint ${r.name}`;
    case 'snapshot':
      return 'snapshot';
    case 'output':
      return `${r.stream}: ${r.text.trimEnd().slice(0, 80)}`;
    case 'exit':
      return `exit ${r.status} (${r.outcome})`;
  }
}
