// Builds the browser view (web/) into web/dist/, which `gomem view` serves.
// Relative asset paths (base './') so the same build works from any URL
// prefix, file:// included.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Browser stand-ins for the Node built-ins the model's modules import (the what-if Worker bundles the model). */
const nodeShim = fileURLToPath(new URL('./src/shims/node.ts', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  resolve: {
    alias: Object.fromEntries(['fs', 'path', 'url', 'module', 'zlib'].map((m) => [`node:${m}`, nodeShim])),
  },
  // The what-if Worker (src/whatif_worker.ts) is an ES module: the model uses top-level await nowhere, but imports are ESM throughout.
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // uPlot and the trace reader make one small bundle; no need to split it.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    host: '127.0.0.1',
    // The page imports the trace reader and replay from src/trace.
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
