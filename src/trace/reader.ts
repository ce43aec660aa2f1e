// Decodes a gomem trace (uncompressed bytes; the file on disk is gzipped)
// into records, in order. Shared by the test suite's replay, the browser
// view and any later tool: none of them reads the model's internals.

import {
  ByteReader,
  R,
  TraceFormatError,
  gcDoneFields,
  gcPhases,
  gcStartKinds,
  markWorkers,
  outputStreams,
  pageStates,
  scavengeWhos,
  spanUses,
  traceMagic,
  traceVersion,
  hugeFlag,
  runtimePageSize,
  osPageSize,
} from './format.ts';
import type { GCDoneEvent } from '../runtime/traceevent.ts';

export interface TraceHeader {
  format: 'gomem-trace';
  version: number;
  program: { name: string; description?: string; source?: { path: string; text: string }; scenario?: string };
  settings: Record<string, unknown>;
  pid: number;
  /** GOMAXPROCS of the run (absent in traces written before it was added). */
  gomaxprocs?: number;
  bootTime: number;
  pageSize: number;
  runtimePageSize: number;
}

export interface SnapshotSpan {
  base: number;
  npages: number;
  spanclass: number;
  use: (typeof spanUses)[number];
  allocCount: number;
}

export interface SnapshotRun {
  /** First byte of the run. */
  addr: number;
  pages: number;
  state: (typeof pageStates)[number];
  huge: boolean;
}

export interface SnapshotMapping {
  start: number;
  end: number;
  flags: number;
  name: string;
  runs: SnapshotRun[];
}

export type TraceRecord =
  | { kind: 'mm'; t: number; cause: string; addr: number; n: number; anon: number; file: number; shmem: number; vm: number; charge: number }
  | { kind: 'syscall'; t: number; name: string; args: number[]; ret: number; path?: string }
  | { kind: 'gcStart'; t: number; cycle: number; why: (typeof gcStartKinds)[number]; heapLive: number; trigger: number; goal: number }
  | { kind: 'gcPhase'; t: number; cycle: number; phase: (typeof gcPhases)[number] }
  | { kind: 'gcMark'; t: number; cycle: number; p: number; who: (typeof markWorkers)[number]; ns: number; work: number; grey: number; marked: number }
  | ({ kind: 'gcDone' } & GCDoneEvent)
  | { kind: 'spanAlloc' | 'spanFree'; t: number; base: number; npages: number; spanclass: number; use: (typeof spanUses)[number]; scav: number }
  | { kind: 'scavenge'; t: number; addr: number; bytes: number; who: (typeof scavengeWhos)[number] }
  | { kind: 'heapGrow'; t: number; base: number; bytes: number }
  /** The GC CPU limiter switched on or off (seen at t); totalNs: its time on in all, up to t. */
  | { kind: 'gcLimiter'; t: number; on: boolean; totalNs: number }
  | {
      kind: 'allocs';
      t: number;
      /** Per size class with a change: [class, allocations, frees]. */
      classes: [number, number, number][];
      largeCount: number;
      large: number;
      largeFreeCount: number;
      largeFree: number;
      tiny: number;
    }
  | { kind: 'checkpoint'; t: number; name: string; json: string }
  | { kind: 'snapshot'; t: number; state: Record<string, unknown>; spans: SnapshotSpan[]; mappings: SnapshotMapping[] }
  | { kind: 'output'; t: number; stream: (typeof outputStreams)[number]; text: string }
  | { kind: 'exit'; t: number; status: number; outcome: string };

export interface Trace {
  header: TraceHeader;
  records: TraceRecord[];
}

function pick<T>(table: readonly T[], i: number, what: string): T {
  const v = table[i];
  if (v === undefined) throw new TraceFormatError(`unknown ${what} ${i}`);
  return v;
}

/** Decodes a whole trace. Throws TraceFormatError on bytes that are not one. */
export function decodeTrace(bytes: Uint8Array): Trace {
  const d = new TraceDecoder();
  const records = d.push(bytes);
  return { header: d.header!, records };
}

