// How the runtime reads its environment (runtime1.go parsedebugvars and
// parsegodebug, string.go atoi/parseByteCount, mgcpacer.go readGOGC and
// readGOMEMLIMIT, proc.go's GOMAXPROCS). Same syntax and the same
// leniency as Go: a malformed GOGC means 100, a malformed GOMAXPROCS is
// ignored, an unknown or malformed GODEBUG field is skipped, and only a
// malformed GOMEMLIMIT is fatal at start-up.

const maxInt64 = 2n ** 63n - 1n;
const maxUint64 = 2n ** 64n - 1n;

/** atoi64: optional '-', then decimal digits only; no overflow. */
export function atoi64(s: string): bigint | null {
  if (s === '') return null;
  let neg = false;
  if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  let un = 0n;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    if (un > maxUint64 / 10n) return null;
    un = un * 10n + BigInt(c - 48);
    if (un > maxUint64) return null;
  }
  if (!neg && un > maxInt64) return null;
  if (neg && un > maxInt64 + 1n) return null;
  return neg ? -un : un;
}

/** atoi32: atoi64 that must fit in an int32. */
export function atoi32(s: string): number | null {
  const n = atoi64(s);
  if (n === null || n < -(2n ** 31n) || n >= 2n ** 31n) return null;
  return Number(n);
}

/** parseByteCount: digits, optionally followed by B, KiB, MiB, GiB or TiB (binary units only). */
export function parseByteCount(s: string): bigint | null {
  if (s === '') return null;
  const last = s[s.length - 1]!;
  if (last >= '0' && last <= '9') {
    const n = atoi64(s);
    return n === null || n < 0n ? null : n;
  }
  if (last !== 'B' || s.length < 2) return null;
  const c = s[s.length - 2]!;
  if (c >= '0' && c <= '9') {
    const n = atoi64(s.slice(0, -1));
    return n === null || n < 0n ? null : n;
  } else if (c !== 'i') {
    return null;
  }
  if (s.length < 4) return null;
  const power = { K: 1, M: 2, G: 3, T: 4 }[s[s.length - 3]!];
  if (power === undefined) return null;
  const m = 1024n ** BigInt(power);
  const n = atoi64(s.slice(0, -3));
  if (n === null || n < 0n) return null;
  if (n > maxUint64 / m) return null;
  const un = n * m;
  if (un > maxInt64) return null;
  return un;
}

/** readGOGC: "off" → -1, an integer → itself, anything else (or unset) → 100. */
export function readGOGC(env: string | undefined): number {
  const p = env ?? '';
  if (p === 'off') return -1;
  const n = atoi32(p);
  return n ?? 100;
}

export class MalformedGOMEMLIMIT extends Error {
  constructor(readonly value: string) {
    super('malformed GOMEMLIMIT; see `go doc runtime/debug.SetMemoryLimit`');
  }
}

/** readGOMEMLIMIT: unset, "" or "off" → MaxInt64; else parseByteCount, or a fatal error. */
export function readGOMEMLIMIT(env: string | undefined): bigint {
  const p = env ?? '';
  if (p === '' || p === 'off') return maxInt64;
  const n = parseByteCount(p);
  if (n === null) throw new MalformedGOMEMLIMIT(p);
  return n;
}

/** GOMAXPROCS from the environment: a positive int32, else the CPU count. */
export function readGOMAXPROCS(env: string | undefined, ncpu: number): number {
  const n = atoi32(env ?? '');
  return n !== null && n > 0 ? Math.min(n, 1 << 30) : ncpu;
}

/** The runtime's debug variables (runtime1.go `debug`), with Go's Linux defaults. */
export interface DebugVars {
  adaptivestackstart: number;
  asyncpreemptoff: number;
  disablethp: number;
  efence: number;
  gccheckmark: number;
  gcpacertrace: number;
  gcshrinkstackoff: number;
  gcstoptheworld: number;
  gctrace: number;
  harddecommit: number;
  inittrace: number;
  invalidptr: number;
  madvdontneed: number;
  profstackdepth: number;
  sbrk: number;
  scavtrace: number;
  scheddetail: number;
  schedtrace: number;
}

export function defaultDebugVars(): DebugVars {
  return {
    adaptivestackstart: 1,
    asyncpreemptoff: 0,
    disablethp: 0,
    efence: 0,
    gccheckmark: 0,
    gcpacertrace: 0,
    gcshrinkstackoff: 0,
    gcstoptheworld: 0,
    gctrace: 0,
    harddecommit: 0,
    inittrace: 0,
    invalidptr: 1,
    madvdontneed: 1, // Linux default since Go 1.16
    profstackdepth: 128,
    sbrk: 0,
    scavtrace: 0,
    scheddetail: 0,
    schedtrace: 0,
  };
}

/**
 * parsegodebug: comma-separated key=value; fields without '=' or with a
 * value atoi32 rejects are skipped; unknown keys are ignored (Go keeps
 * non-runtime keys for other packages). memprofilerate sets MemProfileRate.
 */
export function parsegodebug(godebug: string, vars: DebugVars): { memprofilerate?: number } {
  const out: { memprofilerate?: number } = {};
  for (const field of godebug.split(',')) {
    const i = field.indexOf('=');
    if (i < 0) continue;
    const key = field.slice(0, i);
    const value = field.slice(i + 1);
    if (key === 'memprofilerate') {
      const n = atoi64(value);
      if (n !== null) out.memprofilerate = Number(n);
      continue;
    }
    if (key in vars) {
      const n = atoi32(value);
      if (n !== null) (vars as unknown as Record<string, number>)[key] = n;
    }
  }
  return out;
}
