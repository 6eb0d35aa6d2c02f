/** A tiny typed event emitter that works in browsers and Node alike. */
export class Emitter<E extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof E, Set<(v: never) => void>>();

  on<K extends keyof E>(name: K, fn: (value: E[K]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(fn as (v: never) => void);
    return () => set.delete(fn as (v: never) => void);
  }

  /**
   * Calls every listener. A listener that throws does not stop the others, nor the emitter's own
   * work after the emit; its error is reported as the DOM reports errors of event listeners.
   */
  protected emit<K extends keyof E>(name: K, value: E[K]): void {
    for (const fn of this.handlers.get(name) ?? []) {
      try {
        (fn as (v: E[K]) => void)(value);
      } catch (e) {
        reportListenerError(e);
      }
    }
  }
}

function reportListenerError(e: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (typeof report === 'function') report(e);
  else
    setTimeout(() => {
      throw e;
    });
}
