// `gomem import gctrace FILE -o workload.json`: a workload model
// (docs/workloads.md) from a real service's GODEBUG=gctrace=1 log.
// Unreadable input is one line naming the line, exit 2.

import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { GctraceError, parseGctrace } from '../import/gctrace.ts';
import { workloadFromGctrace } from '../import/gctrace_workload.ts';
import { parseDuration } from '../go/units.ts';
import { atoi32, parseByteCount } from '../runtime/runtime1.ts';
import { UsageError } from './errors.ts';
import { registerImportPprof } from './import_pprof.ts';
import { registerImportProm } from './import_prom.ts';

interface GctraceFlags {
  output?: string;
  gogc?: string;
  memlimit?: string;
  duration?: string;
  name?: string;
  cpu?: string;
}

export function gogcOf(s: string | undefined): number | null {
  if (s === undefined) return 100;
  if (s === 'off') return null;
  const n = atoi32(s);
  if (n === null || n < 0) throw new UsageError(`--gogc: "${s}" is not a non-negative integer or "off" (the GOGC the log was recorded at)`);
  return n;
}

function memlimitOf(s: string | undefined): number | null {
  if (s === undefined || s === 'off') return null;
  const n = parseByteCount(s);
  if (n === null) throw new UsageError(`--memlimit: "${s}" is not a byte count (Go's syntax: 512MiB, 4GiB, 1073741824, or "off")`);
  return Number(n);
}

export function durationOf(s: string | undefined): number | null {
  if (s === undefined) return null;
  const d = parseDuration(s);
  if (!('ns' in d) || d.ns <= 0) throw new UsageError(`--duration: "${s}" is not a positive duration (Go's syntax: 90s, 2m30s)`);
  return d.ns;
}

/** A file's bytes; one line naming it when it cannot be read (`what` it should have been). */
export function readBytes(file: string, what = 'a gctrace log'): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? `is a directory, not ${what}` : `cannot read (${code ?? (e as Error).message})`}`);
  }
}

export function readText(file: string, what?: string): string {
  return readBytes(file, what).toString('utf8');
}

/** Writes a workload's JSON to -o FILE (standard output without it); a file that cannot be written is one line. Returns whether it went to a file. */
export function writeOutput(output: string | undefined, json: string): boolean {
  if (output === undefined) {
    process.stdout.write(json);
    return false;
  }
  try {
    writeFileSync(output, json);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = { ENOENT: 'its directory does not exist', EACCES: 'permission denied', EISDIR: 'is a directory', EROFS: 'read-only file system' }[err.code ?? ''];
    throw new UsageError(`-o ${output}: cannot write (${why ?? err.code ?? err.message})`);
  }
  return true;
}

export function registerImport(program: Command): void {
  const imp = program.command('import').description('write a workload model (docs/workloads.md) from real data: gctrace, pprof, prom');
  imp
    .command('gctrace')
    .description("a workload model from a GODEBUG=gctrace=1 log (Go 1.19+; the application's own lines may be mixed in)")
    .argument('<file>', 'the log (stderr of the service run with GODEBUG=gctrace=1)')
    .option('-o, --output <file>', 'where to write the workload JSON (default: standard output)')
    .option('--gogc <n>', 'the GOGC the log was recorded at (an integer or off)', '100')
    .option('--memlimit <size>', 'the GOMEMLIMIT the log was recorded at (512MiB, off)')
    .option('--duration <d>', 'how long the service ran from its start, when longer than the log: the workload goes on past the last cycle')
    .option('--name <name>', "the workload's name (default: the file's)")
    .option('--cpu <cpus>', "the CPUs the service used on average, GC included (top's %CPU / 100: 0.35): its requests' CPU")
    .action((file: string, flags: GctraceFlags) => {
      const gogc = gogcOf(flags.gogc);
      const cpu = flags.cpu === undefined ? null : Number(flags.cpu);
      if (cpu !== null && !(/^\d+(\.\d+)?$/.test(flags.cpu!) && Number.isFinite(cpu))) throw new UsageError(`--cpu: "${flags.cpu}" is not a number of CPUs (0.35, 2)`);
      const memlimit = memlimitOf(flags.memlimit);
      const durationNs = durationOf(flags.duration);
      if (flags.name !== undefined && !/^[A-Za-z0-9_.-]+$/.test(flags.name)) throw new UsageError(`--name: "${flags.name}" is not a name (letters, digits, _ . -)`);
      const text = readText(file);
      let result;
      try {
        result = workloadFromGctrace(parseGctrace(text, file), { file, gogc, memlimit, durationNs, cpu, ...(flags.name !== undefined ? { name: flags.name } : {}) });
      } catch (e) {
        if (e instanceof GctraceError) throw new UsageError(e.message);
        throw e;
      }
      const json = JSON.stringify(result.workload, null, 2) + '\n';
      for (const w of result.warnings) process.stderr.write(`gomem import: ${file}: ${w}\n`);
      if (!writeOutput(flags.output, json)) return;
      const w = result.workload;
      process.stderr.write(`gomem import: wrote ${flags.output}: ${w.source.cycles} cycles → ${w.phases.length} phases\n`);
    });
  registerImportPprof(imp);
  registerImportProm(imp);
}
