// Prometheus text exposition (format 0.0.4) of one gomem checkpoint, as a Go
// program that registers client_golang's default collectors would serve it
// at that instant: the Go collector (collectors.NewGoCollector() with its
// defaults, which prometheus.DefaultRegisterer also uses) and the process
// collector (collectors.NewProcessCollector) on Linux.
//
// Names, types and HELP strings are client_golang's, read from its source
// (github.com/prometheus/client_golang, v1.21.0 to v1.24.1 and main):
//   prometheus/go_collector.go         goRuntimeMemStats (go_memstats_*), baseGoCollector
//                                      (go_goroutines, go_threads, go_gc_duration_seconds,
//                                      go_memstats_last_gc_time_seconds, go_info)
//   prometheus/go_collector_latest.go  memStatsFromRM (the go_memstats_* values come from
//                                      runtime/metrics, not ReadMemStats), attachOriginalName
//   prometheus/internal/go_collector_options.go  GoCollectorDefaultRuntimeMetrics:
//                                      /gc/gogc:percent, /gc/gomemlimit:bytes, /sched/gomaxprocs:threads
//   prometheus/internal/go_runtime_metrics.go    RuntimeMetricsToProm (their names)
//   prometheus/process_collector.go, process_collector_procfsenabled.go  (process_*)
// The runtime/metrics descriptions in those HELP texts are Go 1.23's
// (runtime/metrics/description.go). v1.20.x wrote them without the final
// "." after "Sourced from NAME"; every later release has it, as here.
// Rendering follows prometheus/common's expfmt (text_create.go): families
// sorted by name (the registry's Gather), "# HELP" with \ and newline
// escaped, "# TYPE", samples with values as strconv.FormatFloat(v, 'g', -1,
// 64) (1, 0, -1, NaN, ±Inf special-cased), summary quantiles in ascending
// order, then _sum and _count; no timestamps.
//
// Emitted, each from a figure of the model at the checkpoint:
//   go_gc_duration_seconds         debug.ReadGCStats with 5 PauseQuantiles over the
//                                  MemStats.PauseNs ring; _sum PauseTotalNs, _count NumGC
//   go_gc_gogc_percent, go_gc_gomemlimit_bytes, go_sched_gomaxprocs_threads   runtime/metrics
//   go_goroutines                  runtime.NumGoroutine() (the checkpoint's goroutines)
//   go_threads                     runtime.ThreadCreateProfile's count: the Ms the runtime
//                                  created, which the model also reports as status Threads
//   go_info{version}               the version of the runtime the model reproduces
//   go_memstats_* (21 values)      memStatsFromRM over the checkpoint's runtime/metrics
//   go_memstats_last_gc_time_seconds  ReadGCStats' LastGC (MemStats.LastGC)
//   process_cpu_seconds_total      /proc/PID/stat utime+stime in clock ticks (USER_HZ 100)
//   process_resident_memory_bytes  /proc/PID/stat rss × page size = VmRSS × 1024
//   process_virtual_memory_bytes   /proc/PID/stat vsize = VmSize × 1024
//   process_start_time_seconds     btime + starttime / USER_HZ
// Omitted, because the model has no such figure:
//   process_open_fds               the model's fd table holds only the files a program
//                                  opens; the terminal's 0-2, the runtime's epoll and
//                                  eventfd and the metrics server's sockets are not modelled
//   process_max_fds, process_virtual_memory_max_bytes   /proc/PID/limits: RLIMIT_NOFILE and
//                                  RLIMIT_AS are not modelled (only RLIMIT_STACK is)
//   process_network_receive_bytes_total, process_network_transmit_bytes_total
//                                  /proc/PID/net/netstat: the model has no network
//   promhttp_metric_handler_*      promhttp.Handler's own counters, not the Go or process
//                                  collectors'
// Not emitted by client_golang 1.20 and later, so not here either:
// go_memstats_lookups_total (removed in v1.20.0, #1577) and
// go_memstats_gc_cpu_fraction (only the pre-Go-1.17 collector had it).

import type { GoProcess } from '../process.ts';

/** runtime.Version() of the runtime the model reproduces (Go 1.23.5 on linux/amd64). */
export const GO_VERSION = 'go1.23.5';

/** USER_HZ: the clock ticks /proc/PID/stat counts times in (procfs's userHZ). */
const USER_HZ = 100;

/** A runtime/metrics value as a CHECKPOINT line carries it (null: NaN or ±Inf). */
type Scalar = number | bigint | string | null;

