// Messages between the page and the what-if Worker (whatif_worker.ts).

import type { TraceSettings } from '../../src/trace/writer.ts';

/** Run built-in scenario `scenario` with these settings (a trace header's, with the sliders' changes). */
export interface WhatIfRequest {
  id: number;
  scenario: string;
  settings: TraceSettings;
}

export type WhatIfReply =
  | { id: number; type: 'done'; trace: Uint8Array; status: number; outcome: string; ms: number }
  | { id: number; type: 'error'; message: string };
