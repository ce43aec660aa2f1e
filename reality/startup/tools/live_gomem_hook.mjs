// Module-loader hook for live_gomem.ts (reality/startup §12): when
// src/runtime/malloc.ts is loaded, its mallocgc is wrapped so that every
// heap allocation the model makes calls globalThis.__gomemLiveMalloc with its
// result. src/ itself is not modified; if mallocgc's declaration ever changes
// shape, loading fails loudly instead of recording nothing.
export async function load(url, context, nextLoad) {
  const r = await nextLoad(url, context);
  if (!url.endsWith('/src/runtime/malloc.ts')) return r;
  const src = typeof r.source === 'string' ? r.source : Buffer.from(r.source).toString('utf8');
  const decl = 'function mallocgc(';
  const n = src.split(decl).length - 1;
  if (n !== 1) throw new Error(`live_gomem_hook: expected one "${decl}" in ${url}, found ${n}`);
  // Replaces the declaration in place, so an `export` before it now exports the
  // wrapper, and calls inside the module (newobject, newarray) reach it too.
  const wrapper =
    'function mallocgc(rt, size, typ, needzero) {\n' +
    '  const x = __liveMallocgcInner(rt, size, typ, needzero);\n' +
    '  const h = globalThis.__gomemLiveMalloc;\n' +
    '  if (h !== undefined) h(rt, x, size, typ, needzero);\n' +
    '  return x;\n' +
    '}\n' +
    'function __liveMallocgcInner(';
  return { ...r, source: src.replace(decl, wrapper) };
}
