// MetricsHub's source on real clusters: list calls over the context's transport, and whether the
// context has a metrics API. That answer comes from the APIService v1beta1.metrics.k8s.io, watched
// (through the shared WatchHub, only while some view holds usage): absent → "not available",
// present but not Available → its condition's message, Available → ask. An APIService is the
// thing that changes discovery for an aggregated API, so its watch is how "stop asking until
// discovery changes" is kept without asking again. Users who may not watch APIServices get the
// answer from discovery (is pods.metrics.k8s.io served?), re-read when the session rediscovers.
import type { ClusterManager } from '../clusters/clusterManager';
import { canWatch } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { WatchLease } from '../watch/watchHub';
import { listUsage, METRICS_APISERVICE, METRICS_MISSING, type MetricsAvailability } from './metricsApi';
import type { MetricsSource, SourceAvailability } from './metricsHub';

export function clusterMetricsSource(clusters: ClusterManager): MetricsSource {
  return {
    list: async (context, scope, signal) => {
      const session = clusters.session(context);
      if (!session) throw new Error(`Context "${context}" is no longer in the kubeconfig`);
      return listUsage(session.transport, scope, signal);
    },
    follow: (context, changed) => followMetricsApi(clusters, context, changed),
    onDidReset: clusters.onDidResetContext,
  };
}

/** The Available condition of an APIService → what the user is told. */
export function apiServiceAvailability(svc: KubeObject | undefined): MetricsAvailability {
  if (!svc) return { state: 'missing', message: METRICS_MISSING };
  const cond = ((svc.status as { conditions?: { type?: string; status?: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === 'Available',
  );
  if (cond?.status === 'True') return { state: 'available' };
  const why = cond ? [cond.reason, cond.message].filter(Boolean).join(': ') : 'its status is not known yet';
  return { state: 'unavailable', message: `metrics API not available: APIService ${METRICS_APISERVICE} is not available (${why})` };
}

function followMetricsApi(clusters: ClusterManager, context: string, changed: (a: SourceAvailability) => void): { release(): void } {
  let released = false;
  let lease: WatchLease | undefined;
  const disposables: { dispose(): void }[] = [];
  let last = '';
  const tell = (a: SourceAvailability): void => {
    const key = JSON.stringify(a);
    if (released || key === last) return;
    last = key;
    changed(a);
  };
  const fromDiscovery = (): void => {
    const st = clusters.session(context)?.state;
    if (st?.phase !== 'ready') return;
    const served = st.registry.get('pods.metrics.k8s.io') !== undefined;
    tell({ availability: served ? { state: 'available' } : { state: 'missing', message: METRICS_MISSING }, watched: false });
  };
  const fromWatch = (): void => {
    if (!lease) return;
    const st = lease.watch.status;
    if (st.synced) {
      tell({ availability: apiServiceAvailability(lease.watch.store.get(METRICS_APISERVICE)), watched: true });
      return;
    }
    // May not watch APIServices (or the watch fails before its first list): discovery decides.
    if (st.phase === 'forbidden' || st.phase === 'backoff' || st.phase === 'stopped') fromDiscovery();
  };
  let leaseSubs: { dispose(): void }[] = [];
  let starting = false;
  const dropLease = (): void => {
    for (const d of leaseSubs) d.dispose();
    leaseSubs = [];
    lease?.release();
    lease = undefined;
  };
  const start = async (): Promise<void> => {
    if (starting || lease || released) return;
    starting = true;
    try {
      const st = await clusters.session(context)?.connect();
      if (released || st?.phase !== 'ready') return;
      const type = st.registry.get('apiservices.apiregistration.k8s.io');
      if (!type || !canWatch(type)) {
        fromDiscovery();
        return;
      }
      const l = clusters.hub.acquire(context, type);
      lease = l;
      leaseSubs.push(
        l.watch.onChange((cs) => {
          const touched = [...cs.added, ...cs.deleted, ...cs.updated.map((u) => u.new)].some((o) => o.metadata.name === METRICS_APISERVICE);
          if (touched || cs.relisted) fromWatch();
        }),
        l.watch.onStatus(() => fromWatch()),
      );
      await l.watch.whenSettled();
      fromWatch();
    } finally {
      starting = false;
    }
  };
  // A session that (re)connected: a reconnect stopped the APIService watch, so take a fresh one;
  // without one (no APIServices to watch, or the first connect failed) read discovery again.
  // Only on 'ready': connecting from here on every state change would retry a failing cluster
  // in a loop.
  disposables.push(
    clusters.onDidChangeSession((s) => {
      if (released || s.context.name !== context || s.state.phase !== 'ready') return;
      if (lease?.watch.status.phase === 'stopped') {
        dropLease();
        last = '';
      }
      if (!lease) void start();
      else if (!lease.watch.status.synced) fromDiscovery();
    }),
  );
  void start();
  return {
    release: () => {
      released = true;
      for (const d of disposables) d.dispose();
      dropLease();
    },
  };
}
