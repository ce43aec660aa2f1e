// The browser view of a gomem trace: opens one (?trace=URL, #trace=URL, the
// file picker or a drop) and lays out the timelines, the controls and the
// text panels around one View. #live=URL follows a run gomem serve is
// making: the view is laid out again as the trace grows, following the run
// while nobody has moved the cursor or the range, and at the end it is the
// view of the whole trace.

import { type Trace, decodeTrace } from '../../src/trace/reader.ts';
import { AddressMapView } from './addrmap_view.ts';
import { Charts } from './charts.ts';
import { CheckpointTexts } from './cli_texts.ts';
import { Controls } from './controls.ts';
import { time } from './fmt.ts';
import { applyHash, readHash, syncHash } from './hash.ts';
import { installEmptyHook, installHook } from './hook.ts';
import { GoSourcePanel } from './gosource_panel.ts';
import { followTrace, loadTraceFile, loadTraceUrl } from './load.ts';
import { Panels } from './panels.ts';
import { TourView } from './tour_view.ts';
import { buildTimeline } from './timeline.ts';
import { View } from './view.ts';
import { CompileErrorLine, WhatIf, WhatIfPanel, knobsFromText, knobsText } from './whatif.ts';
import './style.css';

const $ = (id: string): HTMLElement => document.getElementById(id)!;

