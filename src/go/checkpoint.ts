// The CHECKPOINT line (../shared/checkpoints.md), assembled exactly as the
// reality harness's Go helper assembles it (reality/checkpoint): MemStats
// fields, the scalar runtime/metrics, the proc fields of
// /proc/self/status and a summary of /proc/self/smaps — here read from the
// kernel model's renderings of those files, parsed the way the helper
// parses the real ones, so both sides apply the same rules.

import type { MemStatsSnapshot } from '../runtime/mstats.ts';
import type { MetricValue } from '../runtime/metrics.ts';
import { formatFloat } from './strconv.ts';

export type ExtraValue = number | bigint | string | number[] | boolean;

const statusKeys = ['VmPeak', 'VmSize', 'VmHWM', 'VmRSS', 'RssAnon', 'RssFile', 'RssShmem', 'VmData', 'VmStk', 'VmExe', 'VmLib', 'VmPTE', 'Threads'];

const memstatsKeys = [
  'Alloc', 'TotalAlloc', 'Sys', 'Mallocs', 'Frees', 'HeapAlloc', 'HeapSys', 'HeapIdle', 'HeapInuse', 'HeapReleased',
  'HeapObjects', 'StackInuse', 'StackSys', 'MSpanInuse', 'MSpanSys', 'MCacheInuse', 'MCacheSys', 'BuckHashSys', 'GCSys',
  'OtherSys', 'NextGC', 'LastGC', 'NumGC', 'NumForcedGC', 'PauseTotalNs', 'GCCPUFraction',
] as const;

export interface CheckpointInput {
  name: string;
  seq: number;
  /** Virtual nanoseconds since the helper's init (the program's start as the helper sees it). */
  elapsedNs: number;
  goroutines: number;
  memstats: MemStatsSnapshot;
  metrics: Map<string, MetricValue>;
  statusText: string;
  smapsText: string;
  extra: [string, ExtraValue][];
}

/** A JSON number or string for a value Go prints with strconv. */
function num(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (Number.isInteger(v)) return String(v);
  // The helper writes NaN and ±Inf as null (JSON has no such numbers).
  return Number.isFinite(v) ? formatFloat(v) : 'null';
}

/** Fields of "Key:   value kB" lines. */
function fieldUint(line: string): number {
  const m = /:\s*(\d+)/.exec(line);
  return m ? Number(m[1]) : 0;
}

export function procFields(statusText: string): [string, number][] {
  const seen = new Map<string, number>();
  for (const line of statusText.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i);
    if (statusKeys.includes(k)) seen.set(k, fieldUint(line));
  }
  return statusKeys.filter((k) => seen.has(k)).map((k) => [k === 'Threads' ? k : `${k}_kB`, seen.get(k)!]);
}

interface Mapping {
  range: string;
  perms: string;
  inode: number;
  name: string;
  size: number;
  rss: number;
  anon: number;
  lazyfree: number;
  anonhuge: number;
  thp: string;
}

const isAnon = (m: Mapping): boolean =>
  m.inode === 0 && (m.name === '' || m.name === '[heap]' || m.name === '[stack]' || m.name.startsWith('[anon:') || m.name.startsWith('[stack:'));

