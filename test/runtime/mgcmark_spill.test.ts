// The word a call spills into its caller's frame, scanned conservatively
// (scanframeworker on an asynchronously preempted frame). append-growth's
// loop grows a []int64 with growslice, which spills the old array's pointer
// into the frame of the function running the loop; the cycle that the new
// array's allocation starts finds it there and keeps the old array for one
// more cycle. So each cycle ends with the old and the new array live
// (heap2 ≈ 1.8 × the array: 23->23->14 MB), as in real Go. Its Go source's
// round() is inlined into main: the spill word is main's, not the inlined
// call's (whose slots gomem keeps in a frame record of their own).

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoProgram } from '../../src/cli/gosource.ts';
import { GoProcess } from '../../src/go/process.ts';

/** heap0->heap1->heap2 of each gctrace line. */
function triples(stderr: string): string[] {
  return [...stderr.matchAll(/^gc \d+ .* (\d+->\d+->\d+) MB/gm)].map((m) => m[1]!);
}

describe('a growslice spill in the innermost real frame', () => {
  it('keeps the outgrown array for the cycle its successor starts, from an inlined round() too', { timeout: 60_000 }, async () => {
    const program = await loadGoProgram(resolve('reality/cases/append-growth-gctrace/main.go'));
    let stderr = '';
    const p = new GoProcess(program, { env: { GOMAXPROCS: '2', GODEBUG: 'gctrace=1' }, stdout: () => {}, stderr: (s) => void (stderr += s) });
    expect(p.run().status).toBe(0);
    // Real Go 1.23.5 (reality/cases/append-growth-gctrace, GOMAXPROCS=2 GODEBUG=gctrace=1): the first
    // five cycles of three of the five recorded runs, and of a run on this machine on 2026-12-07. In
    // the other two, one early cycle found the goroutine stopped elsewhere and freed the old array
    // (4->4->0, 9->9->3). Without the spill word (or with it in the inlined call's record): 4->4->0,
    // 4->4->1, 6->6->2, 5->5->3, 7->7->4.
    expect(triples(stderr).slice(0, 5)).toEqual(['4->4->1', '3->3->2', '6->6->3', '9->9->5', '15->15->9']);
  });
});
