// The standard-library packages a Go program may import, as the checker
// sees them (signatures, types, constants) and as compiled code calls them
// (the go/ API's packages: go.fmt, go.time, go.runtime …). The project's
// checkpoint helper, gomem/reality/checkpoint, is one of them: its Mark is
// the model's checkpoint.

import { Kind, T, type GoType } from '../go/types.ts';
import type { CType, ConstVal } from './objects.ts';
import { declaredMethods } from './universe.ts';

/** How compiled code reaches the helpers: names bound in the generated module. */
export interface EmitCtx {
  /** A JS expression for a Go type (types are built once, before the program runs). */
  typeRef(t: GoType): string;
}

export interface StdFunc {
  readonly kind: 'func';
  readonly sig: GoType;
  /** Parks the goroutine (the call is a `yield*`). */
  readonly blocking?: boolean;
  /** A method with a pointer receiver on a value of a standard type (wg.Add): the receiver is passed as &x. */
  readonly byAddr?: boolean;
  /** A compile-time function of its argument's type (unsafe.Sizeof): the call is a constant. */
  readonly constant?: (t: GoType) => number;
  readonly emit: (args: readonly string[], argTypes: readonly CType[], e: EmitCtx) => string;
  /** fmt's and log's printers: an interface operand is printed by the front end's %v (Error and String methods first). */
  readonly prints?: boolean;
}
export type StdMember =
  | StdFunc
  | StdVar
  | { readonly kind: 'type'; readonly type: GoType }
  | { readonly kind: 'const'; readonly type: CType; readonly value: ConstVal };

export interface StdPackage {
  readonly name: string;
  readonly members: Readonly<Record<string, StdMember>>;
}

/** A package variable (os.Args): read through an emitted expression. */
export interface StdVar {
  readonly kind: 'var';
  readonly type: GoType;
  readonly emit: () => string;
}

const any = T.interface();
const err = T.error;
const byteSlice = T.slice(T.byte);
/** *os.File: the API's File object, whose heap address is the pointer. */
const osFile = T.named(T.struct([['file', T.pointer(T.uintptr)]]), 'os.File');
const osFilePtr = T.pointer(osFile);
const anys = T.slice(any);
const u64 = T.uint64;

const duration = T.named(T.int64, 'time.Duration');
/** time.Time as the model keeps it: nanoseconds of virtual time (gomem's go.time.Now). */
const timeT = T.named(T.struct([['wall', T.uint64], ['ext', T.int64], ['loc', T.uintptr]]), 'time.Time');

/** runtime.MemStats with Go 1.23's layout (5,776 bytes; BySize at 4,312). */
const memStats = T.named(
  T.struct([
    ...['Alloc', 'TotalAlloc', 'Sys', 'Lookups', 'Mallocs', 'Frees', 'HeapAlloc', 'HeapSys', 'HeapIdle', 'HeapInuse', 'HeapReleased', 'HeapObjects', 'StackInuse', 'StackSys', 'MSpanInuse', 'MSpanSys', 'MCacheInuse', 'MCacheSys', 'BuckHashSys', 'GCSys', 'OtherSys', 'NextGC', 'LastGC', 'PauseTotalNs'].map(
      (n) => [n, u64] as const,
    ),
    ['PauseNs', T.array(u64, 256)],
    ['PauseEnd', T.array(u64, 256)],
    ['NumGC', T.uint32],
    ['NumForcedGC', T.uint32],
    ['GCCPUFraction', T.float64],
    ['EnableGC', T.bool],
    ['DebugGC', T.bool],
    ['BySize', T.array(T.struct([['Size', T.uint32], ['Mallocs', u64], ['Frees', u64]]), 61)],
  ]),
  'runtime.MemStats',
);

/**
 * sync's types with Go 1.23's sizes. Their state lives beside the program
 * (go/pkg/sync.ts, one object per variable's address), so their memory
 * holds only zeros, as a fresh one's does.
 */
