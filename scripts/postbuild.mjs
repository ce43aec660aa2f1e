// The end of `npm run build` (package.json's postbuild), after tsc has
// compiled src/ into dist/:
//   - the .mjs sources (tsc leaves them) are copied as they are;
//   - the scenarios' binary facts (src/scenarios/facts.ts: 78 JSON files, one
//     module each as tsc compiles it) become one JSON module,
//     dist/scenarios/facts.json, and dist/scenarios/facts.js exports its
//     tables: the same values, but Node then loads one module instead of 78,
//     about 30 ms less of every start of the CLI. The values are taken from
//     src/scenarios/facts.ts as it is (through tsx), not from the files
//     tsc may have left unchanged since an earlier build;
//   - dist/.building becomes dist/.built: the stamp bin/gomem.js compares
//     src/ against, whose time is the build's start (prebuild made it).

import { copyFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const root = new URL('../', import.meta.url);

for (const f of readdirSync(new URL('src', root), { recursive: true })) {
  if (f.endsWith('.mjs')) copyFileSync(new URL(`src/${f}`, root), new URL(`dist/${f}`, root));
}

const facts = await tsImport('../src/scenarios/facts.ts', import.meta.url);
const tables = { inits: facts.inits, lives: facts.lives, raw: facts.raw };
const json = JSON.stringify(tables);
// JSON keeps every value of JSON files but -0 and the like: check rather than trust.
if (!isDeepStrictEqual(JSON.parse(json), tables)) throw new Error('postbuild: the scenarios\' facts do not survive JSON.stringify');
writeFileSync(new URL('dist/scenarios/facts.json', root), json);
writeFileSync(
  new URL('dist/scenarios/facts.js', root),
  `// Written by scripts/postbuild.mjs from src/scenarios/facts.ts: its tables, from one JSON module.
import facts from './facts.json' with { type: 'json' };
export const { inits, lives, raw } = facts;
`,
);
rmSync(new URL('dist/scenarios/facts.js.map', root), { force: true });

renameSync(new URL('dist/.building', root), new URL('dist/.built', root));
