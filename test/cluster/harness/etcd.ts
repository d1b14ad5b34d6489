// etcd's JSON gRPC gateway (/v3/...) on the loopback client port: health, current revision and
// compaction without an etcdctl binary. int64 fields travel as strings in this JSON mapping.

async function post<T>(port: number, path: string, body: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`etcd ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function etcdHealthy(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  const body = (await res.json()) as { health?: string };
  return res.ok && body.health === 'true';
}

export async function etcdRevision(port: number): Promise<number> {
  const status = await post<{ header: { revision: string } }>(port, '/v3/maintenance/status', {});
  return Number(status.header.revision);
}

/**
 * Compacts etcd's history up to its current revision; returns that revision. Two writes to a
 * key outside the apiserver's /registry come first: a watch from resourceVersion r starts at
 * r+1, so only when the compaction point is at least r+2 is every resourceVersion a client saw
 * before this call too old to watch from.
 */
export async function compactToCurrent(port: number): Promise<number> {
  const key = Buffer.from('/kube-atlas/compaction-marker').toString('base64');
  for (const value of ['a', 'b']) await post(port, '/v3/kv/put', { key, value: Buffer.from(value).toString('base64') });
  const revision = await etcdRevision(port);
  await post(port, '/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}
