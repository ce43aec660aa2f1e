// The trace writer: an observer of one simulated process that records, in
// the format of format.ts (docs/trace-format.md), every change of RSS and VSZ
// with its cause, the memory syscalls, GC cycles and phases with their mark
// work, span allocation and freeing, scavenger releases, allocation counts
// in aggregated form, the program's output, the checkpoints, and full-state
// snapshots to rebuild any moment from. It subscribes to the kernel's and
// the runtime's event streams and reads state only; a traced run prints
// exactly what an untraced one prints.

import type { Process } from '../kernel/index.ts';
import type { FaultEvent, SyscallEvent } from '../kernel/events.ts';
import { numSizeClasses } from '../runtime/sizeclasses.ts';
import { GoProcess, type RunOptions, type RunResult } from '../go/process.ts';
import type { Program } from '../go/program.ts';
import type { GCDoneEvent, GCMarkEvent, GCPhaseEvent, GCStartEvent, ScavengeEvent, SpanEvent } from '../runtime/traceevent.ts';
import { ByteWriter, R, gcDoneFields, gcPhases, gcStartKinds, markWorkers, outputStreams, runtimePageSize, scavengeWhos, spanUses, traceMagic, traceVersion } from './format.ts';
import { type AllocCounters, allocCounters, snapshotState } from './snapshot.ts';

export interface TraceProgram {
  name: string;
  description?: string;
  /** The program's source, so that a viewer can run it again: a built-in scenario's module or the user's file. */
  source?: { path: string; text: string };
  /** A built-in scenario's name (gomem run NAME). */
  scenario?: string;
}

/** What the header carries besides the program: the settings the run was made with, as gomem run takes them. */
export interface TraceSettings {
  /** GOGC, GOMEMLIMIT, GOMAXPROCS, GODEBUG as the process saw them. */
  env: Record<string, string>;
  options: Record<string, string>;
  seed?: number;
  ncpu?: number;
  memTotal?: number;
  thp?: string;
  cgroupMemoryMax?: number;
  maxTimeNs?: number;
}

export interface TraceWriterOptions {
  /** Virtual ns between periodic snapshots (taken at the next GC sweep or span change once this much time has passed); default 1 s. */
  snapshotEveryNs?: number;
  /** Virtual ns over which allocation counts are aggregated into one record; default 10 ms. */
  allocsEveryNs?: number;
  /** Consecutive RSS changes of one cause within this many virtual ns become one record; default 1 ms. */
  mergeMmNs?: number;
}

/** A pending RSS/VSZ record, grown while changes of the same cause follow each other. */
interface PendingMm {
  cause: number;
  t: number;
  t0: number;
  addr: number;
  n: number;
  anon: number;
  file: number;
  shmem: number;
  vm: number;
  charge: number;
}

export class TraceWriter {
  private readonly w = new ByteWriter();
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private lastT = 0;
  private readonly strings = new Map<string, number>();
  private readonly proc: Process;
  // The counters as last recorded (pages).
  private anon: number;
  private file: number;
  private shmem: number;
  private vm: number;
  private charge: number;
  private pending: PendingMm | null = null;
  private lastSpanPage = 0;
  /** The use of each manual span (stacks, workbufs, GC bits) by base: mspan keeps no record of it. */
  private readonly manualUse = new Map<number, number>();
  private allocs: AllocCounters;
  private lastAllocsT = 0;
  private lastSnapshotT = -Infinity;
  private readonly snapshotEveryNs: number;
  private readonly allocsEveryNs: number;
  private readonly mergeMmNs: number;
  private readonly unsubscribe: (() => void)[] = [];
  private finished = false;
  /** The GC CPU limiter as last recorded: on or off, and its time on (ns) in all. */
  private limiterOn = false;
  private limiterNs = 0;

  constructor(
    private readonly p: GoProcess,
    program: TraceProgram,
    settings: TraceSettings,
    opts: TraceWriterOptions = {},
  ) {
    this.snapshotEveryNs = opts.snapshotEveryNs ?? 1e9;
    this.allocsEveryNs = opts.allocsEveryNs ?? 1e7;
    this.mergeMmNs = opts.mergeMmNs ?? 1e6;
    this.proc = p.proc;
    const mm = this.proc.mm;
    this.anon = mm.rssAnon;
    this.file = mm.rssFile;
    this.shmem = mm.rssShmem;
    this.vm = mm.totalVm;
    this.charge = this.proc.cgroup.usage;
    this.allocs = allocCounters(p.rt.memstats.heapStats);
    for (const ch of traceMagic) this.w.byte(ch.charCodeAt(0));
    this.w.u(traceVersion);
    this.w.byte(R.header);
    this.w.text(
      JSON.stringify({
        format: 'gomem-trace',
        version: traceVersion,
        program,
        settings,
        pid: this.proc.pid,
        gomaxprocs: p.gomaxprocs,
        bootTime: p.machine.bootTime,
        pageSize: 4096,
        runtimePageSize,
      }),
    );
    this.snapshot(p.clock.now);
    this.subscribe();
  }

