// Messages between the page and the what-if Worker (whatif_worker.ts).

import type { TraceSettings } from '../../src/trace/writer.ts';

/**
 * Run built-in scenario `scenario`, or the Go file `source` through the
 * front end, with these settings (a trace header's, with the sliders' changes).
 */
export interface WhatIfRequest {
  id: number;
  scenario?: string;
  source?: { path: string; text: string };
  settings: TraceSettings;
  /** Also the ps row and the explain breakdown at each checkpoint, as gomem run --ps --explain prints them. */
  texts?: boolean;
}

/** At one checkpoint: `gomem run --ps`'s row (without its "    # NAME") and `--explain`'s text (without its "# explain at NAME" line). */
export interface CheckpointText {
  name: string;
  psHeader: string;
  ps: string;
  explain: string;
}

export type WhatIfReply =
  | { id: number; type: 'done'; trace: Uint8Array; status: number; outcome: string; ms: number; texts?: CheckpointText[] }
  | { id: number; type: 'error'; message: string; /** A compile error of the Go source, in the compiler's format. */ compile?: boolean };
