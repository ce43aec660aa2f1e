// What-if sliders: GOGC, GOMEMLIMIT, GOMAXPROCS, the container's memory.max
// and GODEBUG's madvdontneed. Changing one runs the trace's program again,
// with the model's own code in a Web Worker (whatif_worker.ts), with the
// trace header's settings and that one changed, as `gomem run` with that
// flag would; the new run's timelines are then drawn over the original's
// (dashed, charts.ts), so the difference is seen, not computed by hand.
// Built-in scenarios and Go sources can run again here (a Go source's trace
// carries its text, which the Worker compiles with the front end); a
// TypeScript program file's cannot: running it needs the CLI's loader
// (esbuild), which the page does not bundle.

import { decodeTrace } from '../../src/trace/reader.ts';
import type { TraceProgram, TraceSettings } from '../../src/trace/writer.ts';
import { bytes as fmtBytes } from './fmt.ts';
import { type Timeline, buildTimeline } from './timeline.ts';
import type { WhatIfReply, WhatIfRequest } from './whatif_protocol.ts';
import WhatIfWorker from './whatif_worker.ts?worker&inline';

const MiB = 1 << 20;

/** The sliders' values, in Go's syntax (as gomem run's flags take them); cgroup in bytes, null for none. */
export interface WhatIfKnobs {
  gogc: string;
  memlimit: string;
  gomaxprocs: string;
  cgroupMemoryMax: number | null;
  madvdontneed: '0' | '1';
}

export interface WhatIfState {
  state: 'none' | 'running' | 'done' | 'error' | 'unavailable';
  /** The knobs changed from the trace's own, as gomem run flags (--gogc 50 …). */
  flags: string[];
  error?: string;
  outcome?: string;
  /** Wall-clock ms the Worker took to run it. */
  ms?: number;
}

/** A GODEBUG value's key, or undefined (the last setting of a key wins, as in Go). */
function godebugKey(godebug: string | undefined, key: string): string | undefined {
  let v: string | undefined;
  for (const f of (godebug ?? '').split(',')) {
    const i = f.indexOf('=');
    if (i > 0 && f.slice(0, i) === key) v = f.slice(i + 1);
  }
  return v;
}

function withGodebugKey(godebug: string | undefined, key: string, value: string): string {
  const rest = (godebug ?? '').split(',').filter((f) => f !== '' && !f.startsWith(`${key}=`));
  return [...rest, `${key}=${value}`].join(',');
}

/** The knobs as the trace's run had them (Go's defaults where it set nothing). */
export function knobsOf(settings: TraceSettings): WhatIfKnobs {
  const env = settings.env;
  return {
    gogc: env.GOGC ?? '100',
    memlimit: env.GOMEMLIMIT ?? 'off',
    gomaxprocs: env.GOMAXPROCS ?? String(settings.ncpu ?? 2),
    cgroupMemoryMax: settings.cgroupMemoryMax ?? null,
    madvdontneed: godebugKey(env.GODEBUG, 'madvdontneed') === '0' ? '0' : '1',
  };
}

/**
 * The settings of the run again: the trace's, with each knob that differs
 * from what it had set as gomem run's flag sets it (GOGC=50 in the
 * environment for --gogc 50, madvdontneed added to GODEBUG).
 */
export function settingsWith(settings: TraceSettings, k: WhatIfKnobs): { settings: TraceSettings; flags: string[] } {
  const was = knobsOf(settings);
  const out: TraceSettings = { ...settings, env: { ...settings.env }, options: { ...settings.options } };
  const flags: string[] = [];
  if (k.gogc !== was.gogc) {
    out.env.GOGC = k.gogc;
    flags.push(`--gogc ${k.gogc}`);
  }
  if (k.memlimit !== was.memlimit) {
    out.env.GOMEMLIMIT = k.memlimit;
    flags.push(`--memlimit ${k.memlimit}`);
  }
  if (k.gomaxprocs !== was.gomaxprocs) {
    out.env.GOMAXPROCS = k.gomaxprocs;
    flags.push(`--gomaxprocs ${k.gomaxprocs}`);
  }
  if (k.madvdontneed !== was.madvdontneed) {
    out.env.GODEBUG = withGodebugKey(settings.env.GODEBUG, 'madvdontneed', k.madvdontneed);
    flags.push(`--godebug ${out.env.GODEBUG}`);
  }
  if (k.cgroupMemoryMax !== was.cgroupMemoryMax) {
    if (k.cgroupMemoryMax === null) delete out.cgroupMemoryMax;
    else out.cgroupMemoryMax = k.cgroupMemoryMax;
    flags.push(`--cgroup-memory-max ${k.cgroupMemoryMax === null ? 'max' : `${k.cgroupMemoryMax / MiB}MiB`}`);
  }
  return { settings: out, flags };
}

