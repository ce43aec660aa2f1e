// The stacks of the runtime's own goroutines as they park (Go 1.23.5,
// linux/amd64): what scanstack counts for each (hi − sp), and where the
// pointers they keep live. Frame sizes are the locals `go build
// -gcflags=runtime=-S` prints plus the return address; the totals are the
// hi − sp a GOTRACEBACK=crash dump of a parked program shows. This module
// imports nothing at run time, so every runtime file can read these at load.

/** Function, bytes (with its return address), pointer slots: one frame, outermost first. */
export type ParkedFrames = readonly (readonly [fn: string, size: number, ptrOffs: Int32Array])[];

const none = new Int32Array(0);
/** newproc1's 4 words and MinFrameSize above a goroutine's first frame (goexit's return address among them). */
const newproc = ['runtime.goexit', 32, none] as const;
/** What every goroutine's stack holds above its first function's frame (newproc1 writes it). */
export const goroutineBaseFrames: ParkedFrames = [newproc];

/** The main goroutine's, below main.main: newproc's words and runtime.main's frame (locals 0x88), which calls main_main. */
export const mainBaseFrames: ParkedFrames = [newproc, ['runtime.main', 0x88 + 8, none]];

/**
 * How many of a goroutine's outermost frames are those base frames:
 * tracebacks and heap profiles list the program's frames above them (and
 * name runtime.main themselves, at its call's line).
 */
export function baseFrameCount(frames: readonly { fn: string }[]): number {
  if (frames[0]?.fn !== 'runtime.goexit') return 0;
  return frames[1]?.fn === 'runtime.main' ? 2 : 1;
}

/** gopark's frame (locals 0x18): it ends at the sp mcall saves. goparkunlock is inlined. */
const gopark = ['runtime.gopark', 0x18 + 8, none] as const;

/** forcegchelper: 120 bytes. */
export const forcegcParkedFrames: ParkedFrames = [newproc, ['runtime.forcegchelper', 0x30 + 8, none], gopark];

/** bgsweep, started through gcenable's closure: 160 bytes. */
export const bgsweepParkedFrames: ParkedFrames = [
  newproc,
  ['runtime.gcenable.gowrap1', 0x10 + 8, none],
  ['runtime.bgsweep', 0x40 + 8, none],
  gopark,
];

/** bgscavenge, parked in scavengerState.park: 168 bytes. */
export const bgscavengeParkedFrames: ParkedFrames = [
  newproc,
  ['runtime.gcenable.gowrap2', 0x10 + 8, none],
  ['runtime.bgscavenge', 0x18 + 8, none],
  ['runtime.(*scavengerState).park', 0x28 + 8, none],
  gopark,
];

/** The index in workerParkedFrames of gcBgMarkWorker's frame, and the offset in it of its node local. */
export const workerFrameIndex = 2;
export const workerNodeSlot = 8;

/** A mark worker: gcBgMarkWorker (locals 0x88) holds its gcBgMarkWorkerNode across gopark: 232 bytes. */
export const workerParkedFrames: ParkedFrames = [
  newproc,
  ['runtime.gcBgMarkStartWorkers.gowrap1', 0x10 + 8, none],
  ['runtime.gcBgMarkWorker', 0x88 + 8, Int32Array.of(workerNodeSlot)],
  gopark,
];
