// Size → size class, and the usable size a request gets (msize.go
// roundupsize, and the class lookup mallocgc inlines).

import { class_to_size, size_to_class128, size_to_class8 } from './sizeclasses.ts';
import {
  largeSizeDiv,
  mallocHeaderSize,
  maxSmallSize,
  minSizeForMallocHeader,
  pageSize,
  smallSizeDiv,
  smallSizeMax,
} from './sizeclasses_const.ts';

/** Size class of a small request of `size` bytes (1..32768, header already added). */
export function sizeToClass(size: number): number {
  if (size <= smallSizeMax - 8) return size_to_class8[(size + smallSizeDiv - 1) >>> 3]!;
  // Go computes this index with unsigned wrap-around; sizes 1017..1024 land on 0.
  return size_to_class128[Math.max(0, (size - smallSizeMax + largeSizeDiv - 1) >> 7)]!;
}

/**
 * The size of the block mallocgc hands out for `size` bytes, minus any
 * inline malloc header (pointerful objects over 512 bytes carry one).
 */
export function roundupsize(size: number, noscan: boolean): number {
  if (size <= maxSmallSize - mallocHeaderSize) {
    const header = !noscan && size > minSizeForMallocHeader ? mallocHeaderSize : 0;
    return class_to_size[sizeToClass(size + header)]! - header;
  }
  return Math.ceil(size / pageSize) * pageSize;
}
