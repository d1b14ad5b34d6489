// A file that creates a CRD and then a resource of it applies in one go: before the resource, wait
// until the CRD is Established (watched, not polled) and then until discovery serves its kind (the
// apiserver publishes discovery a moment after Established and offers no watch on it, so that part
// re-reads discovery with a short backoff). Both under one deadline.
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import { KubeApiError, type KubeTransport } from '../transport/types';
import { findResource, type GroupVersionKind } from './applyPlan';
import type { KindRegistry } from '../kinds/kindRegistry';
import { delay } from '../watch/backoff';

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

export interface DiscoveryAccess {
  transport: KubeTransport;
  registry(): KindRegistry;
  rediscover(): Promise<void>;
}

function established(crd: KubeObject | undefined): boolean {
  const conds = (crd?.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Established' && c.status === 'True');
}

/**
 * Resolves with the served resource type, or throws a KubeApiError (kind 'timeout') naming what
 * did not happen in time. Aborting `signal` ends the wait with kind 'aborted'.
 */
export async function waitForCrdServed(
  target: DiscoveryAccess,
  crdName: string,
  gvk: GroupVersionKind,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<ResourceType> {
  const deadline = Date.now() + opts.timeoutMs;
  const signal = AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])]);
  const fail = (what: string): never => {
    if (opts.signal?.aborted) throw new KubeApiError(`Cancelled while waiting for CRD ${crdName}`, { kind: 'aborted' });
    throw new KubeApiError(`CRD ${crdName} ${what} within ${Math.round(opts.timeoutMs / 1000)} s`, {
      kind: 'timeout',
      hint: `Check the CRD's conditions (kubectl get crd ${crdName} -o yaml), then apply again.`,
    });
  };
  try {
    await waitEstablished(target.transport, crdName, signal);
  } catch (e) {
    if (signal.aborted) fail('did not become Established');
    throw e;
  }
  for (let attempt = 0; ; attempt++) {
    await target.rediscover();
    const served = findResource(target.registry(), gvk);
    if (served) return served;
    if (Date.now() > deadline || signal.aborted) fail(`is Established but discovery did not serve ${gvk.kind} (${gvk.group}/${gvk.version})`);
    await delay(Math.min(1000, 100 * 2 ** attempt), signal);
  }
}

async function waitEstablished(transport: KubeTransport, name: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    const crd = await transport.request<KubeObject>({ path: `${CRD_PATH}/${encodeURIComponent(name)}`, signal });
    if (established(crd)) return;
    const lines = await transport.streamLines({
      path: CRD_PATH,
      query: { watch: true, fieldSelector: `metadata.name=${name}`, resourceVersion: crd.metadata.resourceVersion, allowWatchBookmarks: false },
      signal,
    });
    for await (const line of lines) {
      let ev: { type?: string; object?: KubeObject };
      try {
        ev = JSON.parse(line) as { type?: string; object?: KubeObject };
      } catch {
        continue;
      }
      if (ev.type === 'ERROR') break; // e.g. 410: read it afresh
      if (ev.type === 'DELETED') throw new KubeApiError(`CRD ${name} was deleted while waiting for it`, { kind: 'http', status: 404 });
      if (established(ev.object)) return;
    }
    if (signal.aborted) throw new KubeApiError(`waiting for CRD ${name} stopped`, { kind: 'aborted' });
  }
}

