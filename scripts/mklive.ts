// Turns the measurements of what real Go keeps live after a GC at the start
// of main (reality/startup/live/<case>.json, reality/startup README §12)
// into what a scenario needs to link its start-up objects from roots the way
// real Go does: src/scenarios/live/<case>.json with
//   symbols  the runtime and package variables (in .data/.bss, by their
//            offset in the section) that hold start-up objects, so that
//            gomem's runtime stores its pointers at the real addresses;
//   holders  for each package-init step that stays live, what holds it: a
//            global, another init step's object, a runtime object, or a
//            parked goroutine's stack. Steps not listed are garbage once
//            main runs (they are freed by the first GC, as in real Go).
// The hello case's file is also the default for programs without a binary.
//
//   npx tsx scripts/mklive.ts           rewrite the files
//   npx tsx scripts/mklive.ts --check   exit 1 if any is stale

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const liveDir = join(root, 'reality/startup/live');

type Holder = Record<string, unknown>;
interface LiveObject {
  id: number | string;
  live: boolean | null;
  holder: Holder | null;
  /** The real object's pointer fields: [offset, target id, offset in target, field]. */
  refs?: [number, number | string, number, string?][];
}

function convert(path: string): string {
  const d = JSON.parse(readFileSync(path, 'utf8')) as { objects: LiveObject[] };
  // A holder word holds one pointer: where the measurement paired two objects
  // with one word (same-type objects told apart by heuristics), the word's
  // own contents (the holder's refs) decide, and the other is held by a root.
  const byId = new Map(d.objects.map((o) => [o.id, o]));
  const holds = (h: Holder, id: number | string): boolean =>
    byId.get(h.object as number | string)?.refs?.some(([off, target]) => off === h.offset && target === id) ?? true;
  const symbols: Record<string, [string, number]> = {};
  const holders: Record<string, unknown> = {};
  for (const o of d.objects) {
    const h = o.holder;
    if (!o.live || h === null) continue;
    if ('global' in h) {
      const sym = String(h.symbol ?? `${h.global}+${h.offset}`);
      symbols[sym] = [String(h.global), Number(h.offset) - Number(h.symOffset ?? 0)];
    }
    if (typeof o.id !== 'number') continue;
    if ('global' in h) holders[o.id] = { symbol: String(h.symbol ?? `${h.global}+${h.offset}`), offset: Number(h.symOffset ?? 0) };
    else if ('object' in h && !holds(h, o.id)) holders[o.id] = { stack: 'a word the measurement could not attribute' };
    else if ('object' in h) holders[o.id] = typeof h.object === 'number' ? { step: h.object, offset: h.offset } : { runtime: h.object, offset: h.offset };
    else holders[o.id] = { stack: String(h.stack ?? h.root ?? 'root') };
  }
  const sortedSymbols = Object.fromEntries(Object.entries(symbols).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ source: `reality/startup/live/${path.split('/').pop()}`, symbols: sortedSymbols, holders }, null, 1) + '\n';
}

const targets: [string, string][] = [];
for (const f of readdirSync(liveDir).filter((x) => x.endsWith('.json')).sort()) {
  targets.push([join(liveDir, f), join(root, 'src/scenarios/live', f)]);
}
targets.push([join(liveDir, 'hello.json'), join(root, 'src/go/default_live.json')]);

let stale = false;
for (const [from, to] of targets) {
  const text = convert(from);
  if (process.argv.includes('--check')) {
    if (!existsSync(to) || readFileSync(to, 'utf8') !== text) {
      console.error(`${to} is stale: run npx tsx scripts/mklive.ts`);
      stale = true;
    }
  } else {
    writeFileSync(to, text);
  }
}
if (stale) process.exit(1);
