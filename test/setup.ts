// Between tests, let the worker's event loop turn once. The simulator's
// tests are synchronous and CPU-bound; vitest's runner awaits between them
// with promises only, so without a macrotask turn the worker would answer
// none of the main process's RPC calls until a whole file ends, and a file
// of several long tests (twins.test.ts: ~90 s) trips vitest's 60-second
// RPC timeout ("Timeout calling onTaskUpdate").
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