/** runtime/metrics: ValueKind, Value ({kind, scalar, pointer}: 24 bytes; a float64's bits in scalar) and Sample ({Name, Value}: 40 bytes). */
const valueKindT = T.named(T.int, 'metrics.ValueKind');
const metricValueT = T.named(T.struct([['kind', valueKindT], ['scalar', T.uint64], ['pointer', T.unsafePointer]]), 'metrics.Value');
const metricSampleT = T.named(T.struct([['Name', T.string], ['Value', metricValueT]]), 'metrics.Sample');

/** strings.Builder: { addr *Builder; buf []byte } (32 bytes); its methods are rt_builder's. */
const builderT = T.named(T.struct([['addr', T.uintptr], ['buf', byteSlice]]), 'strings.Builder');

/** sync.Pool (40 bytes: local, localSize, victim, victimSize, New); its per-P storage is rt_pool's. */
const poolT = T.named(T.struct([['local', T.unsafePointer], ['localSize', T.uintptr], ['victim', T.unsafePointer], ['victimSize', T.uintptr], ['New', T.func([], [any])]]), 'sync.Pool');

const waitGroupT = T.named(T.struct([['state', T.uint64], ['sema', T.uint32]]), 'sync.WaitGroup');
const mutexT = T.named(T.struct([['state', T.int32], ['sema', T.uint32]]), 'sync.Mutex');
const onceT = T.named(T.struct([['done', T.uint32], ['m', mutexT]]), 'sync.Once');
const rwMutexT = T.named(T.struct([['w', mutexT], ['writerSem', T.uint32], ['readerSem', T.uint32], ['readerCount', T.int32], ['readerWait', T.int32]]), 'sync.RWMutex');

function fn(params: GoType[], results: GoType[], emit: StdFunc['emit'], opts: { variadic?: boolean; blocking?: boolean } = {}): StdFunc {
  return { kind: 'func', sig: T.func(params, results, opts.variadic ?? false), emit, blocking: opts.blocking };
}

/** A printer of fmt or log: variadic, its operands formatted as fmt's %v formats them. */
function printer(params: GoType[], results: GoType[], emit: StdFunc['emit']): StdFunc {
  return { ...fn(params, results, emit, { variadic: true }), prints: true };
}

/** The format Sprint's operands print with: %v each, a space between two operands neither of which is a string. */
function sprintFormat(ts: readonly CType[]): string {
  const isStr = (t: CType): boolean => ('untyped' in t ? t.untyped === 'string' : 'tuple' in t ? false : (t.underlying ?? t).kind === Kind.String);
  return ts.map((t, i) => (i > 0 && !isStr(t) && !isStr(ts[i - 1]!) ? ' %v' : '%v')).join('');
}

/** Print operands: fmt boxes each into an interface; the model takes the JS values. */
const printArgs = (args: readonly string[]): string => args.join(', ');

/** errors.errorString: what errors.New returns a pointer to. */
export const errorString = T.named(T.struct([['s', T.string]]), 'errors.errorString');
declaredMethods.set(errorString, new Map([['Error', { sig: T.func([], [T.string]), pointer: true }]]));
/** *strconv.NumError: Func, Num (a copy of the input) and Err (48 bytes, with pointers); its Error method is rt_text's. */
export const numErrorType = T.named(T.struct([['Func', T.string], ['Num', T.string], ['Err', T.error]]), 'strconv.NumError');
declaredMethods.set(numErrorType, new Map([['Error', { sig: T.func([], [T.string]), pointer: true }]]));
/** *fs.PathError: what a failed os call returns (Op, Path, Err: 48 bytes, with pointers). */
export const pathErrorType = T.named(T.struct([['Op', T.string], ['Path', T.string], ['Err', T.error]]), 'fs.PathError');
declaredMethods.set(pathErrorType, new Map([['Error', { sig: T.func([], [T.string]), pointer: true }]]));
/** fmt.wrapError: what fmt.Errorf returns a pointer to for a %w (its message and the wrapped error). */
export const wrapError = T.named(T.struct([['msg', T.string], ['err', T.error]]), 'fmt.wrapError');
declaredMethods.set(wrapError, new Map([['Error', { sig: T.func([], [T.string]), pointer: true }]]));

