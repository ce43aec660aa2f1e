// The per-object half of go.allocN's runs (api.ts): for each object of a
// run that smallRunPlan (runtime/malloc.ts) allowed, the work of its
// mallocgc call that is coupled to the clock or to the cache model — the
// cost charge, the zeroing's page touches, the cache model's touch of the
// slot, a malloc header's store — and allocate-black during a cycle (the
// store's write barrier reads the mark), then the program's store of the
// new pointer through the write barrier, in the order the one-at-a-time
// calls make them. Everything else (the slot's bookkeeping) is applied once
// per run by smallRunCommit.

import { writePointer } from '../runtime/mbarrier.ts';
import type { SlotMem } from '../runtime/memory.ts';
import type { MSpan } from '../runtime/mspan.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { GoProcess } from './process.ts';

/** What the run's stores go to: nothing, consecutive pointer elements (of a slice or an array) from dstAddr on, or one variable at dstAddr. */
export const RunDst = { None: 0, Slice: 1, Sink: 2 } as const;
export type RunDst = (typeof RunDst)[keyof typeof RunDst];

/**
 * How takeRun's run ended: `split` when between an object's allocation and
 * its store into the elements (go.set's safe point acts first). If it threw
 * (the OOM killer, at a page fault), `made` objects were made whole and,
 * with `partial`, the next one had taken its slot when the fault came.
 */
export const runEnd = { split: false, made: 0, partial: false };

/**
 * Does the clock-coupled work of up to k objects of slot size e from slot
 * `first` of span s, stopping before an object whose safe point would act
 * (the clock at or past `deadline`). Returns how many objects it made.
 * mallocNs is mallocChargeNs's charge for each object (−1: none); typeAddr
 * the type's address for a malloc header's word (0: the objects have none).
 */
export function takeRun(
  p: GoProcess,
  s: MSpan,
  first: number,
  k: number,
  e: number,
  mallocNs: number,
  typeAddr: number,
  deadline: number,
  dst: RunDst,
  dstAddr: number,
): number {
  const rt: Runtime = p.rt;
  const clock = p.clock;
  const charger = p.charger;
  const cache = e <= 512 ? rt.curPCache() : null;
  const missNs = p.costs.lineMiss();
  const zero = s.needzero !== 0;
  const off = typeAddr !== 0 ? 8 : 0;
  const base = s.startAddr;
  const mem = rt.mem;
  const marking = rt.gcphase !== 0;
  runEnd.split = false;
  runEnd.made = 0;
  runEnd.partial = false;
  let bytesOf: ArrayBufferLike | null = null;
  let bytes: Uint8Array | null = null;
  let m = 0;
  while (m < k) {
    if (m > 0 && clock.now >= deadline) break;
    const slot = base + (first + m) * e;
    if (mallocNs >= 0) charger.charge(mallocNs);
    runEnd.partial = true; // mallocgc has taken the slot: a fault from here on leaves it taken
    if (zero) {
      const sm = s.mem as SlotMem | null;
      if (sm !== null) {
        // SlotMem.clearSlot, with one byte view per run (a header store may grow the slots' buffer).
        if (sm.view.buffer !== bytesOf) {
          bytesOf = sm.view.buffer;
          bytes = new Uint8Array(bytesOf);
        }
        const at = (first + m) * sm.stride;
        bytes!.fill(0, at, at + sm.stride);
      }
      if (slot + e - base > s.touchedOff) {
        rt.sys.touch(slot, e);
        if (slot - base <= s.touchedOff) s.touchedOff = Math.ceil((slot + e - base) / 4096) * 4096;
      }
    }
    if (cache !== null) {
      const misses = cache.touchRange(slot, e);
      if (misses !== 0 && rt.costs !== null) charger.charge(misses * missNs);
    }
    if (off !== 0) mem.storeWord(slot, typeAddr);
    // Allocate-black here rather than with the rest of the bookkeeping: the store's write barrier shades the new object.
    if (marking) rt.gcmarknewobject(s, slot + off);
    m++;
    runEnd.made = m;
    runEnd.partial = false;
    if (dst === RunDst.Slice) {
      if (clock.now >= deadline) {
        runEnd.split = true;
        break;
      }
      writePointer(rt, dstAddr + (m - 1) * 8, slot + off);
    } else if (dst === RunDst.Sink) writePointer(rt, dstAddr, slot + off);
  }
  return m;
}

/**
 * What rt.chargeMalloc(dataSize, noscan) charges, worked out once for a whole
 * allocN: Runtime.costs is allocCharges over this process's cost model and
 * charger (process.ts), so charging this on p.charger is the same charge.
 * −1 when there is no cost model.
 */
export function mallocChargeNs(p: GoProcess, dataSize: number, noscan: boolean): number {
  return p.rt.costs !== null ? p.costs.malloc(dataSize, noscan) : -1;
}