/**
 * Decodes a trace piece by piece, as a run's TraceWriter.drain() hands it
 * out (whole records; the first piece starts with the magic and the
 * header), so that a reader following a long run holds only the records of
 * the piece it is reading. The pieces' records, concatenated, are
 * decodeTrace's of the whole.
 */
export class TraceDecoder {
  header: TraceHeader | null = null;
  private readonly strings: string[] = [''];
  private t = 0;
  private spanPage = 0;

  /** The records of the next piece. Throws TraceFormatError on bytes that are not a trace's. */
  push(bytes: Uint8Array): TraceRecord[] {
    const r = new ByteReader(bytes);
    if (this.header === null) {
      for (const ch of traceMagic) if (r.byte() !== ch.charCodeAt(0)) throw new TraceFormatError('not a gomem trace (bad magic)');
      const version = r.u();
      if (version !== traceVersion) throw new TraceFormatError(`trace format version ${version}; this gomem reads version ${traceVersion}`);
      if (r.byte() !== R.header) throw new TraceFormatError('no header record');
      this.header = JSON.parse(r.text()) as TraceHeader;
    }
    const strings = this.strings;
    const str = (): string => {
      const id = r.u();
      const s = strings[id];
      if (s === undefined) throw new TraceFormatError(`undefined string ${id}`);
      return s;
    };
    const records: TraceRecord[] = [];
    let t = this.t;
    let spanPage = this.spanPage;
    while (!r.done) {
      const kind = r.byte();
      if (kind === R.string) {
        strings.push(r.text());
        continue;
      }
      t += r.s();
      switch (kind) {
        case R.mm:
          records.push({ kind: 'mm', t, cause: str(), addr: r.u(), n: r.u(), anon: r.s(), file: r.s(), shmem: r.s(), vm: r.s(), charge: r.s() });
          break;
        case R.syscall: {
          const name = str();
          const n = r.u();
          const args: number[] = [];
          for (let i = 0; i < n; i++) args.push(r.s());
          const ret = r.s();
          const path = r.text();
          records.push({ kind: 'syscall', t, name, args, ret, ...(path !== '' ? { path } : {}) });
          break;
        }
        case R.gcStart:
          records.push({ kind: 'gcStart', t, cycle: r.u(), why: pick(gcStartKinds, r.u(), 'GC trigger'), heapLive: r.u(), trigger: r.u(), goal: r.u() });
          break;
        case R.gcPhase:
          records.push({ kind: 'gcPhase', t, cycle: r.u(), phase: pick(gcPhases, r.u(), 'GC phase') });
          break;
        case R.gcMark:
          records.push({ kind: 'gcMark', t, cycle: r.u(), p: r.u() - 1, who: pick(markWorkers, r.u(), 'mark worker'), ns: r.u(), work: r.u(), grey: r.u(), marked: r.u() });
          break;
        case R.gcDone: {
          const rec: Record<string, number | string> = { kind: 'gcDone', t };
          for (const f of gcDoneFields) rec[f] = r.u();
          records.push(rec as TraceRecord);
          break;
        }
        case R.spanAlloc:
        case R.spanFree: {
          spanPage += r.s();
          const npages = r.u();
          const spanclass = r.u();
          const use = pick(spanUses, r.u(), 'span use');
          const scav = kind === R.spanAlloc ? r.u() * runtimePageSize : 0;
          records.push({ kind: kind === R.spanAlloc ? 'spanAlloc' : 'spanFree', t, base: spanPage * runtimePageSize, npages, spanclass, use, scav });
          break;
        }
        case R.scavenge:
          records.push({ kind: 'scavenge', t, addr: r.u() * runtimePageSize, bytes: r.u() * runtimePageSize, who: pick(scavengeWhos, r.u(), 'scavenger caller') });
          break;
        case R.heapGrow:
          records.push({ kind: 'heapGrow', t, base: r.u() * runtimePageSize, bytes: r.u() * runtimePageSize });
          break;
        case R.gcLimiter:
          records.push({ kind: 'gcLimiter', t, on: r.u() !== 0, totalNs: r.u() });
          break;
        case R.allocs: {
          const n = r.u();
          const classes: [number, number, number][] = [];
          for (let i = 0; i < n; i++) classes.push([r.u(), r.u(), r.u()]);
          records.push({ kind: 'allocs', t, classes, largeCount: r.u(), large: r.u(), largeFreeCount: r.u(), largeFree: r.u(), tiny: r.u() });
          break;
        }
        case R.checkpoint:
          records.push({ kind: 'checkpoint', t, name: str(), json: r.text() });
          break;
        case R.snapshot:
          records.push(readSnapshot(r, t, strings));
          break;
        case R.output:
          records.push({ kind: 'output', t, stream: pick(outputStreams, r.u(), 'output stream'), text: r.text() });
          break;
        case R.exit:
          records.push({ kind: 'exit', t, status: r.u(), outcome: str() });
          break;
        default:
          throw new TraceFormatError(`unknown record kind ${kind} at byte ${r.pos - 1}`);
      }
    }
    this.t = t;
    this.spanPage = spanPage;
    return records;
  }
}

