// The view state in the URL's hash, so a link reproduces what one person saw:
// #trace=URL&rec=N&t=NS&from=NS&to=NS&step=KIND&map=LO-HI&tour=ID.N&whatif=K:V,…
// (#live=URL for a run gomem serve streams; map, the address-space map's
// zoom as hex addresses, tour, a tour's step, and whatif, the what-if
// knobs moved from the trace's settings, only when set). The cursor is the record
// (rec); t is there for people reading the link, and for links written by
// hand (a time alone puts the cursor after every record at or before it).

import type { View } from './view.ts';

export interface HashState {
  trace?: string;
  /** A trace being written, followed as it grows (gomem serve's /live). */
  live?: string;
  rec?: number;
  t?: number;
  from?: number;
  to?: number;
  step?: string;
  /** The address-space map's shown addresses [lo, hi). */
  map?: [number, number];
  /** A tour and its step (from 0). */
  tour?: { id: string; step: number };
  /** The what-if knobs changed from the trace's (gogc, memlimit, gomaxprocs, cgroup, madvdontneed), as text. */
  whatif?: Record<string, string>;
}

export function readHash(hash = location.hash): HashState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const num = (k: string): number | undefined => {
    const v = p.get(k);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const out: HashState = {};
  const trace = p.get('trace');
  if (trace) out.trace = trace;
  const live = p.get('live');
  if (live) out.live = live;
  for (const k of ['rec', 't', 'from', 'to'] as const) {
    const v = num(k);
    if (v !== undefined) out[k] = v;
  }
  const step = p.get('step');
  if (step) out.step = step;
  const map = /^([0-9a-f]+)-([0-9a-f]+)$/i.exec(p.get('map') ?? '');
  if (map) out.map = [parseInt(map[1]!, 16), parseInt(map[2]!, 16)];
  const tour = /^([\w-]+)\.(\d+)$/.exec(p.get('tour') ?? '');
  if (tour) out.tour = { id: tour[1]!, step: Number(tour[2]) };
  const whatif = p.get('whatif');
  if (whatif) {
    const knobs: Record<string, string> = {};
    for (const kv of whatif.split(',')) {
      const i = kv.indexOf(':');
      if (i > 0) knobs[kv.slice(0, i)] = kv.slice(i + 1);
    }
    out.whatif = knobs;
  }
  return out;
}

/** Applies a hash's cursor and range to the view. */
export function applyHash(view: View, h: HashState): void {
  if (h.from !== undefined && h.to !== undefined) view.setRange(h.from, h.to);
  if (h.rec !== undefined) view.setRecord(h.rec);
  else if (h.t !== undefined) view.setTime(h.t);
  if (h.step !== undefined && h.step in view.tl.kinds) view.stepKind = h.step;
}

/**
 * Keeps the hash in step with the view (replaceState: scrubbing fills no
 * history). extra gives the parts the view does not hold (the map's zoom,
 * the tour); the function returned is to be called when they change.
 */
export function syncHash(view: View, trace: string | undefined, key: 'trace' | 'live' = 'trace', extra: () => Record<string, string> = () => ({})): () => void {
  let pending = false;
  const write = (): void => {
    pending = false;
    if (view.signal.aborted) return;
    const p = new URLSearchParams();
    if (trace !== undefined) p.set(key, trace);
    p.set('rec', String(view.record));
    p.set('t', String(Math.round(view.t)));
    p.set('from', String(Math.round(view.t0)));
    p.set('to', String(Math.round(view.t1)));
    p.set('step', view.stepKind);
    for (const [k, v] of Object.entries(extra())) p.set(k, v);
    history.replaceState(null, '', `${location.pathname}${location.search}#${p.toString()}`);
  };
  const later = (): void => {
    if (pending) return;
    pending = true;
    setTimeout(write, 100);
  };
  view.onCursor(later);
  view.onRange(later);
  write();
  return later;
}
