// A minimal typed event emitter for the core (which cannot use vscode.EventEmitter).
export interface Disposable {
  dispose(): void;
}

/** Subscribe to an Emitter: `emitter.event`. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // One broken listener must not break the others.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
