// The size-class table as text: the columns, order and number formats of the
// comment table that opens Go's sizeclasses.go (written by mksizeclasses.go's
// printComment), without the comment markers. Used by `gomem sizeclasses`
// and by scripts/mksizeclasses.ts, which embeds it in the generated file.

import { pageShift, pageSize } from './sizeclasses_const.ts';

/** Go's %N.2f for a non-negative ratio already multiplied by 100. */
function fixed2(x: number, width: number): string {
  return x.toFixed(2).padStart(width);
}

/**
 * Renders the table for classes 1..n-1 given class_to_size and
 * class_to_allocnpages (index 0 is the dummy "large" class).
 */
export function formatSizeClassTable(sizes: ArrayLike<number>, npages: ArrayLike<number>): string[] {
  const lines: string[] = [];
  lines.push(
    `${'class'.padEnd(5)}  ${'bytes/obj'.padEnd(9)}  ${'bytes/span'.padEnd(10)}  ${'objects'.padEnd(7)}  ` +
      `${'tail waste'.padEnd(10)}  ${'max waste'.padEnd(9)}  ${'min align'.padEnd(9)}`,
  );
  let prevSize = 0;
  const minAligns = new Array<number>(pageShift + 1).fill(0);
  for (let i = 1; i < sizes.length; i++) {
    const size = sizes[i]!;
    const spanSize = npages[i]! * pageSize;
    const objects = Math.floor(spanSize / size);
    const tailWaste = spanSize - size * objects;
    const maxWaste = ((size - prevSize - 1) * objects + tailWaste) / spanSize;
    const alignBits = Math.min(31 - Math.clz32(size & -size), pageShift);
    for (let b = 0; b < minAligns.length; b++) {
      if (b > alignBits) minAligns[b] = 0;
      else if (minAligns[b] === 0) minAligns[b] = size;
    }
    prevSize = size;
    lines.push(
      `${String(i).padStart(5)}  ${String(size).padStart(9)}  ${String(spanSize).padStart(10)}  ` +
        `${String(objects).padStart(7)}  ${String(tailWaste).padStart(10)}  ${fixed2(100 * maxWaste, 8)}%  ` +
        `${String(2 ** alignBits).padStart(9)}`,
    );
  }
  lines.push('');
  lines.push(`${'alignment'.padEnd(9)}  ${'bits'.padEnd(4)}  ${'min obj size'.padEnd(12)}`);
  for (let bits = 0; bits < minAligns.length; bits++) {
    const size = minAligns[bits]!;
    if (size === 0) break;
    if (bits + 1 < minAligns.length && size === minAligns[bits + 1]) continue;
    lines.push(`${String(2 ** bits).padStart(9)}  ${String(bits).padStart(4)}  ${String(size).padStart(12)}`);
  }
  return lines;
}
