// The view's state: the time cursor (a record of the trace, since several
// records can share one instant and only their order says which came first),
// the visible time range, and who is told when either changes.

import { upperBound } from './table.ts';
import type { Timeline } from './timeline.ts';

export type Listener = () => void;

/** Where a view opens: the last checkpoint, a moment the CLI printed; the last record is often the exit, after the address space is gone. */
function defaultRecord(tl: Timeline): number {
  return tl.checkpoints.at(-1)?.record ?? tl.records.length - 1;
}

export class View {
  /** The cursor: the last record applied. */
  record: number;
  /** The visible range, ns since exec. */
  t0 = 0;
  t1: number;
  stepKind = 'gcPhase';
  /** Aborted when this view is replaced (a live run's next redraw): window listeners and play loops go with it. */
  private readonly lifetime = new AbortController();
  private cursorListeners: Listener[] = [];
  private rangeListeners: Listener[] = [];

  constructor(readonly tl: Timeline) {
    this.record = defaultRecord(tl);
    this.t1 = Math.max(tl.end, 1);
    this.end = this.t1;
  }

  /** The time axis' end: the run's, or a longer what-if run's drawn over it (setEnd). */
  end: number;

  /**
   * Makes the axis reach t too (a what-if run longer than the trace's), or
   * back to the run's own end (t 0); a view showing up to the end keeps
   * showing up to the end.
   */
  setEnd(t: number): void {
    const end = Math.max(this.tl.end, t, 1);
    if (end === this.end) return;
    const atEnd = this.t1 === this.end;
    this.end = end;
    this.setRange(this.t0, atEnd ? end : Math.min(this.t1, end));
  }

  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  /** Ends this view: its window listeners are removed and its listeners not called again. */
  dispose(): void {
    this.lifetime.abort();
    this.cursorListeners = [];
    this.rangeListeners = [];
  }

  /** Whether the cursor and range are where a new view puts them (the last checkpoint, the whole run): nobody moved them. */
  get untouched(): boolean {
    return this.record === defaultRecord(this.tl) && this.t0 === 0 && this.t1 === this.end;
  }

  get t(): number {
    return this.tl.tm[this.record] ?? 0;
  }

  onCursor(f: Listener): void {
    this.cursorListeners.push(f);
  }

  onRange(f: Listener): void {
    this.rangeListeners.push(f);
  }

  setRecord(i: number): void {
    const r = Math.max(0, Math.min(this.tl.records.length - 1, Math.round(i)));
    if (r === this.record) return;
    this.record = r;
    for (const f of this.cursorListeners) f();
  }

  /** The cursor at time t: after every record at or before t. */
  setTime(t: number): void {
    this.setRecord(Math.max(0, upperBound(this.tl.tm, this.tl.tm.length, t) - 1));
  }

  /**
   * A click at time t: the nearest record of one of `kinds` (the changes a
   * chart draws) within `slack` ns, so the cursor lands on the step under
   * the pointer and the cursor line names what made it; else the moment t.
   */
  clickAt(t: number, slack: number, kinds: readonly string[]): void {
    const tm = this.tl.tm;
    let best = -1;
    let bestD = slack;
    for (const k of kinds) {
      const list = this.tl.kinds[k];
      if (list === undefined || list.length === 0) continue;
      // The first record of the kind at or after t, and the one before it.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (tm[list[mid]!]! < t) lo = mid + 1;
        else hi = mid;
      }
      for (const j of [lo - 1, lo]) {
        const r = list[j];
        if (r === undefined) continue;
        const d = Math.abs(tm[r]! - t);
        if (d <= bestD && (best < 0 || d < bestD || r > best)) {
          best = r;
          bestD = d;
        }
      }
    }
    if (best >= 0) this.setRecord(best);
    else this.setTime(t);
  }

  /** The record of a step kind after (dir 1) or before (dir -1) the cursor, or -1. */
  neighbour(kind: string, dir: 1 | -1): number {
    const list = this.tl.kinds[kind];
    if (list === undefined) {
      if (kind !== 'any') throw new Error(`unknown step kind ${kind}`);
      const r = this.record + dir;
      return r >= 0 && r < this.tl.records.length ? r : -1;
    }
    const k = upperBound(list, list.length, this.record);
    const j = dir === 1 ? k : (list[k - 1] === this.record ? k - 2 : k - 1);
    return j >= 0 && j < list.length ? list[j]! : -1;
  }

  step(kind: string, dir: 1 | -1): boolean {
    const r = this.neighbour(kind, dir);
    if (r < 0) return false;
    this.setRecord(r);
    // Keep the cursor in sight.
    if (this.t < this.t0 || this.t > this.t1) {
      const w = this.t1 - this.t0;
      this.setRange(this.t - w / 2, this.t + w / 2);
    }
    return true;
  }

  setRange(t0: number, t1: number): void {
    const end = this.end;
    let a = Math.max(0, Math.min(t0, t1));
    let b = Math.min(end, Math.max(t0, t1));
    if (b - a < 1000) {
      // Not narrower than a microsecond: below that the axis has nothing to say.
      const mid = (a + b) / 2;
      a = Math.max(0, mid - 500);
      b = Math.min(end, a + 1000);
    }
    if (a === this.t0 && b === this.t1) return;
    this.t0 = a;
    this.t1 = b;
    for (const f of this.rangeListeners) f();
  }

  resetRange(): void {
    this.setRange(0, this.end);
  }

  /**
   * Zoom by `factor` (< 1 in, > 1 out) about the cursor when it is in view,
   * else about the middle — the W and S keys, as in Perfetto.
   */
  zoom(factor: number): void {
    const w = this.t1 - this.t0;
    const about = this.t >= this.t0 && this.t <= this.t1 ? this.t : this.t0 + w / 2;
    const k = (about - this.t0) / w;
    const nw = Math.min(this.end, w * factor);
    this.slide(about - k * nw, nw);
  }

  /** Pan by `fraction` of the visible width (negative: left) — the A and D keys. */
  pan(fraction: number): void {
    const w = this.t1 - this.t0;
    this.slide(this.t0 + fraction * w, w);
  }

  /** A range of width w from a, moved (not shrunk) to stay within the run. */
  private slide(a: number, w: number): void {
    const end = this.end;
    const start = Math.max(0, Math.min(a, end - w));
    this.setRange(start, start + w);
  }
}
