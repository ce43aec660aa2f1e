// `gomem run X --trace FILE`: what the trace's header says about the run
// (the program with its source, the settings), and writing the file, gzipped.
// The format is docs/trace-format.md; the writer is src/trace/writer.ts.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
    const source = scenarioSource(spec);
    if (source !== null) out.source = source;
  } else {
    const path = resolve(spec);
    out.source = { path, text: readFileSync(path, 'utf8') };
  }
  return out;
}

/**
 * The TypeScript module that defines built-in scenario `name` (several
 * scenarios share one: big-slice-freeos is in big-slice-gc.ts), from src/
 * whether gomem runs from src/ or from its compiled dist/.
 */
function scenarioSource(name: string): { path: string; text: string } | null {
  const dir = ['../scenarios/', '../../src/scenarios/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url))).find((d) => existsSync(join(d, 'index.ts')));
  if (dir === undefined) return null;
  const files = readdirSync(dir)
    .filter((x) => x.endsWith('.ts'))
    .sort()
    .map((f) => ({ path: `src/scenarios/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  // defineProgram({ name: 'x', … }) first; then a factory's call with the name as its argument (liveHeap('live-heap-gogc50', …)).
  const call = new RegExp(`\\(\\s*'${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`);
  return files.find((f) => f.text.includes(`name: '${name}'`)) ?? files.find((f) => f.path !== 'src/scenarios/index.ts' && call.test(f.text)) ?? null;
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
