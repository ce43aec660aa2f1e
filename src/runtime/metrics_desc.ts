// runtime/metrics' descriptions (runtime/metrics/description.go): what
// metrics.All() returns in Go 1.23 — every metric's name, its English
// description, the kind of its value and whether it is cumulative — and the
// table of GODEBUG settings (internal/godebugs/table.go) from which Go adds
// one /godebug/non-default-behavior/<name>:events metric per non-opaque
// setting. Names, kinds, flags and texts are Go 1.23's, verbatim (facts);
// conformance/metrics.test.ts checks them against real Go 1.23.5's All().

/** metrics.ValueKind. */
export const KindBad = 0;
export const KindUint64 = 1;
export const KindFloat64 = 2;
export const KindFloat64Histogram = 3;
export type ValueKind = typeof KindBad | typeof KindUint64 | typeof KindFloat64 | typeof KindFloat64Histogram;

/** metrics.Description. */
export interface Description {
  /** The full name, unit included ("/memory/classes/heap/free:bytes"). */
  readonly Name: string;
  /** An English sentence describing the metric. */
  readonly Description: string;
  readonly Kind: ValueKind;
  /** Whether the value (each bucket of a histogram) only grows, so that a rate means something. */
  readonly Cumulative: boolean;
}

/** description.go's allDesc before its init adds the GODEBUG metrics: sorted by name. */
const baseDesc: readonly [string, ValueKind, boolean, string][] = [
  ['/cgo/go-to-c-calls:calls', KindUint64, true,
    'Count of calls made from Go to C by the current process.'],
  ['/cpu/classes/gc/mark/assist:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time goroutines spent performing GC tasks to assist the GC and prevent it from falling behind the application. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics.'],
  ['/cpu/classes/gc/mark/dedicated:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time spent performing GC tasks on processors (as defined by GOMAXPROCS) dedicated to those tasks. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics.'],
  ['/cpu/classes/gc/mark/idle:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time spent performing GC tasks on spare CPU resources that the Go scheduler could not otherwise find a use for. This should be subtracted from the total GC CPU time to obtain a measure of compulsory GC CPU time. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics.'],
  ['/cpu/classes/gc/pause:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time spent with the application paused by the GC. Even if only one thread is running during the pause, this is computed as GOMAXPROCS times the pause latency because nothing else can be executing. This is the exact sum of samples in /sched/pauses/total/gc:seconds if each sample is multiplied by GOMAXPROCS at the time it is taken. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics.'],
  ['/cpu/classes/gc/total:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time spent performing GC tasks. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics. Sum of all metrics in /cpu/classes/gc.'],
  ['/cpu/classes/idle:cpu-seconds', KindFloat64, true,
    'Estimated total available CPU time not spent executing any Go or Go runtime code. In other words, the part of /cpu/classes/total:cpu-seconds that was unused. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics.'],
  ['/cpu/classes/scavenge/assist:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time spent returning unused memory to the underlying platform in response eagerly in response to memory pressure. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics.'],
  ['/cpu/classes/scavenge/background:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time spent performing background tasks to return unused memory to the underlying platform. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics.'],
  ['/cpu/classes/scavenge/total:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time spent performing tasks that return unused memory to the underlying platform. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics. Sum of all metrics in /cpu/classes/scavenge.'],
  ['/cpu/classes/total:cpu-seconds', KindFloat64, true,
    'Estimated total available CPU time for user Go code or the Go runtime, as defined by GOMAXPROCS. In other words, GOMAXPROCS integrated over the wall-clock duration this process has been executing for. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics. Sum of all metrics in /cpu/classes.'],
  ['/cpu/classes/user:cpu-seconds', KindFloat64, true,
    'Estimated total CPU time spent running user Go code. This may also include some small amount of time spent in the Go runtime. This metric is an overestimate, and not directly comparable to system CPU time measurements. Compare only with other /cpu/classes metrics.'],
  ['/gc/cycles/automatic:gc-cycles', KindUint64, true,
    'Count of completed GC cycles generated by the Go runtime.'],
  ['/gc/cycles/forced:gc-cycles', KindUint64, true,
    'Count of completed GC cycles forced by the application.'],
  ['/gc/cycles/total:gc-cycles', KindUint64, true,
    'Count of all completed GC cycles.'],
  ['/gc/gogc:percent', KindUint64, false,
    'Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function.'],
  ['/gc/gomemlimit:bytes', KindUint64, false,
    'Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function.'],
  ['/gc/heap/allocs-by-size:bytes', KindFloat64Histogram, true,
    'Distribution of heap allocations by approximate size. Bucket counts increase monotonically. Note that this does not include tiny objects as defined by /gc/heap/tiny/allocs:objects, only tiny blocks.'],
  ['/gc/heap/allocs:bytes', KindUint64, true,
    'Cumulative sum of memory allocated to the heap by the application.'],
  ['/gc/heap/allocs:objects', KindUint64, true,
    'Cumulative count of heap allocations triggered by the application. Note that this does not include tiny objects as defined by /gc/heap/tiny/allocs:objects, only tiny blocks.'],
  ['/gc/heap/frees-by-size:bytes', KindFloat64Histogram, true,
    'Distribution of freed heap allocations by approximate size. Bucket counts increase monotonically. Note that this does not include tiny objects as defined by /gc/heap/tiny/allocs:objects, only tiny blocks.'],
  ['/gc/heap/frees:bytes', KindUint64, true,
    'Cumulative sum of heap memory freed by the garbage collector.'],
  ['/gc/heap/frees:objects', KindUint64, true,
    'Cumulative count of heap allocations whose storage was freed by the garbage collector. Note that this does not include tiny objects as defined by /gc/heap/tiny/allocs:objects, only tiny blocks.'],
  ['/gc/heap/goal:bytes', KindUint64, false,
    'Heap size target for the end of the GC cycle.'],
  ['/gc/heap/live:bytes', KindUint64, false,
    'Heap memory occupied by live objects that were marked by the previous GC.'],
  ['/gc/heap/objects:objects', KindUint64, false,
    'Number of objects, live or unswept, occupying heap memory.'],
  ['/gc/heap/tiny/allocs:objects', KindUint64, true,
    'Count of small allocations that are packed together into blocks. These allocations are counted separately from other allocations because each individual allocation is not tracked by the runtime, only their block. Each block is already accounted for in allocs-by-size and frees-by-size.'],
  ['/gc/limiter/last-enabled:gc-cycle', KindUint64, false,
    'GC cycle the last time the GC CPU limiter was enabled. This metric is useful for diagnosing the root cause of an out-of-memory error, because the limiter trades memory for CPU time when the GC\'s CPU time gets too high. This is most likely to occur with use of SetMemoryLimit. The first GC cycle is cycle 1, so a value of 0 indicates that it was never enabled.'],
  ['/gc/pauses:seconds', KindFloat64Histogram, true,
    'Deprecated. Prefer the identical /sched/pauses/total/gc:seconds.'],
  ['/gc/scan/globals:bytes', KindUint64, false,
    'The total amount of global variable space that is scannable.'],
  ['/gc/scan/heap:bytes', KindUint64, false,
    'The total amount of heap space that is scannable.'],
  ['/gc/scan/stack:bytes', KindUint64, false,
    'The number of bytes of stack that were scanned last GC cycle.'],
  ['/gc/scan/total:bytes', KindUint64, false,
    'The total amount space that is scannable. Sum of all metrics in /gc/scan.'],
  ['/gc/stack/starting-size:bytes', KindUint64, false,
    'The stack size of new goroutines.'],
  ['/memory/classes/heap/free:bytes', KindUint64, false,
    'Memory that is completely free and eligible to be returned to the underlying system, but has not been. This metric is the runtime\'s estimate of free address space that is backed by physical memory.'],
  ['/memory/classes/heap/objects:bytes', KindUint64, false,
    'Memory occupied by live objects and dead objects that have not yet been marked free by the garbage collector.'],
  ['/memory/classes/heap/released:bytes', KindUint64, false,
    'Memory that is completely free and has been returned to the underlying system. This metric is the runtime\'s estimate of free address space that is still mapped into the process, but is not backed by physical memory.'],
  ['/memory/classes/heap/stacks:bytes', KindUint64, false,
    'Memory allocated from the heap that is reserved for stack space, whether or not it is currently in-use. Currently, this represents all stack memory for goroutines. It also includes all OS thread stacks in non-cgo programs. Note that stacks may be allocated differently in the future, and this may change.'],
  ['/memory/classes/heap/unused:bytes', KindUint64, false,
    'Memory that is reserved for heap objects but is not currently used to hold heap objects.'],
  ['/memory/classes/metadata/mcache/free:bytes', KindUint64, false,
    'Memory that is reserved for runtime mcache structures, but not in-use.'],
  ['/memory/classes/metadata/mcache/inuse:bytes', KindUint64, false,
    'Memory that is occupied by runtime mcache structures that are currently being used.'],
  ['/memory/classes/metadata/mspan/free:bytes', KindUint64, false,
    'Memory that is reserved for runtime mspan structures, but not in-use.'],
  ['/memory/classes/metadata/mspan/inuse:bytes', KindUint64, false,
    'Memory that is occupied by runtime mspan structures that are currently being used.'],
  ['/memory/classes/metadata/other:bytes', KindUint64, false,
    'Memory that is reserved for or used to hold runtime metadata.'],
  ['/memory/classes/os-stacks:bytes', KindUint64, false,
    'Stack memory allocated by the underlying operating system. In non-cgo programs this metric is currently zero. This may change in the future.In cgo programs this metric includes OS thread stacks allocated directly from the OS. Currently, this only accounts for one stack in c-shared and c-archive build modes, and other sources of stacks from the OS are not measured. This too may change in the future.'],
  ['/memory/classes/other:bytes', KindUint64, false,
    'Memory used by execution trace buffers, structures for debugging the runtime, finalizer and profiler specials, and more.'],
  ['/memory/classes/profiling/buckets:bytes', KindUint64, false,
    'Memory that is used by the stack trace hash map used for profiling.'],
  ['/memory/classes/total:bytes', KindUint64, false,
    'All memory mapped by the Go runtime into the current process as read-write. Note that this does not include memory mapped by code called via cgo or via the syscall package. Sum of all metrics in /memory/classes.'],
  ['/sched/gomaxprocs:threads', KindUint64, false,
    'The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously.'],
  ['/sched/goroutines:goroutines', KindUint64, false,
    'Count of live goroutines.'],
  ['/sched/latencies:seconds', KindFloat64Histogram, true,
    'Distribution of the time goroutines have spent in the scheduler in a runnable state before actually running. Bucket counts increase monotonically.'],
  ['/sched/pauses/stopping/gc:seconds', KindFloat64Histogram, true,
    'Distribution of individual GC-related stop-the-world stopping latencies. This is the time it takes from deciding to stop the world until all Ps are stopped. This is a subset of the total GC-related stop-the-world time (/sched/pauses/total/gc:seconds). During this time, some threads may be executing. Bucket counts increase monotonically.'],
  ['/sched/pauses/stopping/other:seconds', KindFloat64Histogram, true,
    'Distribution of individual non-GC-related stop-the-world stopping latencies. This is the time it takes from deciding to stop the world until all Ps are stopped. This is a subset of the total non-GC-related stop-the-world time (/sched/pauses/total/other:seconds). During this time, some threads may be executing. Bucket counts increase monotonically.'],
  ['/sched/pauses/total/gc:seconds', KindFloat64Histogram, true,
    'Distribution of individual GC-related stop-the-world pause latencies. This is the time from deciding to stop the world until the world is started again. Some of this time is spent getting all threads to stop (this is measured directly in /sched/pauses/stopping/gc:seconds), during which some threads may still be running. Bucket counts increase monotonically.'],
  ['/sched/pauses/total/other:seconds', KindFloat64Histogram, true,
    'Distribution of individual non-GC-related stop-the-world pause latencies. This is the time from deciding to stop the world until the world is started again. Some of this time is spent getting all threads to stop (measured directly in /sched/pauses/stopping/other:seconds). Bucket counts increase monotonically.'],
  ['/sync/mutex/wait/total:seconds', KindFloat64, true,
    'Approximate cumulative time goroutines have spent blocked on a sync.Mutex, sync.RWMutex, or runtime-internal lock. This metric is useful for identifying global changes in lock contention. Collect a mutex or block profile using the runtime/pprof package for more detailed contention data.'],
];

