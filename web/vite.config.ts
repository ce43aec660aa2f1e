// Builds the browser view (web/) into web/dist/, which `gomem view` serves.
// Relative asset paths (base './') so the same build works from any URL
// prefix, file:// included.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
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
