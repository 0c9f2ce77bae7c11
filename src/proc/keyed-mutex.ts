/**
 * The one keyed mutex: one queue per key (an agent, a repository); work for the same key runs
 * one piece at a time, in arrival order; work for different keys runs concurrently. In proc/, the
 * lowest runtime module, so git, the supervisor and admission share it. Not re-entrant: code already inside `run(key)` must
 * not call `run(key)` again (it would wait for itself), so callers pass the held state down.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    // The queue continues whatever `fn` did; its failure belongs to its caller only.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Whether some work for `key` is queued or running. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}
