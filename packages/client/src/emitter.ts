/** A tiny typed event emitter that works in browsers and Node alike. */
export class Emitter<E extends Record<string, unknown>> {
  private readonly handlers = new Map<keyof E, Set<(v: never) => void>>();

  on<K extends keyof E>(name: K, fn: (value: E[K]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(fn as (v: never) => void);
    return () => set.delete(fn as (v: never) => void);
  }

  protected emit<K extends keyof E>(name: K, value: E[K]): void {
    for (const fn of this.handlers.get(name) ?? []) (fn as (v: E[K]) => void)(value);
  }
}
