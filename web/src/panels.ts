// The text panels at the cursor: MemStats and /proc/PID/status as the
// replay gives them, the last checkpoint's JSON as `gomem run --json` printed
// it, the program's output (stdout, stderr, gctrace) up to the cursor, and
// the ps row and explain breakdown of the last checkpoint (cli_texts.ts).

import type { TraceRecord } from '../../src/trace/reader.ts';
import { addrMapAt } from './addrmap.ts';
import type { CheckpointTexts } from './cli_texts.ts';
import { allocatorText } from './allocator.ts';
import { smapsText } from './smaps.ts';
import { describe } from './describe.ts';
import { exact, time } from './fmt.ts';
import { upperBound } from './table.ts';
import { heapCols, procCols } from './timeline.ts';
import type { View } from './view.ts';

/** At most this many output records are shown: the panel is for reading, not for a whole gctrace log. */
const outputTail = 2000;

export interface PanelTexts {
  cursor: string;
  memstats: string;
  allocator: string;
  smaps: string;
  checkpoint: string;
  output: string;
  /** `gomem run --ps`'s row and `--explain`'s breakdown at the last checkpoint, once the program has run again (else why not). */
  ps: string;
  explain: string;
}

export function panelTexts(view: View, texts: CheckpointTexts | null): PanelTexts {
  const tl = view.tl;
  const rec = view.record;
  const r = tl.records[rec]!;
  const cursor = `t = ${time(view.t)} (${Math.round(view.t)} ns) · record ${rec + 1} of ${tl.records.length}: ${r.kind} — ${describe(r)}`;

  const lines: string[] = [];
  const hr = tl.heap.rowAtRecord(rec);
  if (hr < 0) lines.push('runtime.MemStats: the runtime has no heap yet');
  else {
    const at = tl.heap.rec[hr]!;
    lines.push(`runtime.MemStats (replayed; as of record ${at + 1}${at === rec ? ', the cursor' : ''})`);
    for (const name of heapCols) {
      const v = tl.heap.col(name)[hr]!;
      const label = name === 'trigger' ? 'trigger (pacer)' : name;
      lines.push(`  ${label.padEnd(16)}${Number.isNaN(v) ? '–' : name === 'NumGC' || name === 'Mallocs' || name === 'Frees' || name === 'HeapObjects' ? String(v) : exact(v)}`);
    }
  }
  const pr = tl.proc.rowAtRecord(rec);
  lines.push('', '/proc/PID/status');
  if (pr >= 0) {
    for (const name of procCols) {
      const v = tl.proc.col(name)[pr]!;
      lines.push(name === 'memory.current' ? `  cgroup memory.current ${exact(v)}` : `  ${(name + ':').padEnd(10)}${String(v).padStart(10)} kB`);
    }
    if (tl.cgroupMax !== null) lines.push(`  cgroup memory.max     ${exact(tl.cgroupMax)}`);
  }
  const memstats = lines.join('\n');

  const cps = tl.checkpoints;
  let k = cps.length - 1;
  while (k >= 0 && cps[k]!.record > rec) k--;
  const checkpoint = k < 0 ? '(no checkpoint yet)' : `CHECKPOINT ${cps[k]!.name} at ${time(cps[k]!.t)}\n${JSON.stringify(JSON.parse(cps[k]!.json), null, 2)}`;

  const outs = tl.kinds.output!;
  const upto = upperBound(outs, outs.length, rec);
  const from = Math.max(0, upto - outputTail);
  let output = from > 0 ? `(${from} earlier output records not shown)\n` : '';
  for (let i = from; i < upto; i++) output += (tl.records[outs[i]!] as Extract<TraceRecord, { kind: 'output' }>).text;
  const cli = texts?.textAt(rec) ?? { ps: '', explain: '' };
  return { cursor, memstats, allocator: allocatorText(tl, rec), smaps: smapsText(addrMapAt(tl, rec)), checkpoint, output, ps: cli.ps, explain: cli.explain };
}

type PanelElements = Record<keyof PanelTexts, HTMLElement>;

export class Panels {
  constructor(private readonly view: View, private readonly el: PanelElements, private readonly texts: CheckpointTexts) {
    view.onCursor(() => this.render());
    texts.onChange(() => this.render());
    this.render();
  }

  render(): void {
    const p = panelTexts(this.view, this.texts);
    this.el.ps.textContent = p.ps;
    this.el.explain.textContent = p.explain;
    this.el.cursor.textContent = p.cursor;
    this.el.memstats.textContent = p.memstats;
    this.el.allocator.textContent = p.allocator;
    this.el.smaps.textContent = p.smaps;
    this.el.checkpoint.textContent = p.checkpoint;
    this.el.output.textContent = p.output;
    this.el.output.scrollTop = this.el.output.scrollHeight;
  }
}
