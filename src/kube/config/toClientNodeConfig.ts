// A client-node KubeConfig holding exactly one context, for the features that reuse client-node
// (Exec, PortForward, Log, Attach) rather than our transport. Built from the merged view, so it
// sees kubectl's merge rules and absolute paths instead of client-node's own loader.

import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';
import { resolveContext } from './contextLookup';
import type { ExecCredentialCache } from './execCredential';
import type { ClusterEntry, MergedKubeconfig, UserEntry } from './types';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

// Marker auth-provider names that route a user to our authenticators below; client-node's own
// authenticators only claim 'oidc', 'azure', 'gcp', 'exec' and configs with tokenFile/exec keys.
const OUR_EXEC_PROVIDER = 'kube-atlas-exec';
const TOKEN_FILE_PROVIDER = 'kube-atlas-token-file';

export interface ClientNodeConfigOptions {
  /**
   * Run exec plugins through this cache (timeout, shared runs, one credential for our transport
   * and client-node). Without it client-node runs the plugin itself.
   */
  execCredentials?: ExecCredentialCache;
}

export function toClientNodeConfig(merged: MergedKubeconfig, contextName: string, options: ClientNodeConfigOptions = {}): KubeConfig {
  const { context, cluster, user } = resolveContext(merged, contextName);
  const kc = new KubeConfig();
  const ctx: Context = { name: context.name, cluster: cluster.name, user: user.name, namespace: context.namespace };
  kc.loadFromOptions({
    clusters: [toCluster(cluster)],
    users: [toUser(user, options.execCredentials !== undefined)],
    contexts: [ctx],
    currentContext: context.name,
  });
  const cache = options.execCredentials;
  if (cache && user.exec) kc.addAuthenticator(execAuthenticator(cache, user, cluster));
  return kc;
}

function toCluster(c: ClusterEntry): Cluster {
  return {
    name: c.name,
    server: c.server,
    caData: c.certificateAuthorityData,
    caFile: c.certificateAuthority,
    skipTLSVerify: c.insecureSkipTlsVerify === true,
    tlsServerName: c.tlsServerName,
    proxyUrl: c.proxyUrl,
  };
}

function toUser(u: UserEntry, ourExec: boolean): User {
  // A copy: client-node writes into auth-provider configs (refreshed tokens, defaults).
  let authProvider: unknown = u.authProvider ? { name: u.authProvider.name, config: { ...u.authProvider.config } } : undefined;
  let exec: unknown;
  if (u.exec && ourExec) {
    authProvider = { name: OUR_EXEC_PROVIDER, config: {} };
  } else if (u.exec) {
    exec = {
      command: u.exec.command,
      args: u.exec.args,
      env: u.exec.env,
      apiVersion: u.exec.apiVersion,
      installHint: u.exec.installHint,
      provideClusterInfo: u.exec.provideClusterInfo,
      interactiveMode: u.exec.interactiveMode,
    };
  } else if (u.tokenFile && !u.token && !u.authProvider) {
    // client-node reads token-file once at load; its FileAuth re-reads (every 60 s, like
    // client-go) when the path sits in an auth-provider config, which keeps rotated tokens fresh.
    authProvider = { name: TOKEN_FILE_PROVIDER, config: { tokenFile: u.tokenFile } };
  }
  return {
    name: u.name,
    certData: u.clientCertificateData,
    certFile: u.clientCertificate,
    keyData: u.clientKeyData,
    keyFile: u.clientKey,
    token: u.token,
    username: u.username,
    password: u.password,
    impersonateUser: u.impersonate,
    authProvider,
    exec,
  };
}

function execAuthenticator(cache: ExecCredentialCache, user: UserEntry, cluster: ClusterEntry): Authenticator {
  return {
    isAuthProvider: (u) => (u.authProvider as { name?: string } | undefined)?.name === OUR_EXEC_PROVIDER,
    applyAuthentication: async (_u, opts) => {
      const cred = await cache.get(user, cluster);
      if (cred.clientCertificateData && cred.clientKeyData) {
        opts.cert = cred.clientCertificateData;
        opts.key = cred.clientKeyData;
      }
      if (cred.token) opts.headers = { ...(opts.headers ?? {}), Authorization: `Bearer ${cred.token}` };
    },
  };
}
