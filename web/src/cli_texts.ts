// The ps row and the explain breakdown, as `gomem run --ps --explain` prints
// them at each checkpoint. Neither can come from the trace (ps reads the
// process's CPU ticks and state, explain walks every page and span of the
// live model), so the page runs the trace's program once more in the
// what-if Worker with the trace's own settings, and the Worker makes them
// with the CLI's calls (renderPsRow after syncProcFields, formatExplain of
// explain). They are exact at checkpoints, where the CLI prints them; at
// the cursor the panel shows those of the last checkpoint at or before it.
// A run costs as much as the original did, so it runs when asked.

import type { TraceSettings } from '../../src/trace/writer.ts';
import { time } from './fmt.ts';
import type { Timeline } from './timeline.ts';
import { Runner, rerunOf } from './whatif.ts';
import type { CheckpointText } from './whatif_protocol.ts';

export class CheckpointTexts {
  state: 'none' | 'running' | 'done' | 'error' | 'unavailable';
  error?: string;
  /** One per checkpoint of the trace, in order (tl.checkpoints[i]'s is texts[i]). */
  texts: CheckpointText[] | null = null;
  private readonly runner = new Runner();
  private listeners: (() => void)[] = [];

  constructor(readonly tl: Timeline, unavailable?: string) {
    if (rerunOf(tl.header.program) === null) {
      this.state = 'unavailable';
      this.error = `needs a built-in scenario or a Go source; this trace's program is ${tl.header.program.source?.path ?? tl.header.program.name}`;
    } else if (unavailable !== undefined) {
      this.state = 'unavailable';
      this.error = unavailable;
    } else this.state = 'none';
  }

  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  async run(): Promise<void> {
    if (this.state !== 'none' && this.state !== 'error') return;
    this.state = 'running';
    this.changed();
    try {
      const r = await this.runner.run({ ...rerunOf(this.tl.header.program)!, settings: this.tl.header.settings as unknown as TraceSettings, texts: true });
      const texts = r.texts ?? [];
      const names = this.tl.checkpoints.map((c) => c.name);
      // The same run: its checkpoints are the trace's.
      if (texts.length !== names.length || texts.some((x, i) => x.name !== names[i])) {
        throw new Error(`the run again passed checkpoints ${texts.map((x) => x.name).join(', ')}, the trace ${names.join(', ')}`);
      }
      this.texts = texts;
      this.state = 'done';
    } catch (e) {
      this.state = 'error';
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.changed();
  }

  /** The panel's text at record rec. */
  textAt(rec: number): { ps: string; explain: string } {
    if (this.state !== 'done') {
      const why =
        this.state === 'unavailable' ? `(not here: it ${this.error})`
        : this.state === 'running' ? '(running the program again in the browser…)'
        : this.state === 'error' ? `(the run failed: ${this.error})`
        : '(press “run for ps and explain”: they need the program run again in the browser, as gomem run --ps --explain)';
      return { ps: why, explain: why };
    }
    const cps = this.tl.checkpoints;
    let k = cps.length - 1;
    while (k >= 0 && cps[k]!.record > rec) k--;
    if (k < 0) return { ps: '(no checkpoint yet)', explain: '(no checkpoint yet)' };
    const c = cps[k]!;
    const x = this.texts![k]!;
    const at = `at checkpoint ${c.name}, t = ${time(c.t)}${c.record === rec ? ' (the cursor)' : ''}`;
    return {
      ps: `# ps aux ${at}\n${x.psHeader}\n${x.ps}    # ${c.name}\n`,
      explain: `# explain ${at}\n${x.explain}`,
    };
  }

  private changed(): void {
    for (const f of this.listeners) f();
  }

  dispose(): void {
    this.runner.stop();
    this.listeners = [];
  }
}