function status(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

/** The view on screen, replaced when a live trace grows, with its map and tours. */
let current: View | null = null;
let currentMap: AddressMapView | null = null;
let currentTours: TourView | null = null;
let currentWhatIf: WhatIf | null = null;
let currentTexts: CheckpointTexts | null = null;
/** The what-if knobs the link named, until a view has taken them (null: the hash not read yet). */
let linkedWhatIf: Record<string, string> | undefined | null = null;

function show(trace: Trace, url: string | undefined, live?: 'running' | 'ended'): void {
  const tl = buildTimeline(trace);
  const view = new View(tl);
  const prev = current;
  if (prev === null) applyHash(view, readHash());
  else if (!prev.untouched) {
    // Someone is looking at a moment: keep it while the run grows.
    view.setRange(prev.t0, prev.t1);
    view.setRecord(prev.record);
    view.stepKind = prev.stepKind;
  }
  prev?.dispose();
  current = view;
  const settings = Object.entries(tl.header.settings)
    .filter(([k]) => k !== 'env' && k !== 'options')
    .map(([k, v]) => `${k}=${String(v)}`);
  const env = Object.entries((tl.header.settings.env as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`);
  status(`${tl.header.program.name}${live === 'running' ? ' (running)' : ''}: ${tl.records.length} records, ${time(tl.end)} of virtual time, ${tl.cycles.length} GC cycles${env.length + settings.length ? ` · ${[...env, ...settings].join(' ')}` : ''}`);
  $('charts').innerHTML = '';
  const charts = new Charts(view, $('charts'));
  // What-if runs of a live trace wait for its end: the settings are the run's, the records not yet all there.
  currentWhatIf?.dispose();
  const whatIf = new WhatIf(tl, live === 'running' ? 'the run is still going' : undefined);
  // The knobs a link names (at the first view that can run them: a live run's once it has ended), else those of the view this one replaces.
  let knobs = currentWhatIf?.knobs;
  currentWhatIf = whatIf;
  if (linkedWhatIf === null) linkedWhatIf = readHash().whatif;
  if (linkedWhatIf !== undefined && whatIf.status.state !== 'unavailable') {
    knobs = knobsFromText(whatIf.original, linkedWhatIf) ?? undefined;
    linkedWhatIf = undefined;
  }
  if (knobs !== undefined && knobsText(whatIf.original, knobs) !== '') void whatIf.set(knobs);
  new WhatIfPanel(whatIf, $('whatif'));
  whatIf.onChange(() => {
    view.setEnd(whatIf.overlay?.end ?? 0);
    charts.setOverlay(whatIf.overlay);
  });
  new Controls(view, $('controls'));
  currentTexts?.dispose();
  const texts = new CheckpointTexts(tl, live === 'running' ? 'waits for the run to end' : undefined);
  currentTexts = texts;
  const runTexts = $('cli-texts-run') as HTMLButtonElement;
  runTexts.onclick = () => void texts.run();
  const sayTexts = (): void => {
    runTexts.disabled = texts.state !== 'none' && texts.state !== 'error';
  };
  sayTexts();
  texts.onChange(sayTexts);
  new Panels(view, { cursor: $('cursor'), memstats: $('memstats'), allocator: $('allocator'), smaps: $('smaps'), checkpoint: $('checkpoint'), output: $('output'), ps: $('ps'), explain: $('explain') }, texts);
  const map = new AddressMapView(view, $('addrmap'));
  const tours = new TourView(view, map, $('tour'));
  // The tour step and the map's zoom: from the link at first, then kept as a live run grows (its records are a prefix of the new ones).
  const h = readHash();
  const tour = prev === null ? h.tour : (currentTours?.current ?? undefined);
  const zoom = prev === null ? h.map : (currentMap?.addresses ?? undefined);
  if (tour !== undefined) {
    if (prev === null) tours.go(tour.id, tour.step);
    else tours.resume(tour.id, tour.step);
  }
  if (zoom !== undefined) map.zoomToAddresses(zoom[0], zoom[1]);
  currentMap = map;
  currentTours = tours;
  const hashChanged = syncHash(view, url, live !== undefined ? 'live' : 'trace', () => {
    const out: Record<string, string> = {};
    const a = map.addresses;
    if (a !== null) out.map = `${a[0].toString(16)}-${a[1].toString(16)}`;
    const t = tours.current;
    if (t !== null) out.tour = `${t.id}.${t.step}`;
    const w = knobsText(whatIf.original, whatIf.knobs);
    if (w !== '') out.whatif = w;
    return out;
  });
  map.onZoom = hashChanged;
  tours.onChange = hashChanged;
  whatIf.onChange(hashChanged);
  installHook(view, charts, map, tours, whatIf, texts, live);
  document.body.classList.add('loaded');
}

async function open(load: () => Promise<Trace>, label: string, url?: string): Promise<void> {
  installEmptyHook('loading');
  status(`loading ${label}…`);
  try {
    const trace = await load();
    show(trace, url);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // A compile error names its file and position itself, as gomem run prints it.
    status(e instanceof CompileErrorLine ? msg : `${label}: ${msg}`, true);
    installEmptyHook('error', msg);
  }
}

/**
 * Follows a run as gomem serve streams it. Each redraw decodes and lays out
 * the trace so far; they are spaced by at least twice the last one's cost,
 * so a long run's page stays responsive. The last is of the whole trace.
 */
async function follow(url: string): Promise<void> {
  installEmptyHook('loading');
  status(`waiting for the run (${url})…`);
  let latest: Uint8Array | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let cost = 0;
  let lastDraw = 0;
  const draw = (bytes: Uint8Array, live: 'running' | 'ended'): void => {
    const t0 = performance.now();
    show(decodeTrace(bytes), url, live);
    lastDraw = performance.now();
    cost = lastDraw - t0;
  };
  try {
    const all = await followTrace(url, (bytes) => {
      latest = bytes;
      if (timer !== null) return;
      const wait = Math.max(0, lastDraw + Math.max(200, 2 * cost) - performance.now());
      timer = setTimeout(() => {
        timer = null;
        if (latest !== null) draw(latest, 'running');
      }, wait);
    });
    if (timer !== null) clearTimeout(timer);
    draw(all, 'ended');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    status(`${url}: ${msg}`, true);
    installEmptyHook('error', msg);
  }
}

function start(): void {
  const goSource = new GoSourcePanel(
    { text: $('go-text') as HTMLTextAreaElement, file: $('go-file') as HTMLInputElement, settings: $('go-settings') as HTMLInputElement, run: $('go-run') as HTMLButtonElement },
    (load, label) => open(load, label),
  );
  const picker = $('file') as HTMLInputElement;
  picker.addEventListener('change', () => {
    const f = picker.files?.[0];
    if (f) void open(() => loadTraceFile(f), f.name);
  });
  addEventListener('dragover', (e) => e.preventDefault());
  addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (!f) return;
    if (f.name.endsWith('.go')) void goSource.runFile(f);
    else void open(() => loadTraceFile(f), f.name);
  });
  const live = readHash().live;
  const url = new URLSearchParams(location.search).get('trace') ?? readHash().trace;
  if (live) void follow(live);
  else if (url) void open(() => loadTraceUrl(url), url, url);
  else {
    installEmptyHook('empty');
    status('Open a trace (node bin/gomem.js run SCENARIO --trace FILE): pick a file or drop it here; or run Go source below.');
  }
}

start();
