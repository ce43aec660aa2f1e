// Numbers as Go developers read them: sizes in IEC units (as gctrace's MB are
// 2^20 bytes), virtual time in ns/µs/ms/s.

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(Math.abs(v) < 10 ? 2 : 1)} ${units[u]}`;
}

/** Virtual nanoseconds since exec. */
export function time(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1e3) return `${ns.toFixed(0)} ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(a < 1e4 ? 2 : 1)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(a < 1e7 ? 3 : a < 1e8 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(a < 1e10 ? 3 : 2)} s`;
}

/** An exact figure with its readable size beside it: 401408 (392.00 KiB). */
export function exact(n: number): string {
  return `${n} (${bytes(n)})`;
}
