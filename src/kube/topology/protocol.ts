// The one definition of what the topology panel and its webview say to each other. The webview
// speaks first ("ready"), the host answers with a snapshot, then diffs; a fresh snapshot replaces
// everything (after a relist, or when the webview reloads). Messages from the webview are
// untrusted (a compromised page could post anything): the host accepts them only through
// parseWebviewMessage. Imported by both sides: plain data and pure functions only.
import type { GraphDiff } from './graphDiff';
import type { TopoGraph, TopoKind } from './graphTypes';

/** What a panel shows; also the webview's saved state, from which a reload restores the panel. */
export interface PanelScope {
  context: string;
  namespace?: string;
  service?: string;
}

export type HostMessage =
  | { type: 'snapshot'; scope: PanelScope; graph: TopoGraph }
  | { type: 'diff'; diff: GraphDiff }
  | { type: 'error'; message: string };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; id: string }
  | { type: 'openYaml'; id: string }
  | { type: 'expand'; id: string; open: boolean };

const KINDS: readonly TopoKind[] = ['Service', 'EndpointSlice', 'Pod', 'Node', 'PodGroup'];
// Kubernetes names are at most 253 characters (namespaces 63): an id is a kind, a namespace, a name.
const MAX_ID = 400;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export interface ParsedId {
  kind: TopoKind;
  namespace?: string;
  name: string;
}

/** `Kind:namespace/name` or `Kind:name`, with names as Kubernetes allows them; else undefined. */
export function parseElementId(id: unknown): ParsedId | undefined {
  if (typeof id !== 'string' || id.length > MAX_ID) return undefined;
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon) as TopoKind;
  if (colon < 0 || !KINDS.includes(kind)) return undefined;
  const rest = id.slice(colon + 1);
  const slash = rest.indexOf('/');
  const namespace = slash < 0 ? undefined : rest.slice(0, slash);
  const name = slash < 0 ? rest : rest.slice(slash + 1);
  if (!NAME.test(name) || (namespace !== undefined && !NAME.test(namespace))) return undefined;
  return namespace === undefined ? { kind, name } : { kind, namespace, name };
}

/** A message from the webview, checked field by field; anything else is dropped. */
export function parseWebviewMessage(m: unknown): WebviewMessage | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const x = m as Record<string, unknown>;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal':
    case 'openYaml':
      return parseElementId(x.id) ? { type: x.type, id: x.id as string } : undefined;
    case 'expand': {
      // Groups fold a slice's pods or a Node's: expanding names the one.
      const kind = parseElementId(x.id)?.kind;
      return (kind === 'EndpointSlice' || kind === 'Node') && typeof x.open === 'boolean' ? { type: 'expand', id: x.id as string, open: x.open } : undefined;
    }
    default:
      return undefined;
  }
}

/** A saved webview state, checked before a restored panel trusts it. */
export function parsePanelScope(s: unknown): PanelScope | undefined {
  if (!s || typeof s !== 'object') return undefined;
  const x = s as Record<string, unknown>;
  if (typeof x.context !== 'string' || !x.context || x.context.length > 253) return undefined;
  const ns = typeof x.namespace === 'string' && NAME.test(x.namespace) ? x.namespace : undefined;
  const svc = ns && typeof x.service === 'string' && NAME.test(x.service) ? x.service : undefined;
  return { context: x.context, ...(ns ? { namespace: ns } : {}), ...(svc ? { service: svc } : {}) };
}
