// The test seam of the watch cache (client-go's ListerWatcher): the reflector only needs "list a
// page" and "open a watch", so unit tests replace the network with a scripted fake.
import type { KubeObject } from '../kinds/types';

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
}

export interface ListOptions {
  limit?: number;
  continueToken?: string;
  /** '' (most recent, consistent) or '0' (any, served from the watch cache), or a version. */
  resourceVersion?: string;
  /** With a version: 'NotOlderThan' lets the apiserver answer from its watch cache. */
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  signal: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  /** The object; for ERROR a metav1.Status. */
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

export interface WatchOptions {
  resourceVersion: string;
  timeoutSeconds: number;
  allowWatchBookmarks: boolean;
  signal: AbortSignal;
}

export interface ListerWatcher {
  list(opts: ListOptions): Promise<ListPage>;
  /** Resolves once the watch is established; the iterable ends when the server closes it. */
  watch(opts: WatchOptions): Promise<AsyncIterable<WatchEvent>>;
  /** A watch went silent past the idle deadline: check the connection before watching again. */
  idle?(): Promise<void>;
}
