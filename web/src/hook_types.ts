// The shape of window.__gomem, the page's test hook, without DOM types, so
// the Node-side browser tests (test/web) can import it under the root
// tsconfig.

export interface CursorInfo {
  /** The record the cursor is on (index into the trace's records), its kind and time on the axis, ns. */
  record: number;
  kind: string;
  t: number;
}

/** The allocator panel's figures, as allocator.ts computes them (repeated here without the page's imports). */
export interface AllocatorFigures {
  snapshot: { record: number; t: number };
  after: number;
  classes: { spanclass: number; sizeclass: number; size: number; noscan: boolean; spans: number; pages: number; full: number; partial: number; empty: number; objects: number; slots: number; since: number }[];
  stacks: { spans: number; pages: number };
  other: { spans: number; pages: number };
  caches: {
    p: { id: number; mcache: { spanclass: number; base: number; objects: number; slots: number }[]; pcache: { base: number; free: number } }[];
    mcentral: { spanclass: number; partialSwept: number; partialUnswept: number; fullSwept: number; fullUnswept: number }[];
  } | null;
}

export interface TourStepShown {
  id: string;
  step: number;
  steps: number;
  title: string;
  text: string;
}

export interface GomemHook {
  /** 'loading', 'ready', 'empty' (no trace given) or 'error'. */
  state: 'loading' | 'ready' | 'empty' | 'error';
  error?: string;
  /** Set once a trace is shown. */
  trace?: { program: string; records: number; end: number; settings: Record<string, unknown>; live?: 'running' | 'ended' };
  cursor(): CursorInfo;
  /** The cursor after every record at or before t (ns since exec). */
  setCursor(t: number): CursorInfo;
  /** The cursor on record i, exactly (several records can share an instant). */
  setCursorRecord(i: number): CursorInfo;
  /** Step to the next (1) or previous (-1) record of a kind (gcPhase, spanAlloc, scavenge, …); null when there is none. */
  step(kind: string, dir: 1 | -1): CursorInfo | null;
  /** What every chart plots: at the cursor, or at time t. Bytes for sizes (VmRSS too), ms for GC CPU. */
  values(t?: number): Record<string, Record<string, number | null>>;
  /** The text panels as shown. */
  panels(): { cursor: string; memstats: string; allocator: string; smaps: string; checkpoint: string; output: string; ps: string; explain: string };
  /** Runs the program again for the ps and explain panels (as their button does) and resolves when it has; state 'done' or why not. */
  cliTexts(): Promise<{ state: string; error?: string }>;
  /** smaps's entries at the last snapshot (web/src/smaps.ts's SmapsRow), [vsyscall] last; null before the first snapshot. */
  smaps(): { range: string; perms: string; name: string; size_kB: number; rss_kB: number; anon_kB: number; lazyfree_kB: number; anonhuge_kB: number; thp: string }[] | null;
  /** The allocator panel's figures at the cursor (web/src/allocator.ts's AllocatorState); null before the heap exists. */
  allocator(): AllocatorFigures | null;
  /** The address-space map at the cursor: the snapshot its pages come from, VmSize, bytes of each page state and of spans by use, the shown stretch of its axis. */
  addressMap(): {
    snapshot: { record: number; t: number };
    total: number;
    mappings: number;
    pages: Record<string, number>;
    spans: { heap: number; stack: number; other: number };
    range: [number, number];
    width: number;
    rows: number;
  } | null;
  /** What the map's hover line says of an address. */
  describeAddress(addr: number): string | null;
  /** Zooms the map to addresses [lo, hi) (null, null: the whole address space); returns the shown stretch of its axis. */
  mapZoom(lo: number | null, hi: number | null): [number, number];
  /** Where on the map's canvas (CSS pixels) an address is drawn, or null when it is not shown. */
  mapPixel(addr: number): { x: number; y: number } | null;
  /** The tours this trace gives: id, title, step titles. */
  tours(): { id: string; title: string; steps: string[] }[];
  /** Goes to step i of a tour, as its buttons do; null when there is no such step. */
  tourGo(id: string, i: number): TourStepShown | null;
  /** The tour step shown, or null. */
  tour(): TourStepShown | null;
  /** The trace's checkpoints: name, time, record. */
  checkpoints(): { name: string; t: number; record: number }[];
  /** Times of records of a kind, e.g. gcPhase. */
  times(kind: string): number[];
  range(): [number, number];
  setRange(t0: number, t1: number): [number, number];
  /**
   * The GC bands each chart drew last (by chart id): each band's run (the
   * trace's or the what-if run's), cycle, phase and times (ns), and where it
   * was drawn (CSS pixels from the plot's left and top edges), with the
   * time range of the plot, and its place (left, top) and size on the
   * chart's canvas (CSS pixels).
   */
  bands(): Record<string, { min: number; max: number; left: number; top: number; width: number; height: number; bands: { run: 'trace' | 'what-if'; cycle: number; phase: string; from: number; to: number; x0: number; x1: number; y0: number; y1: number }[] }>;
  /** Chart ids and their series labels, as drawn. */
  charts(): Record<string, string[]>;
  /** The what-if run (the sliders): its state, the knobs, the gomem run flags they amount to, and once done the new run's length and checkpoints. */
  whatIf(): {
    state: 'none' | 'running' | 'done' | 'error' | 'unavailable';
    flags: string[];
    knobs: { gogc: string; memlimit: string; gomaxprocs: string; cgroupMemoryMax: number | null; madvdontneed: '0' | '1' };
    error?: string;
    outcome?: string;
    run?: { records: number; end: number; cycles: number; checkpoints: { name: string; t: number; record: number }[] };
  };
  /** What the what-if run's dashed series plot (as values() for the original), at time t of its own run or at its record rec; null when there is no what-if run. */
  whatIfValues(at: { t: number } | { record: number }): Record<string, Record<string, number | null>> | null;
}
