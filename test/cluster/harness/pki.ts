// The cluster's certificates, made with the openssl CLI (node:crypto cannot issue X.509 certs).
// One CA signs everything; clients are identified by CN/O of their cert, which is how
// kube-apiserver's x509 authenticator maps users and groups (O=system:masters = cluster-admin).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  /** kube-apiserver serving cert (SAN 127.0.0.1, localhost and the in-cluster names). */
  apiserverCert: string;
  apiserverKey: string;
  /** KWOK's kubelet-like server cert; the apiserver verifies it with the CA. */
  kwokCert: string;
  kwokKey: string;
  /** Client cert the apiserver presents to KWOK for exec/logs/port-forward. */
  kubeletClientCert: string;
  kubeletClientKey: string;
  /** CN=kube-atlas-admin, O=system:masters. */
  adminCert: string;
  adminKey: string;
  /** CN=restricted, no groups: gets only what RBAC grants it. */
  restrictedCert: string;
  restrictedKey: string;
  /** Service-account token signing key pair. */
  saKey: string;
  saPub: string;
  /**
   * The aggregation layer's own CA and the client cert kube-apiserver presents to aggregated API
   * servers (metrics-server) with the user in X-Remote-* headers. A CA of its own, as kubeadm's
   * front-proxy CA: a client cert of the main CA must not be able to assert those headers.
   */
  frontProxyCaCert: string;
  frontProxyClientCert: string;
  frontProxyClientKey: string;
}

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args);
}

async function newKey(path: string): Promise<void> {
  // P-256 keys: generated in milliseconds (RSA-2048 takes far longer) and accepted everywhere here.
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
}

function serial(): string {
  return `0x${randomBytes(16).toString('hex')}`;
}

export async function issue(
  dir: string,
  name: string,
  subject: string,
  extensions: string[],
  ca: { cert: string; key: string } | undefined,
): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await newKey(key);
  await writeFile(ext, `${extensions.join('\n')}\n`);
  await openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
  const signer = ca ? ['-CA', ca.cert, '-CAkey', ca.key] : ['-signkey', key];
  await openssl(['x509', '-req', '-in', csr, ...signer, '-set_serial', serial(), '-days', '3650', '-sha256', '-extfile', ext, '-out', cert]);
  return { cert, key };
}

/** A serving cert signed by the cluster's CA (dir/ca.key), e.g. for an aggregated API server. */
export function issueServing(dir: string, name: string, sans: string): Promise<{ cert: string; key: string }> {
  return issue(dir, name, `/CN=${name}`, ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', `subjectAltName=${sans}`], {
    cert: join(dir, 'ca.crt'),
    key: join(dir, 'ca.key'),
  });
}

export async function generatePki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true });
  const ca = await issue(dir, 'ca', '/CN=kube-atlas-ca', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], undefined);
  const server = (sans: string) => ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', `subjectAltName=${sans}`];
  const client = ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth'];
  const frontProxy = (async () => {
    const frontCa = await issue(dir, 'front-proxy-ca', '/CN=kube-atlas-front-proxy-ca', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], undefined);
    return { frontCa, frontClient: await issue(dir, 'front-proxy-client', '/CN=front-proxy-client', client, frontCa) };
  })();
  const [apiserver, kwok, kubeletClient, admin, restricted] = await Promise.all([
    issue(dir, 'apiserver', '/CN=kube-apiserver', server('IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local'), ca),
    issue(dir, 'kwok', '/CN=kwok-kubelet', server('IP:127.0.0.1,DNS:localhost'), ca),
    issue(dir, 'kubelet-client', '/O=system:masters/CN=kube-apiserver-kubelet-client', client, ca),
    issue(dir, 'admin', '/O=system:masters/CN=kube-atlas-admin', client, ca),
    issue(dir, 'restricted', '/CN=restricted', client, ca),
  ]);
  const { frontCa, frontClient } = await frontProxy;
  const saKey = join(dir, 'sa.key');
  const saPub = join(dir, 'sa.pub');
  await newKey(saKey);
  await openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub]);
  return {
    dir,
    caCert: ca.cert,
    caKey: ca.key,
    apiserverCert: apiserver.cert,
    apiserverKey: apiserver.key,
    kwokCert: kwok.cert,
    kwokKey: kwok.key,
    kubeletClientCert: kubeletClient.cert,
    kubeletClientKey: kubeletClient.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    restrictedCert: restricted.cert,
    restrictedKey: restricted.key,
    saKey,
    saPub,
    frontProxyCaCert: frontCa.cert,
    frontProxyClientCert: frontClient.cert,
    frontProxyClientKey: frontClient.key,
  };
}
