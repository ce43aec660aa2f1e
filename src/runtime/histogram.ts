// Distributions of durations (histogram.go's timeHistogram): an HDR
// histogram whose buckets are powers of two of nanoseconds, each cut into
// four linear sub-buckets, plus an underflow count for negative durations
// and an overflow count for 2^47 ns (about 39 hours) and more; and the
// scheduler's histograms and mutex-wait total that runtime/metrics reads
// (runtime2.go schedt: timeToRun, stwStoppingTime*, stwTotalTime*,
// totalMutexWaitTime), with the bucket boundaries metrics.Read reports.

import { class_to_size, numSizeClasses } from './sizeclasses.ts';

/** histogram.go's constants: buckets start at bit 9 (512 ns) and end before bit 48; 4 sub-buckets each. */
export const timeHistMinBucketBits = 9;
export const timeHistMaxBucketBits = 48; // exclusive
export const timeHistSubBucketBits = 2;
export const timeHistNumSubBuckets = 1 << timeHistSubBucketBits;
export const timeHistNumBuckets = timeHistMaxBucketBits - timeHistMinBucketBits + 1;
/** With the underflow and overflow buckets. */
export const timeHistTotalBuckets = timeHistNumBuckets * timeHistNumSubBuckets + 2;

/** metrics.Float64Histogram: Counts[i] samples fell in [Buckets[i], Buckets[i+1]). */
export interface Float64Histogram {
  Counts: number[];
  Buckets: readonly number[];
}

/** The bit length of a non-negative integer below 2^53 (sys.Len64). */
function len64(n: number): number {
  if (n < 0x1_0000_0000) return 32 - Math.clz32(n);
  return 64 - Math.clz32(Math.floor(n / 0x1_0000_0000));
}

export class TimeHistogram {
  /** timeHistNumBuckets × timeHistNumSubBuckets counts; each fits a double exactly below 2^53. */
  readonly counts = new Float64Array(timeHistNumBuckets * timeHistNumSubBuckets);
  underflow = 0;
  overflow = 0;

  /** record: one sample of `duration` ns (truncated to an integer, as Go's int64 is). */
  record(duration: number): void {
    if (duration < 0) {
      this.underflow++;
      return;
    }
    const d = Math.floor(duration);
    // The bucket is picked by the highest set bit (bit 9 for anything shorter),
    // bucket 0 being everything below 2^9 ns; the sub-bucket by the next two bits.
    const l = len64(d);
    const bucketBit = l < timeHistMinBucketBits ? timeHistMinBucketBits : l;
    const bucket = l < timeHistMinBucketBits ? 0 : l - timeHistMinBucketBits + 1;
    if (bucket >= timeHistNumBuckets) {
      this.overflow++;
      return;
    }
    const subBucket = Math.floor(d / 2 ** (bucketBit - 1 - timeHistSubBucketBits)) % timeHistNumSubBuckets;
    this.counts[bucket * timeHistNumSubBuckets + subBucket]!++;
  }

  /** write: the distribution as metrics.Read returns it, underflow first and overflow last. */
  write(): Float64Histogram {
    const counts = new Array<number>(timeHistTotalBuckets);
    counts[0] = this.underflow;
    for (let i = 0; i < this.counts.length; i++) counts[i + 1] = this.counts[i]!;
    counts[timeHistTotalBuckets - 1] = this.overflow;
    return { Counts: counts, Buckets: timeHistBuckets };
  }
}

/**
 * timeHistogramMetricsBuckets: the boundaries in seconds, -Inf first (the
 * underflow bucket), then bucket 0's sub-buckets at multiples of 64 ns, then
 * 2^(i−1) + j·2^(i−3) ns for each bit i and sub-bucket j, then 2^47 ns and
 * +Inf. Every value is an integer of ns divided by 1e9, as Go computes it.
 */
export const timeHistBuckets: readonly number[] = (() => {
  const b = new Array<number>(timeHistTotalBuckets + 1);
  b[0] = -Infinity;
  for (let j = 0; j < timeHistNumSubBuckets; j++) {
    b[j + 1] = (j * 2 ** (timeHistMinBucketBits - 1 - timeHistSubBucketBits)) / 1e9;
  }
  for (let i = timeHistMinBucketBits; i < timeHistMaxBucketBits; i++) {
    for (let j = 0; j < timeHistNumSubBuckets; j++) {
      const bucketNanos = 2 ** (i - 1) + j * 2 ** (i - 1 - timeHistSubBucketBits);
      b[(i - timeHistMinBucketBits + 1) * timeHistNumSubBuckets + j + 1] = bucketNanos / 1e9;
    }
  }
  b[b.length - 2] = 2 ** (timeHistMaxBucketBits - 1) / 1e9;
  b[b.length - 1] = Infinity;
  return Object.freeze(b);
})();

/**
 * initMetrics' sizeClassBuckets for /gc/heap/{allocs,frees}-by-size:bytes:
 * 1, then each size class's size + 1 (a class holds (prev, size], a bucket
 * [lo, hi)), then +Inf for large objects.
 */
export const sizeClassBuckets: readonly number[] = (() => {
  const b = [1];
  for (let i = 1; i < numSizeClasses; i++) b.push(class_to_size[i]! + 1);
  b.push(Infinity);
  return Object.freeze(b);
})();

/**
 * The scheduler's statistics runtime/metrics reads (schedt): scheduling
 * latency, stop-the-world stopping and total times split into GC and other
 * pauses, and the time goroutines spent blocked on sync.Mutex (ns, an
 * estimate from sampled goroutines, as in Go).
 */
export class SchedStats {
  /** /sched/latencies:seconds: time from runnable to running, of sampled goroutines (casgstatus). */
  readonly timeToRun = new TimeHistogram();
  readonly stwStoppingTimeGC = new TimeHistogram();
  readonly stwStoppingTimeOther = new TimeHistogram();
  readonly stwTotalTimeGC = new TimeHistogram();
  readonly stwTotalTimeOther = new TimeHistogram();
  /** sched.totalMutexWaitTime (ns). */
  totalMutexWaitTime = 0;

  /**
   * One stop-the-world's samples: stopTheWorldWithSema records how long the
   * Ps took to stop, startTheWorldWithSema the whole pause; GC pauses are
   * the sweep- and mark-termination ones.
   */
  recordSTW(isGC: boolean, stoppingNs: number, totalNs: number): void {
    (isGC ? this.stwStoppingTimeGC : this.stwStoppingTimeOther).record(stoppingNs);
    (isGC ? this.stwTotalTimeGC : this.stwTotalTimeOther).record(totalNs);
  }
}
