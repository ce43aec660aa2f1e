// A workload model: a service's memory behaviour as data (docs/workloads.md),
// which `gomem run workload.json` runs on the model like any program and the
// importers (src/import) write from a gctrace log, a heap profile or
// Prometheus samples. This file is the format: its JSON as users and
// importers write it, checked field by field into the numbers the program
// (workload_program.ts) runs. A field that is wrong gets one line naming its
// path (phases[2].allocRate) and what is accepted.

import { parseDuration, parseSize } from '../go/units.ts';

export const workloadFormat = 'gomem-workload/1';

/** One kind of object the service allocates: its Go size, whether it holds pointers, its share of the allocated bytes. */
export interface ObjectKind {
  /** The type's size in bytes (what new(T) asks mallocgc for; the size class rounds it up, or whole pages over 32 KiB). */
  readonly size: number;
  /** A pointerful type (its first half of words are pointers, so the GC scans it); false: noscan. */
  readonly pointers: boolean;
  /** Its share of all allocated bytes; the shares are normalised to sum to 1. */
  readonly share: number;
}

/** A stretch of time over which the service's load is steady or changes linearly. */
export interface Phase {
  readonly durationNs: number;
  /** Bytes allocated per second, everything included (request-scoped objects and the long-lived set's). */
  readonly allocRate: number;
  /** Requests per second. */
  readonly requestRate: number;
  /** CPU a request uses besides allocating (the model charges mallocgc's own cost on top). */
  readonly cpuPerRequestNs: number;
  /** Bytes of the long-lived set (objects that outlive requests: caches, indexes, sessions) at the phase's start and end; linear between. */
  readonly liveStart: number;
  readonly liveEnd: number;
  /** Bytes per second of the long-lived set replaced by new objects (a cache's churn): the old ones become garbage after surviving cycles. */
  readonly turnover: number;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Where the model came from (an importer's file and the settings it was recorded at); shown, never used. */
  readonly source: Readonly<Record<string, unknown>> | null;
  /** GOMAXPROCS the service was recorded at; a run's --gomaxprocs or GOMAXPROCS wins. */
  readonly gomaxprocs: number | null;
  /** Goroutines serving requests in turn (as net/http's per-connection goroutines do). */
  readonly connections: number;
  /** Stack bytes a request uses while it runs (its frames' depth). */
  readonly requestStack: number;
  /** Other goroutines, parked for the whole run (background workers, timers): each holds its stack. */
  readonly idleGoroutines: number;
  /** Bytes of pointerful package-level variables (gctrace's "MB globals"). */
  readonly globals: number;
  readonly objects: readonly ObjectKind[];
  readonly phases: readonly Phase[];
}

/** A workload file that cannot be read: one line naming the field. */
export class WorkloadError extends Error {}

/**
 * The mix a workload gets when it names none: by bytes, a spread over the
 * small size classes with the pointerful objects mostly small, and one in
 * five bytes in 4 KiB buffers. It is an assumption (a gctrace log says
 * nothing of sizes), documented in docs/workloads.md.
 */
export const defaultObjects: readonly ObjectKind[] = [
  { size: 16, pointers: true, share: 0.1 },
  { size: 32, pointers: true, share: 0.15 },
  { size: 64, pointers: true, share: 0.15 },
  { size: 128, pointers: false, share: 0.1 },
  { size: 256, pointers: true, share: 0.1 },
  { size: 1024, pointers: false, share: 0.2 },
  { size: 4096, pointers: false, share: 0.2 },
];

export const workloadDefaults = {
  connections: 16,
  requestStack: 8192,
  idleGoroutines: 0,
  globals: 0,
  requestRate: 1000,
  cpuPerRequestNs: 100_000,
  turnover: 0,
};

/** The largest object a workload may name (1 GiB): sizes over 32 KiB are large objects, a span each, as Go allocates them. */
const maxObjectSize = 1 << 30;

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  constructor(readonly path: string) {}

  fail(what: string): never {
    throw new WorkloadError(`${this.path}: ${what}`);
  }

