// Builds the browser view (web/) into web/dist/, which `gomem view` serves:
// one file, web/dist/index.html, with the script, the stylesheet, the
// what-if Worker and the Go parser's .wasm inside it, so that the same build
// works from any URL prefix and opened from disk (file://).
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Browser stand-ins for the Node built-ins the model's modules import (the what-if Worker bundles the model). */
const nodeShim = fileURLToPath(new URL('./src/shims/node.ts', import.meta.url));

/**
 * Puts the page's script and stylesheet into index.html, so that the built
 * page also runs opened straight from disk (a file:// URL): Chromium loads no
 * module script and no crossorigin stylesheet from a file: URL (CORS, origin
 * 'null'). With the Worker inlined (whatif.ts imports it ?worker&inline) and
 * the parser's .wasm inlined into it (assetsInlineLimit), index.html is the
 * whole page. A "</script" in the code (only in strings, regular expressions
 * and comments) is written "<\/script", which means the same there.
 */
function inlineIntoHtml(): Plugin {
  return {
    name: 'gomem-inline-into-html',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = bundle['index.html'];
      if (html === undefined || html.type !== 'asset') return;
      let text = String(html.source);
      for (const [name, item] of Object.entries(bundle)) {
        const at = (tag: RegExp): boolean => tag.test(text);
        const file = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (item.type === 'chunk') {
          const tag = new RegExp(`<script type="module" crossorigin src="\\./${file}"></script>`);
          if (!at(tag)) throw new Error(`inlineIntoHtml: index.html does not load ${name}`);
          text = text.replace(tag, () => `<script type="module">${item.code.replace(/<\/(script)/gi, '<\\/$1')}</script>`);
          delete bundle[name];
        } else if (name.endsWith('.css')) {
          const tag = new RegExp(`<link rel="stylesheet" crossorigin href="\\./${file}">`);
          if (!at(tag)) throw new Error(`inlineIntoHtml: index.html does not load ${name}`);
          text = text.replace(tag, () => `<style>${String(item.source)}</style>`);
          delete bundle[name];
        }
      }
      html.source = text;
    },
  };
}

export default defineConfig({
  plugins: [inlineIntoHtml()],
  root: here,
  base: './',
  resolve: {
    alias: Object.fromEntries(['fs', 'path', 'url', 'module', 'zlib'].map((m) => [`node:${m}`, nodeShim])),
  },
  // The what-if Worker (src/whatif_worker.ts) is one classic script (the model uses top-level await nowhere), inlined
  // into the page and started from a blob: URL: a page opened from file:// may start a classic Worker from a blob,
  // not a module one, nor any Worker from a file: URL.
  worker: { format: 'iife', rollupOptions: { output: { inlineDynamicImports: true } } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One bundle: uPlot and the trace reader, and the Worker (the model, 1.8 MB with the parser's .wasm) as base64.
    chunkSizeWarningLimit: 4000,
    assetsInlineLimit: (file: string) => (file.endsWith('.wasm') ? true : undefined),
  },
  server: {
    host: '127.0.0.1',
    // The page imports the trace reader and replay from src/trace.
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
