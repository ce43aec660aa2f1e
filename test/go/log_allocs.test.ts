// What log.Println allocates (src/go/pkg/fmt.ts Log, src/go/pkg/time_zone.ts),
// against Go 1.23.5 on linux/amd64 with only GOMAXPROCS=2 in the environment
// and /etc/localtime = Etc/UTC (`env -i GOMAXPROCS=2`, MemStats around each
// call, after one fmt.Println): the first call 17 objects / 952 bytes (the
// boxed operand, log's buffer pool and header buffer, the Local time zone
// with the environment map), then 1 / 16 per call (the boxed uint64), and
// 11 / 848 after two GCs have emptied the sync.Pools (log's and fmt's pools
// and buffers made again).

import { describe, expect, it } from 'vitest';
import { defineProgram } from '../../src/go/program.ts';
import { GoProcess } from '../../src/go/process.ts';

describe('log.Println', () => {
  it('allocates what real Go allocates: first call, steady state, after the pools are cleared', () => {
    const out: string[] = [];
    const p = new GoProcess(
      defineProgram({
        name: 'logallocs',
        description: 'log.Println of a uint64, measured call by call',
        *main(go) {
          const ms = (): [number, number] => {
            const m = go.runtime.ReadMemStats();
            return [m.Mallocs, m.TotalAlloc];
          };
          const measure = (label: string, v: number): void => {
            const [m0, t0] = ms();
            go.log.Println(v);
            const [m1, t1] = ms();
            out.push(`${label}: ${m1 - m0} ${t1 - t0}`);
          };
          go.fmt.Println('memory baseline...');
          const alloc = go.runtime.ReadMemStats().Alloc;
          for (let i = 0; i < 3; i++) measure(`call ${i}`, alloc + i);
          yield* go.runtime.GC();
          yield* go.runtime.GC();
          measure('after 2 GCs', alloc);
        },
      }),
      { env: { GOMAXPROCS: '2' }, stdout: () => {}, stderr: () => {} },
    );
    expect(p.run().status).toBe(0);
    expect(out).toEqual(['call 0: 17 952', 'call 1: 1 16', 'call 2: 1 16', 'after 2 GCs: 11 848']);
  });
});
