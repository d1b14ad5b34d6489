// Helm releases without helm: 1,000 release records (Secrets as Helm's driver writes them, ~6 KB of
// manifest and values each) in one namespace. Figures: the decode alone (base64 twice, gunzip,
// JSON) of the 1,000 records; the tree's list (metadata only, labels → releases); and list plus
// every latest record read and decoded, against `helm list -n NS --max 0 -o json` in the same run
// (helm lists the full Secrets and decodes each). Runs alternate their order; medians.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { decodeRelease, type ReleaseStorageObject } from '../src/kube/helm/releaseDecode';
import { listReleases, readRevision } from '../src/kube/helm/releaseReader';
import { attachCluster } from '../test/cluster/cluster.harness';
import { helmBinary } from '../test/cluster/harness/helmBinary';
import { createNamespace, deleteNamespace } from '../test/cluster/harness/workloads';
import { realStack } from '../test/support/realStack';
import { median, note, report, runBench, since } from './report';

const RELEASES = Number(process.env.KUBE_ATLAS_BENCH_HELM_RELEASES ?? 1000);
const RUNS = 3;
const run = promisify(execFile);

/** A release record shaped like Helm's: chart, values, a manifest of a few objects. */
function releaseSecret(ns: string, i: number): object {
  const name = `rel-${String(i).padStart(4, '0')}`;
  const manifest = Array.from({ length: 6 }, (_, k) => `---\n# Source: shop/templates/t${k}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-${k}\ndata:\n${Array.from({ length: 12 }, (_, j) => `  key${j}: "value ${i} ${k} ${j} ${'x'.repeat(40)}"`).join('\n')}\n`).join('');
  const release = {
    name,
    namespace: ns,
    version: 1,
    info: { status: 'deployed', description: 'Install complete', first_deployed: '2026-11-30T10:00:00Z', last_deployed: '2026-11-30T10:00:00Z', notes: 'Thanks for installing.' },
    chart: { metadata: { name: 'shop', version: '0.1.0', appVersion: '1.0', apiVersion: 'v2' }, values: { replicas: 1, image: { repository: 'registry.invalid/shop', tag: '1.0' } } },
    config: { greeting: `hello ${i}`, replicas: (i % 3) + 1 },
    manifest,
  };
  const stored = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: { name: `sh.helm.release.v1.${name}.v1`, labels: { owner: 'helm', name, version: '1', status: 'deployed' } },
    data: { release: Buffer.from(stored).toString('base64') },
  };
}

async function main(): Promise<void> {
  const dir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (!dir) throw new Error('run through bench/run.mjs (it starts or attaches a cluster)');
  const c = attachCluster(dir);
  const helm = helmBinary();
  const ns = `bench-helm-${Date.now().toString(36)}`;
  await createNamespace(c.api, ns);
  const stack = await realStack(c.kubeconfig);
  try {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < RELEASES; i += 20) await Promise.all(Array.from({ length: Math.min(20, RELEASES - i) }, (_, k) => c.api.create(`/api/v1/namespaces/${ns}/secrets`, releaseSecret(ns, i + k))));
    note(`${RELEASES} release Secrets created in ${Math.round(since(t0))} ms`);

    // Decode alone: the records as a GET returns them, decoded one after another (CPU only).
    const list = await stack.transport.request<{ items: ReleaseStorageObject[] }>({ path: `/api/v1/namespaces/${ns}/secrets`, query: { labelSelector: 'owner=helm' } });
    const objects = list.items.map((o) => ({ ...o, kind: 'Secret' as const }));
    const decode: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = process.hrtime.bigint();
      for (const o of objects) await decodeRelease(o);
      decode.push(since(t));
    }
    note(`decoded ${objects.length} records; a record is ${Math.round(JSON.stringify(objects[0]).length / 1024)} KB as served`);

    const listOnly: number[] = [];
    const all: number[] = [];
    const helmList: number[] = [];
    const ours = async () => {
      let t = process.hrtime.bigint();
      const releases = await listReleases(stack.transport, ns);
      listOnly.push(since(t));
      t = process.hrtime.bigint();
      const queue = [...releases];
      const t1 = process.hrtime.bigint();
      await Promise.all(Array.from({ length: 8 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) await readRevision(stack.transport, r.latest);
      }));
      all.push(listOnly.at(-1)! + since(t1));
      if (releases.length !== RELEASES) note(`listed ${releases.length} of ${RELEASES}`);
    };
    const theirs = async () => {
      const t = process.hrtime.bigint();
      const { stdout } = await run(helm, ['list', '-n', ns, '--max', '0', '-o', 'json', '--kubeconfig', c.kubeconfig], { maxBuffer: 64 << 20 });
      helmList.push(since(t));
      const n = (JSON.parse(stdout) as unknown[]).length;
      if (n !== RELEASES) note(`helm listed ${n} of ${RELEASES}`);
    };
    for (let r = 0; r < RUNS; r++) {
      if (r % 2 === 0) {
        await ours();
        await theirs();
      } else {
        await theirs();
        await ours();
      }
    }
    report({ name: `Helm: decode ${RELEASES} release records (base64, gunzip, JSON), CPU only`, value: median(decode), unit: 'ms' });
    report({ name: `Helm: the tree's release list of ${RELEASES} releases (labels of a metadata-only list; no record read)`, value: median(listOnly), unit: 'ms', reference: { name: 'helm list --max 0 (reads and decodes every record)', value: median(helmList) } });
    report({ name: `Helm: list + read + decode every latest record (${RELEASES}), 8 at a time, not a screen figure`, value: median(all), unit: 'ms', reference: { name: 'helm list --max 0 -o json', value: median(helmList) } });
  } finally {
    await stack.close();
    await deleteNamespace(c.api, ns).catch(() => undefined);
    c.closeClients();
  }
}

runBench(main);
