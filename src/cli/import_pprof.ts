// `gomem import pprof FILE [FILE2] -o workload.json`: a workload model
// (docs/workloads.md) from one or two Go heap profiles of the same process.
// Unreadable input is one line naming the file, exit 2.

import type { Command } from 'commander';
import { PprofError, parseHeapProfile } from '../import/pprof.ts';
import { defaultNoscanFuncs, defaultPointersMax, workloadFromHeapProfiles } from '../import/pprof_workload.ts';
import { PromError } from '../import/prom.ts';
import { parseByteCount } from '../runtime/runtime1.ts';
import { UsageError } from './errors.ts';
import { durationOf, gogcOf, readBytes, writeOutput } from './import.ts';

interface PprofFlags {
  output?: string;
  uptime?: string;
  duration?: string;
  gogc?: string;
  name?: string;
  pointersMax?: string;
  noscanFuncs?: string;
  afterGc?: boolean;
  live?: string;
}

/** --pointers-max: a byte count (512, 1KiB), or "none"/"all". */
export function pointersMaxOf(s: string | undefined): number {
  if (s === undefined) return defaultPointersMax;
  if (s === 'none') return 0;
  if (s === 'all') return 2 ** 30;
  const n = parseByteCount(s);
  if (n === null) throw new UsageError(`--pointers-max: "${s}" is not a size (512, 4KiB), "none" or "all"`);
  return Number(n);
}

function noscanOf(s: string | undefined): RegExp | null {
  if (s === undefined) return defaultNoscanFuncs;
  if (s === '') return null;
  try {
    return new RegExp(s);
  } catch (e) {
    throw new UsageError(`--noscan-funcs: "${s}" is not a regular expression (${(e as Error).message})`);
  }
}

/** Runs an importer, turning its input errors (and its own refusals) into one-line usage errors. */
export function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PprofError || e instanceof PromError) throw new UsageError(e.message);
    throw e;
  }
}

export function registerImportPprof(imp: Command): void {
  imp
    .command('pprof')
    .description('a workload model from a Go heap profile (pprof protobuf, gzipped or not): one with --uptime, or two of the same process')
    .argument('<file>', 'a heap profile (pprof.WriteHeapProfile, /debug/pprof/heap)')
    .argument('[file2]', 'a later heap profile of the same process: rates from the difference')
    .option('-o, --output <file>', 'where to write the workload JSON (default: standard output)')
    .option('--uptime <d>', 'how long the process had run when the (later) profile was written')
    .option('--duration <d>', 'how long the workload runs (default: to the later profile, or --uptime)')
    .option('--gogc <n>', 'the GOGC the process ran at (for the profile\'s publication lag)', '100')
    .option('--pointers-max <size>', `objects up to this size are pointerful, larger ones noscan (none, all)`, String(defaultPointersMax))
    .option('--noscan-funcs <regexp>', "samples allocated by a matching function are noscan ('' for none)")
    .option('--after-gc', 'the profiles were written just after a forced GC (/debug/pprof/heap?gc=1): no publication lag to correct')
    .option('--live <how>', 'one profile: its live set was built at the start and held (held), or grew from nothing at a steady pace (linear)', 'held')
    .option('--name <name>', "the workload's name (default: the file's)")
    .action((file: string, file2: string | undefined, flags: PprofFlags) => {
      if (flags.live !== 'held' && flags.live !== 'linear') throw new UsageError(`--live: "${flags.live}" is not held or linear`);
      if (flags.live === 'linear' && file2 !== undefined) throw new UsageError('--live linear is for one profile: two profiles show how the live set changed');
      const gogc = gogcOf(flags.gogc);
      const uptimeNs = durationOf(flags.uptime === undefined ? undefined : flags.uptime);
      const durationNs = durationOf(flags.duration);
      if (flags.name !== undefined && !/^[A-Za-z0-9_.-]+$/.test(flags.name)) throw new UsageError(`--name: "${flags.name}" is not a name (letters, digits, _ . -)`);
      const rule = { pointersMax: pointersMaxOf(flags.pointersMax), noscanFuncs: noscanOf(flags.noscanFuncs) };
      const files = file2 === undefined ? [file] : [file, file2];
      const result = asUsage(() => {
        const profiles = files.map((f) => parseHeapProfile(readBytes(f, 'a heap profile'), f));
        return workloadFromHeapProfiles(profiles, { files, gogc, uptimeNs, durationNs, rule, afterGC: flags.afterGc === true, liveGrowth: flags.live === 'linear' ? 'linear' : 'held', ...(flags.name !== undefined ? { name: flags.name } : {}) });
      });
      for (const w of result.warnings) process.stderr.write(`gomem import: ${w}\n`);
      const w = result.workload;
      if (!writeOutput(flags.output, JSON.stringify(w, null, 2) + '\n')) return;
      process.stderr.write(`gomem import: wrote ${flags.output}: ${w.description.replace(/^imported from [^:]*: /, '')}, ${w.phases.length} phases\n`);
    });
}
