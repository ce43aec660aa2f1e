// The address-space map on a canvas: the mappings end to end (addrmap.ts)
// drawn as a raster read like text, left to right and top to bottom; each
// raster row has a strip of page states above a strip of the Go spans on
// them. The wheel zooms about the pointer (from the whole VSZ down to
// 64 bytes a pixel), the buttons jump to the whole address space or the
// Go heap, and hovering names what is under the pointer.

import { type AddrMap, type PageKind, addrMapAt, addressOf, describeAddress, forEachPageStretch, heapStart, offsetAtOrAfter, offsetOf, pageKinds } from './addrmap.ts';
import { class_to_size } from '../../src/runtime/sizeclasses.ts';
import { spanSlots } from './allocator.ts';
import { bytes, time } from './fmt.ts';
import type { View } from './view.ts';

/** Raster rows, and each row's strips in CSS pixels: pages, spans, a gap. */
export const mapRows = 48;
const pageStrip = 7;
const spanStrip = 4;
const rowHeight = pageStrip + spanStrip + 1;
/** The closest zoom: this many bytes a pixel. */
const minBytesPerCell = 64;
/** Zoomed in so far that a small-object span's slots are this many pixels wide or more, each slot's first pixel is drawn darker. */
const minSlotCells = 3;

type Rgb = [number, number, number];

export const pageColors: Record<PageKind, Rgb> = {
  reserved: [228, 228, 228],
  untouched: [250, 244, 214],
  zero: [199, 233, 192],
  anon: [214, 39, 40],
  lazyfree: [255, 152, 150],
  file: [31, 119, 180],
  'file-dirty': [23, 74, 124],
  pfn: [148, 103, 189],
  'anon-huge': [140, 10, 10],
};

const stackColor: Rgb = [140, 86, 75];
const otherColor: Rgb = [188, 189, 34];
const largeColor: Rgb = [90, 90, 90];

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** A heap span's colour: a hue per size class (the golden angle apart, so neighbours differ), darker the fuller it was at the snapshot. */
export function spanColor(use: string, spanclass: number, npages: number, objects: number): Rgb {
  if (use === 'stack') return stackColor;
  if (use !== 'heap') return otherColor;
  const sizeclass = spanclass >> 1;
  if (sizeclass === 0) return largeColor;
  const fill = objects < 0 ? 0.5 : objects / spanSlots(npages, spanclass);
  return hsl((sizeclass * 137.508) % 360, 0.65, 0.8 - 0.45 * fill);
}

export class AddressMapView {
  private readonly canvas: HTMLCanvasElement;
  private readonly hover: HTMLElement;
  private readonly caption: HTMLElement;
  private map: AddrMap | null = null;
  /** The record this.map was made for. */
  private mapRecord = -1;
  /**
   * The shown addresses [lo, hi); null: all of them. Kept as addresses, not
   * places on the axis: another snapshot's mappings put them elsewhere.
   */
  private range: [number, number] | null = null;
  private pending = false;
  private width = 0;
  /** Called when the zoom changes (the URL's hash keeps it). */
  onZoom: () => void = () => {};

