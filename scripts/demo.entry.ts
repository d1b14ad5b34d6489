// `npm run demo`: Kube Atlas in a real VS Code (code-server) against a real cluster. Uses the
// user's kubeconfig when it has a context (and --local is not given); otherwise starts the local
// cluster (.cluster/) with sample workloads. Stops code-server on Ctrl+C; the cluster keeps running.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { startCodeServer } from '../test/e2e/harness/codeServer';
import { repoRoot } from '../test/e2e/harness/paths';

const run = promisify(execFile);

function userKubeconfigHasContext(): string | undefined {
  const files = (process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config')).split(delimiter).filter(Boolean);
  for (const f of files) {
    if (existsSync(f) && /^contexts:\s*\n\s*-/m.test(readFileSync(f, 'utf8'))) return process.env.KUBECONFIG ?? f;
  }
  return undefined;
}

const SAMPLE = `
apiVersion: v1
kind: Namespace
metadata: { name: demo }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: demo }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: registry.example/web:1.0, ports: [{ containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: demo }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: demo }
spec:
  serviceName: db
  replicas: 2
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      initContainers: [{ name: init-schema, image: registry.example/db-init:1.0 }]
      containers: [{ name: db, image: registry.example/db:15 }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly-report, namespace: demo }
spec:
  schedule: "0 3 * * *"
  jobTemplate: { spec: { template: { spec: { restartPolicy: Never, containers: [{ name: report, image: registry.example/report:1 }] } } } }
---
apiVersion: v1
kind: Pod
metadata: { name: unschedulable, namespace: demo }
spec:
  nodeSelector: { disk: does-not-exist }
  containers: [{ name: app, image: registry.example/app:1 }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: demo }
data: { LOG_LEVEL: info }
`;

export async function demo(argv: string[]): Promise<void> {
  const forceLocal = argv.includes('--local');
  let kubeconfig = forceLocal ? undefined : userKubeconfigHasContext();
  if (kubeconfig) {
    console.log(`[demo] using your kubeconfig (${kubeconfig}); pass --local for the local test cluster instead`);
  } else {
    const cli = join(repoRoot, 'test/cluster/cli.mjs');
    const status = await run(process.execPath, [cli, 'status']).then((r) => r.stdout + r.stderr, (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`);
    if (!/kube-apiserver[^\n]*(running|up)/i.test(status)) {
      console.log('[demo] starting the local cluster (.cluster/)…');
      await run(process.execPath, [cli, 'up'], { maxBuffer: 16 << 20 });
    }
    kubeconfig = join(repoRoot, '.cluster', 'kubeconfig');
    const kubectl = join(repoRoot, '.cluster', 'bin', 'kubectl');
    const { spawnSync } = await import('node:child_process');
    const applied = spawnSync(kubectl, [`--kubeconfig=${kubeconfig}`, 'apply', '-f', '-'], { input: SAMPLE, encoding: 'utf8' });
    if (applied.status !== 0) throw new Error(`applying the sample workloads failed: ${applied.stderr}`);
    console.log('[demo] sample workloads applied in namespace "demo"');
  }
  const vsix = join(repoRoot, `kube-atlas-${JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version}.vsix`);
  const cs = await startCodeServer({ vsix, folder: repoRoot, env: { KUBECONFIG: kubeconfig }, settings: { 'workbench.startupEditor': 'none' } });
  console.log(`\n  Kube Atlas is running in VS Code: ${cs.workbenchUrl()}\n  (open it in a browser on this machine; Ctrl+C stops VS Code, \`npm run cluster:down\` stops the cluster)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await cs.stop();
}