export function smapsSummary(smapsText: string): { ge1MiB: Mapping[]; summary: [string, number][] } {
  const maps: Mapping[] = [];
  let cur: Mapping | null = null;
  for (const line of smapsText.split('\n')) {
    if (line === '') continue;
    if (/^[0-9a-f]/.test(line)) {
      const parts = line.split(/\s+/);
      cur = { range: parts[0]!, perms: parts[1]!, inode: Number(parts[4]), name: parts.slice(5).join(' '), size: 0, rss: 0, anon: 0, lazyfree: 0, anonhuge: 0, thp: '' };
      maps.push(cur);
      continue;
    }
    if (cur === null) continue;
    const key = line.slice(0, line.indexOf(':'));
    if (key === 'Size') cur.size = fieldUint(line);
    else if (key === 'Rss') cur.rss = fieldUint(line);
    else if (key === 'Anonymous') cur.anon = fieldUint(line);
    else if (key === 'LazyFree') cur.lazyfree = fieldUint(line);
    else if (key === 'AnonHugePages') cur.anonhuge = fieldUint(line);
    else if (key === 'VmFlags') {
      const flags = line.slice('VmFlags:'.length).trim().split(/\s+/);
      cur.thp = flags.includes('hg') ? 'hg' : flags.includes('nh') ? 'nh' : '';
    }
  }
  const s = { maps: 0, size: 0, rss: 0, anonymous: 0, lazyfree: 0, anonhuge: 0, protNone: 0, anonSize: 0, anonRss: 0, fileSize: 0, fileRss: 0, geCount: 0, geSize: 0, geRss: 0, geAnon: 0 };
  const ge1MiB: Mapping[] = [];
  for (const m of maps) {
    s.maps++;
    s.size += m.size;
    s.rss += m.rss;
    s.anonymous += m.anon;
    s.lazyfree += m.lazyfree;
    s.anonhuge += m.anonhuge;
    if (m.perms.startsWith('---')) s.protNone += m.size;
    if (m.inode !== 0) {
      s.fileSize += m.size;
      s.fileRss += m.rss;
    } else if (isAnon(m)) {
      s.anonSize += m.size;
      s.anonRss += m.rss;
      if (m.size >= 1024) {
        s.geCount++;
        s.geSize += m.size;
        s.geRss += m.rss;
        s.geAnon += m.anon;
        ge1MiB.push(m);
      }
    }
  }
  return {
    ge1MiB,
    summary: [
      ['maps', s.maps], ['size_kB', s.size], ['rss_kB', s.rss], ['anonymous_kB', s.anonymous], ['lazyfree_kB', s.lazyfree],
      ['anonhuge_kB', s.anonhuge], ['prot_none_size_kB', s.protNone], ['anon_maps_size_kB', s.anonSize], ['anon_maps_rss_kB', s.anonRss],
      ['file_maps_size_kB', s.fileSize], ['file_maps_rss_kB', s.fileRss], ['anon_ge1MiB_count', s.geCount],
      ['anon_ge1MiB_size_kB', s.geSize], ['anon_ge1MiB_rss_kB', s.geRss], ['anon_ge1MiB_anon_kB', s.geAnon],
    ],
  };
}

const obj = (pairs: [string, string][]): string => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

function extraValue(v: ExtraValue): string {
  if (Array.isArray(v)) return `[${v.map((x) => num(x)).join(',')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  return num(v);
}

/** The JSON object of one CHECKPOINT line (without the "CHECKPOINT " prefix). */
export function checkpointJson(c: CheckpointInput): string {
  const ms = c.memstats as unknown as Record<string, number | bigint>;
  const parts: [string, string][] = [
    ['name', JSON.stringify(c.name)],
    ['seq', String(c.seq)],
    ['t_ms', (c.elapsedNs / 1e6).toFixed(3)],
    ['goroutines', String(c.goroutines)],
    ['memstats', obj(memstatsKeys.map((k) => [k, num(ms[k]!)]))],
    // The metrics a checkpoint carries: those under /memory/classes/, /gc/ and /sched/ (checkpoints.md).
    ['metrics', obj([...c.metrics].filter(([k]) => /^\/(memory\/classes|gc|sched)\//.test(k)).map(([k, v]) => [k, num(v)]))],
    ['proc', obj(procFields(c.statusText).map(([k, v]) => [k, String(v)]))],
  ];
  const { ge1MiB, summary } = smapsSummary(c.smapsText);
  parts.push([
    'smaps_anon_ge1MiB',
    `[${ge1MiB
      .map((m) =>
        obj([
          ['range', JSON.stringify(m.range)], ['perms', JSON.stringify(m.perms)], ['name', JSON.stringify(m.name)],
          ['size_kB', String(m.size)], ['rss_kB', String(m.rss)], ['anon_kB', String(m.anon)], ['lazyfree_kB', String(m.lazyfree)],
          ['anonhuge_kB', String(m.anonhuge)], ['thp', JSON.stringify(m.thp)],
        ]),
      )
      .join(',')}]`,
  ]);
  parts.push(['smaps_summary', obj(summary.map(([k, v]) => [k, String(v)]))]);
  if (c.extra.length > 0) parts.push(['extra', obj(c.extra.map(([k, v]) => [k, extraValue(v)]))]);
  return obj(parts);
}