/**
 * What to ask the Worker to run a trace's program again: its built-in
 * scenario by name, or its Go source's or workload model's text; null for a
 * TypeScript program file (the page cannot load it).
 */
export function rerunOf(program: TraceProgram): Pick<WhatIfRequest, 'scenario' | 'source'> | null {
  if (program.scenario !== undefined) return { scenario: program.scenario };
  if (program.source !== undefined && /\.(go|json)$/.test(program.source.path)) return { source: program.source };
  return null;
}

/** A Go source's compile error: its message is the compiler's whole line (./prog.go:3:2: undefined: x). */
export class CompileErrorLine extends Error {}

/**
 * The model in a Worker (whatif_worker.ts), one run at a time: a newer
 * request ends the one in progress. The Worker's script is inside the page
 * (?worker&inline: a classic script started from a blob: URL), so a page
 * opened from file:// can start it, and a page keeps running the code it
 * was loaded with when web/dist is built again under it.
 */
export class Runner {
  private worker: Worker | null = null;
  private id = 0;

  run(req: Omit<WhatIfRequest, 'id'>): Promise<Extract<WhatIfReply, { type: 'done' }>> {
    this.worker?.terminate();
    const w = new WhatIfWorker();
    this.worker = w;
    const id = ++this.id;
    return new Promise((ok, fail) => {
      w.onmessage = (e: MessageEvent<WhatIfReply>) => {
        if (e.data.id !== id) return;
        w.terminate();
        if (this.worker === w) this.worker = null;
        if (e.data.type === 'done') ok(e.data);
        else fail(e.data.compile === true ? new CompileErrorLine(e.data.message) : new Error(e.data.message));
      };
      w.onerror = (e) => {
        e.preventDefault();
        w.terminate();
        fail(new Error(e.message || 'the what-if Worker failed'));
      };
      w.postMessage({ ...req, id } satisfies WhatIfRequest);
    });
  }

  stop(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}

/** The what-if run shown over a view: its knobs, its state, its timeline once done. */
export class WhatIf {
  readonly original: WhatIfKnobs;
  knobs: WhatIfKnobs;
  status: WhatIfState;
  overlay: Timeline | null = null;
  private readonly runner = new Runner();
  private listeners: (() => void)[] = [];
  private seq = 0;

  /** unavailable: why the program cannot run again now (besides not being a built-in scenario). */
  constructor(readonly tl: Timeline, unavailable?: string) {
    const s = tl.header.settings as unknown as TraceSettings;
    this.original = knobsOf(s);
    this.knobs = { ...this.original };
    this.status = rerunOf(tl.header.program) === null
      ? { state: 'unavailable', flags: [], error: `runs again only built-in scenarios and Go sources; this trace's program is ${tl.header.program.source?.path ?? tl.header.program.name}` }
      : unavailable !== undefined ? { state: 'unavailable', flags: [], error: unavailable }
      : { state: 'none', flags: [] };
  }

  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  private changed(): void {
    for (const f of this.listeners) f();
  }