  constructor(private readonly view: View, root: HTMLElement) {
    root.innerHTML = '';
    const bar = document.createElement('div');
    bar.className = 'map-bar';
    const button = (label: string, id: string, f: () => void): void => {
      const b = document.createElement('button');
      b.textContent = label;
      b.id = id;
      b.addEventListener('click', f);
      bar.appendChild(b);
    };
    button('whole address space', 'map-all', () => this.setRange(null));
    button('Go heap', 'map-heap', () => this.zoomToHeap());
    button('zoom in', 'map-in', () => this.zoomAbout(0.5, 0.25));
    button('zoom out', 'map-out', () => this.zoomAbout(0.5, 4));
    this.caption = document.createElement('span');
    this.caption.id = 'map-caption';
    bar.appendChild(this.caption);
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'map';
    this.hover = document.createElement('div');
    this.hover.id = 'map-hover';
    this.hover.textContent = 'hover the map to name what is there; the wheel zooms';
    const legend = document.createElement('div');
    legend.className = 'legend-bands';
    legend.append('pages: ');
    for (const k of pageKinds) {
      const sw = document.createElement('span');
      sw.style.background = `rgb(${pageColors[k].join(',')})`;
      legend.append(sw, k);
    }
    legend.append(' · spans below them: a hue per size class, darker when fuller (zoomed in, each slot’s first pixel darkest); ');
    for (const [label, c] of [['large', largeColor], ['stacks', stackColor], ['GC bits, workbufs', otherColor]] as const) {
      const sw = document.createElement('span');
      sw.style.background = `rgb(${c.join(',')})`;
      legend.append(sw, label);
    }
    root.append(bar, this.canvas, this.hover, legend);
    this.canvas.addEventListener('mousemove', (e) => {
      const a = this.addressAtPixel(e.offsetX, e.offsetY);
      if (a !== null && this.map !== null) this.hover.textContent = describeAddress(this.map, a);
    });
    this.canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const cell = this.cellAtPixel(e.offsetX, e.offsetY);
        if (cell !== null) this.zoomAbout(cell / (this.width * mapRows), e.deltaY > 0 ? 1.25 : 0.8);
      },
      { passive: false },
    );
    view.onCursor(() => this.schedule());
    addEventListener('resize', () => this.schedule(), { signal: view.signal });
    this.render();
  }

  /** The map as drawn, for the test hook. */
  get state(): { map: AddrMap | null; range: [number, number]; width: number; rows: number } {
    return { map: this.map, range: this.shown(), width: this.width, rows: mapRows };
  }

  /** The map at the cursor, made again when the cursor has moved. */
  private current(): AddrMap | null {
    if (this.mapRecord !== this.view.record) {
      this.map = addrMapAt(this.view.tl, this.view.record);
      this.mapRecord = this.view.record;
    }
    return this.map;
  }

  /** The shown stretch of the axis. */
  private shown(): [number, number] {
    const m = this.current();
    const total = m?.total ?? 1;
    if (this.range === null || m === null) return [0, total];
    const a = offsetAtOrAfter(m, this.range[0]);
    const b = offsetAtOrAfter(m, this.range[1]);
    return b > a ? [a, b] : [0, total];
  }

  /** Shows the stretch [a, b) of the axis (null: all of it), no closer than minBytesPerCell a pixel. */
  setRange(r: [number, number] | null): void {
    const m = this.current();
    const total = m?.total ?? 1;
    let addrs: [number, number] | null = null;
    if (r !== null && m !== null) {
      const minSpan = minBytesPerCell * Math.max(1, this.width) * mapRows;
      let [a, b] = r;
      if (b - a < minSpan) {
        const mid = (a + b) / 2;
        a = mid - minSpan / 2;
        b = mid + minSpan / 2;
      }
      a = Math.max(0, a);
      b = Math.min(total, b);
      if (a > 0 || b < total) addrs = [addressOf(m, a), addressOf(m, b - 1) + 1];
    }
    this.range = addrs;
    this.render();
    this.onZoom();
  }

  /** The shown addresses [lo, hi), null when it is the whole address space. */
  get addresses(): [number, number] | null {
    return this.range;
  }

  /** Zooms to addresses [lo, hi) (their places on the axis). */
  zoomToAddresses(lo: number, hi: number): void {
    const m = this.current();
    if (m === null) return;
    const a = offsetOf(m, lo);
    const b = offsetOf(m, hi - 1);
    if (a >= 0 && b >= 0) this.setRange([a, b + 1]);
  }

  /** Zooms to the Go heap's arenas. */
  zoomToHeap(): void {
    const m = this.current();
    if (m === null) return;
    // The heap's arenas: the mappings at 0xc000000000 and up (Go's first hint), reserved or not.
    const heap = m.vmas.filter((v) => v.start >= heapStart && v.start < heapStart + 2 ** 40);
    if (heap.length > 0) this.zoomToAddresses(heap[0]!.start, heap.at(-1)!.end);
  }

  /** Zooms by factor about the point at fraction f of the shown stretch. */
  private zoomAbout(f: number, factor: number): void {
    const [a, b] = this.shown();
    const at = a + f * (b - a);
    const w = (b - a) * factor;
    this.setRange([at - f * w, at - f * w + w]);
  }

  private cellAtPixel(x: number, y: number): number | null {
    const row = Math.floor(y / rowHeight);
    if (row < 0 || row >= mapRows || x < 0 || x >= this.width) return null;
    return row * this.width + Math.floor(x);
  }

  /** The address under a pixel of the canvas (CSS pixels), or null. */
  addressAtPixel(x: number, y: number): number | null {
    const cell = this.cellAtPixel(x, y);
    if (cell === null || this.map === null) return null;
    const [a, b] = this.shown();
    const per = (b - a) / (this.width * mapRows);
    return Math.floor(addressOf(this.map, a + (cell + 0.5) * per));
  }

  /** The pixel (CSS, within the canvas) an address is drawn at, or null when it is not shown. */
  pixelOf(addr: number): { x: number; y: number } | null {
    if (this.map === null) return null;
    const o = offsetOf(this.map, addr);
    const [a, b] = this.shown();
    if (o < a || o >= b) return null;
    const cell = Math.floor((o - a) / ((b - a) / (this.width * mapRows)));
    return { x: (cell % this.width) + 0.5, y: Math.floor(cell / this.width) * rowHeight + pageStrip / 2 };
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      if (!this.view.signal.aborted) this.render();
    });
  }

  render(): void {
    this.current();
    const css = Math.max(200, Math.floor((this.canvas.parentElement?.clientWidth ?? 800) - 2));
    const dpr = 1; // one canvas pixel per cell: the raster is the data, not a picture to be smoothed
    this.width = css;
    this.canvas.width = css * dpr;
    this.canvas.height = mapRows * rowHeight * dpr;
    this.canvas.style.width = `${css}px`;
    this.canvas.style.height = `${mapRows * rowHeight}px`;
    const ctx = this.canvas.getContext('2d')!;
    const img = ctx.createImageData(this.canvas.width, this.canvas.height);
    img.data.fill(255);
    const m = this.map;
    if (m === null) {
      ctx.putImageData(img, 0, 0);
      this.caption.textContent = 'no snapshot yet';
      return;
    }
    const [a, b] = this.shown();
    const cells = css * mapRows;
    const per = (b - a) / cells;
    const K = pageKinds.length;
    const pageBytes = new Float64Array(cells * K);
    const spanBest = new Float64Array(cells);
    const spanRgb = new Uint8Array(cells * 3);
    const spanHas = new Uint8Array(cells);
    /** Adds [from, to) of the axis to the cells it covers. */
    const cover = (from: number, to: number, f: (cell: number, bytes: number) => void): void => {
      const lo = Math.max(from, a);
      const hi = Math.min(to, b);
      if (hi <= lo) return;
      const c0 = Math.floor((lo - a) / per);
      const c1 = Math.min(cells - 1, Math.floor((hi - a) / per));
      for (let c = c0; c <= c1; c++) {
        const x0 = Math.max(lo, a + c * per);
        const x1 = Math.min(hi, a + (c + 1) * per);
        if (x1 > x0) f(c, x1 - x0);
      }
    };
    forEachPageStretch(m, (from, to, kind) => {
      const k = pageKinds.indexOf(kind);
      cover(from, to, (c, n) => (pageBytes[c * K + k]! += n));
    });
    /** Cells where a slot of a small-object span starts, when slots are at least minSlotCells wide: drawn darker. */
    const slotStart = new Uint8Array(cells);
    for (const s of m.spans) {
      const o = offsetOf(m, s.base);
      if (o < 0) continue;
      const rgb = spanColor(s.use, s.spanclass, s.npages, s.objects);
      cover(o, o + s.npages * 8192, (c, n) => {
        // The span covering most of the cell gives it its colour.
        if (n > spanBest[c]!) {
          spanBest[c] = n;
          spanRgb.set(rgb, c * 3);
          spanHas[c] = 1;
        }
      });
      const size = s.use === 'heap' && s.spanclass >> 1 !== 0 ? class_to_size[s.spanclass >> 1]! : 0;
      if (size >= minSlotCells * per && o + s.npages * 8192 > a && o < b) {
        const n = spanSlots(s.npages, s.spanclass);
        for (let k = Math.max(0, Math.floor((a - o) / size)); k < n; k++) {
          const x = o + k * size;
          if (x >= b) break;
          if (x >= a) slotStart[Math.floor((x - a) / per)] = 1;
        }
      }
    }
    const W = this.canvas.width;
    const d = img.data;
    const put = (x: number, y: number, rgb: ArrayLike<number>): void => {
      const i = (y * W + x) * 4;
      d[i] = rgb[0]!;
      d[i + 1] = rgb[1]!;
      d[i + 2] = rgb[2]!;
      d[i + 3] = 255;
    };
    for (let c = 0; c < cells; c++) {
      const x = c % css;
      const y0 = Math.floor(c / css) * rowHeight;
      let best = -1;
      let bestN = 0;
      for (let k = 0; k < K; k++) {
        const n = pageBytes[c * K + k]!;
        if (n > bestN) {
          bestN = n;
          best = k;
        }
      }
      if (best >= 0) for (let y = 0; y < pageStrip; y++) put(x, y0 + y, pageColors[pageKinds[best]!]);
      if (spanHas[c] === 1) {
        const rgb = slotStart[c] === 1 ? Array.from(spanRgb.subarray(c * 3, c * 3 + 3), (v) => Math.round(v * 0.45)) : spanRgb.subarray(c * 3, c * 3 + 3);
        for (let y = pageStrip; y < pageStrip + spanStrip; y++) put(x, y0 + y, rgb);
      }
    }
    ctx.putImageData(img, 0, 0);
    this.caption.textContent = `pages as of the snapshot at ${time(m.snapshot.t)}, spans at the cursor · showing ${bytes(b - a)} of ${bytes(m.total)} (VmSize), ${bytes(Math.round(per))} a pixel · 0x${addressOf(m, a).toString(16)} … 0x${addressOf(m, Math.max(a, b - 1)).toString(16)}`;
  }
}
