// The built-in programs, by name (gomem scenarios lists them).

import type { Program } from '../go/program.ts';
import appendGrowth from './append-growth.ts';
import { bigSliceFreeos, bigSliceGc } from './big-slice-gc.ts';
import bigSlice from './big-slice.ts';
import blahdo from './blahdo.ts';
import bonus from './bonus.ts';
import busyLoop from './busy-loop.ts';
import ginIdle from './gin-idle.ts';
import hello from './hello.ts';
import mmapFile from './mmap-file.ts';
import readFile from './read-file.ts';
import { sizeRounding, sizeRoundingScan } from './size-rounding.ts';

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
];

export const scenarios = new Map<string, Program>(all.map((p) => [p.name, p]));
