// Turns what went wrong on the wire into a KubeApiError a user can act on: the server's own
// metav1.Status message where there is one, plus a hint naming the next step.

import { describeForHumans, type RequestDescription } from './requestDescription';
import { KubeApiError, type StatusCause } from './types';

/** How the context authenticates, so a 401 hint can name the right remedy. */
export type AuthKind = 'exec' | 'auth-provider' | 'token' | 'token-file' | 'basic' | 'client-certificate' | 'none';

export interface HttpErrorInput {
  status: number;
  /** Response body as text (a metav1.Status JSON from the apiserver, or anything from a proxy). */
  body: string;
  retryAfter: string | undefined;
  request: RequestDescription;
  server: string;
  auth: AuthKind;
  /** The exec command as typed, for the 401 hint. */
  execCommand?: string;
  now?: () => number;
}

interface MetaStatus {
  kind?: unknown;
  reason?: unknown;
  message?: unknown;
  details?: { retryAfterSeconds?: unknown; causes?: unknown };
}

const DEFAULT_REASON: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function httpStatusError(input: HttpErrorInput): KubeApiError {
  const status = parseStatus(input.body);
  const reason = (typeof status?.reason === 'string' && status.reason) || DEFAULT_REASON[input.status];
  const apiMessage = typeof status?.message === 'string' && status.message ? status.message : undefined;
  const retryAfterSeconds =
    parseRetryAfter(input.retryAfter, input.now ?? Date.now) ??
    (typeof status?.details?.retryAfterSeconds === 'number' ? status.details.retryAfterSeconds : undefined);
  const what = describeForHumans(input.request);
  const detail = apiMessage ?? (status ? undefined : snippet(input.body));
  const message = `${what} failed: HTTP ${input.status}${reason ? ` ${reason}` : ''}${detail ? ` — ${detail}` : ''}`;
  return new KubeApiError(message, {
    kind: 'http',
    status: input.status,
    reason,
    retryAfterSeconds,
    hint: hintFor(input, reason, retryAfterSeconds, statusCauses(status?.details?.causes)),
    causes: statusCauses(status?.details?.causes),
  });
}

function statusCauses(raw: unknown): StatusCause[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return raw.filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null).map((c) => ({ reason: str(c.reason), message: str(c.message), field: str(c.field) }));
}

function hintFor(input: HttpErrorInput, reason: string | undefined, retryAfter: number | undefined, causes: StatusCause[] | undefined): string {
  const d = input.request;
  const ns = d.namespace ? ` in namespace ${d.namespace}` : '';
  switch (input.status) {
    case 401:
      return unauthorizedHint(input);
    case 403: {
      if (!d.isResource) return `The cluster forbids ${d.verb} on ${d.resource} for your user: ask a cluster admin for access.`;
      const nsFlag = d.namespace ? ` -n ${d.namespace}` : '';
      return `RBAC forbids ${d.verb} on ${d.resource}${ns}: ask a cluster admin for access (\`kubectl auth can-i ${d.verb} ${d.resource}${nsFlag}\` shows what you may do).`;
    }
    case 404:
      if (!d.isResource) return `The server at ${input.server} has no ${d.resource}: check the server URL.`;
      if (d.name) return `${d.resource} ${d.name} was not found${ns}: it may have been deleted, or the namespace is wrong.`;
      return `This cluster does not serve ${d.resource}${ns}: the CRD may not be installed, the API version may be removed, or the namespace does not exist.`;
    case 409: {
      if (reason === 'AlreadyExists') return 'An object with that name already exists: pick another name or edit the existing object.';
      // Server-side apply: fields another field manager owns (kubectl, a controller, Helm).
      const owned = causes?.filter((c) => c.reason === 'FieldManagerConflict') ?? [];
      if (owned.length) {
        const fields = owned.map((c) => c.field).filter(Boolean).slice(0, 5).join(', ');
        return `Other field managers own ${fields || 'these fields'} (see the message): apply again with force to take them over, or drop them from your file.`;
      }
      return 'The object changed since it was read: reload it and apply your change again.';
    }
    case 410:
      return 'The resourceVersion is too old (the server compacted its history): list again from scratch.';
    case 422:
      return 'The server rejected the object as invalid: fix the fields named in the message.';
    case 429:
      return `The API server is throttling requests (API Priority and Fairness): retry${retryAfter !== undefined ? ` after ${retryAfter} s` : ' later'}.`;
    case 400:
      return 'The server could not understand the request: check the object or YAML you sent.';
    default:
      if (input.status >= 500) {
        return `The API server at ${input.server} failed (HTTP ${input.status}): retry later; if it persists, check the control plane's health.`;
      }
      return `Unexpected HTTP ${input.status} from ${input.server}.`;
  }
}