  /** Runs the program with these knobs (back to the original's: the overlay goes). */
  async set(k: WhatIfKnobs): Promise<WhatIfState> {
    if (this.status.state === 'unavailable') return this.status;
    this.knobs = { ...k };
    const { settings, flags } = settingsWith(this.tl.header.settings as unknown as TraceSettings, k);
    const seq = ++this.seq;
    if (flags.length === 0) {
      this.runner.stop();
      this.overlay = null;
      this.status = { state: 'none', flags };
      this.changed();
      return this.status;
    }
    this.status = { state: 'running', flags };
    this.changed();
    try {
      const r = await this.runner.run({ ...rerunOf(this.tl.header.program)!, settings });
      if (seq !== this.seq) return this.status;
      this.overlay = buildTimeline(decodeTrace(r.trace));
      this.status = { state: 'done', flags, outcome: r.outcome, ms: r.ms };
    } catch (e) {
      if (seq !== this.seq) return this.status;
      this.overlay = null;
      this.status = { state: 'error', flags, error: e instanceof Error ? e.message : String(e) };
    }
    this.changed();
    return this.status;
  }

  dispose(): void {
    this.runner.stop();
    this.listeners = [];
  }
}

/** The knobs that differ from the original's, for the URL's hash (hash.ts): gogc:50,cgroup:67108864 … */
export function knobsText(original: WhatIfKnobs, k: WhatIfKnobs): string {
  const out: string[] = [];
  if (k.gogc !== original.gogc) out.push(`gogc:${k.gogc}`);
  if (k.memlimit !== original.memlimit) out.push(`memlimit:${k.memlimit}`);
  if (k.gomaxprocs !== original.gomaxprocs) out.push(`gomaxprocs:${k.gomaxprocs}`);
  if (k.cgroupMemoryMax !== original.cgroupMemoryMax) out.push(`cgroup:${k.cgroupMemoryMax ?? 'max'}`);
  if (k.madvdontneed !== original.madvdontneed) out.push(`madvdontneed:${k.madvdontneed}`);
  return out.join(',');
}

/** The knobs a hash names, over the original's; null when it names none or one is not a value the knob takes. */
export function knobsFromText(original: WhatIfKnobs, t: Record<string, string>): WhatIfKnobs | null {
  const k = { ...original };
  let any = false;
  for (const [name, v] of Object.entries(t)) {
    any = true;
    if (name === 'gogc' && /^(off|\d+)$/.test(v)) k.gogc = v;
    else if (name === 'memlimit' && /^(off|\d+(MiB|GiB|KiB)?)$/.test(v)) k.memlimit = v;
    else if (name === 'gomaxprocs' && /^[1-9]\d{0,3}$/.test(v)) k.gomaxprocs = v;
    else if (name === 'cgroup' && /^(max|\d+)$/.test(v)) k.cgroupMemoryMax = v === 'max' ? null : Number(v);
    else if (name === 'madvdontneed' && (v === '0' || v === '1')) k.madvdontneed = v;
    else return null;
  }
  return any ? k : null;
}

// ── the sliders ───────────────────────────────────────────────────────────

/** GOGC's slider: off, then 10 … 800. */
const gogcSteps = ['off', '10', '25', '50', '75', '100', '150', '200', '300', '400', '800'];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Size slider steps in MiB: 0 is "off"/"none", then powers of two and their halves up to past the run's peak. */
function sizeSteps(peak: number, have: number | null): number[] {
  const out = [0];
  for (let m = 16; m <= Math.max(4 * peak, 64 * MiB) / MiB; m *= 2) out.push(m, Math.round(m * 1.5));
  if (have !== null && have > 0 && !out.includes(have / MiB)) out.push(have / MiB);
  return out.sort((a, b) => a - b);
}

function memlimitMiB(v: string): number | null {
  const m = /^(\d+)MiB$/.exec(v);
  return v === 'off' ? 0 : m ? Number(m[1]) : null;
}

export class WhatIfPanel {
  constructor(w: WhatIf, root: HTMLElement) {
    root.innerHTML = '';
    const bar = el('div', { class: 'whatif-bar' });
    bar.appendChild(el('b', {}, 'What if'));
    const status = el('span', { id: 'whatif-status' });
    if (w.status.state === 'unavailable') {
      bar.appendChild(el('span', { id: 'whatif-status' }, `: not here; it ${w.status.error}.`));
      root.appendChild(bar);
      return;
    }
    const tl = w.tl;
    let peakRss = 0;
    const rss = tl.proc.col('VmRSS');
    for (let i = 0; i < tl.proc.n; i++) peakRss = Math.max(peakRss, rss[i]! * 1024);
    const o = w.original;
    const limitSteps = sizeSteps(peakRss, memlimitMiB(o.memlimit) !== null ? (memlimitMiB(o.memlimit) ?? 0) * MiB : null);
    const cgSteps = sizeSteps(peakRss, o.cgroupMemoryMax);
    const procSteps = Array.from({ length: Math.max(8, Number(o.gomaxprocs)) }, (_, i) => String(i + 1));

    const slider = (id: string, label: string, steps: string[], get: () => string, set: (v: string) => void, show: (v: string) => string): void => {
      const wrap = el('label', { class: 'whatif-knob' });
      wrap.appendChild(document.createTextNode(`${label} `));
      if (!steps.includes(get())) {
        // A value the trace had that is not a step (GOGC=123): a step of its own, in order.
        const num = (v: string): number => (v === 'off' ? -1 : parseFloat(v));
        steps.push(get());
        steps.sort((a, b) => num(a) - num(b));
      }
      const input = el('input', { type: 'range', id: `whatif-${id}`, min: '0', max: String(steps.length - 1), step: '1', value: String(steps.indexOf(get())) });
      const out = el('output', { id: `whatif-${id}-value` }, show(get()));
      input.addEventListener('input', () => (out.textContent = show(steps[Number(input.value)]!)));
      // On release, not while dragging: each change is a run of the model.
      input.addEventListener('change', () => {
        set(steps[Number(input.value)]!);
        void w.set(w.knobs);
      });
      wrap.append(input, out);
      bar.appendChild(wrap);
    };
    slider('gogc', 'GOGC', [...gogcSteps], () => w.knobs.gogc, (v) => (w.knobs.gogc = v), (v) => v);
    slider(
      'memlimit',
      'GOMEMLIMIT',
      limitSteps.map((m) => (m === 0 ? 'off' : `${m}MiB`)),
      () => w.knobs.memlimit,
      (v) => (w.knobs.memlimit = v),
      (v) => v,
    );
    slider('gomaxprocs', 'GOMAXPROCS', procSteps, () => w.knobs.gomaxprocs, (v) => (w.knobs.gomaxprocs = v), (v) => v);
    slider(
      'cgroup',
      'container memory.max',
      cgSteps.map((m) => String(m * MiB)),
      () => String(w.knobs.cgroupMemoryMax ?? 0),
      (v) => (w.knobs.cgroupMemoryMax = v === '0' ? null : Number(v)),
      (v) => (v === '0' ? 'none' : fmtBytes(Number(v))),
    );
    const madv = el('select', { id: 'whatif-madvdontneed', title: 'GODEBUG=madvdontneed: how the scavenger returns pages' });
    for (const [v, t] of [['1', 'MADV_DONTNEED (madvdontneed=1, the default)'], ['0', 'MADV_FREE (madvdontneed=0)']] as const) madv.appendChild(el('option', { value: v }, t));
    madv.value = w.knobs.madvdontneed;
    madv.addEventListener('change', () => {
      w.knobs.madvdontneed = madv.value as '0' | '1';
      void w.set(w.knobs);
    });
    const madvLabel = el('label', { class: 'whatif-knob' }, 'madvise ');
    madvLabel.appendChild(madv);
    bar.appendChild(madvLabel);
    const reset = el('button', { id: 'whatif-reset', title: 'back to the trace’s own settings' }, 'as recorded');
    reset.addEventListener('click', () => void w.set(w.original));
    bar.append(reset, status);
    root.appendChild(bar);
    const say = (): void => {
      const s = w.status;
      status.classList.toggle('error', s.state === 'error');
      const flags = s.flags.join(' ');
      status.textContent =
        s.state === 'none' ? '· as recorded; move a slider to run it again in the browser'
        : s.state === 'running' ? `· running ${tl.header.program.name} ${flags} on the model…`
        : s.state === 'done' ? `· dashed: ${tl.header.program.name} ${flags} (${s.outcome}; ${w.overlay!.cycles.length} GC cycles, ${Math.round(s.ms!)} ms to run)`
        : `· ${flags}: ${s.error}`;
    };
    say();
    w.onChange(say);
  }
}