  private subscribe(): void {
    const kev = this.p.machine.events;
    const pid = this.proc.pid;
    this.unsubscribe.push(
      kev.on('syscall', (e) => {
        if (e.pid === pid) this.syscall(e);
      }),
      kev.on('fault', (e) => {
        if (e.pid === pid) this.fault(e);
      }),
      kev.on('reclaim', (e) => this.mmChange('reclaim', e.t, 0)),
      kev.on('exit', (e) => {
        if (e.pid === pid) this.mmChange('exit', e.t, 0);
      }),
    );
    const rev = this.p.rt.events;
    this.unsubscribe.push(
      rev.on('gcStart', (e) => this.gcStart(e)),
      rev.on('gcPhase', (e) => this.gcPhase(e)),
      rev.on('gcMark', (e) => this.gcMark(e)),
      rev.on('gcDone', (e) => this.gcDone(e)),
      rev.on('spanAlloc', (e) => this.span(R.spanAlloc, e)),
      rev.on('spanFree', (e) => this.span(R.spanFree, e)),
      rev.on('scavenge', (e) => this.scavenge(e)),
      rev.on('heapGrow', (e) => {
        this.begin(R.heapGrow, e.t);
        this.w.u(e.base / runtimePageSize);
        this.w.u(e.bytes / runtimePageSize);
        this.end();
      }),
    );
  }

  // ── records ────────────────────────────────────────────────────────────

  /** Starts a timed record: pending RSS first (it happened before), a change of the GC CPU limiter, then kind and time delta. */
  private begin(kind: number, t: number): void {
    if (this.pending !== null) this.flushMm();
    if (this.p.gc.limiter.limiting() !== this.limiterOn) this.limiter(t);
    this.head(kind, t);
  }

  /**
   * The GC CPU limiter's state and its time on in all, as the limiter
   * counts it, at t. The runtime emits no event when it switches (it does
   * so at its updates), so the writer looks before every record it writes
   * and records a change there, and at the end of the trace.
   */
  private limiter(t: number): void {
    const l = this.p.gc.limiter;
    this.limiterOn = l.limiting();
    this.limiterNs = Math.round(l.limitingTime(t));
    this.head(R.gcLimiter, t);
    this.w.u(this.limiterOn ? 1 : 0);
    this.w.u(this.limiterNs);
    this.end();
  }

  private head(kind: number, t: number): void {
    const rt = Math.round(t);
    this.w.byte(kind);
    this.w.s(rt - this.lastT);
    this.lastT = rt;
  }

  /** The id of a string, defining it with a string record the first time. */
  private str(s: string): number {
    let id = this.strings.get(s);
    if (id === undefined) {
      id = this.strings.size + 1;
      this.strings.set(s, id);
      this.w.byte(R.string);
      this.w.text(s);
    }
    return id;
  }

  private end(): void {
    if (this.w.len >= 1 << 20) {
      const c = this.w.take();
      this.chunks.push(c);
      this.size += c.length;
    }
  }

  private syscall(e: SyscallEvent): void {
    const name = this.str(e.name);
    this.begin(R.syscall, e.t);
    this.w.u(name);
    this.w.u(e.args.length);
    for (const a of e.args) this.w.s(a);
    this.w.s(e.ret);
    if (e.path !== undefined) this.w.text(e.path);
    else this.w.u(0);
    this.end();
    this.mmChange(e.name, e.t, e.args[0] ?? 0);
  }

  private fault(e: FaultEvent): void {
    this.mmChange(`fault:${e.kind}`, e.t, e.addr);
  }

  /** Records the change of RSS, VSZ and the cgroup charge since the last record, if any, with its cause. */
  private mmChange(cause: string, t: number, addr: number): void {
    const mm = this.proc.mm;
    const anon = mm.rssAnon - this.anon;
    const file = mm.rssFile - this.file;
    const shmem = mm.rssShmem - this.shmem;
    const vm = mm.totalVm - this.vm;
    const charge = this.proc.cgroup.usage - this.charge;
    if (anon === 0 && file === 0 && shmem === 0 && vm === 0 && charge === 0) return;
    this.anon = mm.rssAnon;
    this.file = mm.rssFile;
    this.shmem = mm.rssShmem;
    this.vm = mm.totalVm;
    this.charge = this.proc.cgroup.usage;
    const id = this.str(cause);
    const p = this.pending;
    if (p !== null && p.cause === id && t - p.t0 < this.mergeMmNs) {
      p.t = t;
      p.n++;
      p.anon += anon;
      p.file += file;
      p.shmem += shmem;
      p.vm += vm;
      p.charge += charge;
      return;
    }
    if (p !== null) this.flushMm();
    this.pending = { cause: id, t, t0: t, addr, n: 1, anon, file, shmem, vm, charge };
  }

