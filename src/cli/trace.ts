// `gomem run X --trace FILE`: what the trace's header says about the run
// (the program with its source, the settings), and writing the file, gzipped.
// The format is docs/trace-format.md; the writer is src/trace/writer.ts.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { RunOptions } from '../go/process.ts';
import type { Program } from '../go/program.ts';
import { scenarios } from '../scenarios/index.ts';
import type { TraceProgram, TraceSettings } from '../trace/writer.ts';
import { UsageError } from './errors.ts';

/** The --trace path, checked before the run: a directory or a missing parent is the user's error. */
export function tracePath(file: string): string {
  if (file === '' || (existsSync(file) && statSync(file).isDirectory())) throw new UsageError(`--trace: "${file}" is not a file name`);
  if (!existsSync(dirname(resolve(file)))) throw new UsageError(`--trace: ${dirname(file)}: no such directory`);
  return file;
}

/** The program as the header records it: a built-in scenario by name with its module's source, or the user's file. */
export function traceProgram(spec: string, program: Program): TraceProgram {
  const out: TraceProgram = { name: program.name, ...(program.description !== undefined ? { description: program.description } : {}) };
  if (scenarios.get(spec) === program) {
    out.scenario = spec;
    for (const ext of ['.ts', '.js']) {
      const path = fileURLToPath(new URL(`../scenarios/${spec}${ext}`, import.meta.url));
      if (existsSync(path)) {
        out.source = { path: `src/scenarios/${spec}${ext}`, text: readFileSync(path, 'utf8') };
        break;
      }
    }
  } else {
    const path = resolve(spec);
    out.source = { path, text: readFileSync(path, 'utf8') };
  }
  return out;
}

/** The settings the run was made with, as a viewer needs them to make it again. */
export function traceSettings(opts: RunOptions): TraceSettings {
  const s: TraceSettings = { env: { ...(opts.env ?? {}) }, options: { ...(opts.options ?? {}) } };
  if (opts.seed !== undefined) s.seed = opts.seed;
  if (opts.ncpu !== undefined) s.ncpu = opts.ncpu;
  if (opts.memTotal !== undefined) s.memTotal = opts.memTotal;
  if (opts.thp !== undefined) s.thp = opts.thp;
  if (opts.cgroupMemoryMax !== undefined) s.cgroupMemoryMax = opts.cgroupMemoryMax;
  if (opts.maxTimeNs !== undefined) s.maxTimeNs = opts.maxTimeNs;
  return s;
}

/** The file's bytes: the trace gzipped, as docs/trace-format.md specifies. */
export function traceFile(raw: Uint8Array): Uint8Array {
  return gzipSync(raw, { level: 6 });
}
