// Owns every SharedWatch: one per (context, resource, namespace scope), reference counted, started
// on first use and stopped a little after the last user lets go (so collapsing and re-expanding a
// tree node does not throw away a 20,000-pod cache).
import { resourceId, type ResourceType } from '../kinds/resourceType';
import type { ListerWatcher } from './listerWatcher';
import { SharedWatch, type SharedWatchOptions } from './sharedWatch';

export type ListerWatcherFactory = (context: string, type: ResourceType, namespace: string | undefined) => ListerWatcher;

export interface WatchLease {
  readonly watch: SharedWatch;
  release(): void;
}

interface Entry {
  watch: SharedWatch;
  refs: number;
  lingerTimer?: ReturnType<typeof setTimeout>;
}

export interface WatchHubOptions extends SharedWatchOptions {
  /** How long an unused watch is kept before it is stopped. */
  lingerMs?: number;
}

export function watchKey(context: string, type: ResourceType, namespace: string | undefined): string {
  return `${context}|${resourceId(type)}|${namespace ?? '*'}`;
}

export class WatchHub {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly factory: ListerWatcherFactory,
    private readonly opts: WatchHubOptions = {},
  ) {}

  acquire(context: string, type: ResourceType, namespace?: string): WatchLease {
    const key = watchKey(context, type, type.namespaced ? namespace : undefined);
    let entry = this.entries.get(key);
    if (!entry) {
      const watch = new SharedWatch(this.factory(context, type, type.namespaced ? namespace : undefined), this.opts);
      entry = { watch, refs: 0 };
      this.entries.set(key, entry);
      watch.start();
    }
    if (entry.lingerTimer) {
      clearTimeout(entry.lingerTimer);
      entry.lingerTimer = undefined;
    }
    entry.refs++;
    let released = false;
    const e = entry;
    return {
      watch: entry.watch,
      release: () => {
        if (released) return;
        released = true;
        e.refs--;
        if (e.refs > 0) return;
        const linger = this.opts.lingerMs ?? 30_000;
        const stop = (): void => {
          if (e.refs > 0 || this.entries.get(key) !== e) return;
          this.entries.delete(key);
          void e.watch.stop();
        };
        if (linger <= 0) stop();
        else e.lingerTimer = setTimeout(stop, linger);
      },
    };
  }

  /** The watch for a key if one is running (no reference taken). */
  peek(context: string, type: ResourceType, namespace?: string): SharedWatch | undefined {
    return this.entries.get(watchKey(context, type, type.namespaced ? namespace : undefined))?.watch;
  }

  /** Keys (`context|resource|namespace or *`) of the running watches. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Number of running watches (for tests and the status bar). */
  get size(): number {
    return this.entries.size;
  }

  /** Stops every watch of a context (kubeconfig changed, context removed). */
  async stopContext(context: string): Promise<void> {
    const stops: Promise<void>[] = [];
    for (const [key, e] of this.entries) {
      if (!key.startsWith(`${context}|`)) continue;
      if (e.lingerTimer) clearTimeout(e.lingerTimer);
      this.entries.delete(key);
      stops.push(e.watch.stop());
    }
    await Promise.all(stops);
  }

  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      all.map((e) => {
        if (e.lingerTimer) clearTimeout(e.lingerTimer);
        return e.watch.stop();
      }),
    );
  }
}
