// ListerWatcher over the real API: paged list plus a streaming watch of newline-delimited JSON.
import { collectionPath, type ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { KubeTransport } from '../transport/types';
import type { ListerWatcher, ListOptions, ListPage, WatchEvent, WatchOptions } from './listerWatcher';

interface ListResponse {
  items?: KubeObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export function transportListerWatcher(transport: KubeTransport, type: ResourceType, namespace?: string): ListerWatcher {
  const path = collectionPath(type, namespace);
  return {
    async list(opts: ListOptions): Promise<ListPage> {
      const res = await transport.request<ListResponse>({
        path,
        query: { limit: opts.limit, continue: opts.continueToken, resourceVersion: opts.continueToken ? undefined : opts.resourceVersion || undefined },
        signal: opts.signal,
        timeoutMs: 120_000,
      });
      return { items: res.items ?? [], resourceVersion: res.metadata?.resourceVersion ?? '', continueToken: res.metadata?.continue || undefined };
    },
    async watch(opts: WatchOptions): Promise<AsyncIterable<WatchEvent>> {
      const lines = await transport.streamLines({
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
