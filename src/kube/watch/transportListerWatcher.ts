// ListerWatcher over the real API: paged list plus a streaming watch of newline-delimited JSON.
import { collectionPath, type ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { KubeTransport } from '../transport/types';
import type { ListerWatcher, ListOptions, ListPage, WatchEvent, WatchOptions } from './listerWatcher';

interface ListResponse {
  items?: KubeObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/**
 * `transport` may be a function: then every call asks for the current one, so a watch created just
 * as its context reconnects never keeps using the transport that reconnect closed.
 */
export function transportListerWatcher(transport: KubeTransport | (() => KubeTransport), type: ResourceType, namespace?: string): ListerWatcher {
  const path = collectionPath(type, namespace);
  const current = typeof transport === 'function' ? transport : () => transport;
  return {
    async list(opts: ListOptions): Promise<ListPage> {
      const res = await current().request<ListResponse>({
        path,
        // A continue token carries its own version; the apiserver rejects one given beside it.
        query: opts.continueToken
          ? { limit: opts.limit, continue: opts.continueToken }
          : { limit: opts.limit, resourceVersion: opts.resourceVersion || undefined, resourceVersionMatch: opts.resourceVersion ? opts.resourceVersionMatch : undefined },
        signal: opts.signal,
        timeoutMs: 120_000,
      });
      return { items: res.items ?? [], resourceVersion: res.metadata?.resourceVersion ?? '', continueToken: res.metadata?.continue || undefined };
    },
    async idle(): Promise<void> {
      await current().checkConnection?.();
    },
    async watch(opts: WatchOptions): Promise<AsyncIterable<WatchEvent>> {
      const lines = await current().streamLines({
        path,
        query: {
          watch: true,
          resourceVersion: opts.resourceVersion,
          allowWatchBookmarks: opts.allowWatchBookmarks,
          timeoutSeconds: opts.timeoutSeconds,
        },
        signal: opts.signal,
      });
      return (async function* () {
        for await (const line of lines) {
          if (!line.trim()) continue;
          yield JSON.parse(line) as WatchEvent;
        }
      })();
    },
  };
}
