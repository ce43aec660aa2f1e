// The scrubber over the whole run, stepping to the previous or next record
// of a chosen kind, and play/pause at a chosen speed of virtual time.

import { stepKinds } from './timeline.ts';
import type { View } from './view.ts';

const kindLabels: Record<string, string> = {
  gcPhase: 'GC phase',
  gcStart: 'GC start',
  gcDone: 'GC done (mark termination)',
  gcMark: 'GC mark work (a worker or an assist)',
  spanAlloc: 'span allocation (mheap)',
  spanFree: 'span free (mheap)',
  scavenge: 'scavenger release',
  heapGrow: 'heap growth',
  fault: 'page fault',
  mm: 'RSS/VSZ change',
  syscall: 'system call',
  checkpoint: 'checkpoint',
  output: 'output line',
  any: 'any record',
};

/** Virtual time per second of wall time while playing, as a fraction of the run. */
const speeds: [string, number][] = [
  ['run in 60 s', 1 / 60],
  ['run in 20 s', 1 / 20],
  ['run in 5 s', 1 / 5],
  ['real time', 0],
];

export class Controls {
  private readonly scrub: HTMLInputElement;
  private readonly kind: HTMLSelectElement;
  private readonly play: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;
  private playing = false;
  private last = 0;
  /** The play head: virtual time runs on between records, the cursor follows it. */
  private head = 0;

  constructor(private readonly view: View, root: HTMLElement) {
    const tl = view.tl;
    root.innerHTML = '';
    this.scrub = el('input', { type: 'range', min: '0', max: String(Math.max(tl.end, 1)), step: 'any', id: 'scrub', title: 'time cursor' });
    this.scrub.addEventListener('input', () => view.setTime(Number(this.scrub.value)));
    this.kind = el('select', { id: 'step-kind', title: 'step to the next record of this kind' });
    for (const k of Object.keys(stepKinds)) {
      const o = el('option', { value: k });
      o.textContent = kindLabels[k] ?? k;
      this.kind.appendChild(o);
    }
    this.kind.value = view.stepKind;
    this.kind.addEventListener('change', () => (view.stepKind = this.kind.value));
    const prev = button('◀ prev', 'step-prev', () => view.step(this.kind.value, -1));
    const next = button('next ▶', 'step-next', () => view.step(this.kind.value, 1));
    this.play = button('play', 'play', () => this.toggle());
    this.speed = el('select', { id: 'speed', title: 'play speed' });
    for (const [label, v] of speeds) {
      const o = el('option', { value: String(v) });
      o.textContent = label;
      this.speed.appendChild(o);
    }
    this.speed.value = String(1 / 20);
    const all = button('whole run', 'zoom-all', () => view.resetRange());
    root.append(this.scrub, this.kind, prev, next, this.play, this.speed, all);
    view.onCursor(() => (this.scrub.value = String(view.t)));
    this.scrub.value = String(view.t);
    addEventListener(
      'keydown',
      (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      if (e.key === 'ArrowRight') view.step(this.kind.value, 1);
      else if (e.key === 'ArrowLeft') view.step(this.kind.value, -1);
      else if (e.key === ' ') {
        e.preventDefault();
        this.toggle();
      } else if (e.key === 'w' || e.key === 'W') view.zoom(0.8);
      else if (e.key === 's' || e.key === 'S') view.zoom(1.25);
      else if (e.key === 'a' || e.key === 'A') view.pan(-0.2);
      else if (e.key === 'd' || e.key === 'D') view.pan(0.2);
      },
      { signal: view.signal },
    );
  }

  private toggle(): void {
    this.playing = !this.playing;
    this.play.textContent = this.playing ? 'pause' : 'play';
    if (!this.playing) return;
    if (this.view.record >= this.view.tl.records.length - 1) this.view.setRecord(0);
    this.head = this.view.t;
    this.last = performance.now();
    requestAnimationFrame((now) => this.frame(now));
  }

  private frame(now: number): void {
    if (!this.playing || this.view.signal.aborted) return;
    const dt = (now - this.last) / 1000;
    this.last = now;
    const f = Number(this.speed.value);
    // "real time": one virtual second per wall second.
    const advance = f === 0 ? dt * 1e9 : dt * f * this.view.tl.end;
    this.head += advance;
    this.view.setTime(this.head);
    if (this.view.t > this.view.t1) this.view.setRange(this.view.t0 + (this.view.t - this.view.t1), this.view.t);
    if (this.view.record >= this.view.tl.records.length - 1) {
      this.toggle();
      return;
    }
    requestAnimationFrame((n) => this.frame(n));
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function button(label: string, id: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { id, type: 'button' });
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

