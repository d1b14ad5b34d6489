// ListerWatcher over the real API: paged list plus a streaming watch of newline-delimited JSON.
// Objects are projected on arrival (kinds/projection: only what views read, repeated values
// pooled per watch), and metadata-only kinds (Secrets always) are requested as
// PartialObjectMetadata, so their content is never sent to us at all.
import { metadataAccept } from '../kinds/metadataOnly';
import { InternPool, type Pool, type Projection, projectionFor } from '../kinds/projection';
import { collectionPath, type ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { KubeTransport } from '../transport/types';
import type { ListerWatcher, ListOptions, ListPage, WatchEvent, WatchOptions } from './listerWatcher';

interface ListResponse {
  items?: KubeObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export interface TransportListerWatcherOptions {
  /** What the cache keeps of each object: by default the kind's projection; null keeps whole objects (the bench's reference). */
  projection?: Projection | null;
  /** Pool of repeated values (one per watch by default). */
  pool?: Pool;
}

/**
 * `transport` may be a function: then every call asks for the current one, so a watch created just
 * as its context reconnects never keeps using the transport that reconnect closed.
 */
export function transportListerWatcher(transport: KubeTransport | (() => KubeTransport), type: ResourceType, namespace?: string, opts: TransportListerWatcherOptions = {}): ListerWatcher {
  const path = collectionPath(type, namespace);
  const current = typeof transport === 'function' ? transport : () => transport;
  const projection = opts.projection === undefined ? projectionFor(type) : opts.projection;
  const pool = opts.pool ?? new InternPool();
  const project = (o: KubeObject): KubeObject => (projection && o?.metadata ? projection(o, pool) : o);
  return {
    async list(opts: ListOptions): Promise<ListPage> {
      const res = await current().request<ListResponse>({
        path,
        // A continue token carries its own version; the apiserver rejects one given beside it.
        query: opts.continueToken
          ? { limit: opts.limit, continue: opts.continueToken }
          : { limit: opts.limit, resourceVersion: opts.resourceVersion || undefined, resourceVersionMatch: opts.resourceVersion ? opts.resourceVersionMatch : undefined },
        accept: type.metadataOnly ? metadataAccept(type, 'list') : undefined,
        signal: opts.signal,
        timeoutMs: 120_000,
      });
      const items = res.items ?? [];
      const out = new Array<KubeObject>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = project(items[i]!);
      return { items: out, resourceVersion: res.metadata?.resourceVersion ?? '', continueToken: res.metadata?.continue || undefined };
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
        accept: type.metadataOnly ? metadataAccept(type, 'watch') : undefined,
        signal: opts.signal,
      });
      return (async function* () {
        for await (const line of lines) {
          if (!line.trim()) continue;
          const ev = JSON.parse(line) as WatchEvent;
          // Only ADDED/MODIFIED objects are kept (a DELETED one is only looked up by key; ERROR
          // carries a Status, BOOKMARK a resourceVersion).
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') ev.object = project(ev.object) as WatchEvent['object'];
          yield ev;
        }
      })();
    },
  };
}
