// Builds the transport for one context of a merged kubeconfig.

import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { resolveContext } from '../config/contextLookup';
import { ExecCredentialCache } from '../config/execCredential';
import type { MergedKubeconfig } from '../config/types';
import { redactUrl } from '../util/redact';
import type * as HttpTransportModule from './httpTransport';
import { RequestAuth } from './requestAuth';
import { KubeApiError, type KubeTransport } from './types';

export interface TransportOptions {
  /** Deadline for an exec credential plugin. Default 10 s. */
  execTimeoutMs?: number;
  /** Deadline for request() calls that set none. Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Share one cache between the transports of a kubeconfig (and toClientNodeConfig) so a plugin
   * runs once per user, not once per context. A private cache is made when absent.
   */
  execCredentials?: ExecCredentialCache;
  userAgent?: string;
}

/**
 * A transport for `contextName`. Throws KubeApiError kind 'credentials' when the context, its
 * cluster or its user is not defined, or the server URL is unusable. Files (certificates, token
 * files) and exec plugins are read on first use, so their errors come from the first request.
 */
export function createTransport(merged: MergedKubeconfig, contextName: string, options: TransportOptions = {}): KubeTransport {
  const { cluster, user } = resolveContext(merged, contextName);
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new KubeApiError(`cluster "${cluster.name}" has an unusable server URL "${redactUrl(cluster.server)}"`, {
      kind: 'credentials',
      hint: `Set server to an https:// URL for cluster "${cluster.name}" in ${cluster.file}.`,
    });
  }
  const execCredentials = options.execCredentials ?? new ExecCredentialCache({ timeoutMs: options.execTimeoutMs });
  const auth = new RequestAuth(user, cluster, contextName, {
    execCredentials,
    authProviderHeaders: user.authProvider && !user.exec ? authProviderHeaders(merged, contextName) : undefined,
  });
  // Required here, not imported at the top: the bundler then evaluates the HTTP stack (and loads
  // dist/undici.js) when the first transport is made, which is after activation.
  const { HttpTransport } = require('./httpTransport') as typeof HttpTransportModule;
  return new HttpTransport({ cluster, user, contextName }, auth, {
    requestTimeoutMs: options.requestTimeoutMs,
    userAgent: options.userAgent,
  });
}

// Legacy auth-provider users (oidc, azure, gcp) are rare and deprecated: client-node already
// implements their token refresh, so it computes the header. Loaded lazily to keep client-node
// out of start-up for everyone else: the extension bundle reads it from dist/clientNode.js on
// the first request of such a user (esbuild.mjs).
function authProviderHeaders(merged: MergedKubeconfig, contextName: string): () => Promise<Record<string, string>> {
  let config: Promise<KubeConfig> | undefined;
  return async () => {
    if (!config) {
      const p = import('../config/toClientNodeConfig').then((m) => m.toClientNodeConfig(merged, contextName));
      config = p;
      p.catch(() => {
        if (config === p) config = undefined;
      });
    }
    const opts: RequestOptions = { headers: {} };
    await (await config).applyToHTTPSOptions(opts);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') out[k] = v;
    return out;
  };
}
