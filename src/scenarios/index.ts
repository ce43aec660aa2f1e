// The built-in programs, by name (gomem scenarios lists them). Most are
// hand-written twins of the reality cases (reality/cases/<name>/main.go),
// kept because tests, tours, the CLI or the docs run them by name; a case
// whose twin nothing else needed runs from its Go source only (npm run
// reality runs every case from its source): alloc-churn,
// append-growth-gctrace, live-heap-gogc200, live-heap-memlimit.

import type { Program } from '../go/program.ts';
import { allocChurnGctrace } from './alloc-churn.ts';
import appendGrowth from './append-growth.ts';
import { bigSliceFreeos, bigSliceGc } from './big-slice-gc.ts';
import bigSlice from './big-slice.ts';
import blahdoGctrace from './blahdo-gctrace.ts';
import blahdo from './blahdo.ts';
import bonus from './bonus.ts';
import busyLoop from './busy-loop.ts';
import containerOom from './container-oom.ts';
import ginIdle from './gin-idle.ts';
import hello from './hello.ts';
import idleAfterBurst from './idle-after-burst.ts';
import { liveHeapGogc100, liveHeapGogc50, liveHeapSteady } from './live-heap.ts';
import mmapFile from './mmap-file.ts';
import readFile from './read-file.ts';
import sizeRoundingGctrace from './size-rounding-gctrace.ts';
import { sizeRounding, sizeRoundingScan } from './size-rounding.ts';
import stackRelease from './stack-release.ts';

const all: Program[] = [
  hello,
  busyLoop,
  ginIdle,
  blahdo,
  readFile,
  mmapFile,
  bigSlice,
  bigSliceGc,
  bigSliceFreeos,
  appendGrowth,
  sizeRounding,
  sizeRoundingScan,
  bonus,
  liveHeapSteady,
  // The GC cases, run with GODEBUG=gctrace=1 in reality/.
  blahdoGctrace,
  liveHeapGogc50,
  liveHeapGogc100,
  allocChurnGctrace,
  sizeRoundingGctrace,
  stackRelease,
  // The scavenger returning a burst's memory while the program idles.
  idleAfterBurst,
  // The first seed's story (gomem container-oom runs its three configurations).
  containerOom,
];

export const scenarios = new Map<string, Program>(all.map((p) => [p.name, p]));
