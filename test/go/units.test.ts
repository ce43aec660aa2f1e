// Go's duration syntax (time.ParseDuration, Duration.String; cases from Go's
// time/time_test.go) and the size syntax of flags and program options.

import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseInteger, parseSize, shortDuration } from '../../src/go/units.ts';

const s = 1e9;
const m = 60 * s;
const h = 60 * m;

describe('parseDuration', () => {
  const ok: [string, number][] = [
    ['0', 0], ['5s', 5 * s], ['30s', 30 * s], ['1478s', 1478 * s], ['-5s', -5 * s], ['+5s', 5 * s], ['-0', 0], ['+0', 0],
    ['5.0s', 5 * s], ['5.6s', 5.6 * s], ['5.s', 5 * s], ['.5s', 0.5 * s], ['1.004s', 1.004 * s], ['100.00100s', 100.001 * s],
    ['10ns', 10], ['11us', 11e3], ['12µs', 12e3], ['12μs', 12e3], ['13ms', 13e6], ['14s', 14 * s], ['15m', 15 * m], ['16h', 16 * h],
    ['3h30m', 3.5 * h], ['10.5s4m', 4 * m + 10.5 * s], ['-2m3.4s', -(2 * m + 3.4 * s)], ['1h2m3s4ms5us6ns', h + 2 * m + 3 * s + 4e6 + 5e3 + 6],
    ['39h9m14.425s', 39 * h + 9 * m + 14.425 * s], ['52763797000ns', 52763797000], ['0.3333333333333333333h', 20 * m],
  ];
  for (const [in_, ns] of ok) it(`${in_} = ${ns} ns`, () => expect(parseDuration(in_)).toEqual({ ns }));

  const bad: [string, string][] = [
    ['', 'time: invalid duration ""'],
    ['3', 'time: missing unit in duration "3"'],
    ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'],
    ['.', 'time: invalid duration "."'],
    ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'],
    ['+.s', 'time: invalid duration "+.s"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['9223372036854775810ns', 'time: invalid duration "9223372036854775810ns"'],
  ];
  for (const [in_, error] of bad) it(`${JSON.stringify(in_)} is refused as Go refuses it`, () => expect(parseDuration(in_)).toEqual({ error }));
});

describe('formatDuration (Duration.String) and shortDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'], [1, '1ns'], [1100, '1.1µs'], [2200000, '2.2ms'], [3300000000, '3.3s'], [4 * m + 5 * s, '4m5s'],
    [4 * m + 5.001 * s, '4m5.001s'], [5 * h + 6 * m + 7.001 * s, '5h6m7.001s'], [8 * m + 1, '8m0.000000001s'], [-1, '-1ns'], [h, '1h0m0s'],
  ];
  for (const [ns, str] of cases) it(`${ns} ns is ${str}`, () => expect(formatDuration(ns)).toBe(str));

  it('drops zero tails, staying in ParseDuration syntax', () => {
    expect([h, 2.5 * h, 90 * s, 2 * m, 500e6].map(shortDuration)).toEqual(['1h', '2h30m', '1m30s', '2m', '500ms']);
    for (const ns of [h, 2.5 * h, 90 * s]) expect(parseDuration(shortDuration(ns))).toEqual({ ns });
  });
});

describe('parseSize and parseInteger', () => {
  it('sizes take binary suffixes, with or without i and B', () => {
    expect(['4096', '4k', '4K', '4KiB', '4kb', '1.5G', '2T'].map(parseSize)).toEqual([4096, 4096, 4096, 4096, 4096, 1.5 * 2 ** 30, 2 * 2 ** 40]);
    expect(['-5', 'lots', '', '4P', '1e5'].map(parseSize)).toEqual([null, null, null, null, null]);
  });

  it('integers are decimal and exact', () => {
    expect(['0', '-3', '+7', '9007199254740991'].map(parseInteger)).toEqual([0, -3, 7, 9007199254740991]);
    expect(['1.5', '1e5', '0x10', '', '9007199254740993'].map(parseInteger)).toEqual([null, null, null, null, null]);
  });
});
