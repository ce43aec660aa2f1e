// The runtime's own number formatting (print.go): what `print`/`println`
// inside the runtime writes for a float64, as in the gcpacertrace lines.
// This is not fmt: always 7 significant digits, an explicit sign and a
// three-digit exponent ("+2.500000e-001").

/** printfloat: +d.dddddde±ddd, or NaN / ±Inf. */
export function printfloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  // Go tests v+v == v to find the infinities (0 is excluded by the sign test).
  if (v + v === v && v > 0) return '+Inf';
  if (v + v === v && v < 0) return '-Inf';

  const digits = 7;
  let sign = '+';
  let e = 0;
  if (v === 0) {
    if (1 / v < 0) sign = '-';
  } else {
    if (v < 0) {
      v = -v;
      sign = '-';
    }
    // Normalise into [1, 10) by repeated float division and multiplication,
    // exactly as the runtime does (so the same rounding errors happen).
    while (v >= 10) {
      e++;
      v /= 10;
    }
    while (v < 1) {
      e--;
      v *= 10;
    }
    // Round by adding half a unit of the last printed digit.
    let h = 5.0;
    for (let i = 0; i < digits; i++) h /= 10;
    v += h;
    if (v >= 10) {
      e++;
      v /= 10;
    }
  }

  let mant = '';
  for (let i = 0; i < digits; i++) {
    const s = Math.trunc(v);
    mant += String.fromCharCode(48 + s);
    v -= s;
    v *= 10;
  }
  let expSign = '+';
  if (e < 0) {
    e = -e;
    expSign = '-';
  }
  // Three exponent digits; Go computes byte(e/100)+'0', which is only a digit for e < 1000 (always, for float64).
  const exp = String.fromCharCode(48 + Math.trunc(e / 100)) + String(Math.trunc(e / 10) % 10) + String(e % 10);
  return `${sign}${mant[0]}.${mant.slice(1)}e${expSign}${exp}`;
}
