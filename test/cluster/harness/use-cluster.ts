// One cluster per test file: the one the test runner started (KUBE_ATLAS_CLUSTER_DIR), or, when
// a file runs alone, a fresh one in a temp dir that is stopped and removed when the file ends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { attachCluster, type Cluster, startCluster } from '../cluster.harness';

export const CLUSTER_DIR_ENV = 'KUBE_ATLAS_CLUSTER_DIR';

export interface UseClusterOptions {
  /** Fake nodes of a cluster started for this file alone. Default 3. */
  nodes?: number;
  /** A namespace of the file's own: created before `setup`, deleted (without waiting) after `teardown`. */
  namespace?: string;
  /** Runs once the cluster is up, before any test. */
  setup?: (cluster: Cluster) => Promise<void>;
  /** Runs after the last test, before a cluster owned by this file is stopped. */
  teardown?: (cluster: Cluster) => Promise<void>;
}

/**
 * Registers before/after hooks at the top level of a test file; call the getter inside tests.
 * Put per-file setup in `setup`/`teardown` rather than in hooks of your own: on Node 20,
 * top-level before() hooks start concurrently, so a second hook would not wait for the cluster.
 */
export function useCluster(opts: UseClusterOptions = {}): () => Cluster {
  let cluster: Cluster | undefined;
  let ownedDir: string | undefined;
  before(async () => {
    const shared = process.env[CLUSTER_DIR_ENV];
    if (shared) {
      cluster = attachCluster(shared);
    } else {
      ownedDir = mkdtempSync(join(tmpdir(), 'kube-atlas-cluster-'));
      cluster = await startCluster({ dir: ownedDir, nodes: opts.nodes ?? 3, name: 'kube-atlas-test' });
      // If the test process dies (timeout, Ctrl-C) before after() runs, leave no cluster behind.
      const owned = cluster;
      process.once('exit', () => owned.killNow());
    }
    if (opts.namespace) await cluster.kubectl(['create', 'namespace', opts.namespace]);
    await opts.setup?.(cluster);
  });
  after(async () => {
    if (!cluster) return;
    try {
      await opts.teardown?.(cluster);
      if (opts.namespace) await cluster.kubectl(['delete', 'namespace', opts.namespace, '--wait=false']).catch(() => undefined);
    } finally {
      await release(cluster, ownedDir);
    }
  });
  return () => {
    if (!cluster) throw new Error('The cluster is not up: useCluster() hooks did not run');
    return cluster;
  };
}

async function release(cluster: Cluster, ownedDir: string | undefined): Promise<void> {
  if (ownedDir) {
    await cluster.stop();
    rmSync(ownedDir, { recursive: true, force: true });
  } else {
    // Keep-alive sockets would keep this test process alive.
    cluster.closeClients();
  }
}

/** A namespace name unique to this run, so test files never collide on a shared cluster. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
