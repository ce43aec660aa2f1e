// window.__gomem: the page's test hook (shape in hook_types.ts). It reads
// the same definitions the charts and panels draw from (series.ts,
// panels.ts), so what a test sees is what a person sees.

import { addrMapAt, describeAddress, pageTotals } from './addrmap.ts';
import { smapsRows } from './smaps.ts';
import type { AddressMapView } from './addrmap_view.ts';
import type { Charts } from './charts.ts';
import { allocatorAt } from './allocator.ts';
import type { TourView } from './tour_view.ts';
import type { CursorInfo, GomemHook } from './hook_types.ts';
import { panelTexts } from './panels.ts';
import { gcCpuLabels, lineCharts, valuesAt } from './series.ts';
import { upperBound } from './table.ts';
import type { View } from './view.ts';
import type { WhatIf } from './whatif.ts';
import type { CheckpointTexts } from './cli_texts.ts';

declare global {
  interface Window {
    __gomem: GomemHook;
  }
}

export function installEmptyHook(state: GomemHook['state'], error?: string): void {
  const none = (): never => {
    throw new Error(`no trace shown (${state}${error ? `: ${error}` : ''})`);
  };
  window.__gomem = {
    state,
    ...(error !== undefined ? { error } : {}),
    cursor: none,
    setCursor: none,
    setCursorRecord: none,
    step: none,
    values: none,
    panels: none,
    cliTexts: none,
    allocator: none,
    smaps: none,
    addressMap: none,
    describeAddress: none,
    mapZoom: none,
    mapPixel: none,
    tours: none,
    tourGo: none,
    tour: none,
    checkpoints: none,
    times: none,
    range: none,
    setRange: none,
    bands: none,
    charts: none,
    whatIf: none,
    whatIfValues: none,
  };
}

export function installHook(view: View, charts: Charts, map: AddressMapView, tours: TourView, whatIf: WhatIf, texts: CheckpointTexts, live?: 'running' | 'ended'): void {
  const tl = view.tl;
  const info = (): CursorInfo => ({ record: view.record, kind: tl.records[view.record]!.kind, t: view.t });
  window.__gomem = {
    state: 'ready',
    trace: { program: tl.header.program.name, records: tl.records.length, end: tl.end, settings: tl.header.settings, ...(live !== undefined ? { live } : {}) },
    cursor: info,
    setCursor: (t) => {
      view.setTime(t);
      return info();
    },
    setCursorRecord: (i) => {
      view.setRecord(i);
      return info();
    },
    step: (kind, dir) => (view.step(kind, dir) ? info() : null),
    values: (t) => valuesAt(tl, t === undefined ? view.record : Math.max(0, upperBound(tl.tm, tl.tm.length, t) - 1)),
    panels: () => panelTexts(view, texts),
    cliTexts: async () => {
      await texts.run();
      return { state: texts.state, ...(texts.error !== undefined ? { error: texts.error } : {}) };
    },
    allocator: () => allocatorAt(tl, view.record),
    smaps: () => {
      const m = addrMapAt(tl, view.record);
      return m === null ? null : smapsRows(m);
    },
    addressMap: () => {
      map.render();
      const s = map.state;
      if (s.map === null) return null;
      const spans = { heap: 0, stack: 0, other: 0 };
      for (const x of s.map.spans) spans[x.use === 'heap' ? 'heap' : x.use === 'stack' ? 'stack' : 'other'] += x.npages * 8192;
      return { snapshot: s.map.snapshot, total: s.map.total, mappings: s.map.vmas.length, pages: pageTotals(s.map), spans, range: s.range, width: s.width, rows: s.rows };
    },
    describeAddress: (addr) => {
      map.render();
      const m = map.state.map;
      return m === null ? null : describeAddress(m, addr);
    },
    mapZoom: (lo, hi) => {
      if (lo === null || hi === null) map.setRange(null);
      else map.zoomToAddresses(lo, hi);
      return map.state.range;
    },
    mapPixel: (addr) => map.pixelOf(addr),
    tours: () => tours.tours.map((t) => ({ id: t.id, title: t.title, steps: t.steps.map((s) => s.title) })),
    tourGo: (id, i) => (tours.go(id, i) ? tours.current : null),
    tour: () => tours.current,
    checkpoints: () => tl.checkpoints.map((c) => ({ name: c.name, t: c.t, record: c.record })),
    times: (kind) => Array.from(tl.kinds[kind] ?? [], (r) => tl.tm[r]!),
    range: () => [view.t0, view.t1],
    setRange: (a, b) => {
      view.setRange(a, b);
      return [view.t0, view.t1];
    },
    bands: () => charts.bands(),
    charts: () => {
      const out: Record<string, string[]> = {};
      const o = whatIf.overlay;
      for (const s of lineCharts) {
        out[s.id] = [...s.lines.map((l) => l.label), ...(s.limit?.(tl) != null ? ['memory.max'] : [])];
        if (o !== null) out[s.id]!.push(...s.lines.map((l) => `${l.label} (what-if)`), ...(s.limit?.(o) != null ? ['memory.max (what-if)'] : []));
      }
      out.gcCpu = [...gcCpuLabels, ...(o !== null ? gcCpuLabels.map((l) => `${l} (what-if)`) : [])];
      out.events = ['page faults', 'scavenged', ...(o !== null ? ['page faults (what-if)', 'scavenged (what-if)'] : [])];
      return out;
    },
    whatIf: () => {
      const s = whatIf.status;
      const o = whatIf.overlay;
      return {
        ...s,
        knobs: { ...whatIf.knobs },
        ...(o !== null && s.state === 'done' ? { run: { records: o.records.length, end: o.end, cycles: o.cycles.length, checkpoints: o.checkpoints.map((c) => ({ name: c.name, t: c.t, record: c.record })) } } : {}),
      };
    },
    whatIfValues: (at) => {
      const o = whatIf.overlay;
      if (o === null) return null;
      return valuesAt(o, 'record' in at ? at.record : Math.max(0, upperBound(o.tm, o.tm.length, at.t) - 1));
    },
  };
}
