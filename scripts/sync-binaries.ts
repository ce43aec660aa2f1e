// Copies the binary layouts the reality recorder measured
// (reality/cases/<case>/binary.json: file size, data/bss section sizes, ELF
// load segments) into src/scenarios/binaries/<case>.json for the scenarios,
// and the hello case's into src/go/default_binary.json (the layout a program
// gets when it names no binary).
//
//   npx tsx scripts/sync-binaries.ts           rewrite the files
//   npx tsx scripts/sync-binaries.ts --check   exit 1 if any is stale

import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cases = join(root, 'reality/cases');

function trimmed(path: string): string {
  const d = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { load_segments: Record<string, unknown>[] };
  const out = {
    binary: d.binary,
    file_size: d.file_size,
    data_sections: d.data_sections,
    load_segments: d.load_segments.map((s) => ({ offset: s.offset, vaddr: s.vaddr, filesz: s.filesz, memsz: s.memsz, flags: s.flags })),
  };
  return JSON.stringify(out, null, 1) + '\n';
}

const targets: [string, string][] = [];
for (const c of readdirSync(cases)) {
  const src = join(cases, c, 'binary.json');
  if (existsSync(src)) targets.push([src, join(root, 'src/scenarios/binaries', `${c}.json`)]);
}
targets.push([join(cases, 'hello/binary.json'), join(root, 'src/go/default_binary.json')]);

let stale = false;
for (const [from, to] of targets) {
  const text = trimmed(from);
  if (process.argv.includes('--check')) {
    if (!existsSync(to) || readFileSync(to, 'utf8') !== text) {
      console.error(`${to} is stale: run npx tsx scripts/sync-binaries.ts`);
      stale = true;
    }
  } else {
    writeFileSync(to, text);
  }
}
if (stale) process.exit(1);