function unauthorizedHint(input: HttpErrorInput): string {
  const base = 'The cluster rejected the credentials or they expired';
  switch (input.auth) {
    case 'exec':
      return `${base}: log in again${input.execCommand ? ` (run \`${input.execCommand}\` in a terminal)` : ''}, then retry.`;
    case 'auth-provider':
      return `${base}: log in again with your identity provider's CLI to refresh the token, then retry.`;
    case 'token':
    case 'token-file':
      return `${base}: refresh the token in the kubeconfig (log in again), then retry.`;
    case 'client-certificate':
      return `${base}: the client certificate may have expired or been revoked; regenerate the kubeconfig with your cluster's tooling.`;
    case 'basic':
      return `${base}: check the username and password in the kubeconfig.`;
    case 'none':
      return 'The cluster requires credentials but this context has none: add a token, client certificate or exec plugin to its user.';
  }
}

/** Seconds from a Retry-After header: either delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now: () => number = Date.now): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now()) / 1000));
}

function parseStatus(body: string): MetaStatus | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const o = JSON.parse(body) as MetaStatus;
    return typeof o === 'object' && o !== null && o.kind === 'Status' ? o : undefined;
  } catch {
    return undefined;
  }
}

function snippet(body: string): string | undefined {
  const t = body.trim().replace(/\s+/g, ' ');
  if (!t) return undefined;
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

export interface NetworkErrorContext {
  server: string;
  request: RequestDescription;
  /** Name of the cluster entry and its file, for "check the server URL in …". */
  clusterName: string;
  file: string;
}

/** Maps a socket/TLS/undici error to kind 'network' or 'timeout' with a hint. */
export function networkError(err: unknown, ctx: NetworkErrorContext): KubeApiError {
  const codes = errorCodes(err);
  const has = (...c: string[]): boolean => c.some((x) => codes.has(x));
  const msg = innermostMessage(err);
  const what = describeForHumans(ctx.request);
  const checkUrl = `check the server URL ${ctx.server} of cluster "${ctx.clusterName}" in ${ctx.file}`;
  const make = (kind: 'network' | 'timeout', message: string, hint: string): KubeApiError =>
    new KubeApiError(`${what} failed: ${message}`, { kind, hint, cause: err });

  if (has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) {
    return make('timeout', `no answer from ${ctx.server} in time`, 'The API server is slow or overloaded: retry later.');
  }
  if ([...codes].some((c) => TLS_UNTRUSTED.has(c))) {
    return make(
      'network',
      `the server certificate of ${ctx.server} is not trusted (${msg})`,
      `The server certificate is not trusted by the kubeconfig's CA: update certificate-authority(-data) of cluster "${ctx.clusterName}" in ${ctx.file} (was the cluster recreated?).`,
    );
  }
  if (has('CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID')) {
    return make('network', `the server certificate of ${ctx.server} is not valid now (${msg})`, 'Renew the API server certificate, or check this machine’s clock.');
  }
  if (has('ERR_TLS_CERT_ALTNAME_INVALID')) {
    return make(
      'network',
      `the server certificate does not match ${ctx.server} (${msg})`,
      `Use the host name the certificate was issued for, or set tls-server-name for cluster "${ctx.clusterName}" in ${ctx.file}.`,
    );
  }
  if (/certificate required|bad certificate|unknown ca|certificate unknown|expired certificate/i.test(msg)) {
    return make(
      'network',
      `the server rejected the TLS handshake (${msg})`,
      'The server rejected the client certificate: it may have expired or be signed by another CA; regenerate the kubeconfig with your cluster’s tooling.',
    );
  }
  if (has('ECONNREFUSED')) return make('network', `connection refused by ${ctx.server}`, `Is the cluster running? ${cap(checkUrl)}.`);
  if (has('ENOTFOUND', 'EAI_AGAIN')) {
    return make('network', `cannot resolve the host of ${ctx.server}`, `${cap(checkUrl)}; if the cluster is private, is the VPN connected?`);
  }
  if (has('ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN')) {
    return make('network', `cannot reach ${ctx.server} (${msg})`, `Is the cluster running and reachable from here (VPN, firewall)? ${cap(checkUrl)}.`);
  }
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED')) {
    return make('network', `the connection to ${ctx.server} was closed (${msg})`, 'The server or a proxy dropped the connection: retry; if it keeps happening, check the server URL and any proxy.');
  }
  if (has('EPROTO') || /ssl|tls/i.test(msg)) {
    return make('network', `TLS handshake with ${ctx.server} failed (${msg})`, `Is ${ctx.server} really an HTTPS API server? ${cap(checkUrl)}.`);
  }
  return make('network', `${msg}`, `Is the cluster running? ${cap(checkUrl)}.`);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// Node and undici nest the useful code: `cause` chains, and AggregateError when several
// addresses of one host were tried.
function errorCodes(err: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 5 || typeof err !== 'object' || err === null) return out;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') out.add(e.code);
  errorCodes(e.cause, out, depth + 1);
  if (Array.isArray(e.errors)) for (const x of e.errors) errorCodes(x, out, depth + 1);
  return out;
}

function innermostMessage(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 5; i++) {
    const next = (e as { cause?: unknown; errors?: unknown[] } | null)?.cause ?? (e as { errors?: unknown[] } | null)?.errors?.[0];
    if (!(next instanceof Error)) break;
    e = next;
  }
  return e instanceof Error ? e.message : String(e);
}
