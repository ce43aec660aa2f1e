// The Prometheus exposition of a checkpoint (src/go/pkg/client_golang.ts):
// it parses with a maintained parser of the text format, carries the values
// of the same checkpoint's MemStats and /proc/PID/status, and uses
// client_golang's names, types and help texts.

import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the package ships no type declarations (its output shape is typed below).
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { GoProcess } from '../../src/go/process.ts';
import { scenarios } from '../../src/scenarios/index.ts';
import {
  type CheckpointObject,
  type PromSnapshot,
  formatPromFloat,
  pauseQuantiles,
  promExposition,
  promSnapshot,
} from '../../src/go/pkg/client_golang.ts';

interface ParsedSample {
  value?: string;
  labels?: Record<string, string>;
  quantiles?: Record<string, string>;
  sum?: string;
  count?: string;
}
interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: ParsedSample[];
}
const parse = parsePrometheusTextFormat as (text: string) => ParsedFamily[];

/** Every family the exposition has; client_golang's default registry sorts them by name. */
const EXPECTED_NAMES = [
  'go_gc_duration_seconds',
  'go_gc_gogc_percent',
  'go_gc_gomemlimit_bytes',
  'go_goroutines',
  'go_info',
  'go_memstats_alloc_bytes',
  'go_memstats_alloc_bytes_total',
  'go_memstats_buck_hash_sys_bytes',
  'go_memstats_frees_total',
  'go_memstats_gc_sys_bytes',
  'go_memstats_heap_alloc_bytes',
  'go_memstats_heap_idle_bytes',
  'go_memstats_heap_inuse_bytes',
  'go_memstats_heap_objects',
  'go_memstats_heap_released_bytes',
  'go_memstats_heap_sys_bytes',
  'go_memstats_last_gc_time_seconds',
  'go_memstats_mallocs_total',
  'go_memstats_mcache_inuse_bytes',
  'go_memstats_mcache_sys_bytes',
  'go_memstats_mspan_inuse_bytes',
  'go_memstats_mspan_sys_bytes',
  'go_memstats_next_gc_bytes',
  'go_memstats_other_sys_bytes',
  'go_memstats_stack_inuse_bytes',
  'go_memstats_stack_sys_bytes',
  'go_memstats_sys_bytes',
  'go_sched_gomaxprocs_threads',
  'go_threads',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'process_start_time_seconds',
  'process_virtual_memory_bytes',
];

/** go_memstats_* name → the runtime.MemStats field it reports (client_golang prometheus/go_collector.go, goRuntimeMemStats). */
const MEMSTATS_FIELD: Record<string, string> = {
  go_memstats_alloc_bytes: 'Alloc',
  go_memstats_alloc_bytes_total: 'TotalAlloc',
  go_memstats_sys_bytes: 'Sys',
  go_memstats_mallocs_total: 'Mallocs',
  go_memstats_frees_total: 'Frees',
  go_memstats_heap_alloc_bytes: 'HeapAlloc',
  go_memstats_heap_sys_bytes: 'HeapSys',
  go_memstats_heap_idle_bytes: 'HeapIdle',
  go_memstats_heap_inuse_bytes: 'HeapInuse',
  go_memstats_heap_released_bytes: 'HeapReleased',
  go_memstats_heap_objects: 'HeapObjects',
  go_memstats_stack_inuse_bytes: 'StackInuse',
  go_memstats_stack_sys_bytes: 'StackSys',
  go_memstats_mspan_inuse_bytes: 'MSpanInuse',
  go_memstats_mspan_sys_bytes: 'MSpanSys',
  go_memstats_mcache_inuse_bytes: 'MCacheInuse',
  go_memstats_mcache_sys_bytes: 'MCacheSys',
  go_memstats_buck_hash_sys_bytes: 'BuckHashSys',
  go_memstats_gc_sys_bytes: 'GCSys',
  go_memstats_other_sys_bytes: 'OtherSys',
  go_memstats_next_gc_bytes: 'NextGC',
};

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A sample value as Go's strconv.ParseFloat (the Prometheus text parser's) accepts the ones expfmt writes. */
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]\d+)?|[+-]Inf|NaN)$/;

/**
 * What the maintained parser does not check: each line is a HELP, a TYPE
 * or a sample of the family whose TYPE came last (with _sum/_count for a
 * summary), each family appears once, with HELP before TYPE, every value
 * is a number. Throws on the first violation.
 */