  at(key: string | number): Reader {
    return new Reader(typeof key === 'number' ? `${this.path}[${key}]` : this.path === '' ? key : `${this.path}.${key}`);
  }
}

function fieldOf(obj: Record<string, Json>, r: Reader, known: readonly string[]): void {
  for (const k of Object.keys(obj)) if (!known.includes(k)) r.at(k).fail(`unknown field (fields: ${known.join(', ')})`);
}

/** A size: a number of bytes or a string with a suffix (64MiB, 512M). */
function size(v: Json, r: Reader): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? parseSize(v) : null;
  if (n === null || !Number.isFinite(n) || n < 0) r.fail(`${JSON.stringify(v)} is not a size (bytes, or with a suffix: 64MiB, 512M)`);
  return Math.round(n);
}

/** A rate: bytes per second as a number or a size with "/s" (100MiB/s). */
function rate(v: Json, r: Reader): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) r.fail(`${v} is not a rate (bytes per second, or a size per second: 100MiB/s)`);
    return v;
  }
  if (typeof v === 'string' && v.endsWith('/s')) {
    const n = parseSize(v.slice(0, -2));
    if (n !== null) return n;
  }
  return r.fail(`${JSON.stringify(v)} is not a rate (bytes per second, or a size per second: 100MiB/s)`);
}

/** A duration in Go's syntax (90s, 2m30s, 200µs). */
function duration(v: Json, r: Reader, positive: boolean): number {
  if (typeof v !== 'string') r.fail(`${JSON.stringify(v)} is not a duration (Go's syntax, as a string: "90s", "2m30s", "200µs")`);
  const d = parseDuration(v);
  if (!('ns' in d)) r.fail(`${JSON.stringify(v)} is not a duration (Go's syntax: "90s", "2m30s", "200µs")`);
  if (d.ns < 0 || (positive && d.ns === 0)) r.fail(`${JSON.stringify(v)} is not a ${positive ? 'positive' : 'non-negative'} duration`);
  return d.ns;
}

function count(v: Json, r: Reader, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) r.fail(`${JSON.stringify(v)} is not a whole number ≥ ${min}`);
  return v;
}

function positiveNumber(v: Json, r: Reader): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) r.fail(`${JSON.stringify(v)} is not a positive number`);
  return v;
}

function objectsOf(v: Json, r: Reader): ObjectKind[] {
  if (!Array.isArray(v) || v.length === 0) r.fail('is not a non-empty list of {size, pointers, share}');
  const out = v.map((o, i): ObjectKind => {
    const ri = r.at(i);
    if (!isObject(o)) ri.fail('is not an object {size, pointers, share}');
    fieldOf(o, ri, ['size', 'pointers', 'share']);
    const s = size(o.size, ri.at('size'));
    if (s < 1 || s > maxObjectSize) ri.at('size').fail(`${s} is outside 1..${maxObjectSize} (1 byte to 1 GiB)`);
    if (typeof o.pointers !== 'boolean') ri.at('pointers').fail(`${JSON.stringify(o.pointers)} is not true or false`);
    if (o.pointers && s < 8) ri.at('size').fail(`${s} bytes cannot hold a pointer (8 bytes)`);
    return { size: s, pointers: o.pointers, share: positiveNumber(o.share, ri.at('share')) };
  });
  const total = out.reduce((a, o) => a + o.share, 0);
  return out.map((o) => ({ ...o, share: o.share / total }));
}

