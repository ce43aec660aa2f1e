// The browser view of a gomem trace: opens one (?trace=URL, #trace=URL, the
// file picker or a drop) and lays out the timelines, the controls and the
// text panels around one View.

import type { Trace } from '../../src/trace/reader.ts';
import { Charts } from './charts.ts';
import { Controls } from './controls.ts';
import { time } from './fmt.ts';
import { applyHash, readHash, syncHash } from './hash.ts';
import { installEmptyHook, installHook } from './hook.ts';
import { loadTraceFile, loadTraceUrl } from './load.ts';
import { Panels } from './panels.ts';
import { buildTimeline } from './timeline.ts';
import { View } from './view.ts';
import './style.css';

const $ = (id: string): HTMLElement => document.getElementById(id)!;

function status(text: string, error = false): void {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function show(trace: Trace, url: string | undefined): void {
  const tl = buildTimeline(trace);
  const view = new View(tl);
  const h = readHash();
  applyHash(view, h);
  const settings = Object.entries(tl.header.settings)
    .filter(([k]) => k !== 'env' && k !== 'options')
    .map(([k, v]) => `${k}=${String(v)}`);
  const env = Object.entries((tl.header.settings.env as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`);
  status(`${tl.header.program.name}: ${tl.records.length} records, ${time(tl.end)} of virtual time, ${tl.cycles.length} GC cycles${env.length + settings.length ? ` · ${[...env, ...settings].join(' ')}` : ''}`);
  $('charts').innerHTML = '';
  new Charts(view, $('charts'));
  new Controls(view, $('controls'));
  new Panels(view, { cursor: $('cursor'), memstats: $('memstats'), checkpoint: $('checkpoint'), output: $('output') });
  syncHash(view, url);
  installHook(view);
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
    status(`${label}: ${msg}`, true);
    installEmptyHook('error', msg);
  }
}

function start(): void {
  const picker = $('file') as HTMLInputElement;
  picker.addEventListener('change', () => {
    const f = picker.files?.[0];
    if (f) void open(() => loadTraceFile(f), f.name);
  });
  addEventListener('dragover', (e) => e.preventDefault());
  addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (f) void open(() => loadTraceFile(f), f.name);
  });
  const url = new URLSearchParams(location.search).get('trace') ?? readHash().trace;
  if (url) void open(() => loadTraceUrl(url), url, url);
  else {
    installEmptyHook('empty');
    status('Open a trace (node bin/gomem.js run SCENARIO --trace FILE): pick a file or drop it here.');
  }
}

start();
