// Types of the runtime's own heap objects (runtime2.go, proc.go, chan.go,
// time.go …) as mallocgc sees them. Sizes are unsafe.Sizeof on
// linux/amd64 in Go 1.23.5 (read from a real binary's DWARF, or from the
// start-up traces in reality/startup); pointer layout is simplified to
// "every word may hold a pointer" for pointerful structs — exact for
// slices of pointers, an overestimate of /gc/scan/heap for g, m and p
// (docs/fidelity.md says by how much).

import { sizeofG, sizeofM, sizeofP, sizeofSudog, sizeofTimer } from './runtime2.ts';
import type { RType } from './type.ts';

/** A type of `size` bytes whose first `ptrdata` bytes are all pointer words. */
export function scanType(str: string, size: number, ptrdata = size): RType {
  const words = Math.ceil(ptrdata / 8);
  const gcdata = new Uint8Array(Math.ceil(words / 8));
  for (let i = 0; i < words; i++) gcdata[i >>> 3]! |= 1 << (i & 7);
  return { size, ptrdata: words * 8, gcdata, gcprog: false, str };
}

/** An array/slice element type of `size` bytes with a pointer in its first word. */
export function ptrFirstType(str: string, size: number): RType {
  return { size, ptrdata: 8, gcdata: Uint8Array.of(1), gcprog: false, str };
}

// ptrdata from the DWARF of a Go 1.23.5 binary: g's last pointer field ends at 392 (trace,
// a gTraceState, and gcAssistBytes follow: no pointers); timer's at 72. /gc/scan/heap counts it.
export const gType = scanType('runtime.g', sizeofG, 392);
export const mType = scanType('runtime.m', sizeofM);
export const pType = scanType('runtime.p', sizeofP);
export const sudogType = scanType('runtime.sudog', sizeofSudog);
export const timerType = scanType('runtime.timer', sizeofTimer, 72);
/** *T: one pointer word (elements of allgs, allp, activeModules). */
export const pointerType = scanType('*T', 8);
/** string: {ptr, len}. */
export const stringType = ptrFirstType('string', 16);
/** internal/cpu.option: {Name string; Feature *bool; Specified, Enable bool} = 32 bytes. */
export const cpuOptionType: RType = { size: 32, ptrdata: 24, gcdata: Uint8Array.of(0b101), gcprog: false, str: 'cpu.option' };
/** A closure capturing one pointer-shaped value: {F uintptr; X0 …}. */
export const closure1Type = scanType('func-closure', 16);
/** unsafe.Sizeof(hchan{}) on linux/amd64, Go 1.23 (with its new timer field): a channel's header, its buffer after it when pointer-free. */
export const hchanSize = 104;
