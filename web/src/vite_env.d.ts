// Vite's client types: the `?url` imports of the parser's .wasm files (gofront_browser.ts).
/// <reference types="vite/client" />
