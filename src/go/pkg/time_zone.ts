// The Local time zone's first use (time/zoneinfo_unix.go initLocal,
// zoneinfo_read.go): what it allocates and what it keeps. The first call
// that needs local time (log's header, t.Date, t.Format) runs it once:
//   1. syscall.Getenv("TZ") copies the environment into a map the first
//      time (syscall.copyenv: map[string]int, kept in syscall.env);
//   2. without TZ, "/etc" + "/" + "localtime" is opened (the path string,
//      its NUL-terminated copy for openat) and read whole (readFile appends
//      the bytes to a nil slice);
//   3. LoadLocationFromTZData builds the zones, the transitions (a fake one
//      when the file has none) and a Location, which initLocal copies into
//      the global localLoc: the zones and transitions stay live, the rest is
//      garbage.
// The simulated machine's /etc/localtime is Etc/UTC as on the machine the
// reality cases were recorded on: 114 bytes, one zone, no transitions.
// Allocations measured there with runtime.MemProfileRate = 1 (Go 1.23.5):
// 14 and 15 B (tiny), 128 B for the file, 32 B of zones, the strings "UTC"
// and "UTC0" (tiny), 16 B of transitions, 112 B of Location; with
// GOMAXPROCS and GODEBUG alone in the environment, a 48-byte hmap and one
// 208-byte bucket array. A TZ variable
// (any value) is taken as needing no file (TZ="" is UTC; other zones are
// not modelled).

import { mallocgc } from '../../runtime/malloc.ts';
import { writePointer } from '../../runtime/mbarrier.ts';
import type { RType } from '../../runtime/type.ts';
import { GoMap } from '../map.ts';
import type { GoProcess } from '../process.ts';
import { T } from '../types.ts';
import { GoString } from '../values.ts';

/** Etc/UTC's TZif file: its size, and what LoadLocationFromTZData makes of it. */
const utcFileBytes = 114;
const utcZones = 1;
/** Its one zone's abbreviation, and the footer's TZ rule (Location.extend). */
const utcAbbrev = 'UTC';
const utcExtend = 'UTC0';

/** time.zone {name string; offset int; isDST bool}: 32 bytes, a pointer in the first word. */
const zoneType: RType = { size: 32, ptrdata: 8, gcdata: Uint8Array.of(1), gcprog: false, str: 'time.zone' };
/** time.zoneTrans {when int64; index uint8; isstd, isutc bool}: 16 bytes, no pointers. */
const zoneTransSize = 16;
/** time.Location: name, zone, tx, extend, cacheStart, cacheEnd, cacheZone (104 bytes, class 112). */
const locationType: RType = { size: 104, ptrdata: 104, gcdata: Uint8Array.of(0b00100101, 0b00010001), gcprog: false, str: 'time.Location' };
const locZone = 16;
const locTx = 40;
const locExtend = 64;
const locCacheZone = 96;

/** syscall.copyenv, once per process (syscall.env still nil): the environment as map[string]int. */
export function copyenv(p: GoProcess): void {
  const env = p.globals.rootWord('syscall.env', 0);
  if (p.rt.mem.loadWord(env) !== 0) return;
  const m = GoMap.make<GoString, number>(p, T.map(T.string, T.int));
  p.rt.mem.initWord(env, m.addr);
  p.envv.forEach((kv, i) => {
    const name = kv.slice(0, Math.max(0, kv.indexOf('=')));
    const key = new GoString(name, 0, Buffer.byteLength(name));
    if (!m.has(key)) m.set(key, i);
  });
}

/** initLocal: the Local time zone loaded into time.localLoc. */
export function loadLocal(p: GoProcess): void {
  copyenv(p);
  if (p.envv.some((kv) => kv.startsWith('TZ='))) return;
  const rt = p.rt;
  const path = '/etc/localtime';
  mallocgc(rt, path.length, null, false); // dir + "/" + name
  mallocgc(rt, path.length + 1, null, false); // syscall.BytePtrFromString for openat
  mallocgc(rt, utcFileBytes, null, false); // readFile: append(nil, buf[:n]...), rounded by growslice
  const zones = mallocgc(rt, utcZones * zoneType.size, zoneType, true);
  writePointer(rt, zones, mallocgc(rt, utcAbbrev.length, null, false)); // zones[0].name = byteString(abbrev)
  const extend = mallocgc(rt, utcExtend.length, null, false); // string(footer): the TZ rule after the data
  const tx = mallocgc(rt, zoneTransSize, null, true); // the fake transition covering all time
  const loc = mallocgc(rt, locationType.size, locationType, true);
  writePointer(rt, loc + locZone, zones);
  writePointer(rt, loc + locTx, tx);
  writePointer(rt, loc + locExtend, extend);
  writePointer(rt, loc + locCacheZone, zones);
  // localLoc = *z: the global holds the slices and strings now; the Location itself is garbage.
  const g = p.globals;
  for (const off of [locZone, locTx, locExtend, locCacheZone]) writePointer(rt, g.rootWord('time.localLoc', off), rt.mem.loadWord(loc + off));
}