export const stdPackages: Readonly<Record<string, StdPackage>> = {
  'runtime/metrics': {
    name: 'metrics',
    members: {
      Sample: { kind: 'type', type: metricSampleT },
      Value: { kind: 'type', type: metricValueT },
      ValueKind: { kind: 'type', type: valueKindT },
      KindBad: { kind: 'const', type: valueKindT, value: 0 },
      KindUint64: { kind: 'const', type: valueKindT, value: 1 },
      KindFloat64: { kind: 'const', type: valueKindT, value: 2 },
      KindFloat64Histogram: { kind: 'const', type: valueKindT, value: 3 },
      Read: fn([T.slice(metricSampleT)], [], (a) => `$rt.io.metricsRead(${a[0]})`),
    },
  },
  errors: {
    name: 'errors',
    members: {
      New: fn([T.string], [err], (a) => `$rt.errorsNew(${a[0]})`),
    },
  },
  fmt: {
    name: 'fmt',
    members: {
      Println: printer([anys], [], (a) => `go.fmt.Println(${printArgs(a)})`),
      Printf: printer([T.string, anys], [], (a) => `go.fmt.Printf(${a[0]}.text, ${printArgs(a.slice(1))})`),
      Sprintf: printer([T.string, anys], [T.string], (a) => `go.fmt.Sprintf(${a[0]}.text, ${printArgs(a.slice(1))})`),
      // Sprint: operands side by side, a space between two that are not strings.
      Sprint: printer([anys], [T.string], (a, ts) => `go.fmt.Sprintf(${JSON.stringify(sprintFormat(ts))}, ${printArgs(a)})`),
      Errorf: printer([T.string, anys], [err], (a) => `$rt.errorf(${a[0]}.text, ${printArgs(a.slice(1))})`),
      // To os.Stdout or os.Stderr (a *os.File stands for the io.Writer).
      Fprintf: printer([osFilePtr, T.string, anys], [T.int, err], (a) => `$rt.io.fprintf(${a[0]}, ${a[1]}.text, [${printArgs(a.slice(2))}])`),
      Fprintln: printer([osFilePtr, anys], [T.int, err], (a) => `$rt.io.fprintln(${a[0]}, [${printArgs(a.slice(1))}])`),
    },
  },
  log: {
    name: 'log',
    members: {
      Fatal: printer([anys], [], (a) => `go.log.Fatal(${printArgs(a)})`),
      Fatalf: printer([T.string, anys], [], (a) => `go.log.Fatal(go.fmt.Sprintf(${a[0]}.text, ${printArgs(a.slice(1))}).text)`),
      Println: printer([anys], [], (a) => `go.log.Println(${printArgs(a)})`),
      Printf: printer([T.string, anys], [], (a) => `go.log.Printf(${a[0]}.text, ${printArgs(a.slice(1))})`),
    },
  },
  time: {
    name: 'time',
    members: {
      Duration: { kind: 'type', type: duration },
      Time: { kind: 'type', type: timeT },
      Nanosecond: { kind: 'const', type: duration, value: 1 },
      Microsecond: { kind: 'const', type: duration, value: 1e3 },
      Millisecond: { kind: 'const', type: duration, value: 1e6 },
      Second: { kind: 'const', type: duration, value: 1e9 },
      Minute: { kind: 'const', type: duration, value: 60e9 },
      Hour: { kind: 'const', type: duration, value: 3600e9 },
      Sleep: fn([duration], [], (a) => `yield* go.time.Sleep(${a[0]})`, { blocking: true }),
      Now: fn([], [timeT], () => `go.time.Now()`),
      Since: fn([timeT], [duration], (a) => `go.time.Since(${a[0]})`),
      Until: fn([timeT], [duration], (a) => `(-go.time.Since(${a[0]}))`),
    },
  },
  runtime: {
    name: 'runtime',
    members: {
      MemStats: { kind: 'type', type: memStats },
      GC: fn([], [], () => `yield* go.runtime.GC()`, { blocking: true }),
      ReadMemStats: fn([T.pointer(memStats)], [], (a) => `$rt.readMemStats(${a[0]})`),
      KeepAlive: fn([any], [], (a) => `go.runtime.KeepAlive(${a[0]})`),
      NumGoroutine: fn([], [T.int], () => `go.runtime.NumGoroutine()`),
      GOMAXPROCS: fn([T.int], [T.int], (a) => `go.runtime.GOMAXPROCS(${a[0]})`),
      NumCPU: fn([], [T.int], () => `go.runtime.NumCPU()`),
    },
  },
  os: {
    name: 'os',
    members: {
      File: { kind: 'type', type: osFile },
      Args: { kind: 'var', type: T.slice(T.string), emit: () => `$rt.args()` },
      Stdout: { kind: 'var', type: osFilePtr, emit: () => `$rt.io.stdFile(1)` },
      Stderr: { kind: 'var', type: osFilePtr, emit: () => `$rt.io.stdFile(2)` },
      Open: fn([T.string], [osFilePtr, err], (a) => `$rt.attempt(() => go.os.Open(${a[0]}.text))`),
      ReadFile: fn([T.string], [byteSlice, err], (a) => `$rt.attempt(() => go.os.ReadFile(${a[0]}.text))`),
      Getpid: fn([], [T.int], () => `go.os.Getpid()`),
      Exit: fn([T.int], [], (a) => `go.os.Exit(${a[0]})`),
    },
  },
  syscall: {
    name: 'syscall',
    members: {
      PROT_NONE: { kind: 'const', type: T.int, value: 0 },
      PROT_READ: { kind: 'const', type: T.int, value: 1 },
      PROT_WRITE: { kind: 'const', type: T.int, value: 2 },
      PROT_EXEC: { kind: 'const', type: T.int, value: 4 },
      MAP_SHARED: { kind: 'const', type: T.int, value: 1 },
      MAP_PRIVATE: { kind: 'const', type: T.int, value: 2 },
      Mmap: fn([T.int, T.int64, T.int, T.int, T.int], [byteSlice, err], (a) => `$rt.attempt(() => go.syscall.Mmap(${a.join(', ')}))`),
      Munmap: fn([byteSlice], [err], (a) => `$rt.attempt1(() => go.syscall.Munmap(${a[0]}))`),
    },
  },
  unsafe: {
    name: 'unsafe',
    members: {
      Sizeof: { ...fn([any], [T.uintptr], () => '0'), constant: (t: GoType) => t.size },
      Alignof: { ...fn([any], [T.uintptr], () => '0'), constant: (t: GoType) => t.align },
    },
  },
  strings: {
    name: 'strings',
    members: {
      Contains: fn([T.string, T.string], [T.bool], (a) => `$rt.text.contains(${a[0]}, ${a[1]})`),
      HasPrefix: fn([T.string, T.string], [T.bool], (a) => `$rt.text.hasPrefix(${a[0]}, ${a[1]})`),
      HasSuffix: fn([T.string, T.string], [T.bool], (a) => `$rt.text.hasSuffix(${a[0]}, ${a[1]})`),
      Index: fn([T.string, T.string], [T.int], (a) => `$rt.text.index(${a[0]}, ${a[1]})`),
      Repeat: fn([T.string, T.int], [T.string], (a) => `$rt.text.repeat(${a[0]}, ${a[1]})`),
      Join: fn([T.slice(T.string), T.string], [T.string], (a) => `$rt.text.join(${a[0]}, ${a[1]})`),
      Split: fn([T.string, T.string], [T.slice(T.string)], (a) => `$rt.text.split(${a[0]}, ${a[1]})`),
      ToUpper: fn([T.string], [T.string], (a) => `$rt.text.mapCase(${a[0]}, true)`),
      ToLower: fn([T.string], [T.string], (a) => `$rt.text.mapCase(${a[0]}, false)`),
      TrimSpace: fn([T.string], [T.string], (a) => `$rt.text.trimSpace(${a[0]})`),
      Builder: { kind: 'type', type: builderT },
    },
  },
  strconv: {
    name: 'strconv',
    members: {
      Itoa: fn([T.int], [T.string], (a) => `$rt.text.itoa(${a[0]})`),
      Atoi: fn([T.string], [T.int, err], (a) => `$rt.text.atoi(${a[0]})`),
    },
  },
  sync: {
    name: 'sync',
    members: {
      WaitGroup: { kind: 'type', type: waitGroupT },
      Mutex: { kind: 'type', type: mutexT },
      Once: { kind: 'type', type: onceT },
      RWMutex: { kind: 'type', type: rwMutexT },
      Pool: { kind: 'type', type: poolT },
    },
  },
  'runtime/debug': {
    name: 'debug',
    members: {
      FreeOSMemory: fn([], [], () => `yield* go.debug.FreeOSMemory()`, { blocking: true }),
      SetGCPercent: fn([T.int], [T.int], (a) => `go.debug.SetGCPercent(${a[0]})`),
      // Go's int64 limit: the API answers a bigint, made exact again for compiled code.
      SetMemoryLimit: fn([T.int64], [T.int64], (a) => `$rt.to64(go.debug.SetMemoryLimit(${a[0]}), true)`),
    },
  },
  'gomem/reality/checkpoint': {
    name: 'checkpoint',
    members: {
      Mark: fn([T.string], [], (a) => `go.checkpoint(${a[0]}.text)`),
      // The real helper's Exit is Mark("exit"); gomem's process makes that checkpoint when main returns.
      Exit: fn([], [], () => `void 0`),
      Extra: fn([T.string, T.int64], [], (a) => `go.extra(${a[0]}.text, ${a[1]})`),
      ExtraUint: fn([T.string, T.uint64], [], (a) => `go.extra(${a[0]}.text, ${a[1]})`),
      ExtraString: fn([T.string, T.string], [], (a) => `go.extra(${a[0]}.text, ${a[1]}.text)`),
      ExtraInts: fn([T.string, T.slice(T.int64)], [], (a) => `go.extra(${a[0]}.text, $rt.ints(${a[1]}))`),
    },
  },
};

