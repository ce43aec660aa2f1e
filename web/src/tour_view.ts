// The tour bar: the tours this trace can give (tours.ts), and while one is
// running its step's title and text with ◀ back / next ▶ / end. Each step
// moves the view (cursor, range, the map's zoom); the rest of the page
// shows that moment as it shows any other.

import type { AddressMapView } from './addrmap_view.ts';
import { type Tour, goToStep, toursFor } from './tours.ts';
import type { View } from './view.ts';

export class TourView {
  readonly tours: Tour[];
  private tour: Tour | null = null;
  private step = 0;
  private readonly text: HTMLElement;
  private readonly nav: HTMLElement;
  /** Called when a tour starts, steps or ends (the URL's hash keeps it). */
  onChange: () => void = () => {};

  constructor(private readonly view: View, private readonly map: AddressMapView, private readonly root: HTMLElement) {
    this.tours = toursFor(view.tl);
    root.innerHTML = '';
    const pick = document.createElement('div');
    pick.className = 'tour-pick';
    pick.append(this.tours.length > 0 ? 'Tours of this run: ' : 'No tour fits this run.');
    for (const t of this.tours) {
      const b = document.createElement('button');
      b.textContent = t.title;
      b.id = `tour-${t.id}`;
      b.addEventListener('click', () => this.go(t.id, 0));
      pick.appendChild(b);
    }
    this.nav = document.createElement('div');
    this.nav.className = 'tour-nav';
    this.text = document.createElement('div');
    this.text.id = 'tour-text';
    root.append(pick, this.nav, this.text);
  }

  /** Shows step i of tour id and puts the view there; returns false when there is no such step. */
  go(id: string, i: number): boolean {
    const t = this.tours.find((x) => x.id === id);
    const s = t?.steps[i];
    if (t === undefined || s === undefined) return false;
    this.tour = t;
    this.step = i;
    goToStep(s, {
      setRecord: (r) => this.view.setRecord(r),
      setRange: (a, b) => this.view.setRange(a, b),
      resetRange: () => this.view.resetRange(),
      map: (z) => (z === 'all' ? this.map.setRange(null) : z === 'heap' ? this.map.zoomToHeap() : this.map.zoomToAddresses(z[0], z[1])),
    });
    this.draw();
    this.onChange();
    return true;
  }

  /** Shows step i of tour id without moving the view (a live run's redraw keeps the moment someone is looking at). */
  resume(id: string, i: number): void {
    const t = this.tours.find((x) => x.id === id);
    if (t?.steps[i] === undefined) return;
    this.tour = t;
    this.step = i;
    this.draw();
  }

  /** The step shown, if a tour is running. */
  get current(): { id: string; step: number; steps: number; title: string; text: string } | null {
    if (this.tour === null) return null;
    const s = this.tour.steps[this.step]!;
    return { id: this.tour.id, step: this.step, steps: this.tour.steps.length, title: s.title, text: s.text };
  }

  end(): void {
    this.tour = null;
    this.draw();
    this.onChange();
  }

  private draw(): void {
    this.nav.innerHTML = '';
    this.text.textContent = '';
    this.root.classList.toggle('touring', this.tour !== null);
    const t = this.tour;
    if (t === null) return;
    const s = t.steps[this.step]!;
    const button = (label: string, id: string, enabled: boolean, f: () => void): void => {
      const b = document.createElement('button');
      b.textContent = label;
      b.id = id;
      b.disabled = !enabled;
      b.addEventListener('click', f);
      this.nav.appendChild(b);
    };
    button('◀ back', 'tour-prev', this.step > 0, () => this.go(t.id, this.step - 1));
    button('next ▶', 'tour-next', this.step < t.steps.length - 1, () => this.go(t.id, this.step + 1));
    button('end tour', 'tour-end', true, () => this.end());
    const head = document.createElement('strong');
    head.textContent = `${t.title} — ${this.step + 1}/${t.steps.length}: ${s.title}`;
    this.nav.appendChild(head);
    this.text.textContent = s.text;
  }
}
