// The TLS side of a connection, read from the kubeconfig's data fields or files. Files are read
// when the transport first connects, so a missing certificate is reported with the context and
// file it came from rather than as an opaque ENOENT.

import { promises as fs } from 'node:fs';
import { missingFileProblem, type ReferencedFile } from '../config/kubeconfigValidate';
import type { ClusterEntry, UserEntry } from '../config/types';
import { KubeApiError } from './types';

export interface TlsMaterial {
  /** Replaces the system roots when set, as kubectl does. */
  ca?: Buffer;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized: boolean;
  servername?: string;
}

export type ReadFile = (path: string) => Promise<Buffer>;

export async function loadTlsMaterial(
  cluster: ClusterEntry,
  user: UserEntry,
  contextName: string,
  readFile: ReadFile = (p) => fs.readFile(p),
): Promise<TlsMaterial> {
  const read = async (label: string, path: string, entry: ClusterEntry | UserEntry): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (e) {
      const ref: ReferencedFile = { label, path, entry };
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        const p = missingFileProblem(ref, contextName);
        throw new KubeApiError(p.message, { kind: 'credentials', hint: p.hint, cause: e });
      }
      throw new KubeApiError(`cannot read ${label} ${path} (from context ${contextName} in file ${entry.file}): ${(e as Error).message}`, {
        kind: 'credentials',
        hint: 'Check the file’s permissions.',
        cause: e,
      });
    }
  };

  const out: TlsMaterial = { rejectUnauthorized: cluster.insecureSkipTlsVerify !== true };
  if (cluster.tlsServerName) out.servername = cluster.tlsServerName;
  // With insecure-skip-tls-verify a CA is meaningless (kubectl even rejects the combination).
  if (out.rejectUnauthorized) {
    // Data wins over a file when both are set, as in client-go.
    if (cluster.certificateAuthorityData) out.ca = Buffer.from(cluster.certificateAuthorityData, 'base64');
    else if (cluster.certificateAuthority) out.ca = await read('CA certificate file', cluster.certificateAuthority, cluster);
  }
  if (user.clientCertificateData) out.cert = Buffer.from(user.clientCertificateData, 'base64');
  else if (user.clientCertificate) out.cert = await read('client certificate file', user.clientCertificate, user);
  if (user.clientKeyData) out.key = Buffer.from(user.clientKeyData, 'base64');
  else if (user.clientKey) out.key = await read('client key file', user.clientKey, user);
  return out;
}
