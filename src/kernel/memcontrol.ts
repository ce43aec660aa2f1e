// Charging memory to cgroups: mm/memcontrol.c try_charge_memcg, simplified.
//
//   1. Try to charge every level from the cgroup up to the root; the first
//      level whose usage would pass its max is `over`.
//   2. Count a failure (failcnt, memory.events max), reclaim at least
//      max(nr, SWAP_CLUSTER_MAX) pages from `over`'s subtree (vmscan.ts), and
//      retry while reclaim makes progress.
//   3. No progress: if the allocation may invoke the OOM killer (order-0
//      faults may; THP and readahead allocations may not — they fall back or
//      give up), kill the worst process under `over` (oom.ts) and retry.
//
// Simplified: no per-CPU charge stock (MEMCG_CHARGE_BATCH), so memory.current
// never runs ahead of what is charged; failcnt counts one failure per attempt.

import type { Cgroup, ChargeKind } from './cgroup.ts';
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from './constants.ts';
import type { Machine } from './machine.ts';
import { oomKill } from './oom.ts';
import type { Process } from './process.ts';
import { reclaim } from './vmscan.ts';

export interface ChargeRequest {
  /** The task allocating (OOM "current"); null for kernel-side charges. */
  proc: Process | null;
  /** The allocation may sleep in direct reclaim (gfpflags_allow_blocking). */
  reclaim: boolean;
  /** The allocation may invoke the OOM killer. */
  oom: boolean;
  /** gfp_mask as the OOM report prints it. */
  gfp: string;
  order: number;
}

/** An order-0 anonymous fault (alloc_anon_folio → vma_alloc_zeroed_movable_folio). */
export const GFP_ANON_FAULT = '0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)';
/** A page-cache allocation on a fault (__filemap_get_folio with the mapping's gfp). */
export const GFP_PAGECACHE = '0x100cca(GFP_HIGHUSER_MOVABLE)';
/** Page tables (GFP_PGTABLE_USER): charged to the memcg like any __GFP_ACCOUNT allocation. */
export const GFP_PGTABLE = '0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO)';

/** The first level from `cg` upwards that cannot take `nr` more pages, or null. */
function overLimit(cg: Cgroup, nr: number): Cgroup | null {
  for (let c: Cgroup | null = cg; c !== null; c = c.parent) if (c.usage + nr > c.maxPages) return c;
  return null;
}

function commit(cg: Cgroup, nr: number, kind: ChargeKind): void {
  cg[kind] += nr;
  for (let c: Cgroup | null = cg; c !== null; c = c.parent) {
    c.usage += nr;
    if (c.usage > c.peak) c.peak = c.usage;
  }
}

/**
 * Charges `nr` pages of `kind` to `cg`, reclaiming and OOM-killing as Linux
 * would. Returns false when the charge fails without an OOM kill (the caller
 * falls back or gives up). Throws OomKilled when `req.proc` is the victim.
 */
export function tryCharge(machine: Machine, cg: Cgroup, nr: number, kind: ChargeKind, req: ChargeRequest): boolean {
  let retries = MAX_RECLAIM_RETRIES;
  for (;;) {
    const over = overLimit(cg, nr);
    if (over === null) {
      commit(cg, nr, kind);
      return true;
    }
    over.failcnt++;
    if (!req.reclaim) return false;
    over.events.max++;
    const reclaimed = reclaim(machine, over, Math.max(nr, SWAP_CLUSTER_MAX));
    if (over.usage + nr <= over.maxPages) continue;
    // Reclaim that freed something but not enough is retried; the model is
    // deterministic, so a pass that freed nothing will free nothing again.
    if (reclaimed > 0 && retries-- > 0) continue;
    if (!req.oom) return false;
    over.events.oom++;
    if (!oomKill(machine, over, req)) return false;
    retries = MAX_RECLAIM_RETRIES;
  }
}

export function uncharge(cg: Cgroup, nr: number, kind: ChargeKind): void {
  cg[kind] -= nr;
  if (cg[kind] < 0) throw new Error(`memcg ${cg.path}: ${kind} went negative`);
  for (let c: Cgroup | null = cg; c !== null; c = c.parent) c.usage -= nr;
}
