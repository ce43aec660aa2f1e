// Benchmark runner: `npm run bench -- <name> [<name>...]`, or no name for all.
// Each benchmark is a module bench/<name>.ts exporting `run()`, which prints
// one JSON line per case on stdout. Timing lives here and nowhere in tests.

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !['main.ts', 'timing.ts'].includes(f) && !f.startsWith('go_') && !f.endsWith('_child.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`gomem bench: unknown benchmark "${name}" (have: ${available.join(', ')})`);
    process.exit(2);
  }
}
for (const name of wanted.length > 0 ? wanted : available) {
  const mod = (await import(`./${name}.ts`)) as { run: () => Promise<void> | void };
  await mod.run();
}
