// Authentication for one (cluster, user): which headers a request carries and, for exec plugins,
// which client certificate the connection presents. Knows how to recover from a 401 where a
// retry can help (an expired exec credential, a rotated token file).

import { promises as fs } from 'node:fs';
import { displayCommand, type ExecCredential, type ExecCredentialCache } from '../config/execCredential';
import type { ClusterEntry, UserEntry } from '../config/types';
import type { AuthKind } from './httpErrors';
import { KubeApiError } from './types';

export type Headers = Record<string, string | string[]>;

export interface AuthState {
  headers: Headers;
  /** PEM from an exec plugin; the connection must present it. */
  clientCert?: { cert: string; key: string };
  /** The exec credential these headers came from, so a 401 invalidates exactly that one. */
  execCredential?: ExecCredential;
}

export interface RequestAuthDeps {
  execCredentials: ExecCredentialCache;
  /** Headers from client-node for legacy auth-provider users (oidc, azure, gcp). */
  authProviderHeaders?: () => Promise<Record<string, string>>;
  stat?: (path: string) => Promise<{ mtimeMs: number; size: number; ino: number }>;
  readFile?: (path: string) => Promise<string>;
}

export class RequestAuth {
  readonly kind: AuthKind;
  private readonly impersonation: Headers;
  private tokenFileState: { mtimeMs: number; size: number; ino: number; token: string } | undefined;

  constructor(
    private readonly user: UserEntry,
    private readonly cluster: ClusterEntry,
    private readonly contextName: string,
    private readonly deps: RequestAuthDeps,
  ) {
    this.kind = authKind(user);
    this.impersonation = impersonationHeaders(user);
  }

  /** The exec command as a user would type it (for hints), when this user has one. */
  get execCommand(): string | undefined {
    return this.user.exec ? displayCommand(this.user.exec) : undefined;
  }

  async current(): Promise<AuthState> {
    const headers: Headers = { ...this.impersonation };
    const u = this.user;
    switch (this.kind) {
      case 'exec': {
        const cred = await this.deps.execCredentials.get(u, this.cluster);
        if (cred.token) headers.authorization = `Bearer ${cred.token}`;
        const state: AuthState = { headers, execCredential: cred };
        if (cred.clientCertificateData && cred.clientKeyData) {
          state.clientCert = { cert: cred.clientCertificateData, key: cred.clientKeyData };
        }
        return state;
      }
      case 'auth-provider': {
        const fromClientNode = await this.authProvider();
        for (const [k, v] of Object.entries(fromClientNode)) headers[k.toLowerCase()] = v;
        return { headers };
      }
      case 'token':
        headers.authorization = `Bearer ${u.token}`;
        return { headers };
      case 'token-file':
        headers.authorization = `Bearer ${await this.readTokenFile()}`;
        return { headers };
      case 'basic':
        headers.authorization = `Basic ${Buffer.from(`${u.username}:${u.password ?? ''}`).toString('base64')}`;
        return { headers };
      case 'client-certificate':
      case 'none':
        return { headers };
    }
  }

  /**
   * Called after a 401. Drops what may be stale and says whether one retry can help: a fresh
   * exec credential may be accepted, a token file may have been rotated under us.
   */
  async rejected(used: AuthState): Promise<boolean> {
    if (this.kind === 'exec') {
      this.deps.execCredentials.invalidate(this.user.name, used.execCredential);
      return true;
    }
    if (this.kind === 'token-file') {
      const before = this.tokenFileState?.token;
      this.tokenFileState = undefined;
      return (await this.readTokenFile().catch(() => before)) !== before;
    }
    return false;
  }

  // Kubelet-projected service account tokens rotate in place; a stat per request (microseconds)
  // catches the change on the very next call instead of after client-go's one-minute cache.
  private async readTokenFile(): Promise<string> {
    const path = this.user.tokenFile!;
    const stat = this.deps.stat ?? ((p: string) => fs.stat(p));
    const read = this.deps.readFile ?? ((p: string) => fs.readFile(p, 'utf8'));
    try {
      const s = await stat(path);
      const cached = this.tokenFileState;
      if (cached && cached.mtimeMs === s.mtimeMs && cached.size === s.size && cached.ino === s.ino) return cached.token;
      const token = (await read(path)).trim();
      if (!token) throw new Error('the file is empty');
      this.tokenFileState = { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino, token };
      return token;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'not found' : `unreadable: ${(e as Error).message}`;
      throw new KubeApiError(`token file ${path} ${why} (from context ${this.contextName} in file ${this.user.file})`, {
        kind: 'credentials',
        hint: `Check tokenFile of user "${this.user.name}" in ${this.user.file}: relative paths are resolved against that file’s folder.`,
        cause: e,
      });
    }
  }

  private async authProvider(): Promise<Record<string, string>> {
    const get = this.deps.authProviderHeaders;
    if (!get) return {};
    try {
      return await get();
    } catch (e) {
      if (e instanceof KubeApiError) throw e;
      const name = this.user.authProvider?.name ?? 'auth-provider';
      throw new KubeApiError(`the ${name} auth-provider of user "${this.user.name}" failed: ${(e as Error).message}`, {
        kind: 'credentials',
        hint: `Log in again with your identity provider's CLI to refresh the tokens in ${this.user.file}; auth-provider is deprecated, so consider an exec plugin such as kubelogin.`,
        cause: e,
      });
    }
  }
}

function authKind(u: UserEntry): AuthKind {
  if (u.exec) return 'exec';
  if (u.authProvider) return 'auth-provider';
  if (u.token) return 'token';
  if (u.tokenFile) return 'token-file';
  if (u.username) return 'basic';
  if (u.clientCertificate || u.clientCertificateData) return 'client-certificate';
  return 'none';
}

function impersonationHeaders(u: UserEntry): Headers {
  const h: Headers = {};
  if (u.impersonate) h['impersonate-user'] = u.impersonate;
  if (u.impersonateGroups?.length) h['impersonate-group'] = [...u.impersonateGroups];
  if (u.impersonateUid) h['impersonate-uid'] = u.impersonateUid;
  for (const [k, values] of Object.entries(u.impersonateExtra ?? {})) {
    // Header names cannot carry every character an extra key may have; the API percent-encodes.
    if (values.length) h[`impersonate-extra-${encodeURIComponent(k)}`] = [...values];
  }
  return h;
}
