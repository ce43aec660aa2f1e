// The call stack a heap-profile sample records (mProf_Malloc's callers):
// the running goroutine's Go frames, innermost first, each at the line of
// the program's source where it made the call (or, innermost, the
// allocation), then the runtime's frames below them as Go's traceback
// shows them (runtime.main for the main goroutine, runtime.goexit).
//
// Function names come from the goroutine's frames (go.func, go.locals,
// go.call name them in Go's terms). Lines come from the JavaScript stack:
// the frames in the program's own file (a user's program, or a built-in
// scenario under src/scenarios), grouped where gomem's API code separates
// them — each go.func or go.call is such a boundary, so the k-th group
// from the top is the k-th Go frame. A frame with no group left (a
// program whose JavaScript calls do not mirror its Go frames) gets line 0.

import { fileURLToPath } from 'node:url';
import { type ProfFrame, runtimeMain } from '../runtime/mprof.ts';
import { baseFrameCount } from '../runtime/proc_parked.ts';
import type { G } from '../runtime/runtime2.ts';
import { type Origin, callSites, originOf, sourcePosition } from './panic_trace.ts';

const scenarioDir = fileURLToPath(new URL('../scenarios/', import.meta.url));

interface Site {
  origin: Origin;
  pos: { path: string; line: number } | null;
  /** In a built-in scenario: told by the file V8 runs (src/scenarios/x.ts under tsx, dist/scenarios/x.js compiled), not the source it maps back to. */
  scenario: boolean;
}

/** Origins and source positions by V8 position: a program has few allocation sites, sampled many times. */
const sites = new Map<string, Site>();

/** A frame of gomem's own code outside the scenarios: it only ends a group, whatever its line. */
const gomemSite: Site = { origin: 'gomem', pos: null, scenario: false };
/** Whether each file V8 runs is such code: most frames of a sample are, and need no position. */
const gomemFiles = new Map<string, boolean>();

/** The path of a file V8 names by URL or by path. */
function pathOf(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}

function siteOf(s: NodeJS.CallSite): Site {
  const file = s.getFileName();
  if (file) {
    let own = gomemFiles.get(file);
    if (own === undefined) {
      own = originOf(s) === 'gomem' && !pathOf(file).startsWith(scenarioDir);
      gomemFiles.set(file, own);
    }
    if (own) return gomemSite;
  }
  const key = `${file}:${s.getLineNumber()}:${s.getColumnNumber()}`;
  let hit = sites.get(key);
  if (hit === undefined) {
    const origin = originOf(s);
    hit = { origin, pos: origin === 'other' ? null : sourcePosition(s), scenario: file ? pathOf(file).startsWith(scenarioDir) : false };
    sites.set(key, hit);
  }
  return hit;
}

/** The program's source positions on the JavaScript stack, innermost first, in groups between gomem's own frames. */
function programLines(): { file: string; line: number }[] {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 256;
  let sites: NodeJS.CallSite[] | null;
  try {
    sites = callSites(new Error('profile sample'), false);
  } finally {
    Error.stackTraceLimit = saved;
  }
  const groups: { file: string; line: number }[] = [];
  let inGroup = false;
  for (const s of sites ?? []) {
    const { origin, pos, scenario } = siteOf(s);
    const isProgram = pos !== null && (origin === 'program' || scenario);
    if (isProgram) {
      if (!inGroup) groups.push({ file: pos.path, line: pos.line });
      inGroup = true;
    } else if (origin === 'gomem') {
      inGroup = false;
    }
  }
  return groups;
}

/** The sample's stack for goroutine g (empty: the runtime's own allocation, before any goroutine runs). */
export function profileStack(g: G | null): ProfFrame[] {
  const out: ProfFrame[] = [];
  if (g === null) return out;
  const lines = programLines();
  let k = 0;
  const push = (fn: string, inline: boolean): void => {
    const at = lines[k++] ?? null;
    out.push({ fn, file: at?.file ?? '', line: at?.line ?? 0, ...(inline ? { inline } : {}) });
  };
  let n = g.inlined.length;
  const base = baseFrameCount(g.frames);
  for (let i = g.frames.length - 1; i >= base; i--) {
    // The calls inlined into this frame, innermost first.
    while (n > 0 && g.inlined[n - 1]!.depth === i + 1) push(g.inlined[--n]!.fn, true);
    push(g.frames[i]!.fn, false);
  }
  // The goroutine's own function, when the program declared no frame for it (and what was inlined into it).
  const start = g.name === 'runtime.main' ? 'main.main' : g.name;
  if (!start.startsWith('runtime.') && (g.frames.length === base || g.frames[base]!.fn !== start)) {
    while (n > 0) push(g.inlined[--n]!.fn, true);
    if (k >= lines.length && lines.length > 0) k = lines.length - 1;
    push(start, false);
  }
  if (g.name === 'runtime.main') out.push(runtimeMain);
  return out;
}