/**
 * A snapshot record, decoded as it is read: its state JSON, spans and
 * mappings (tens of thousands of entries in a large heap, a few hundred
 * snapshots in a long run) only when asked for, so decoding a trace costs
 * a pass over the bytes; a viewer reads the few snapshots it jumps to.
 */
class SnapshotRecord {
  readonly kind = 'snapshot' as const;
  private stateCache: Record<string, unknown> | null = null;
  private spansCache: SnapshotSpan[] | null = null;
  private mappingsCache: SnapshotMapping[] | null = null;

  constructor(
    readonly t: number,
    private readonly r: ByteReader,
    private readonly stateAt: number,
    private readonly spansAt: number,
    private readonly mappingsAt: number,
    private readonly strings: readonly string[],
  ) {}

  get state(): Record<string, unknown> {
    return (this.stateCache ??= JSON.parse(this.r.at(this.stateAt).text()) as Record<string, unknown>);
  }

  get spans(): SnapshotSpan[] {
    if (this.spansCache !== null) return this.spansCache;
    const r = this.r.at(this.spansAt);
    const spans: SnapshotSpan[] = [];
    let page = 0;
    for (let n = r.u(); n > 0; n--) {
      page += r.u();
      spans.push({ base: page * runtimePageSize, npages: r.u(), spanclass: r.u(), use: pick(spanUses, r.u(), 'span use'), allocCount: r.u() });
    }
    return (this.spansCache = spans);
  }

  get mappings(): SnapshotMapping[] {
    if (this.mappingsCache !== null) return this.mappingsCache;
    const r = this.r.at(this.mappingsAt);
    const mappings: SnapshotMapping[] = [];
    for (let n = r.u(); n > 0; n--) {
      const startPage = r.u();
      const pages = r.u();
      const flags = r.u();
      const name = this.strings[r.u()] ?? '';
      const runs: SnapshotRun[] = [];
      let cursor = startPage;
      for (let k = r.u(); k > 0; k--) {
        const at = cursor + r.u();
        const len = r.u();
        const st = r.u();
        runs.push({ addr: at * osPageSize, pages: len, state: pick(pageStates, st % hugeFlag, 'page state'), huge: st >= hugeFlag });
        cursor = at + len;
      }
      mappings.push({ start: startPage * osPageSize, end: (startPage + pages) * osPageSize, flags, name, runs });
    }
    return (this.mappingsCache = mappings);
  }
}

/** Steps over a snapshot's body, noting where its parts start. */
function readSnapshot(r: ByteReader, t: number, strings: readonly string[]): TraceRecord {
  const stateAt = r.pos;
  const len = r.u();
  r.pos += len; // the state's text, read when asked for
  if (r.pos > r.length) throw new TraceFormatError('record cut short');
  const spansAt = r.pos;
  r.skip(r.u() * 5);
  const mappingsAt = r.pos;
  for (let n = r.u(); n > 0; n--) {
    r.skip(4);
    r.skip(r.u() * 3);
  }
  return new SnapshotRecord(t, r, stateAt, spansAt, mappingsAt, strings);
}
