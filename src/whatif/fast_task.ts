// A what-if configuration in the fast mode: the settings a sweep gives as
// environment and cgroup, read as the runtime reads them (GOGC, GOMEMLIMIT,
// GOMAXPROCS), into what the fast model takes; and the calibration a sweep
// makes once per GOMAXPROCS and keeps beside its results, so that a resumed
// sweep does not calibrate again.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultNcpu } from '../go/process.ts';
import { parseDuration, parseSize } from '../go/units.ts';
import { readGOGC, readGOMAXPROCS, readGOMEMLIMIT } from '../runtime/runtime1.ts';
import { type Calibration, calibrate, calibrationFormat } from './fast_calibrate.ts';
import type { FastConfig } from './fast_model.ts';
import { canonicalJson, writeText } from './store.ts';
import { type Workload, workloadDurationNs } from './workload.ts';

/** The fast model's configuration from a configuration's environment, cgroup limit and duration. */
export function fastConfig(w: Workload, env: Record<string, string>, memoryMax: string | null, options: Record<string, string>): FastConfig {
  const limit = readGOMEMLIMIT(env.GOMEMLIMIT);
  const d = options.duration !== undefined ? parseDuration(options.duration) : null;
  return {
    gcPercent: readGOGC(env.GOGC),
    // A limit past 2^53 limits nothing a run can reach.
    memoryLimit: limit >= BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(limit),
    memoryMax: memoryMax === null || memoryMax === 'max' ? null : parseSize(memoryMax),
    gomaxprocs: readGOMAXPROCS(env.GOMAXPROCS, defaultNcpu),
    durationNs: d !== null && 'ns' in d ? d.ns : workloadDurationNs(w),
  };
}

/** What a calibration is a function of: the file name it is kept under says it. */
export interface CalibrationKey {
  gomem: string;
  program: string;
  gomaxprocs: number;
  seed: number | null;
  runNs: number;
}

function calibrationPath(dir: string, key: CalibrationKey): string {
  const id = createHash('sha256').update(canonicalJson(key)).digest('hex').slice(0, 16);
  return join(dir, `calibration-P${key.gomaxprocs}-${id}.json`);
}

/**
 * The calibration for `key`: kept in `dir` from an earlier sweep, or made
 * now (an exact run of key.runNs, `making` called before it) and kept.
 */
export function calibrationFor(dir: string, w: Workload, key: CalibrationKey, making: () => void): Calibration {
  const path = calibrationPath(dir, key);
  if (existsSync(path)) {
    const c = JSON.parse(readFileSync(path, 'utf8')) as Calibration;
    if (c.format === calibrationFormat) return c;
  }
  making();
  const calibration = calibrate(w, { gomaxprocs: key.gomaxprocs, seed: key.seed, runNs: key.runNs });
  writeText(path, `${JSON.stringify(calibration, null, 2)}\n`);
  return calibration;
}
