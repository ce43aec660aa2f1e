// Go source pasted into the page (or a .go file dropped on it): compiled by
// the front end and run on the model in the what-if Worker, as
// `gomem run prog.go --trace FILE` would run it, and the trace shown as an
// opened one (its header carries the source, so the what-if sliders and the
// ps/explain panels run it again). A compile error is one line in the
// compiler's format, as gomem run prints it.

import { type Trace, decodeTrace } from '../../src/trace/reader.ts';
import type { TraceSettings } from '../../src/trace/writer.ts';
import { Runner } from './whatif.ts';

/** The settings field's text (GOGC=50 GOMAXPROCS=2 …) as a run's settings; the Go variables gomem run takes, as Go reads them. */
export function settingsFromText(text: string): TraceSettings | string {
  const env: Record<string, string> = {};
  for (const f of text.split(/\s+/).filter((x) => x !== '')) {
    const m = /^(GOGC|GOMEMLIMIT|GOMAXPROCS|GODEBUG)=(.*)$/.exec(f);
    if (m === null) return `settings: "${f}" is not GOGC=…, GOMEMLIMIT=…, GOMAXPROCS=… or GODEBUG=…`;
    env[m[1]!] = m[2]!;
  }
  return { env, options: {} };
}

export class GoSourcePanel {
  private readonly runner = new Runner();

  /**
   * run(load, label) opens what load gives as the page opens a trace file;
   * the panel's elements: the source, its file name, the settings and the button.
   */
  constructor(
    private readonly el: { text: HTMLTextAreaElement; file: HTMLInputElement; settings: HTMLInputElement; run: HTMLButtonElement },
    private readonly open: (load: () => Promise<Trace>, label: string) => Promise<void>,
  ) {
    el.run.onclick = () => void this.run();
  }

  /** Runs a dropped .go file: its text into the panel, then run. */
  async runFile(f: Blob & { name: string }): Promise<void> {
    this.el.text.value = await f.text();
    this.el.file.value = f.name;
    await this.run();
  }

  async run(): Promise<void> {
    const path = this.el.file.value.trim() || 'prog.go';
    const text = this.el.text.value;
    const settings = settingsFromText(this.el.settings.value);
    this.el.run.disabled = true;
    try {
      await this.open(async () => {
        if (typeof settings === 'string') throw new Error(settings);
        if (!path.endsWith('.go')) throw new Error(`${path}: a Go source file's name ends in .go`);
        const r = await this.runner.run({ source: { path, text }, settings });
        return decodeTrace(r.trace);
      }, path);
    } finally {
      this.el.run.disabled = false;
    }
  }
}
