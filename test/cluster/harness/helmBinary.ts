// The helm the tests and benches run (the reference for what we read from Helm's storage, and the
// program our terminal actions start): given by the test runner, which builds it from its Go
// module beside the unit tier (KUBE_ATLAS_HELM), or built (cached) now.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './binaries';

export function helmBinary(): string {
  if (process.env.KUBE_ATLAS_HELM) return process.env.KUBE_ATLAS_HELM;
  const r = spawnSync('bash', [join(repoRoot(), 'test', 'cluster', 'build-helm.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !path) throw new Error(`test/cluster/build-helm.sh failed (exit ${r.status})`);
  return path;
}
