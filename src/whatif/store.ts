// A sweep's results on disk, one JSON file per configuration, written as
// each run finishes and named by a hash of everything the run depends on
// (its key: the configuration, the program, the seed, the gomem version),
// so that a sweep stopped half-way and started again with the same
// arguments finds what is done and runs the rest; and the sweep's own
// description (sweep.json), which shards share and `gomem whatif merge`
// checks. Layout (docs/whatif.md):
//
//   DIR/sweep.json            the program, the lists, the configurations in order
//   DIR/results/<id>.json     one configuration's key, row and series
//   DIR/table.txt             the table, as printed
//   DIR/report.html           the table and the charts, one file

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome } from './outcome.ts';

/** Everything a run's result depends on. */
export interface ResultKey {
  /** gomem's version (package.json). */
  gomem: string;
  /** The program: sha256 of its file's bytes, or scenario:NAME for a built-in one (its version is gomem's). */
  program: string;
  /** --seed, or null for the default. */
  seed: number | null;
  /** The Go settings the process sees (GOGC, GOMEMLIMIT, GOMAXPROCS, GODEBUG), flags and environment. */
  env: Record<string, string>;
  /** The cgroup's memory.max as written, or null for none. */
  memoryMax: string | null;
  /** The program's options (--opt, and duration from --duration). */
  options: Record<string, string>;
  /** The run's limit of virtual time (--duration), ns, or null for the program's own. */
  maxTimeNs: number | null;
  /** Set in the fast mode (fast_model.ts) only, so exact results keep their ids: 'fast', and its calibration run's length, ns. */
  mode?: 'fast';
  calibrateNs?: number;
}

/** A configuration's stored result. */
export interface StoredResult extends Outcome {
  key: ResultKey;
}

/** One configuration as sweep.json lists it. */
export interface SweepConfig {
  index: number;
  /** Its settings in Go's names, for the table: GOGC=50, memory.max=512MiB. */
  settings: Record<string, string>;
  id: string;
}

/** sweep.json: what a sweep ran, the same for all its shards. */
export interface SweepFile {
  format: 'gomem-whatif';
  version: 1;
  gomem: string;
  program: { name: string; spec: string; hash: string };
  /** The lists as given, by flag. */
  lists: Record<string, string[]>;
  duration: string | null;
  seed: number | null;
  options: Record<string, string>;
  /** The table's setting columns, in order. */
  columns: string[];
  configs: SweepConfig[];
  /** The fast mode's, and how long its calibration run was (absent: exact). */
  mode?: 'fast';
  calibrate?: string;
}

/** JSON with object keys sorted, so that equal values have equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The file name of a key's result: the first 20 hex digits of its canonical JSON's sha256. */
export function resultId(key: ResultKey): string {
  return createHash('sha256').update(canonicalJson(key)).digest('hex').slice(0, 20);
}

/** A program's bytes as the key names them. */
export function programHash(files: readonly { name: string; bytes: Uint8Array }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (files.length > 1) h.update(`${f.name}\0${f.bytes.length}\0`);
    h.update(f.bytes);
  }
  return `sha256:${h.digest('hex')}`;
}

export class ResultStore {
  readonly resultsDir: string;

  constructor(readonly dir: string) {
    this.resultsDir = join(dir, 'results');
  }

  /** Makes the directories. */
  open(): this {
    mkdirSync(this.resultsDir, { recursive: true });
    return this;
  }

  path(id: string): string {
    return join(this.resultsDir, `${id}.json`);
  }

  /** The stored result of `key`, or null: none, or one that is not whole or not of this key (the run is made again). */
  get(key: ResultKey, id = resultId(key)): StoredResult | null {
    const p = this.path(id);
    if (!existsSync(p)) return null;
    try {
      const r = JSON.parse(readFileSync(p, 'utf8')) as StoredResult;
      return canonicalJson(r.key) === canonicalJson(key) && r.row !== undefined && r.series !== undefined ? r : null;
    } catch {
      return null;
    }
  }

  /** Stores a result: written beside and renamed into place, so a sweep killed mid-write leaves no partial file. */
  put(result: StoredResult, id = resultId(result.key)): void {
    writeText(this.path(id), resultText(result));
  }

  /** The ids of the results present. */
  ids(): string[] {
    if (!existsSync(this.resultsDir)) return [];
    return readdirSync(this.resultsDir)
      .filter((f) => /^[0-9a-f]{20}\.json$/.test(f))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  }

  readSweep(): SweepFile | null {
    const p = join(this.dir, 'sweep.json');
    if (!existsSync(p)) return null;
    return JSON.parse(readFileSync(p, 'utf8')) as SweepFile;
  }

  writeSweep(s: SweepFile): void {
    writeText(join(this.dir, 'sweep.json'), `${JSON.stringify(s, null, 2)}\n`);
  }
}

/** A result's file text: the key canonical, the figures in the order the row lists them. */
export function resultText(r: StoredResult): string {
  return `{"key":${canonicalJson(r.key)},\n"row":${JSON.stringify(r.row)},\n"series":${JSON.stringify(r.series)}}\n`;
}

/**
 * Writes a file through a temporary name beside it, renamed into place: a
 * reader never sees half of it, and shards writing into one shared
 * directory (each its own temporary name) do not mix their bytes.
 */
export function writeText(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
