// One cluster per test file: the one the test runner started (KUBE_ATLAS_CLUSTER_DIR), or, when
// a file runs alone, a fresh one in a temp dir that is stopped and removed when the file ends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { attachCluster, type Cluster, startCluster } from '../cluster.harness';

export const CLUSTER_DIR_ENV = 'KUBE_ATLAS_CLUSTER_DIR';

/** Registers before/after hooks at the top level of a test file; call the getter inside tests. */
export function useCluster(opts: { nodes?: number } = {}): () => Cluster {
  let cluster: Cluster | undefined;
  let ownedDir: string | undefined;
  before(async () => {
    const shared = process.env[CLUSTER_DIR_ENV];
    if (shared) {
      cluster = attachCluster(shared);
      return;
    }
    ownedDir = mkdtempSync(join(tmpdir(), 'kube-atlas-cluster-'));
    cluster = await startCluster({ dir: ownedDir, nodes: opts.nodes ?? 3, name: 'kube-atlas-test' });
  });
  after(async () => {
    if (!cluster) return;
    if (ownedDir) {
      await cluster.stop();
      rmSync(ownedDir, { recursive: true, force: true });
    } else {
      // Keep-alive sockets would keep this test process alive.
      cluster.closeClients();
    }
  });
  return () => {
    if (!cluster) throw new Error('The cluster is not up: useCluster() hooks did not run');
    return cluster;
  };
}

/** A namespace name unique to this run, so test files never collide on a shared cluster. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