function phaseOf(v: Json, r: Reader, prevLive: number): Phase {
  if (!isObject(v)) r.fail('is not an object {duration, allocRate, …}');
  fieldOf(v, r, ['duration', 'allocRate', 'requestRate', 'cpuPerRequest', 'live', 'turnover']);
  if (v.duration === undefined) r.at('duration').fail('is missing');
  if (v.allocRate === undefined) r.at('allocRate').fail('is missing');
  let liveStart = prevLive;
  let liveEnd = prevLive;
  if (v.live !== undefined) {
    if (Array.isArray(v.live)) {
      if (v.live.length !== 2) r.at('live').fail('is not a size or a pair [start, end] of sizes');
      liveStart = size(v.live[0], r.at('live').at(0));
      liveEnd = size(v.live[1], r.at('live').at(1));
    } else liveStart = liveEnd = size(v.live, r.at('live'));
  }
  return {
    durationNs: duration(v.duration, r.at('duration'), true),
    allocRate: rate(v.allocRate, r.at('allocRate')),
    requestRate: v.requestRate === undefined ? workloadDefaults.requestRate : positiveNumber(v.requestRate, r.at('requestRate')),
    cpuPerRequestNs: v.cpuPerRequest === undefined ? workloadDefaults.cpuPerRequestNs : duration(v.cpuPerRequest, r.at('cpuPerRequest'), false),
    liveStart,
    liveEnd,
    turnover: v.turnover === undefined ? workloadDefaults.turnover : rate(v.turnover, r.at('turnover')),
  };
}

const topFields = ['format', 'name', 'description', 'source', 'gomaxprocs', 'connections', 'requestStack', 'idleGoroutines', 'globals', 'objects', 'phases'];

/** A workload from its parsed JSON; `file` names it in errors. */
export function workloadFromJson(v: Json, file: string): Workload {
  const r: Reader = new Reader('');
  const err = (e: unknown): never => {
    if (e instanceof WorkloadError) throw new WorkloadError(`${file}: ${e.message}`);
    throw e;
  };
  try {
    if (!isObject(v)) throw new WorkloadError(`is not a JSON object (a workload model: docs/workloads.md)`);
    if (v.format === undefined) throw new WorkloadError(`is not a workload model (it has no "format": "${workloadFormat}"; docs/workloads.md)`);
    if (v.format !== workloadFormat) r.at('format').fail(`${JSON.stringify(v.format)} is not "${workloadFormat}"`);
    fieldOf(v, r, topFields);
    if (typeof v.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(v.name)) r.at('name').fail(`${JSON.stringify(v.name)} is not a name (letters, digits, _ . -)`);
    if (v.description !== undefined && typeof v.description !== 'string') r.at('description').fail('is not a string');
    if (v.source !== undefined && !isObject(v.source)) r.at('source').fail('is not an object');
    const list = v.phases;
    if (!Array.isArray(list) || list.length === 0) return r.at('phases').fail('is not a non-empty list of phases');
    const phases: Phase[] = [];
    let live = 0;
    for (let i = 0; i < list.length; i++) {
      const p = phaseOf(list[i], r.at('phases').at(i), live);
      phases.push(p);
      live = p.liveEnd;
    }
    const d = workloadDefaults;
    const name = v.name as string;
    return {
      name,
      description: (v.description as string | undefined) ?? `workload ${name}`,
      source: (v.source as Record<string, unknown> | undefined) ?? null,
      gomaxprocs: v.gomaxprocs === undefined ? null : count(v.gomaxprocs, r.at('gomaxprocs'), 1),
      connections: v.connections === undefined ? d.connections : count(v.connections, r.at('connections'), 1),
      requestStack: v.requestStack === undefined ? d.requestStack : size(v.requestStack, r.at('requestStack')),
      idleGoroutines: v.idleGoroutines === undefined ? d.idleGoroutines : count(v.idleGoroutines, r.at('idleGoroutines'), 0),
      globals: v.globals === undefined ? d.globals : size(v.globals, r.at('globals')),
      objects: v.objects === undefined ? [...defaultObjects] : objectsOf(v.objects, r.at('objects')),
      phases,
    };
  } catch (e) {
    return err(e);
  }
}

/** A workload from a file's text. */
export function parseWorkload(text: string, file: string): Workload {
  let v: Json;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WorkloadError(`${file}: not JSON: ${(e as Error).message}`);
  }
  return workloadFromJson(v, file);
}

/** Whether parsed JSON claims to be a workload (its "format"), so a loader can tell it from other JSON. */
export function isWorkloadJson(v: Json): boolean {
  return isObject(v) && typeof v.format === 'string' && v.format.startsWith('gomem-workload/');
}

/** The virtual length of the workload's phases. */
export function workloadDurationNs(w: Workload): number {
  return w.phases.reduce((a, p) => a + p.durationNs, 0);
}
