// acquireSudog and releaseSudog (proc.go): the sudogs goroutines wait in,
// and where the collector finds them. A P keeps free sudogs in
// pp.sudogcache, a slice over the p struct's own sudogbuf [128]*sudog, so
// they stay live through allp; past 128 it moves half of them to the
// central list sched.sudogcache (linked through sudog.next), and an empty
// P takes up to 64 back from there before it allocates. clearpools drops
// the central list at the start of every cycle, so sudogs left there are
// freed by that cycle. A goroutine waiting on a channel holds its sudog in
// g.waiting. Every pointer lives in simulated memory; the JS side keeps
// only each P's slice length.

import { writePointer } from './mbarrier.ts';
import { mallocgc } from './malloc.ts';
import { sudogType } from './rtypes.ts';
import type { Runtime } from './runtime.ts';
import type { G, P } from './runtime2.ts';

/** Offsets (linux/amd64, Go 1.23.5, from DWARF). */
export const pSudogbuf0 = 2496;
const sudogbufLen = 128;
const schedSudogcache = 200;
const sudogNext = 8;
const gWaiting = 320;

/** The word of sched.sudogcache (0 without a globals image: no central list then). */
function centralHead(rt: Runtime): number {
  return rt.rootWord === null ? 0 : rt.rootWord('runtime.sched', schedSudogcache);
}

function slot(p: P, i: number): number {
  return p.addr + pSudogbuf0 + i * 8;
}

/** acquireSudog: a sudog from the running P's cache, refilled from the central list, or a new one. */
export function acquireSudog(rt: Runtime): number {
  const p = rt.curP ?? rt.allp[0]!;
  const mem = rt.mem;
  if (p.sudogcacheLen === 0 && p.addr !== 0) {
    const head = centralHead(rt);
    while (head !== 0 && p.sudogcacheLen < sudogbufLen / 2) {
      const s = mem.loadWord(head);
      if (s === 0) break;
      writePointer(rt, head, mem.loadWord(s + sudogNext));
      writePointer(rt, s + sudogNext, 0);
      writePointer(rt, slot(p, p.sudogcacheLen++), s);
    }
  }
  // new(sudog) with the M held (acquirem): gcStart sees mp.locks > 1 and starts no cycle.
  if (p.sudogcacheLen === 0 || p.addr === 0) return rt.nonpreemptibly(() => mallocgc(rt, sudogType.size, sudogType, true));
  const i = --p.sudogcacheLen;
  const s = mem.loadWord(slot(p, i));
  writePointer(rt, slot(p, i), 0);
  return s;
}

/** releaseSudog: s back to the running P's cache; a full cache gives half of itself to the central list. */
export function releaseSudog(rt: Runtime, s: number): void {
  const p = rt.curP ?? rt.allp[0]!;
  if (p.addr === 0) return;
  const mem = rt.mem;
  if (p.sudogcacheLen === sudogbufLen) {
    const head = centralHead(rt);
    while (p.sudogcacheLen > sudogbufLen / 2) {
      const i = --p.sudogcacheLen;
      const t = mem.loadWord(slot(p, i));
      writePointer(rt, slot(p, i), 0);
      if (head === 0) continue;
      writePointer(rt, t + sudogNext, mem.loadWord(head));
      writePointer(rt, head, t);
    }
  }
  writePointer(rt, slot(p, p.sudogcacheLen++), s);
}

/** gp.waiting = s (0: nil), as chansend and chanrecv set it around gopark. */
export function setWaiting(rt: Runtime, g: G, s: number): void {
  if (g.addr !== 0) writePointer(rt, g.addr + gWaiting, s);
}

/**
 * clearpools' sudog part, with the world stopped: unlink the central list
 * (each sudog's next cleared, the head nil), so this cycle frees it.
 */
export function clearSudogCache(rt: Runtime): void {
  const head = centralHead(rt);
  if (head === 0) return;
  const mem = rt.mem;
  for (let s = mem.loadWord(head); s !== 0; ) {
    const next = mem.loadWord(s + sudogNext);
    mem.storeWord(s + sudogNext, 0);
    s = next;
  }
  mem.storeWord(head, 0);
}