  private flushMm(): void {
    const p = this.pending!;
    this.pending = null;
    this.head(R.mm, p.t);
    this.w.u(p.cause);
    this.w.u(p.addr);
    this.w.u(p.n);
    this.w.s(p.anon);
    this.w.s(p.file);
    this.w.s(p.shmem);
    this.w.s(p.vm);
    this.w.s(p.charge);
    this.end();
  }

  private gcStart(e: GCStartEvent): void {
    this.flushAllocs(e.t);
    this.begin(R.gcStart, e.t);
    this.w.u(e.cycle);
    this.w.u(gcStartKinds.indexOf(e.kind));
    this.w.u(Math.round(e.heapLive));
    this.w.u(Math.round(e.trigger));
    this.w.u(Math.round(e.goal));
    this.end();
  }

  private gcPhase(e: GCPhaseEvent): void {
    this.begin(R.gcPhase, e.t);
    this.w.u(e.cycle);
    this.w.u(gcPhases.indexOf(e.phase));
    this.end();
    if (e.phase === 'sweep' || e.phase === 'sweepdone') this.maybeSnapshot(e.t);
  }

  private gcMark(e: GCMarkEvent): void {
    this.begin(R.gcMark, e.t);
    this.w.u(e.cycle);
    this.w.u(e.p + 1);
    this.w.u(markWorkers.indexOf(e.who));
    this.w.u(Math.round(e.ns));
    this.w.u(Math.round(e.work));
    this.w.u(e.grey);
    this.w.u(Math.round(e.marked));
    this.end();
  }

  private gcDone(e: GCDoneEvent): void {
    this.flushAllocs(e.t);
    this.begin(R.gcDone, e.t);
    for (const f of gcDoneFields) this.w.u(Math.round(e[f]));
    this.end();
  }

  private span(kind: number, e: SpanEvent): void {
    if (e.t - this.lastAllocsT >= this.allocsEveryNs) this.flushAllocs(e.t);
    const use = spanUses.indexOf(e.use);
    if (e.use !== 'heap') {
      if (kind === R.spanAlloc) this.manualUse.set(e.base, use);
      else this.manualUse.delete(e.base);
    }
    const page = e.base / runtimePageSize;
    this.begin(kind, e.t);
    this.w.s(page - this.lastSpanPage);
    this.lastSpanPage = page;
    this.w.u(e.npages);
    this.w.u(e.spanclass);
    this.w.u(use);
    if (kind === R.spanAlloc) this.w.u(e.scav / runtimePageSize);
    this.end();
    this.maybeSnapshot(e.t);
  }

  /** A periodic snapshot once snapshotEveryNs has passed: at GC phase changes, and at span changes so a run without GC cycles gets them too. */
  private maybeSnapshot(t: number): void {
    if (t - this.lastSnapshotT >= this.snapshotEveryNs) this.snapshot(t);
  }

  private scavenge(e: ScavengeEvent): void {
    this.begin(R.scavenge, e.t);
    this.w.u(e.addr / runtimePageSize);
    this.w.u(e.bytes / runtimePageSize);
    this.w.u(scavengeWhos.indexOf(e.who));
    this.end();
  }

  /** Allocation and free counts since the last allocs record, by size class (Go's consistent heap stats). */
  private flushAllocs(t: number): void {
    this.lastAllocsT = t;
    const now = allocCounters(this.p.rt.memstats.heapStats);
    const was = this.allocs;
    let classes = 0;
    for (let i = 0; i < numSizeClasses; i++) if (now.small[i] !== was.small[i] || now.smallFree[i] !== was.smallFree[i]) classes++;
    const scalars = now.large !== was.large || now.largeCount !== was.largeCount || now.largeFree !== was.largeFree || now.largeFreeCount !== was.largeFreeCount || now.tiny !== was.tiny;
    if (classes === 0 && !scalars) return;
    this.begin(R.allocs, t);
    this.w.u(classes);
    for (let i = 0; i < numSizeClasses; i++) {
      if (now.small[i] === was.small[i] && now.smallFree[i] === was.smallFree[i]) continue;
      this.w.u(i);
      this.w.u(now.small[i]! - was.small[i]!);
      this.w.u(now.smallFree[i]! - was.smallFree[i]!);
    }
    this.w.u(now.largeCount - was.largeCount);
    this.w.u(now.large - was.large);
    this.w.u(now.largeFreeCount - was.largeFreeCount);
    this.w.u(now.largeFree - was.largeFree);
    this.w.u(now.tiny - was.tiny);
    this.allocs = now;
    this.end();
  }

