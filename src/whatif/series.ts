// RSS and heap over time for a what-if chart, kept in a bounded number of
// time buckets: each bucket holds the most each column saw in it, and the
// buckets double in width as a run goes on, so a ten-minute run costs no
// more memory than a ten-second one. Exact runs (outcome.ts) and the fast
// mode (fast_model.ts) sample into it the same way.

/**
 * RSS and heap over time: columns of equal length, one point per time
 * bucket (the bucket's start), each the most the bucket saw. Buckets widen
 * (doubling) as the run goes on, so a run has at most 2 × `points` of them.
 */
export interface Series {
  t: number[];
  rss: number[];
  charge: number[];
  heapInuse: number[];
  heapAlloc: number[];
  /** The pacer's heap goal; null before the first cycle starts (the trace has no goal before it; under GOGC=off there is none). */
  heapGoal: (number | null)[];
}

export class SeriesBuilder {
  private dt: number;
  private readonly b = { rss: [] as number[], charge: [] as number[], heapInuse: [] as number[], heapAlloc: [] as number[], heapGoal: [] as number[] };
  private readonly maxBuckets: number;

  /** `points`: about how many points the series keeps (at most twice it); `firstBucketNs`: the narrowest bucket. */
  constructor(opts: { points?: number; firstBucketNs?: number } = {}) {
    this.maxBuckets = 2 * (opts.points ?? 500);
    this.dt = opts.firstBucketNs ?? 1e6;
  }

  /** One observation at virtual time t; a goal below 0 means none yet. */
  sample(t: number, rss: number, charge: number, heapInuse: number, heapAlloc: number, goal: number): void {
    let i = Math.floor(Math.max(0, t) / this.dt);
    while (i >= this.maxBuckets) {
      this.widen();
      i = Math.floor(Math.max(0, t) / this.dt);
    }
    const b = this.b;
    // Buckets not reached yet are filled when a later one is.
    while (b.rss.length <= i) {
      b.rss.push(-1);
      b.charge.push(-1);
      b.heapInuse.push(-1);
      b.heapAlloc.push(-1);
      b.heapGoal.push(-1);
    }
    b.rss[i] = Math.max(b.rss[i]!, rss);
    b.charge[i] = Math.max(b.charge[i]!, charge);
    b.heapInuse[i] = Math.max(b.heapInuse[i]!, heapInuse);
    b.heapAlloc[i] = Math.max(b.heapAlloc[i]!, heapAlloc);
    b.heapGoal[i] = Math.max(b.heapGoal[i]!, goal);
  }

  /** Doubles the bucket width: each pair of buckets becomes one holding the most of both. */
  private widen(): void {
    this.dt *= 2;
    for (const col of Object.values(this.b)) {
      const merged: number[] = [];
      for (let i = 0; i < col.length; i += 2) merged.push(Math.max(col[i]!, col[i + 1] ?? -1));
      col.length = 0;
      col.push(...merged);
    }
  }

  finish(): Series {
    const b = this.b;
    const series: Series = { t: [], rss: [], charge: [], heapInuse: [], heapAlloc: [], heapGoal: [] };
    let last = { rss: 0, charge: 0, heapInuse: 0, heapAlloc: 0, heapGoal: -1 };
    for (let i = 0; i < b.rss.length; i++) {
      // A bucket no record fell in holds what the one before it ended with (a step chart's level).
      if (b.rss[i]! >= 0) last = { rss: b.rss[i]!, charge: b.charge[i]!, heapInuse: b.heapInuse[i]!, heapAlloc: b.heapAlloc[i]!, heapGoal: b.heapGoal[i]! };
      series.t.push(i * this.dt);
      series.rss.push(last.rss);
      series.charge.push(last.charge);
      series.heapInuse.push(last.heapInuse);
      series.heapAlloc.push(last.heapAlloc);
      series.heapGoal.push(last.heapGoal < 0 ? null : last.heapGoal);
    }
    return series;
  }
}
