// `kubectl debug` without kubectl, with its "general" profile (k8s.io/kubectl pkg/cmd/debug):
//  - an ephemeral container added to a running pod through the `ephemeralcontainers` subresource
//    (a strategic merge patch holding the new container only: the list merges by name), stdin and
//    TTY on, SYS_PTRACE added, optionally targeting a container's process namespace;
//  - or a copy of the pod with the debug container appended: labels, annotations and probes
//    dropped (so no Service sends it traffic and nothing restarts it), init containers kept
//    (kubectl's --keep-init-containers default), process namespace shared, not pinned to the
//    original node.
// The name is kubectl's: `debugger-xxxxx`, unique among every container of the pod.
import type { KubeObject } from '../kinds/types';
import type { KubeTransport } from '../transport/types';

export interface DebugSpec {
  image: string;
  /** The container whose processes the debugger sees (ephemeral only); none: the pod's own namespace. */
  target?: string;
  /** The command; empty: the image's entrypoint (a shell for busybox and most debug images). */
  command?: readonly string[];
  /** Name of the debug container; default a fresh `debugger-xxxxx`. */
  name?: string;
}

interface ContainerLike {
  name: string;
  [k: string]: unknown;
}

interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
  nodeName?: string;
  shareProcessNamespace?: boolean;
  [k: string]: unknown;
}

const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

/** kubectl's utilrand.String(5) alphabet: no vowels, no look-alikes. */
export function nameSuffix(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX[Math.floor(random() * SUFFIX.length)];
  return s;
}

export function containerNames(pod: KubeObject): Set<string> {
  const spec = (pod.spec ?? {}) as PodSpecLike;
  return new Set([...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name));
}

export function debugContainerName(pod: KubeObject, random?: () => number): string {
  const taken = containerNames(pod);
  for (;;) {
    const name = `debugger-${nameSuffix(random)}`;
    if (!taken.has(name)) return name;
  }
}

/** The debug container as kubectl's general profile makes it (SYS_PTRACE to inspect processes). */
function debugContainer(name: string, spec: DebugSpec): ContainerLike {
  return {
    name,
    image: spec.image,
    ...(spec.command?.length ? { command: [...spec.command] } : {}),
    stdin: true,
    tty: true,
    terminationMessagePolicy: 'File',
    securityContext: { capabilities: { add: ['SYS_PTRACE'] } },
  };
}

/** The strategic merge patch that adds one ephemeral container (the list merges by name). */
export function ephemeralContainerPatch(name: string, spec: DebugSpec): { spec: { ephemeralContainers: ContainerLike[] } } {
  return { spec: { ephemeralContainers: [{ ...debugContainer(name, spec), ...(spec.target ? { targetContainerName: spec.target } : {}) }] } };
}

/** A copy of the pod with the debug container appended, as `kubectl debug --copy-to` makes it. */
export function podCopyWithDebugger(pod: KubeObject, copyName: string, containerName: string, spec: DebugSpec): KubeObject {
  const src = structuredClone((pod.spec ?? {}) as PodSpecLike);
  delete src.ephemeralContainers;
  delete src.nodeName;
  for (const c of src.containers ?? []) {
    delete c.livenessProbe;
    delete c.readinessProbe;
    delete c.startupProbe;
  }
  src.shareProcessNamespace ??= true;
  src.containers = [...(src.containers ?? []), debugContainer(containerName, spec)];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: copyName, namespace: pod.metadata.namespace }, spec: src };
}

const podPath = (namespace: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;

/** Adds the ephemeral container; resolves with its name. */
export async function addEphemeralContainer(t: KubeTransport, namespace: string, pod: string, spec: DebugSpec): Promise<string> {
  const current = await t.request<KubeObject>({ path: podPath(namespace, pod) });
  const name = spec.name ?? debugContainerName(current);
  await t.request({
    method: 'PATCH',
    path: `${podPath(namespace, pod)}/ephemeralcontainers`,
    contentType: 'application/strategic-merge-patch+json',
    body: ephemeralContainerPatch(name, spec),
  });
  return name;
}

/** Creates the copy (from the live pod, not the cache's projection); resolves with the copy's and container's names. */
export async function createDebugCopy(t: KubeTransport, namespace: string, pod: string, spec: DebugSpec, copyName = `${pod}-debug`): Promise<{ pod: string; container: string }> {
  const current = await t.request<KubeObject>({ path: podPath(namespace, pod) });
  const container = spec.name ?? debugContainerName(current);
  await t.request({ method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, body: podCopyWithDebugger(current, copyName, container, spec) });
  return { pod: copyName, container };
}

/** The state of one container of a pod (app, init or ephemeral), from a pod object. */
export function containerState(pod: KubeObject, container: string): { running: boolean; waiting?: string; terminated?: number } | undefined {
  const st = (pod.status ?? {}) as Record<string, { name?: string; state?: { running?: unknown; waiting?: { reason?: string }; terminated?: { exitCode?: number } } }[] | undefined>;
  for (const list of [st.ephemeralContainerStatuses, st.containerStatuses, st.initContainerStatuses]) {
    const c = list?.find((x) => x.name === container);
    if (!c) continue;
    return { running: !!c.state?.running, ...(c.state?.waiting?.reason ? { waiting: c.state.waiting.reason } : {}), ...(c.state?.terminated ? { terminated: c.state.terminated.exitCode ?? 0 } : {}) };
  }
  return undefined;
}