/** internal/godebugs.All as Go 1.23 has it: name, the package that reads it, and whether it is opaque (exports no metric). */
export const godebugs: readonly { readonly Name: string; readonly Package: string; readonly Opaque?: true }[] = [
  { Name: 'asynctimerchan', Package: 'time' },
  { Name: 'execerrdot', Package: 'os/exec' },
  { Name: 'gocachehash', Package: 'cmd/go' },
  { Name: 'gocachetest', Package: 'cmd/go' },
  { Name: 'gocacheverify', Package: 'cmd/go' },
  { Name: 'gotypesalias', Package: 'go/types' },
  { Name: 'http2client', Package: 'net/http' },
  { Name: 'http2debug', Package: 'net/http', Opaque: true },
  { Name: 'http2server', Package: 'net/http' },
  { Name: 'httplaxcontentlength', Package: 'net/http' },
  { Name: 'httpmuxgo121', Package: 'net/http' },
  { Name: 'httpservecontentkeepheaders', Package: 'net/http' },
  { Name: 'installgoroot', Package: 'go/build' },
  { Name: 'jstmpllitinterp', Package: 'html/template', Opaque: true },
  { Name: 'multipartmaxheaders', Package: 'mime/multipart' },
  { Name: 'multipartmaxparts', Package: 'mime/multipart' },
  { Name: 'multipathtcp', Package: 'net' },
  { Name: 'netdns', Package: 'net', Opaque: true },
  { Name: 'netedns0', Package: 'net' },
  { Name: 'panicnil', Package: 'runtime' },
  { Name: 'randautoseed', Package: 'math/rand' },
  { Name: 'tarinsecurepath', Package: 'archive/tar' },
  { Name: 'tls10server', Package: 'crypto/tls' },
  { Name: 'tls3des', Package: 'crypto/tls' },
  { Name: 'tlskyber', Package: 'crypto/tls', Opaque: true },
  { Name: 'tlsmaxrsasize', Package: 'crypto/tls' },
  { Name: 'tlsrsakex', Package: 'crypto/tls' },
  { Name: 'tlsunsafeekm', Package: 'crypto/tls' },
  { Name: 'winreadlinkvolume', Package: 'os' },
  { Name: 'winsymlink', Package: 'os' },
  { Name: 'x509keypairleaf', Package: 'crypto/tls' },
  { Name: 'x509negativeserial', Package: 'crypto/x509' },
  { Name: 'x509sha1', Package: 'crypto/x509' },
  { Name: 'x509usefallbackroots', Package: 'crypto/x509' },
  { Name: 'x509usepolicies', Package: 'crypto/x509' },
  { Name: 'zipinsecurepath', Package: 'archive/zip' },
];

/** The /godebug/non-default-behavior/<name>:events metric of a setting. */
export const godebugMetricName = (setting: string): string => `/godebug/non-default-behavior/${setting}:events`;

/**
 * metrics.All(): baseDesc with a metric per non-opaque GODEBUG setting
 * inserted where "/godebug/" sorts, as description.go's init builds it.
 */
export const allDesc: readonly Description[] = (() => {
  const base = baseDesc.map(([Name, Kind, Cumulative, Description]): Description => ({ Name, Description, Kind, Cumulative }));
  const at = base.findIndex((d) => d.Name >= '/godebug/');
  const godebug = godebugs
    .filter((info) => info.Opaque !== true)
    .map(
      (info): Description => ({
        Name: godebugMetricName(info.Name),
        Description: `The number of non-default behaviors executed by the ${info.Package} package due to a non-default GODEBUG=${info.Name}=... setting.`,
        Kind: KindUint64,
        Cumulative: true,
      }),
    );
  return Object.freeze([...base.slice(0, at), ...godebug, ...base.slice(at)].map((d) => Object.freeze(d)));
})();

/** allDesc by name. */
export const descByName: ReadonlyMap<string, Description> = new Map(allDesc.map((d) => [d.Name, d]));
