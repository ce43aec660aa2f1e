// Replays a decoded trace: starts from its first snapshot and applies each
// record's change, so that the state at any record — RSS and VSZ, the spans
// in use, the allocation counts, the GC cycle — comes from the trace alone.
// The browser view rebuilds its panels this way; the test suite checks the
// result against the checkpoints the run printed.

import { class_to_size, numSizeClasses } from '../runtime/sizeclasses.ts';
import { osPageSize, runtimePageSize } from './format.ts';
import type { SnapshotSpan, TraceRecord } from './reader.ts';

interface SnapshotAllocs {
  small: number[];
  smallFree: number[];
  large: number;
  largeCount: number;
  largeFree: number;
  largeFreeCount: number;
  tiny: number;
}

interface SnapshotMm {
  anon: number;
  file: number;
  shmem: number;
  vm: number;
}

export class TraceReplay {
  anon = 0;
  file = 0;
  shmem = 0;
  vm = 0;
  /** The process's cgroup charge (memory.current), pages. */
  charge = 0;
  /** Spans in use by base address. */
  readonly spans = new Map<number, Pick<SnapshotSpan, 'npages' | 'spanclass' | 'use'>>();
  /** Bytes of the spans in use, by use: kept as spans come and go, so memStats() costs the same however many there are. */
  private heapSpanBytes = 0;
  private stackSpanBytes = 0;
  private otherSpanBytes = 0;
  readonly small = new Float64Array(numSizeClasses);
  readonly smallFree = new Float64Array(numSizeClasses);
  /** Small objects' totals over all classes (count, bytes), kept with the per-class counts. */
  private smallCount = 0;
  private smallBytes = 0;
  private smallFreeCount = 0;
  private smallFreeBytes = 0;
  large = 0;
  largeCount = 0;
  largeFree = 0;
  largeFreeCount = 0;
  tiny = 0;
  numgc = 0;
  /** Bytes the heap has mapped (grown), and of them released to the OS (scavenged, or never used). */
  heapMapped = 0;
  heapReleased = 0;
  t = 0;
  private started = false;

  apply(rec: TraceRecord): void {
    this.t = rec.t;
    switch (rec.kind) {
      case 'snapshot':
        if (!this.started) this.reset(rec);
        break;
      case 'mm':
        this.anon += rec.anon;
        this.file += rec.file;
        this.shmem += rec.shmem;
        this.vm += rec.vm;
        this.charge += rec.charge;
        break;
      case 'spanAlloc':
        this.addSpan(rec.base, rec);
        this.heapReleased -= rec.scav;
        break;
      case 'heapGrow':
        this.heapMapped += rec.bytes;
        this.heapReleased += rec.bytes;
        break;
      case 'scavenge':
        this.heapReleased += rec.bytes;
        break;
      case 'spanFree': {
        const s = this.spans.get(rec.base);
        if (s !== undefined) {
          this.spans.delete(rec.base);
          this.countSpan(s, -1);
        }
        break;
      }
      case 'allocs':
        for (const [c, a, f] of rec.classes) {
          this.small[c]! += a;
          this.smallFree[c]! += f;
          this.smallCount += a;
          this.smallBytes += a * class_to_size[c]!;
          this.smallFreeCount += f;
          this.smallFreeBytes += f * class_to_size[c]!;
        }
        this.largeCount += rec.largeCount;
        this.large += rec.large;
        this.largeFreeCount += rec.largeFreeCount;
        this.largeFree += rec.largeFree;
        this.tiny += rec.tiny;
        break;
      case 'gcDone':
        this.numgc++;
        break;
    }
  }

  private addSpan(base: number, s: Pick<SnapshotSpan, 'npages' | 'spanclass' | 'use'>): void {
    const span = { npages: s.npages, spanclass: s.spanclass, use: s.use };
    this.spans.set(base, span);
    this.countSpan(span, 1);
  }

  private countSpan(s: Pick<SnapshotSpan, 'npages' | 'use'>, sign: 1 | -1): void {
    const bytes = sign * s.npages * runtimePageSize;
    if (s.use === 'heap') this.heapSpanBytes += bytes;
    else if (s.use === 'stack') this.stackSpanBytes += bytes;
    else this.otherSpanBytes += bytes;
  }

  /** The starting state: the trace's first snapshot. */
  private reset(rec: Extract<TraceRecord, { kind: 'snapshot' }>): void {
    this.started = true;
    const mm = rec.state.mm as SnapshotMm;
    this.anon = mm.anon;
    this.file = mm.file;
    this.shmem = mm.shmem;
    this.vm = mm.vm;
    this.charge = (rec.state.cgroup as { usage: number }).usage;
    for (const s of rec.spans) this.addSpan(s.base, s);
    const a = rec.state.allocs as SnapshotAllocs;
    this.small.set(a.small);
    this.smallFree.set(a.smallFree);
    for (let i = 0; i < numSizeClasses; i++) {
      this.smallCount += this.small[i]!;
      this.smallBytes += this.small[i]! * class_to_size[i]!;
      this.smallFreeCount += this.smallFree[i]!;
      this.smallFreeBytes += this.smallFree[i]! * class_to_size[i]!;
    }
    this.large = a.large;
    this.largeCount = a.largeCount;
    this.largeFree = a.largeFree;
    this.largeFreeCount = a.largeFreeCount;
    this.tiny = a.tiny;
    // null in a snapshot taken before the runtime had a heap (a trace's first, at exec).
    const gc = (rec.state.gc as { numgc: number; heapInUse: number; heapFree: number; heapReleased: number } | null) ?? { numgc: 0, heapInUse: 0, heapFree: 0, heapReleased: 0 };
    this.numgc = gc.numgc;
    this.heapReleased = gc.heapReleased;
    // Stacks, workbufs and GC bits come out of the heap's pages too, but MemStats counts them elsewhere.
    let manual = 0;
    for (const s of rec.spans) if (s.use !== 'heap') manual += s.npages * runtimePageSize;
    this.heapMapped = gc.heapInUse + gc.heapFree + gc.heapReleased + manual;
  }

  /** /proc/PID/status's memory lines, kB. */
  status(): { VmRSS: number; VmSize: number; RssAnon: number; RssFile: number; RssShmem: number } {
    const kb = osPageSize / 1024;
    return { VmRSS: (this.anon + this.file + this.shmem) * kb, VmSize: this.vm * kb, RssAnon: this.anon * kb, RssFile: this.file * kb, RssShmem: this.shmem * kb };
  }

  /** The MemStats fields the trace determines: the span and allocation figures, and NumGC. */
  memStats(): {
    HeapSys: number;
    HeapIdle: number;
    HeapInuse: number;
    HeapReleased: number;
    StackInuse: number;
    Mallocs: number;
    Frees: number;
    TotalAlloc: number;
    HeapAlloc: number;
    HeapObjects: number;
    NumGC: number;
  } {
    const heap = this.heapSpanBytes;
    const stack = this.stackSpanBytes;
    const heapSys = this.heapMapped - stack - this.otherSpanBytes;
    const total = this.large + this.smallBytes;
    const freed = this.largeFree + this.smallFreeBytes;
    const mallocs = this.largeCount + this.tiny + this.smallCount;
    const frees = this.largeFreeCount + this.tiny + this.smallFreeCount;
    return { HeapSys: heapSys, HeapIdle: heapSys - heap, HeapInuse: heap, HeapReleased: this.heapReleased, StackInuse: stack, Mallocs: mallocs, Frees: frees, TotalAlloc: total, HeapAlloc: total - freed, HeapObjects: mallocs - frees, NumGC: this.numgc };
  }
}
