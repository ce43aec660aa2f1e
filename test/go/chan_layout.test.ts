import { describe, expect, it } from 'vitest';
import { hchanSize, hchanType, makechanAllocs } from '../../src/go/chan_layout.ts';
import { T } from '../../src/go/types.ts';
import { GoFatalError, GoPanic } from '../../src/runtime/panic.ts';
import type { GoType } from '../../src/go/types.ts';
import { count } from './helpers/accounting.ts';

describe('makechan (chan.go, Go 1.23)', () => {
  it('hchan is 104 bytes (Go 1.23 added the timer field)', () => {
    expect(hchanType.size).toBe(104);
    expect(hchanSize).toBe(104);
  });

  // Measured on Go 1.23.5 linux/amd64: testing.AllocsPerRun and MemStats
  // TotalAlloc per op over 1000 escaping `sink = make(chan T, n)`.
  it.each<[string, GoType, number, number, number]>([
    ['make(chan int)', T.int, 0, 1, 112],
    ['make(chan int, 10)', T.int, 10, 1, 192], // 104 + 80 in one noscan block
    ['make(chan int, 1000)', T.int, 1000, 1, 8192],
    ['make(chan int, 10000)', T.int, 10000, 1, 81920], // large: 10 pages
    ['make(chan *int, 10)', T.pointer(T.int), 10, 2, 192], // scan hchan 112 + buf 80
    ['make(chan string, 4)', T.string, 4, 2, 176],
    ['make(chan struct{}, 10)', T.struct([]), 10, 1, 112],
    ['make(chan [100]byte, 3)', T.array(T.byte, 100), 3, 1, 416],
    ['make(chan *int)', T.pointer(T.int), 0, 1, 112], // unbuffered: noscan hchan even for pointer elements
  ])('%s', (_name, elem, n, mallocs, bytes) => {
    expect(count(makechanAllocs(elem, n))).toEqual({ mallocs, bytes });
  });

  it('splits hchan and buffer only for pointerful elements', () => {
    const [h, buf] = makechanAllocs(T.pointer(T.int), 10);
    expect([h!.noscan, h!.type, h!.size]).toEqual([false, hchanType, 104]);
    expect([buf!.noscan, buf!.size, buf!.what]).toEqual([false, 80, 'chan buf']);
    const [one] = makechanAllocs(T.int, 10);
    expect([one!.noscan, one!.type, one!.size]).toEqual([true, null, 184]);
  });

  it('panics and throws with Go’s messages', () => {
    // Measured: recover() of make(chan int, n) with n = -1 prints "makechan: size out of range".
    expect(() => makechanAllocs(T.int, -1)).toThrow('makechan: size out of range');
    expect(() => makechanAllocs(T.int, 2 ** 46)).toThrow('makechan: size out of range');
    expect(() => makechanAllocs(T.int, -1)).toThrow(GoPanic);
    expect(() => makechanAllocs(T.array(T.byte, 1 << 16), 1)).toThrow(GoFatalError);
    expect(() => makechanAllocs(T.array(T.byte, 1 << 16), 1)).toThrow('fatal error: makechan: invalid channel element type');
  });
});
