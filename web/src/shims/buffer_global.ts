// The one Node global the model uses outside Node-only paths:
// Buffer.byteLength (a Go string's length is its UTF-8 bytes). Imported first
// by the what-if Worker, before any module of the model is evaluated.

const utf8 = new TextEncoder();

const g = globalThis as unknown as { Buffer?: unknown };
if (g.Buffer === undefined) {
  g.Buffer = {
    byteLength: (s: string): number => utf8.encode(s).length,
    from: (): never => {
      throw new Error('Buffer.from is not available in the browser');
    },
  };
}
export {};