/** The fields of a CHECKPOINT object (../shared/checkpoints.md) this file reads. */
export interface CheckpointObject {
  name?: string;
  goroutines: number;
  memstats: { NumGC: number; PauseTotalNs: number; LastGC: Scalar };
  metrics: Record<string, Scalar>;
  proc: Record<string, number>;
}

/** One checkpoint, with the figures client_golang reads that a CHECKPOINT line does not carry. */
export interface PromSnapshot {
  checkpoint: CheckpointObject;
  /** MemStats.PauseNs: the circular buffer of recent stop-the-world pauses (ns), most recent at [(NumGC+255)%256]. */
  pauseNs: ArrayLike<number>;
  /** /proc/PID/stat figures; without them the process_* metrics other than memory are left out. */
  process?: {
    /** utime + stime, ns of CPU time. */
    cpuTimeNs: number;
    /** starttime: when the process was exec'd, ns since boot. */
    startTimeNs: number;
    /** btime of /proc/stat: boot time, seconds since 1970. */
    bootTime: number;
  };
  goVersion?: string;
}

/**
 * The snapshot for GoProcess's onCheckpoint(json, name, p): the CHECKPOINT
 * object, plus what the process holds at that instant (the pause ring, CPU
 * time and start time). Reads only; nothing in the process changes.
 */
export function promSnapshot(json: string, p: GoProcess): PromSnapshot {
  // The checkpoint has just rendered /proc/PID/status, which brought proc.cpuTimeNs up to date.
  return {
    checkpoint: JSON.parse(json) as CheckpointObject,
    pauseNs: p.rt.memstats.pause_ns,
    process: { cpuTimeNs: p.proc.cpuTimeNs, startTimeNs: p.proc.startTime, bootTime: p.machine.bootTime },
  };
}

// ── text format ─────────────────────────────────────────────────────────

