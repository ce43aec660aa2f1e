// Number formatting of the gctrace line (mgc.go itoaDiv, fmtNSAsMS): Go
// prints durations in milliseconds with at most two significant digits
// below 10 ms (5 µs → "0.005", 64 µs → "0.064", 940 µs → "0.94",
// 1.49 ms → "1.4", 9.99 ms → "9.9") and whole milliseconds above.

/** val with a decimal point `dec` digits from the right (itoaDiv(74, 3) = "0.074"). */
export function itoaDiv(val: number, dec: number): string {
  let digits = String(Math.trunc(val));
  if (dec <= 0) return digits;
  if (digits.length <= dec) digits = '0'.repeat(dec + 1 - digits.length) + digits;
  return `${digits.slice(0, digits.length - dec)}.${digits.slice(digits.length - dec)}`;
}

/** fmtNSAsMS: ns as gctrace prints it, in ms. */
export function fmtNSAsMS(ns: number): string {
  if (ns >= 10e6) return String(Math.trunc(ns / 1e6));
  let x = Math.trunc(ns / 1000);
  if (x === 0) return '0';
  let dec = 3;
  while (x >= 100) {
    x = Math.trunc(x / 10);
    dec--;
  }
  return itoaDiv(x, dec);
}
