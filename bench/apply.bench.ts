// Apply benchmark (needs no seeded cluster: it makes its own objects): one file of 500 documents
// (ConfigMaps, Deployments and Services spread over 4 namespaces the documents name), server-side
// applied by us (with and without the dry-run preview and its diff) and by
// `kubectl apply --server-side -f` on an identical file (same objects, its own namespaces), in the
// same run. Our figures include what kubectl's include: reading the kubeconfig, connecting, discovery.
//   1. create: 500 new objects
//   2. re-apply: the same file again (every object unchanged)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { previewTexts } from '../src/kube/actions/applyPreview';
import { applyManifests } from '../src/kube/actions/applyRun';
import { summarize } from '../src/kube/actions/applySummary';
import { applyTargetOf } from '../src/kube/actions/applyTarget';
import { parseManifests } from '../src/kube/actions/manifest';
import { attachCluster, type Cluster } from '../test/cluster/cluster.harness';
import { realStack } from '../test/support/realStack';
import { median, note, report } from './report';

const DOCS = 500;
const NAMESPACES = 4;
const RUNS = Number(process.env.KUBE_ATLAS_BENCH_APPLY_RUNS ?? 3);

/** 500 documents: ConfigMaps, Deployments (0 replicas: the bench measures apply, not the scheduler) and Services, round-robin over the namespaces. */
function manifests(namespaces: readonly string[]): string {
  const docs: string[] = [];
  for (let i = 0; i < DOCS; i++) {
    const n = String(i).padStart(3, '0');
    const ns = namespaces[i % namespaces.length];
    switch (i % 3) {
      case 0:
        docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${n}\n  namespace: ${ns}\n  labels: {app: bench, part: "${i % 7}"}\ndata:\n  app.properties: |\n    key=${i}\n    other=${i * 2}\n  mode: "0644"\n`);
        break;
      case 1:
        docs.push(
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${n}\n  namespace: ${ns}\n  labels: {app: bench}\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {app: web-${n}}\n  template:\n    metadata:\n      labels: {app: web-${n}}\n    spec:\n      containers:\n        - name: web\n          image: registry.invalid/web:${i}\n          ports: [{containerPort: 8080}]\n          env: [{name: MODE, value: bench}]\n`,
        );
        break;
      default:
        docs.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${n}\n  namespace: ${ns}\n  labels: {app: bench}\nspec:\n  selector: {app: web-${n}}\n  ports:\n    - {name: http, port: 80, targetPort: 8080}\n`);
    }
  }
  return docs.join('---\n');
}

function kubectlApply(c: Cluster, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const p = spawn(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, 'apply', '--server-side', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`kubectl apply failed: ${err}`))));
  });
}

async function ours(c: Cluster, text: string, preview: boolean): Promise<{ ms: number; title: string; diffBytes: number }> {
  const t = process.hrtime.bigint();
  const stack = await realStack(c.kubeconfig);
  try {
    const target = await applyTargetOf(stack.clusters.session(stack.context)!, 'default');
    const docs = parseManifests({ id: 'bench.yaml', label: 'bench.yaml', text });
    let diffBytes = 0;
    if (preview) {
      const dry = await applyManifests(target, docs, { dryRun: true });
      const { left, right } = previewTexts(dry);
      diffBytes = left.length + right.length;
    }
    const r = await applyManifests(target, docs);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const s = summarize(r);
    if (!s.complete) throw new Error(`our apply failed: ${s.lines.filter((l) => l.includes('NOT')).slice(0, 3).join('; ')}`);
    return { ms, title: s.title, diffBytes };
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  const dir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (!dir) throw new Error('KUBE_ATLAS_CLUSTER_DIR is not set (npm run bench sets it)');
  const c = attachCluster(dir);
  const tmp = mkdtempSync(join(tmpdir(), 'kube-atlas-apply-bench-'));
  const namespaces: string[] = [];
  /** A file of the 500 documents in fresh namespaces of their own (`tag`: who applies it). */
  const fresh = async (tag: string, run: number): Promise<{ file: string; text: string }> => {
    const nss = Array.from({ length: NAMESPACES }, (_, i) => `bench-apply-${tag}-${run}-${i}-${Date.now().toString(36)}`);
    for (const ns of nss) await c.kubectl(['create', 'namespace', ns]);
    namespaces.push(...nss);
    const text = manifests(nss);
    const file = join(tmp, `${tag}-${run}.yaml`);
    writeFileSync(file, text);
    return { file, text };
  };
  const times = { kubectl: [] as number[], plain: [] as number[], preview: [] as number[], kubectlAgain: [] as number[], plainAgain: [] as number[], previewAgain: [] as number[] };
  let diffBytes = 0;
  let title = '';
  try {
    for (let run = 0; run < RUNS; run++) {
      const [k, o, p] = [await fresh('k', run), await fresh('o', run), await fresh('p', run)];
      times.kubectl.push(await kubectlApply(c, k.file));
      const plain = await ours(c, o.text, false);
      times.plain.push(plain.ms);
      title = plain.title;
      const withPreview = await ours(c, p.text, true);
      times.preview.push(withPreview.ms);
      diffBytes = withPreview.diffBytes;
      times.kubectlAgain.push(await kubectlApply(c, k.file));
      times.plainAgain.push((await ours(c, o.text, false)).ms);
      times.previewAgain.push((await ours(c, p.text, true)).ms);
    }
  } finally {
    await Promise.all(namespaces.map((ns) => c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined)));
    c.closeClients();
    rmSync(tmp, { recursive: true, force: true });
  }
  const kubectlRef = { name: `kubectl apply --server-side -f (${DOCS} docs)`, value: median(times.kubectl) };
  report({ name: `apply ${DOCS} new documents, server-side`, value: median(times.plain), unit: 'ms', reference: kubectlRef });
  report({ name: `apply ${DOCS} new documents with dry-run preview + diff`, value: median(times.preview), unit: 'ms', reference: kubectlRef });
  const againRef = { name: `kubectl apply --server-side -f, all unchanged`, value: median(times.kubectlAgain) };
  report({ name: `re-apply ${DOCS} unchanged documents`, value: median(times.plainAgain), unit: 'ms', reference: againRef });
  report({ name: `re-apply ${DOCS} unchanged documents with preview + diff`, value: median(times.previewAgain), unit: 'ms', reference: againRef });
  const fmt = (xs: number[]) => xs.map(Math.round).join('/');
  note(`median of ${RUNS} runs, each into ${NAMESPACES} fresh namespaces (ConfigMaps, Deployments, Services round-robin); kubectl ${fmt(times.kubectl)} then ${fmt(times.kubectlAgain)}; ours ${fmt(times.plain)} then ${fmt(times.plainAgain)}; with preview ${fmt(times.preview)} then ${fmt(times.previewAgain)} ms`);
  note(`ours: one PATCH per document, in order, with the GETs (created/configured/unchanged, the preview's left side) read ahead 8 at a time; the preview adds a dry-run pass and renders a ${Math.round(diffBytes / 1024)} KiB diff`);
  note(`last result: ${title}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