/** expfmt's writeFloat: strconv.FormatFloat(f, 'g', -1, 64), with 1, 0, -1, NaN and ±Inf written directly. */
export function formatPromFloat(f: number): string {
  if (f === 1) return '1';
  if (f === 0) return '0';
  if (f === -1) return '-1';
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  // Shortest digits that round-trip (JavaScript's and Go's shortest agree), and the decimal exponent.
  const [mant, e] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(e);
  let s: string;
  // 'g' with the shortest precision: %e when the exponent is < -4 or >= 6 (strconv formatDigits, eprec = 6).
  if (exp < -4 || exp >= 6) {
    s = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else {
    const dp = exp + 1;
    s = digits.length <= dp ? digits + '0'.repeat(dp - digits.length) : `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  }
  return f < 0 ? `-${s}` : s;
}

const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

type MetricType = 'counter' | 'gauge' | 'summary';

interface Family {
  name: string;
  help: string;
  type: MetricType;
  /** Sample lines after the name: `{labels} value` or ` value`, with the suffix (_sum, _count) before. */
  lines: string[];
}

const sample = (value: number, labels = ''): string => `${labels} ${formatPromFloat(value)}`;

function render(families: Family[]): string {
  let out = '';
  for (const f of [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const l of f.lines) out += `${f.name}${l}\n`;
  }
  return out;
}

// ── values ─────────────────────────────────────────────────────────────

/** float64 of a uint64 or float64 metric value, as unwrapScalarRMValue / Value.Uint64 give it. */
function toFloat(v: Scalar | undefined): number {
  if (v === null) return NaN;
  if (v === undefined) return 0;
  return Number(v);
}

/** time.Duration.Seconds(): whole seconds plus the nanosecond remainder / 1e9. */
function durationSeconds(ns: number): number {
  const d = Math.trunc(ns);
  const sec = Math.trunc(d / 1e9);
  return sec + (d - sec * 1e9) / 1e9;
}

/**
 * debug.ReadGCStats with len(PauseQuantiles) = 5, as baseGoCollector asks:
 * the last min(NumGC, 256) pauses, sorted; q[i] = sorted[len·i/4] for
 * i < 4, q[4] = the largest; all zero before the first cycle.
 */
export function pauseQuantiles(pauseNs: ArrayLike<number>, numGC: number): number[] {
  const ring = pauseNs.length;
  const n = Math.min(numGC, ring);
  if (n === 0) return [0, 0, 0, 0, 0];
  const pauses: number[] = [];
  for (let i = 0; i < n; i++) pauses.push(Math.trunc(pauseNs[(numGC - 1 - i) % ring]!));
  pauses.sort((a, b) => a - b);
  const nq = 4;
  const q: number[] = [];
  for (let i = 0; i < nq; i++) q.push(pauses[Math.floor((n * i) / nq)]!);
  q.push(pauses[n - 1]!);
  return q;
}

// ── the collectors ─────────────────────────────────────────────────────

/** runtime/metrics descriptions (Go 1.23, runtime/metrics/description.go) of the metrics the Go collector exports by default. */
const RM_DEFAULT: [name: string, prom: string, description: string][] = [
  [
    '/gc/gogc:percent',
    'go_gc_gogc_percent',
    'Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function.',
  ],
  [
    '/gc/gomemlimit:bytes',
    'go_gc_gomemlimit_bytes',
    'Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function.',
  ],
  [
    '/sched/gomaxprocs:threads',
    'go_sched_gomaxprocs_threads',
    'The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously.',
  ],
];

/** The MemStats fields memStatsFromRM fills, from runtime/metrics (go_collector_latest.go). */
function memStatsFromRM(rm: Record<string, Scalar>): Record<string, number> {
  const get = (n: string): number => toFloat(rm[n]);
  const tiny = get('/gc/heap/tiny/allocs:objects');
  const heapAlloc = get('/memory/classes/heap/objects:bytes');
  const heapInuse = heapAlloc + get('/memory/classes/heap/unused:bytes');
  const heapReleased = get('/memory/classes/heap/released:bytes');
  const heapIdle = heapReleased + get('/memory/classes/heap/free:bytes');
  const stackInuse = get('/memory/classes/heap/stacks:bytes');
  const mspanInuse = get('/memory/classes/metadata/mspan/inuse:bytes');
  const mcacheInuse = get('/memory/classes/metadata/mcache/inuse:bytes');
  return {
    Mallocs: get('/gc/heap/allocs:objects') + tiny,
    Frees: get('/gc/heap/frees:objects') + tiny,
    TotalAlloc: get('/gc/heap/allocs:bytes'),
    Sys: get('/memory/classes/total:bytes'),
    HeapAlloc: heapAlloc,
    Alloc: heapAlloc,
    HeapInuse: heapInuse,
    HeapReleased: heapReleased,
    HeapIdle: heapIdle,
    HeapSys: heapInuse + heapIdle,
    HeapObjects: get('/gc/heap/objects:objects'),
    StackInuse: stackInuse,
    StackSys: stackInuse + get('/memory/classes/os-stacks:bytes'),
    MSpanInuse: mspanInuse,
    MSpanSys: mspanInuse + get('/memory/classes/metadata/mspan/free:bytes'),
    MCacheInuse: mcacheInuse,
    MCacheSys: mcacheInuse + get('/memory/classes/metadata/mcache/free:bytes'),
    BuckHashSys: get('/memory/classes/profiling/buckets:bytes'),
    GCSys: get('/memory/classes/metadata/other:bytes'),
    OtherSys: get('/memory/classes/other:bytes'),
    NextGC: get('/gc/heap/goal:bytes'),
  };
}

/** goRuntimeMemStats: go_memstats_ name suffix, MemStats field, type, HELP (go_collector.go). */
const MEMSTATS: [suffix: string, field: string, type: MetricType, help: string][] = [
  ['alloc_bytes', 'Alloc', 'gauge', 'Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes.'],
  ['alloc_bytes_total', 'TotalAlloc', 'counter', 'Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes.'],
  ['sys_bytes', 'Sys', 'gauge', 'Number of bytes obtained from system. Equals to /memory/classes/total:byte.'],
  [
    'mallocs_total',
    'Mallocs',
    'counter',
    'Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects.',
  ],
  ['frees_total', 'Frees', 'counter', 'Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects.'],
  [
    'heap_alloc_bytes',
    'HeapAlloc',
    'gauge',
    'Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes.',
  ],
  [
    'heap_sys_bytes',
    'HeapSys',
    'gauge',
    'Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.',
  ],
  ['heap_idle_bytes', 'HeapIdle', 'gauge', 'Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.'],
  ['heap_inuse_bytes', 'HeapInuse', 'gauge', 'Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes'],
  ['heap_released_bytes', 'HeapReleased', 'gauge', 'Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes.'],
  ['heap_objects', 'HeapObjects', 'gauge', 'Number of currently allocated objects. Equals to /gc/heap/objects:objects.'],
  [
    'stack_inuse_bytes',
    'StackInuse',
    'gauge',
    'Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes.',
  ],
  [
    'stack_sys_bytes',
    'StackSys',
    'gauge',
    'Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes.',
  ],
  ['mspan_inuse_bytes', 'MSpanInuse', 'gauge', 'Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes.'],
  [
    'mspan_sys_bytes',
    'MSpanSys',
    'gauge',
    'Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes.',
  ],
  ['mcache_inuse_bytes', 'MCacheInuse', 'gauge', 'Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes.'],
  [
    'mcache_sys_bytes',
    'MCacheSys',
    'gauge',
    'Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes.',
  ],
  ['buck_hash_sys_bytes', 'BuckHashSys', 'gauge', 'Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes.'],
  ['gc_sys_bytes', 'GCSys', 'gauge', 'Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes.'],
  ['other_sys_bytes', 'OtherSys', 'gauge', 'Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes.'],
  ['next_gc_bytes', 'NextGC', 'gauge', 'Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes.'],
];

function goCollector(s: PromSnapshot): Family[] {
  const cp = s.checkpoint;
  const numGC = cp.memstats.NumGC;
  const q = pauseQuantiles(s.pauseNs, numGC);
  const families: Family[] = [
    { name: 'go_goroutines', help: 'Number of goroutines that currently exist.', type: 'gauge', lines: [sample(cp.goroutines)] },
    // ThreadCreateProfile counts allm; the model's status Threads is the runtime's count of Ms (GoProcess.syncProcFields).
    { name: 'go_threads', help: 'Number of OS threads created.', type: 'gauge', lines: [sample(cp.proc.Threads!)] },
    {
      name: 'go_gc_duration_seconds',
      help: 'A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.',
      type: 'summary',
      lines: [
        ...[0, 0.25, 0.5, 0.75, 1].map((quantile, i) => sample(durationSeconds(q[i]!), `{quantile="${formatPromFloat(quantile)}"}`)),
        `_sum ${formatPromFloat(durationSeconds(cp.memstats.PauseTotalNs))}`,
        `_count ${formatPromFloat(numGC)}`,
      ],
    },
    {
      name: 'go_memstats_last_gc_time_seconds',
      help: 'Number of seconds since 1970 of last garbage collection.',
      type: 'gauge',
      lines: [sample(toFloat(cp.memstats.LastGC) / 1e9)],
    },
    {
      name: 'go_info',
      help: 'Information about the Go environment.',
      type: 'gauge',
      lines: [sample(1, `{version="${escapeLabel(s.goVersion ?? GO_VERSION)}"}`)],
    },
  ];
  for (const [rm, name, description] of RM_DEFAULT) {
    // attachOriginalName; none of the three is cumulative, so each is a gauge.
    families.push({ name, help: `${description} Sourced from ${rm}.`, type: 'gauge', lines: [sample(toFloat(cp.metrics[rm]))] });
  }
  const ms = memStatsFromRM(cp.metrics);
  for (const [suffix, field, type, help] of MEMSTATS) {
    families.push({ name: `go_memstats_${suffix}`, help, type, lines: [sample(ms[field]!)] });
  }
  return families;
}

function processCollector(s: PromSnapshot): Family[] {
  const proc = s.checkpoint.proc;
  const families: Family[] = [
    // /proc/PID/stat's vsize is total_vm in bytes, and its rss get_mm_rss() pages: the VmSize and VmRSS of status.
    { name: 'process_virtual_memory_bytes', help: 'Virtual memory size in bytes.', type: 'gauge', lines: [sample(proc.VmSize_kB! * 1024)] },
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', lines: [sample(proc.VmRSS_kB! * 1024)] },
  ];
  const p = s.process;
  if (p !== undefined) {
    // Linux converts utime and stime to ticks separately, so a real reading can be one tick lower than
    // this one from their sum; the model keeps only the sum.
    const ticks = Math.floor(p.cpuTimeNs / (1e9 / USER_HZ));
    families.push({
      name: 'process_cpu_seconds_total',
      help: 'Total user and system CPU time spent in seconds.',
      type: 'counter',
      lines: [sample(ticks / USER_HZ)],
    });
    const startTicks = Math.floor(p.startTimeNs / (1e9 / USER_HZ));
    families.push({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since unix epoch in seconds.',
      type: 'gauge',
      lines: [sample(p.bootTime + startTicks / USER_HZ)],
    });
  }
  return families;
}

/** The exposition document (text format 0.0.4) of one checkpoint: client_golang's Go and process collectors. */
export function promExposition(s: PromSnapshot): string {
  return render([...goCollector(s), ...processCollector(s)]);
}
