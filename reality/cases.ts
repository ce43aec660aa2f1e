// The reality cases: reality/cases/<name>/{main.go,case.json}, each a real Go
// program paired (by name) with a gomem scenario. This module finds them and
// reads their definitions; it runs nothing.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Recording } from './recording.ts';

export const REALITY_DIR = fileURLToPath(new URL('.', import.meta.url));
export const CASES_DIR = join(REALITY_DIR, 'cases');
export const BUILD_DIR = join(REALITY_DIR, '.build');
export const DEFAULT_DATA_DIR = '/tmp/gomem-reality';

export interface CaseDef {
  name: string;
  description: string;
  /** Environment of the run, exactly (GOMAXPROCS, GOGC, GOMEMLIMIT, GODEBUG …). */
  env: Record<string, string>;
  /** Program arguments; "$REALITY_DATA" is replaced by the data directory. */
  args: string[];
  checkpoints: string[];
  needs: string;
}

export function listCases(): string[] {
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(CASES_DIR, d.name, 'case.json')))
    .map((d) => d.name)
    .sort();
}

export function loadCase(name: string): CaseDef {
  const file = join(CASES_DIR, name, 'case.json');
  if (!existsSync(file)) {
    throw new Error(`unknown case "${name}" (have: ${listCases().join(', ')})`);
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Omit<CaseDef, 'name'>;
  return { name, ...raw };
}

export function caseArgs(def: CaseDef, dataDir: string): string[] {
  return def.args.map((a) => a.replaceAll('$REALITY_DATA', dataDir));
}

export function recordingPath(name: string): string {
  return join(CASES_DIR, name, 'recorded.json');
}

/** The recording of a case, or null if it was never recorded. */
export function loadRecording(name: string): Recording | null {
  const file = recordingPath(name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Recording) : null;
}

/** Resolves a command line's case names ("all" when none given); throws on an unknown one. */
export function selectCases(names: string[]): string[] {
  const all = listCases();
  for (const n of names) {
    if (!all.includes(n)) throw new Error(`unknown case "${n}" (have: ${all.join(', ')})`);
  }
  return names.length > 0 ? names : all;
}
