// Allocations gcStart refuses to start a cycle from (and gcAssistAlloc to
// assist in): newproc's new(g) and allgs growth run on the g0 stack
// (systemstack), acquireSudog's new(sudog) with the M held (acquirem), so
// gcStart sees getg() == g0 or mp.locks > 1 and returns. A program whose
// heap passes its 4 MiB goal only through goroutines it starts and parks
// runs no cycle in real Go.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoProgram } from '../../src/cli/gosource.ts';
import { GoProcess } from '../../src/go/process.ts';

const source = `package main

import (
	"fmt"
	"runtime"
	"time"
)

var (
	keep [][]byte
	ch   = make(chan int)
)

func main() {
	for i := 0; i < 50; i++ {
		keep = append(keep, make([]byte, 64<<10))
	}
	for i := 0; i < 2000; i++ {
		go func() { <-ch }()
	}
	time.Sleep(10 * time.Millisecond)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println(ms.NumGC, ms.HeapAlloc > ms.NextGC, ms.NextGC)
}
`;

describe('allocations on g0 or with the M held start no GC cycle', () => {
  it('3.2 MiB of []byte, then 2,000 goroutines parked on a channel: past the 4 MiB goal with no cycle, as real Go', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gomem-g0-'));
    writeFileSync(join(dir, 'np.go'), source);
    const program = await loadGoProgram(join(dir, 'np.go'));
    for (const procs of ['1', '2']) {
      let out = '';
      const p = new GoProcess(program, { env: { GOMAXPROCS: procs }, stdout: (s) => void (out += s), stderr: () => {} });
      expect(p.run().status).toBe(0);
      // Real Go 1.23.5 on this machine (2026-12-07), GOMAXPROCS=2 three runs and GOMAXPROCS=1 one:
      // "0 true 4194304" each time. With new(g) and new(sudog) starting cycles, gomem printed "1 false 8514400".
      expect(out, `GOMAXPROCS=${procs}`).toBe('0 true 4194304\n');
    }
  });
});
