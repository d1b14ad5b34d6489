// Kubeconfig files with the certificates embedded, so a file can be copied or merged on its own.
import { readFile, writeFile } from 'node:fs/promises';

export interface KubeconfigSpec {
  server: string;
  /** Name used for the cluster and the context. */
  context: string;
  user: string;
  caCertPath: string;
  certPath: string;
  keyPath: string;
}

async function b64(path: string): Promise<string> {
  return (await readFile(path)).toString('base64');
}

export async function renderKubeconfig(spec: KubeconfigSpec): Promise<string> {
  const [ca, cert, key] = await Promise.all([b64(spec.caCertPath), b64(spec.certPath), b64(spec.keyPath)]);
  // JSON.stringify quotes every scalar: safe YAML for names and URLs whatever they contain.
  const q = JSON.stringify;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(spec.context)}`,
    '  cluster:',
    `    server: ${q(spec.server)}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${q(spec.user)}`,
    '  user:',
    `    client-certificate-data: ${cert}`,
    `    client-key-data: ${key}`,
    'contexts:',
    `- name: ${q(spec.context)}`,
    '  context:',
    `    cluster: ${q(spec.context)}`,
    `    user: ${q(spec.user)}`,
    `current-context: ${q(spec.context)}`,
    '',
  ].join('\n');
}

export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<void> {
  await writeFile(path, await renderKubeconfig(spec), { mode: 0o600 });
}
