// select (runtime/select.go selectgo): poll the cases in a random order
// and take the first that can proceed; else the default case; else block
// on every channel at once, and the first channel to pair with one of the
// select's waiters decides the case (the others are taken back out).

import type { Chan, SelectWait } from './chan.ts';
import type { GoProcess } from './process.ts';
import { GoPanic } from '../runtime/panic.ts';

export interface SelectCase {
  /** nil: the case never proceeds. */
  readonly ch: Chan | null;
  readonly dir: 'send' | 'recv';
  /** The value a send case sends (evaluated before the select, as in Go). */
  readonly value?: unknown;
}

/** The case taken (-1: default), and for a receive its value and ok. */
export type SelectResult = [number, unknown, boolean];

/** A random permutation of 0…n-1 (selectgo's pollorder, from cheaprand). */
function pollOrder(n: number, rand: () => number): number[] {
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = rand() % (i + 1);
    order.push(order[j]!);
    order[j] = i;
  }
  return order;
}

export function* selectgo(p: GoProcess, cases: readonly SelectCase[], hasDefault: boolean): Generator<1 | 2 | 3, SelectResult, unknown> {
  for (const i of pollOrder(cases.length, p.sched.cheaprand)) {
    const c = cases[i]!;
    if (c.ch === null) continue;
    if (c.dir === 'send') {
      if (c.ch.trySend(c.value)) return [i, undefined, false];
    } else {
      const r = c.ch.tryRecv();
      if (r !== null) return [i, r[0], r[1]];
    }
  }
  if (hasDefault) return [-1, undefined, false];
  const sel: SelectWait = { fired: -1 };
  const parked = cases.map((c, i) => (c.ch === null ? null : c.ch.parkCase(sel, i, c.dir, c.value)));
  // No channel at all (select {}): parked for ever, as Go's block().
  yield p.sched.park(parked.every((x) => x === null) ? 'select (no cases)' : 'select');
  let result: SelectResult = [sel.fired, undefined, false];
  // Taken back out last first, so that the frames pop in order.
  for (let i = cases.length - 1; i >= 0; i--) {
    const c = cases[i]!;
    const w = parked[i];
    if (c.ch === null || w === null || w === undefined) continue;
    const [v, ok] = c.ch.unparkCase(w, c.dir);
    if (i === sel.fired) result = [i, c.dir === 'recv' ? v : undefined, ok];
  }
  // A send case woken by close panics, as a blocked send does.
  if (cases[sel.fired]!.dir === 'send' && !result[2]) throw new GoPanic('send on closed channel');
  return result;
}