  /**
   * Books everything up to now — allocation counts, and any RSS change no
   * event explained — so that a record of the whole state that follows
   * agrees with the sum of the records before it. Returns the time.
   */
  private settle(t = this.p.clock.now): number {
    this.flushAllocs(t);
    this.mmChange('unattributed', t, 0);
    return t;
  }

  /** A full-state snapshot (snapshot.ts) at virtual time t. */
  private snapshot(t: number): void {
    this.settle(t);
    this.lastSnapshotT = t;
    const { json, spans, vmas } = snapshotState(this.p, this.manualUse);
    const names = vmas.map((v) => this.str(v.name)); // string records go before the snapshot, not inside it
    this.begin(R.snapshot, t);
    this.w.text(json);
    this.w.u(spans.length / 5);
    let prev = 0;
    for (let i = 0; i < spans.length; i += 5) {
      this.w.u(spans[i]! - prev);
      prev = spans[i]!;
      for (let k = 1; k < 5; k++) this.w.u(spans[i + k]!);
    }
    this.w.u(vmas.length);
    for (const [i, v] of vmas.entries()) {
      this.w.u(v.startPage);
      this.w.u(v.pages);
      this.w.u(v.flags);
      this.w.u(names[i]!);
      this.w.u(v.runs.length / 3);
      for (const x of v.runs) this.w.u(x);
    }
    this.end();
  }

  // ── what the CLI tells it ──────────────────────────────────────────────

  /** A line (or part) of the program's stdout or stderr. */
  output(stream: (typeof outputStreams)[number], text: string): void {
    if (this.finished) return;
    this.begin(R.output, this.p.clock.now);
    this.w.u(outputStreams.indexOf(stream));
    this.w.text(text);
    this.end();
  }

  /** A checkpoint: its CHECKPOINT JSON (read after ReadMemStats flushed the mcaches), then a snapshot. */
  checkpoint(name: string, json: string): void {
    const t = this.settle();
    const id = this.str(name);
    this.begin(R.checkpoint, t);
    this.w.u(id);
    this.w.text(json);
    this.end();
    this.snapshot(t);
  }

  /**
   * The bytes recorded since the last drain, whole records only (the first
   * drain starts with the magic and the header), for a reader that follows
   * the run as it goes (gomem serve). Call it between records (from an
   * event listener subscribed after the writer's, or a run's callbacks);
   * finish() then returns what came after the last drain. Draining does
   * not change what is recorded: the drained pieces and finish()'s rest,
   * concatenated, are the bytes an undrained run's finish() returns.
   */
  drain(): Uint8Array {
    const last = this.w.take();
    if (this.chunks.length === 0) return last;
    const out = new Uint8Array(this.size + last.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    out.set(last, at);
    this.chunks.length = 0;
    this.size = 0;
    return out;
  }

  /** Ends the trace: the last changes, how the run ended, and the file's bytes (uncompressed), less any drained before. */
  finish(status: number, outcome: string): Uint8Array {
    if (!this.finished) {
      const t = this.settle();
      const id = this.str(outcome);
      if (this.pending !== null) this.flushMm();
      // The limiter's time on up to the end, if it is on (or changed) still.
      if (this.p.gc.limiter.limiting() !== this.limiterOn || Math.round(this.p.gc.limiter.limitingTime(t)) !== this.limiterNs) this.limiter(t);
      this.begin(R.exit, t);
      this.w.u(status);
      this.w.u(id);
      this.finished = true;
      for (const u of this.unsubscribe) u();
    }
    return this.drain();
  }
}

/**
 * Runs `program` with a trace writer attached as `gomem run --trace`
 * attaches it: each piece of output and each checkpoint is recorded, then
 * handed to opts' own callback (output without one is dropped). Returns the
 * trace's bytes, uncompressed, and how the run ended. `header`: the program
 * as the header records it (default: its name only).
 */
export function runTraced(program: Program, opts: RunOptions = {}, settings?: TraceSettings, header?: TraceProgram): { raw: Uint8Array; result: RunResult } {
  let w: TraceWriter | null = null;
  const p = new GoProcess(program, {
    ...opts,
    stdout: (s) => {
      w?.output('stdout', s);
      opts.stdout?.(s);
    },
    stderr: (s) => {
      w?.output('stderr', s);
      opts.stderr?.(s);
    },
    onCheckpoint: (json, name, proc) => {
      w!.checkpoint(name, json);
      opts.onCheckpoint?.(json, name, proc);
    },
  });
  w = new TraceWriter(p, header ?? { name: program.name }, settings ?? { env: opts.env ?? {}, options: opts.options ?? {} });
  const result = p.run();
  return { raw: w.finish(result.status, result.outcome), result };
}