function checkGrammar(text: string): void {
  expect(text.endsWith('\n')).toBe(true);
  const seen = new Set<string>();
  let family = '';
  let type = '';
  let help = '';
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^# HELP (\S+) (.*)$/.exec(line))) {
      expect(m[1]).toMatch(NAME);
      expect(seen.has(m[1]!), `family ${m[1]} twice`).toBe(false);
      seen.add(m[1]!);
      help = m[1]!;
      family = '';
    } else if ((m = /^# TYPE (\S+) (counter|gauge|summary|histogram|untyped)$/.exec(line))) {
      expect(m[1], `TYPE without its HELP: ${line}`).toBe(help);
      family = m[1]!;
      type = m[2]!;
    } else if ((m = /^([^{\s]+)(\{[^}]*\})? (\S+)$/.exec(line))) {
      const names = type === 'summary' ? [family, `${family}_sum`, `${family}_count`] : [family];
      expect(names, `sample outside its family: ${line}`).toContain(m[1]);
      if (m[2] !== undefined) expect(m[2]).toMatch(/^\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\}$/);
      expect(m[3]).toMatch(VALUE);
    } else {
      throw new Error(`not a line of the text format: ${JSON.stringify(line)}`);
    }
  }
}

function byName(families: ParsedFamily[]): Map<string, ParsedFamily> {
  return new Map(families.map((f) => [f.name, f]));
}

const value = (f: Map<string, ParsedFamily>, name: string): number => Number(f.get(name)!.metrics[0]!.value);

interface Seen {
  name: string;
  json: CheckpointObject & { memstats: Record<string, number>; proc: Record<string, number> };
  text: string;
  /** Read from the kernel model at the checkpoint, not from the CHECKPOINT line. */
  vmRss: number;
  vmSize: number;
  pauseNs: number[];
}

