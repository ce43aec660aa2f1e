// The child process of run_both.ts: runs a twin and its Go source (argv:
// the case's name, the environment as JSON) and prints both runs as one
// JSON line. A run of the larger cases takes over a minute under load;
// in the test's own process it would hold vitest's event loop that long.

import { runBothHere } from './run_both.ts';

const [name, env] = process.argv.slice(2);
const both = await runBothHere(name!, JSON.parse(env ?? '{}') as Record<string, string>);
process.stdout.write(`${JSON.stringify(both)}\n`);
