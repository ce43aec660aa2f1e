// Durations and sizes as users type them: Go's time.ParseDuration syntax
// (1h, 90s, 500ms, 2h30m, 1.5h) and byte sizes with a suffix (512M, 4GiB),
// for flags and program options. Parsers return null (or Go's error text)
// rather than throw, so callers can phrase a one-line usage error.

const unitNs: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5, micro sign
  'μs': 1_000n, // U+03BC, Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const maxDuration = (1n << 63n) - 1n;

/**
 * time.ParseDuration: a possibly signed sequence of decimal numbers, each
 * with an optional fraction and a unit ("300ms", "-1.5h", "2h45m"). Returns
 * nanoseconds, or Go's error message for a string it rejects.
 */
export function parseDuration(orig: string): { ns: number } | { error: string } {
  const invalid = { error: `time: invalid duration ${JSON.stringify(orig)}` };
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ns: 0 };
  if (s === '') return invalid;
  let d = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const intPart = m[1]!;
    const frac = m[2];
    if (intPart === '' && (frac === undefined || frac === '')) return invalid;
    s = s.slice(m[0].length);
    let i = 0;
    while (i < s.length && !/[.0-9]/.test(s[i]!)) i++;
    if (i === 0) return { error: `time: missing unit in duration ${JSON.stringify(orig)}` };
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = unitNs[u];
    if (unit === undefined) return { error: `time: unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(orig)}` };
    let v = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (frac !== undefined && frac !== '') {
      // leadingFraction: digits while they fit in an int64, then Go scales in
      // float64 (v += uint64(float64(f) * (float64(unit) / scale))), rounding included.
      let f = 0n;
      let scale = 1;
      for (const c of frac) {
        const y = f * 10n + BigInt(c);
        if (f > maxDuration / 10n || y > 1n << 63n) break;
        f = y;
        scale *= 10;
      }
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
    }
    d += v;
    if (d > maxDuration + (neg ? 1n : 0n)) return invalid;
  }
  return { ns: Number(neg ? -d : d) };
}

/** Duration.String: 1h0m0s, 1m30s, 1.5s, 500ms, 0s. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  const frac = (v: number, prec: number): [string, number] => {
    let digits = '';
    let print = false;
    for (let i = 0; i < prec; i++) {
      const digit = v % 10;
      print ||= digit !== 0;
      if (print) digits = String(digit) + digits;
      v = Math.floor(v / 10);
    }
    return [print ? `.${digits}` : '', v];
  };
  let out: string;
  if (u < 1e9) {
    const [unit, prec] = u < 1e3 ? ['ns', 0] : u < 1e6 ? ['µs', 3] : ['ms', 6];
    const [f, whole] = frac(u, prec as number);
    out = `${whole}${f}${unit}`;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    out = `${u % 60}${f}s`;
    u = Math.floor(u / 60);
    if (u > 0) {
      out = `${u % 60}m${out}`;
      u = Math.floor(u / 60);
      if (u > 0) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Duration.String without its zero tails (1h, 2h30m, 1m30s): the way a user writes it, and still ParseDuration's syntax. */
export function shortDuration(ns: number): string {
  return formatDuration(ns).replace(/([hm])0s$/, '$1').replace(/h0m$/, 'h');
}

/**
 * A byte count with an optional binary suffix, as container limits are
 * written (512M, 4G, 4GiB, 100000000, 1.5G); k, m, g, t are powers of 1024
 * with or without "i" and "B". Null if `s` is not one, or too large to count exactly.
 */
export function parseSize(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?$/i.exec(s.trim());
  if (!m) return null;
  const pow = { '': 0, k: 1, m: 2, g: 3, t: 4 }[(m[2] ?? '').toLowerCase().replace('i', '') as 'k']!;
  const n = Math.round(Number(m[1]) * 1024 ** pow);
  return Number.isSafeInteger(n) ? n : null;
}

/** A decimal integer (optionally signed) that a float64 holds exactly. */
export function parseInteger(s: string): number | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}