describe('Prometheus exposition of blahdo’s checkpoints', () => {
  const seen: Seen[] = [];
  beforeAll(() => {
    const p = new GoProcess(scenarios.get('blahdo')!, {
      env: { GOMAXPROCS: '2' },
      seed: 1,
      stdout: () => {},
      stderr: () => {},
      onCheckpoint: (json, name, gp) => {
        seen.push({
          name,
          json: JSON.parse(json) as Seen['json'],
          text: promExposition(promSnapshot(json, gp)),
          vmRss: gp.proc.vmRss,
          vmSize: gp.proc.vmSize,
          pauseNs: Array.from(gp.rt.memstats.pause_ns),
        });
      },
    });
    expect(p.run().status).toBe(0);
  });

  it('has checkpoints before and after the collector ran', () => {
    expect(seen.map((s) => s.name)).toEqual(['before_loop', 'after_loop', 'exit']);
    expect(seen[0]!.json.memstats.NumGC).toBe(0);
    expect(seen[1]!.json.memstats.NumGC).toBeGreaterThanOrEqual(5);
  });

  it('parses, with every family client_golang’s default registry serves and no other', () => {
    for (const s of seen) {
      checkGrammar(s.text);
      // Quantiles in ascending order, as constSummary.Write sorts them.
      expect([...s.text.matchAll(/quantile="([^"]*)"/g)].map((m) => m[1])).toEqual(['0', '0.25', '0.5', '0.75', '1']);
      const families = parse(s.text);
      expect(families.map((f) => f.name)).toEqual(EXPECTED_NAMES);
      for (const f of families) {
        expect(f.help.length, f.name).toBeGreaterThan(0);
        for (const m of f.metrics) {
          // (Object.keys puts the integer-like "0" and "1" first.)
          if (f.type === 'SUMMARY') expect(Object.keys(m.quantiles!).sort()).toEqual(['0', '0.25', '0.5', '0.75', '1']);
          else expect(Number.isFinite(Number(m.value)), `${f.name} ${m.value}`).toBe(true);
        }
      }
    }
  });

  it('go_memstats_* equal the MemStats of the same checkpoint', () => {
    for (const s of seen) {
      const f = byName(parse(s.text));
      const ms = s.json.memstats;
      for (const [name, field] of Object.entries(MEMSTATS_FIELD)) {
        expect(value(f, name), `${s.name}: ${name} vs MemStats.${field}`).toBe(ms[field]);
      }
      // ReadGCStats' LastGC, as float64(UnixNano())/1e9.
      expect(value(f, 'go_memstats_last_gc_time_seconds')).toBe(Number(ms.LastGC) / 1e9);
      if (ms.NumGC > 0) expect(value(f, 'go_memstats_last_gc_time_seconds')).toBeGreaterThan(1.7e9);
    }
    // The values are not all one number: the comparisons above discriminate between fields.
    const ms0 = seen[0]!.json.memstats;
    expect(new Set(Object.values(MEMSTATS_FIELD).map((k) => ms0[k])).size).toBeGreaterThanOrEqual(15);
  });

  it('process_resident_memory_bytes is VmRSS × 1024 and process_virtual_memory_bytes VmSize × 1024', () => {
    for (const s of seen) {
      const f = byName(parse(s.text));
      expect(value(f, 'process_resident_memory_bytes')).toBe(s.json.proc.VmRSS_kB! * 1024);
      expect(value(f, 'process_virtual_memory_bytes')).toBe(s.json.proc.VmSize_kB! * 1024);
      // The same as the kernel model's own counters (/proc/PID/stat's rss and vsize).
      expect(value(f, 'process_resident_memory_bytes')).toBe(s.vmRss);
      expect(value(f, 'process_virtual_memory_bytes')).toBe(s.vmSize);
      expect(s.vmRss).not.toBe(s.vmSize);
    }
  });

  it('go_gc_duration_seconds is the summary of the pause ring, with _sum PauseTotalNs and _count NumGC', () => {
    for (const s of seen) {
      const g = byName(parse(s.text)).get('go_gc_duration_seconds')!;
      const ms = s.json.memstats;
      const m = g.metrics[0]!;
      expect(Number(m.count)).toBe(ms.NumGC);
      expect(Number(m.sum)).toBe(ms.PauseTotalNs / 1e9);
      const q = ['0', '0.25', '0.5', '0.75', '1'].map((k) => Number(m.quantiles![k]) * 1e9);
      const n = Math.min(ms.NumGC, 256);
      const recent = Array.from({ length: n }, (_, i) => s.pauseNs[(ms.NumGC - 1 - i) % 256]!);
      if (n === 0) {
        expect(q).toEqual([0, 0, 0, 0, 0]);
        continue;
      }
      expect(q[0]).toBeCloseTo(Math.min(...recent), 3);
      expect(q[4]).toBeCloseTo(Math.max(...recent), 3);
      for (let i = 1; i < 5; i++) expect(q[i]!).toBeGreaterThanOrEqual(q[i - 1]!);
      for (const x of q) expect(recent.some((p) => Math.abs(p - x) < 1e-3)).toBe(true);
      // The pauses add up to what the summary's _sum says.
      if (ms.NumGC <= 256) expect(recent.reduce((a, b) => a + b, 0)).toBe(ms.PauseTotalNs);
    }
  });

  it('the scalar metrics carry the checkpoint’s runtime figures', () => {
    for (const s of seen) {
      const f = byName(parse(s.text));
      expect(value(f, 'go_goroutines')).toBe(s.json.goroutines);
      expect(value(f, 'go_threads')).toBe(s.json.proc.Threads);
      expect(value(f, 'go_sched_gomaxprocs_threads')).toBe(2);
      expect(value(f, 'go_gc_gogc_percent')).toBe(100);
      // GOMEMLIMIT unset: math.MaxInt64 as a float64.
      expect(value(f, 'go_gc_gomemlimit_bytes')).toBe(9223372036854775807);
      expect(f.get('go_info')!.metrics[0]).toEqual({ value: '1', labels: { version: 'go1.23.5' } });
    }
  });

  it('names, types and help texts are client_golang’s', () => {
    const f = byName(parse(seen[1]!.text));
    const want: [string, string, string][] = [
      // client_golang prometheus/go_collector.go (goRuntimeMemStats, newBaseGoCollector).
      [
        'go_memstats_heap_inuse_bytes',
        'GAUGE',
        'Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes',
      ],
      [
        'go_memstats_mallocs_total',
        'COUNTER',
        'Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects.',
      ],
      ['go_memstats_sys_bytes', 'GAUGE', 'Number of bytes obtained from system. Equals to /memory/classes/total:byte.'],
      ['go_gc_duration_seconds', 'SUMMARY', 'A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.'],
      ['go_goroutines', 'GAUGE', 'Number of goroutines that currently exist.'],
      ['go_threads', 'GAUGE', 'Number of OS threads created.'],
      ['go_memstats_last_gc_time_seconds', 'GAUGE', 'Number of seconds since 1970 of last garbage collection.'],
      // client_golang prometheus/go_collector_latest.go (attachOriginalName, v1.21+) over Go 1.23's
      // runtime/metrics/description.go; prometheus/internal/go_collector_options.go selects it.
      [
        'go_gc_gogc_percent',
        'GAUGE',
        'Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function. Sourced from /gc/gogc:percent.',
      ],
      // client_golang prometheus/process_collector.go (NewProcessCollector).
      ['process_resident_memory_bytes', 'GAUGE', 'Resident memory size in bytes.'],
      ['process_virtual_memory_bytes', 'GAUGE', 'Virtual memory size in bytes.'],
      ['process_cpu_seconds_total', 'COUNTER', 'Total user and system CPU time spent in seconds.'],
      ['process_start_time_seconds', 'GAUGE', 'Start time of the process since unix epoch in seconds.'],
    ];
    for (const [name, type, help] of want) {
      expect(f.get(name), name).toBeDefined();
      expect([name, f.get(name)!.type, f.get(name)!.help]).toEqual([name, type, help]);
    }
  });
});

describe('promExposition on a made-up checkpoint', () => {
  // MemStats with every field different, and the runtime/metrics Go derives from them
  // (runtime/metrics.go and the MemStats docs of Go 1.23: the direction opposite to
  // client_golang's memStatsFromRM), so a field exported under another's name fails.
  const ms = {
    Alloc: 1_000_003,
    TotalAlloc: 9_000_011,
    Mallocs: 5_003,
    Frees: 4_001,
    HeapAlloc: 1_000_003,
    HeapInuse: 1_200_128,
    HeapIdle: 3_000_064,
    HeapReleased: 2_500_096,
    HeapSys: 4_200_192,
    HeapObjects: 1_002,
    StackInuse: 327_680,
    StackSys: 393_216,
    MSpanInuse: 22_240,
    MSpanSys: 32_640,
    MCacheInuse: 2_400,
    MCacheSys: 15_600,
    BuckHashSys: 2_424,
    GCSys: 2_278_120,
    OtherSys: 682_848,
    NextGC: 4_194_304,
    Sys: 0,
    NumGC: 3,
    PauseTotalNs: 7_000,
    LastGC: 1735689600264145627n,
  };
  ms.Sys = ms.HeapSys + ms.StackSys + ms.MSpanSys + ms.MCacheSys + ms.BuckHashSys + ms.GCSys + ms.OtherSys;
  const tiny = 17;
  const metrics: Record<string, number> = {
    '/gc/heap/allocs:bytes': ms.TotalAlloc,
    '/gc/heap/allocs:objects': ms.Mallocs - tiny,
    '/gc/heap/frees:objects': ms.Frees - tiny,
    '/gc/heap/tiny/allocs:objects': tiny,
    '/gc/heap/objects:objects': ms.HeapObjects,
    '/gc/heap/goal:bytes': ms.NextGC,
    '/memory/classes/heap/objects:bytes': ms.HeapAlloc,
    '/memory/classes/heap/unused:bytes': ms.HeapInuse - ms.HeapAlloc,
    '/memory/classes/heap/free:bytes': ms.HeapIdle - ms.HeapReleased,
    '/memory/classes/heap/released:bytes': ms.HeapReleased,
    '/memory/classes/heap/stacks:bytes': ms.StackInuse,
    '/memory/classes/os-stacks:bytes': ms.StackSys - ms.StackInuse,
    '/memory/classes/metadata/mspan/inuse:bytes': ms.MSpanInuse,
    '/memory/classes/metadata/mspan/free:bytes': ms.MSpanSys - ms.MSpanInuse,
    '/memory/classes/metadata/mcache/inuse:bytes': ms.MCacheInuse,
    '/memory/classes/metadata/mcache/free:bytes': ms.MCacheSys - ms.MCacheInuse,
    '/memory/classes/metadata/other:bytes': ms.GCSys,
    '/memory/classes/profiling/buckets:bytes': ms.BuckHashSys,
    '/memory/classes/other:bytes': ms.OtherSys,
    '/memory/classes/total:bytes': ms.Sys,
    '/gc/gogc:percent': 50,
    '/gc/gomemlimit:bytes': 471859200,
    '/sched/gomaxprocs:threads': 8,
  };
  // Three cycles; the rest of the ring holds a stale value no quantile may pick.
  const ring = new Array<number>(256).fill(999_999_999);
  ring[0] = 3_000;
  ring[1] = 1_000;
  ring[2] = 3_000;
  const snap: PromSnapshot = {
    checkpoint: {
      goroutines: 7,
      memstats: { NumGC: ms.NumGC, PauseTotalNs: ms.PauseTotalNs, LastGC: ms.LastGC },
      metrics,
      proc: { VmSize_kB: 1_357_128, VmRSS_kB: 100_412, Threads: 6 },
    },
    pauseNs: ring,
    process: { cpuTimeNs: 1_234_567_890, startTimeNs: 2_345_678_901, bootTime: 1735689600 },
  };
  const f = byName(parse(promExposition(snap)));

  it('exports each MemStats field under its own name', () => {
    expect(new Set(Object.values(MEMSTATS_FIELD).map((k) => ms[k as keyof typeof ms])).size).toBe(20); // Alloc = HeapAlloc by definition
    for (const [name, field] of Object.entries(MEMSTATS_FIELD)) {
      expect([name, value(f, name)]).toEqual([name, ms[field as keyof typeof ms]]);
    }
    expect(value(f, 'go_gc_gogc_percent')).toBe(50);
    expect(value(f, 'go_gc_gomemlimit_bytes')).toBe(471859200);
    expect(value(f, 'go_sched_gomaxprocs_threads')).toBe(8);
    expect(value(f, 'go_goroutines')).toBe(7);
    expect(value(f, 'go_threads')).toBe(6);
  });

  it('takes the pause quantiles from the last NumGC pauses only, as debug.ReadGCStats does', () => {
    // Sorted pauses [1000, 3000, 3000]: q(i) = sorted[3·i/4] → 1000, 1000, 3000, 3000; the largest 3000.
    expect(f.get('go_gc_duration_seconds')!.metrics[0]).toEqual({
      quantiles: { '0': '1e-06', '0.25': '1e-06', '0.5': '3e-06', '0.75': '3e-06', '1': '3e-06' },
      sum: '7e-06',
      count: '3',
    });
    // More cycles than the ring holds: the whole ring, most recent first, sorted.
    const wrapped = Array.from({ length: 256 }, (_, i) => (i + 1) * 1000);
    expect(pauseQuantiles(wrapped, 1000)).toEqual([1_000, 65_000, 129_000, 193_000, 256_000]);
    expect(pauseQuantiles(wrapped, 0)).toEqual([0, 0, 0, 0, 0]);
  });

  it('reads CPU time and start time in /proc/PID/stat’s clock ticks', () => {
    // 1.23456789 s of CPU is 123 ticks; a start 2.345678901 s after boot is 234 ticks.
    expect(value(f, 'process_cpu_seconds_total')).toBe(1.23);
    expect(value(f, 'process_start_time_seconds')).toBe(1735689602.34);
    expect(value(f, 'process_resident_memory_bytes')).toBe(100_412 * 1024);
    expect(value(f, 'process_virtual_memory_bytes')).toBe(1_357_128 * 1024);
  });

  it('leaves the process metrics without a figure out', () => {
    const bare = byName(parse(promExposition({ ...snap, process: undefined })));
    expect(bare.has('process_cpu_seconds_total')).toBe(false);
    expect(bare.has('process_start_time_seconds')).toBe(false);
    expect(bare.has('process_resident_memory_bytes')).toBe(true);
    for (const omitted of ['process_open_fds', 'process_max_fds', 'process_virtual_memory_max_bytes', 'go_memstats_lookups_total']) {
      expect(f.has(omitted), omitted).toBe(false);
    }
  });
});

describe('formatPromFloat', () => {
  it('writes numbers as Go’s strconv.FormatFloat(v, \'g\', -1, 64) does', () => {
    // Printed by Go 1.23.5's strconv on this machine.
    const cases: [number, string][] = [
      [2532360, '2.53236e+06'],
      [100000, '100000'],
      [999999, '999999'],
      [1000000, '1e+06'],
      [1234567, '1.234567e+06'],
      [0.000100656, '0.000100656'],
      [4.2365e-5, '4.2365e-05'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [123.456, '123.456'],
      [1735689600.264145627, '1.7356896002641456e+09'],
      [9223372036854775807, '9.223372036854776e+18'],
      [18446744073709551615, '1.8446744073709552e+19'],
      [1e21, '1e+21'],
      [0.5, '0.5'],
      [5e-324, '5e-324'],
      [-2.5e-7, '-2.5e-07'],
      [1, '1'],
      [0, '0'],
      [-1, '-1'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [v, s] of cases) expect([v, formatPromFloat(v)]).toEqual([v, s]);
  });
});
