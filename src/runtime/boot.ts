// A bare runtime on a fresh simulated process: mallocinit, the pacer's
// init and GOMAXPROCS Ps, and nothing else — no goroutines, no package
// inits. Allocator tests and benchmarks start here; a whole Go program
// starts through the fuller sequence in src/go/process.ts.

import { Machine, type ExecImage, type Process } from '../kernel/index.ts';
import { mallocinit } from './malloc_init.ts';
import { allocmcache } from './mcache.ts';
import { LinuxMem, type MemDebug } from './mem_linux.ts';
import { maxInt64 } from './mgcpacer.ts';
import { PageCache } from './mpagecache.ts';
import { Runtime } from './runtime.ts';
import { P } from './runtime2.ts';

/** Segments of a Go 1.23.5 hello-world binary built on this machine (readelf -lW). */
export const helloExec: ExecImage = {
  path: '/tmp/hello',
  fileSize: 2265903,
  segments: [
    { vaddr: 0x400000, memsz: 0x9c1b8, filesz: 0x9c1b8, offset: 0, prot: 5 },
    { vaddr: 0x49d000, memsz: 0xc0ed0, filesz: 0xc0ed0, offset: 0x9d000, prot: 1 },
    { vaddr: 0x55e000, memsz: 0x2e240, filesz: 0xa7e0, offset: 0x15e000, prot: 3 },
  ],
};

export const defaultMemDebug: MemDebug = { madvdontneed: 1, harddecommit: 0, disablethp: 0 };

export interface BootOptions {
  machine?: Machine;
  exe?: ExecImage;
  gomaxprocs?: number;
  gcPercent?: number;
  memoryLimit?: bigint;
  debug?: MemDebug;
}

export interface Booted {
  machine: Machine;
  proc: Process;
  rt: Runtime;
}

/** Creates Ps 0..n-1; P0 takes mcache0 (procresize's allocation of the p structs is the caller's). */
export function createPs(rt: Runtime, n: number): void {
  for (let i = rt.allp.length; i < n; i++) {
    const c = i === 0 && rt.mcache0 !== null ? rt.mcache0 : allocmcache(rt);
    rt.allp.push(new P(i, c, new PageCache()));
  }
  rt.mcache0 = null;
}

export function bootRuntime(opts: BootOptions = {}): Booted {
  const machine = opts.machine ?? new Machine();
  const proc = machine.spawn({ comm: 'gomem', exe: opts.exe ?? helloExec });
  const debug = opts.debug ?? defaultMemDebug;
  const sys = new LinuxMem(proc, debug);
  const rt = new Runtime({ sys, clock: machine.clock, debug });
  mallocinit(rt);
  rt.gcController.init(opts.gcPercent ?? 100, opts.memoryLimit ?? maxInt64);
  createPs(rt, opts.gomaxprocs ?? 1);
  rt.curP = rt.allp[0]!;
  return { machine, proc, rt };
}