/** The methods of a sync type, on T (taking &x) and on *T. */
function syncMethods(kind: 'WaitGroup' | 'Mutex' | 'Once' | 'RWMutex', ms: Record<string, StdFunc>): Record<string, Record<string, StdFunc>> {
  return byAddrToo(`sync.${kind}`, ms);
}

/** Pointer-receiver methods of a standard type, on *T and on an addressable T (taking &x). */
function byAddrToo(name: string, ms: Record<string, StdFunc>): Record<string, Record<string, StdFunc>> {
  const byAddr: Record<string, StdFunc> = {};
  for (const [k, m] of Object.entries(ms)) byAddr[k] = { ...m, byAddr: true };
  return { [name]: byAddr, [`*${name}`]: ms };
}

/** Methods of the standard library's types, by the receiver's type string. */
export const stdMethods: Readonly<Record<string, Readonly<Record<string, StdFunc>>>> = {
  ...syncMethods('WaitGroup', {
    Add: fn([T.int], [], (a) => `$rt.syncOf(${a[0]}, 'WaitGroup').Add(${a[1]})`),
    Done: fn([], [], (a) => `$rt.syncOf(${a[0]}, 'WaitGroup').Done()`),
    Wait: fn([], [], (a) => `yield* $rt.syncOf(${a[0]}, 'WaitGroup').Wait()`, { blocking: true }),
  }),
  ...syncMethods('Mutex', {
    Lock: fn([], [], (a) => `yield* $rt.syncOf(${a[0]}, 'Mutex').Lock()`, { blocking: true }),
    Unlock: fn([], [], (a) => `$rt.syncOf(${a[0]}, 'Mutex').Unlock()`),
  }),
  ...syncMethods('RWMutex', {
    Lock: fn([], [], (a) => `yield* $rt.syncOf(${a[0]}, 'RWMutex').Lock()`, { blocking: true }),
    Unlock: fn([], [], (a) => `$rt.syncOf(${a[0]}, 'RWMutex').Unlock()`),
    RLock: fn([], [], (a) => `yield* $rt.syncOf(${a[0]}, 'RWMutex').RLock()`, { blocking: true }),
    RUnlock: fn([], [], (a) => `$rt.syncOf(${a[0]}, 'RWMutex').RUnlock()`),
  }),
  ...byAddrToo('sync.Pool', {
    Get: fn([], [any], (a) => `yield* $rt.pool.Get(${a[0]})`, { blocking: true }),
    // The operand comes unboxed (as fmt's do): its static type goes along, for the interface value Get hands back.
    Put: fn([any], [], (a, ts, e) => `$rt.pool.Put(${a[0]}, ${a[1]}, ${'untyped' in ts[0]! || 'tuple' in ts[0]! ? 'null' : e.typeRef(ts[0] as GoType)})`),
  }),
  ...syncMethods('Once', {
    Do: fn([T.func()], [], (a) => `yield* $rt.onceDo(${a[0]}, ${a[1]})`, { blocking: true }),
  }),
  ...byAddrToo('strings.Builder', {
    WriteString: fn([T.string], [T.int, err], (a) => `$rt.builder.WriteString(${a[0]}, ${a[1]})`),
    WriteByte: fn([T.byte], [err], (a) => `$rt.builder.WriteByte(${a[0]}, ${a[1]})`),
    WriteRune: fn([T.rune], [T.int, err], (a) => `$rt.builder.WriteRune(${a[0]}, ${a[1]})`),
    Grow: fn([T.int], [], (a) => `$rt.builder.Grow(${a[0]}, ${a[1]})`),
    String: fn([], [T.string], (a) => `$rt.builder.String(${a[0]})`),
    Len: fn([], [T.int], (a) => `$rt.builder.Len(${a[0]})`),
    Cap: fn([], [T.int], (a) => `$rt.builder.Cap(${a[0]})`),
    Reset: fn([], [], (a) => `$rt.builder.Reset(${a[0]})`),
  }),
  'metrics.Value': {
    Kind: fn([], [valueKindT], (a) => `${a[0]}.kind`),
    Uint64: fn([], [T.uint64], (a) => `$rt.io.metricUint64(${a[0]})`),
    Float64: fn([], [T.float64], (a) => `$rt.io.metricFloat64(${a[0]})`),
  },
  'time.Time': {
    Add: fn([duration], [timeT], (a) => `(${a[0]} + Number(${a[1]}))`),
    Sub: fn([timeT], [duration], (a) => `(${a[0]} - ${a[1]})`),
  },
  'time.Duration': {
    Milliseconds: fn([], [T.int64], (a) => `Math.trunc(Number(${a[0]}) / 1e6)`),
    Seconds: fn([], [T.float64], (a) => `(Number(${a[0]}) / 1e9)`),
  },
  '*os.File': {
    Read: fn([byteSlice], [T.int, err], (a) => `$rt.attempt(() => go.os.Read(${a[0]}, ${a[1]}))`),
    Close: fn([], [err], (a) => `$rt.attempt1(() => go.os.Close(${a[0]}))`),
    Fd: fn([], [T.uintptr], (a) => `${a[0]}.Fd()`),
  },
};
