// The typed event stream. Layers emit; observers (trace writers, recorders,
// the web view, checkers) subscribe. The core never calls an observer
// directly, and emitting to a kind nobody listens to costs one array check,
// so hot paths can test `wants(kind)` before building an event.

export type EventMap = Record<string, object>;

type Listener<T> = (event: T) => void;

export class EventStream<M extends EventMap> {
  private readonly listeners = new Map<keyof M, Listener<never>[]>();

  /** Subscribes to one kind; returns a function that unsubscribes. */
  on<K extends keyof M>(kind: K, fn: Listener<M[K]>): () => void {
    let list = this.listeners.get(kind);
    if (!list) this.listeners.set(kind, (list = []));
    list.push(fn as Listener<never>);
    return () => {
      const l = this.listeners.get(kind);
      if (!l) return;
      const i = l.indexOf(fn as Listener<never>);
      if (i >= 0) l.splice(i, 1);
    };
  }

  /** True when someone listens to `kind`: build the event only then. */
  wants(kind: keyof M): boolean {
    const l = this.listeners.get(kind);
    return l !== undefined && l.length > 0;
  }

  emit<K extends keyof M>(kind: K, event: M[K]): void {
    const l = this.listeners.get(kind);
    if (!l) return;
    for (let i = 0; i < l.length; i++) (l[i] as Listener<M[K]>)(event);
  }
}
