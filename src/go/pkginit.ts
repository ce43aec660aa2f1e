// Package initialisation (proc.go doInit): what each package's init
// allocates, replayed through the model's mallocgc so that the heap at the
// start of main is real Go's. The steps are data measured from real Go
// binaries (scripts/mkpkginit.ts, from reality/startup): which allocations
// a package's init code makes is a fact of that code, like the binary's size.

import defaults from './pkginit_data.json' with { type: 'json' };

export type InitStep =
  | { pkg?: string; alloc: number; noscan: boolean; type: string }
  | { pkg?: string; allocPerEnv: number; noscan: boolean; type: string }
  | { pkg?: string; allocPerArg: number; noscan: boolean; type: string }
  | { pkg?: string; action: 'createfing' }
  | { pkg?: string; action: 'SetFinalizer' }
  | { pkg?: string; action: 'ReadMemStats' }
  | { pkg?: string; action: 'stackgrow'; to: number }
  | { pkg?: string; action: 'onP'; p: number }
  | { pkg?: string; action: 'newproc'; name: string };

const data = defaults as unknown as Record<string, InitStep[]>;

/** The steps of the named packages, in the order given. */
export function packageInits(pkgs: readonly string[]): InitStep[] {
  const out: InitStep[] = [];
  for (const pkg of pkgs) {
    const steps = data[pkg];
    if (steps === undefined) throw new Error(`no init data for package ${pkg}`);
    for (const s of steps) out.push({ ...s, pkg });
  }
  return out;
}

/** First-use allocations (fmt's printer pool, a goroutine's first timer). */
export function firstUse(what: 'fmt.firstPrint' | 'time.firstSleep'): InitStep[] {
  return packageInits([what]);
}

/**
 * A fmt program's inits in Go's order (the hello binary): the runtime's
 * dependencies first, then os, then unicode (via fmt's strconv/unicode),
 * with main's stack growing to 4 KiB on the way, as measured.
 */
export const fmtProgramInits: readonly InitStep[] = [
  ...packageInits(['iter', 'sync', 'internal/godebug', 'syscall', 'internal/poll', 'os']),
  { action: 'stackgrow', to: 4096 },
  ...packageInits(['unicode']),
];

/** The reality harness's checkpoint helper (reality/checkpoint), as a twin must link it. */
export const checkpointHelperInits: readonly InitStep[] = packageInits(['runtime/metrics', 'gomem/reality/checkpoint']);
