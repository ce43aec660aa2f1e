// `gomem import prom FILE... -o workload.json`: a workload model
// (docs/workloads.md) from Prometheus samples of one Go process over time:
// text-exposition files, one per scrape, or a query_range JSON result.
// Unreadable input is one line naming the file (and the line), exit 2.

import type { Command } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { looksLikeJson, PromError, scrapesOfMatrix, scrapesOfTexts } from '../import/prom.ts';
import { workloadFromScrapes } from '../import/prom_workload.ts';
import { UsageError } from './errors.ts';
import { durationOf, gogcOf, readText, writeOutput } from './import.ts';
import { asUsage, pointersMaxOf } from './import_pprof.ts';

interface PromFlags {
  output?: string;
  every?: string;
  duration?: string;
  gogc?: string;
  name?: string;
  pointersMax?: string;
}

/** The files to read: a directory stands for its files (those ending .prom or .txt, else all), in name order with numbers compared as numbers. */
function expand(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    let dir = false;
    try {
      dir = statSync(a).isDirectory();
    } catch {
      // readText names a missing file.
    }
    if (!dir) {
      out.push(a);
      continue;
    }
    // Numbers in names compare as numbers (0002 < 0010, at_2s < at_10s).
    const names = readdirSync(a)
      .filter((n) => !n.startsWith('.'))
      .sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
    const scrapes = names.filter((n) => /\.(prom|txt)$/.test(n));
    out.push(...(scrapes.length > 0 ? scrapes : names).map((n) => join(a, n)));
  }
  return out;
}

export function registerImportProm(imp: Command): void {
  imp
    .command('prom')
    .description('a workload model from Prometheus samples of one Go process (client_golang names): text-exposition files, one per scrape, or a query_range JSON result')
    .argument('<files...>', 'scrapes in time order (a directory: its files by name), or one query_range response')
    .option('-o, --output <file>', 'where to write the workload JSON (default: standard output)')
    .option('--every <d>', "the scrape interval, timing the files in their order (without it: the samples' own timestamps)")
    .option('--duration <d>', 'how long the workload runs (default: to the last scrape)')
    .option('--gogc <n>', 'the GOGC the process ran at, when go_gc_gogc_percent is not among the samples', '100')
    .option('--pointers-max <size>', 'objects up to this size are pointerful, larger ones noscan (none, all)', '512')
    .option('--name <name>', "the workload's name (default: the file's or directory's)")
    .action((args: string[], flags: PromFlags) => {
      const gogc = gogcOf(flags.gogc);
      const everyNs = durationOf(flags.every);
      const durationNs = durationOf(flags.duration);
      if (flags.name !== undefined && !/^[A-Za-z0-9_.-]+$/.test(flags.name)) throw new UsageError(`--name: "${flags.name}" is not a name (letters, digits, _ . -)`);
      const rule = { pointersMax: pointersMaxOf(flags.pointersMax), noscanFuncs: null };
      const files = expand(args);
      if (files.length === 0) throw new UsageError(`${args.join(' ')}: no files`);
      const docs = files.map((file) => ({ file, text: readText(file, 'a Prometheus scrape') }));
      const result = asUsage(() => {
        const json = docs.filter((d) => looksLikeJson(d.text));
        if (json.length > 0 && docs.length > 1) throw new PromError(`${json[0]!.file}: a query_range JSON result is imported alone, not with other files`);
        const scrapes = json.length === 1 ? scrapesOfMatrix(json[0]!.text, json[0]!.file) : scrapesOfTexts(docs, everyNs === null ? null : everyNs / 1e9);
        return workloadFromScrapes(scrapes, { files: args, gogc, durationNs, rule, ...(flags.name !== undefined ? { name: flags.name } : {}) });
      });
      for (const w of result.warnings) process.stderr.write(`gomem import: ${w}\n`);
      const w = result.workload;
      if (!writeOutput(flags.output, JSON.stringify(w, null, 2) + '\n')) return;
      process.stderr.write(`gomem import: wrote ${flags.output}: ${w.description.replace(/^imported from [^:]*: /, '')}\n`);
    });
}
