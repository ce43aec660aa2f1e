// mallocinit (malloc.go): the heap's start-up. In Go's order, each step's
// OS calls land in the strace log as they do for a real Go program:
//   1. mheap.init → pageAlloc.init: the address-range list (the first
//      persistentalloc chunk, 256 KiB), the summary reservations and the
//      scavenge index reservation (all PROT_NONE);
//   2. mcache0 = allocmcache();
//   3. the 128 arena hints (0x00c000000000 upward), from OtherSys;
//   4. memoryLimit = MaxInt64.
// No arena is reserved yet: that happens at the first heap growth.

import { allocmcache } from './mcache.ts';
import { initHeapBits } from './mbitmap.ts';
import { MHeap } from './mheap.ts';
import { allocScavenge } from './mgcscavenge_bg.ts';
import type { Runtime } from './runtime.ts';

export function mallocinit(rt: Runtime): void {
  rt.mheap = new MHeap({
    sys: rt.sys,
    memstats: rt.memstats,
    gcController: rt.gcController,
    persistent: rt.persistent,
    currentP: () => rt.curP,
    get sweeper() {
      return rt.collector?.centralSweeper ?? null;
    },
    deductSweepCredit: (b, p) => rt.deductSweepCredit(b, p),
    reclaim: (n) => rt.reclaim(n),
    isSweepDone: () => rt.isSweepDone(),
    initHeapBits: (s) => initHeapBits(rt.sys, s),
    allocScavenge: (n, force) => allocScavenge(rt, n, force),
    scavenge: rt.scavenge,
    events: rt.events,
    clock: rt.clock,
  });
  rt.mcache0 = allocmcache(rt);
  rt.mheap.allocArenaHintRecords();
  rt.gcController.setMemoryLimit(2n ** 63n - 1n);
}
