#!/usr/bin/env node
// Command line for the local test cluster (npm run cluster:up|down|seed, or `status`).
//   node test/cluster/cli.mjs up [--nodes 3] [--dir .cluster] [--name kube-atlas-local]
//   node test/cluster/cli.mjs seed [--] --namespaces 200 --pods 20000 --nodes 500 [--dir .cluster]
//   node test/cluster/cli.mjs status [--dir .cluster]
//   node test/cluster/cli.mjs down [--dir .cluster]
// The harness is TypeScript bundled by esbuild.mjs; only its entry is rebuilt here so a broken
// file elsewhere in the repo cannot keep the cluster from starting.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { buildConfigs } from '../../esbuild.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HARNESS = 'test/cluster/cluster.harness';

async function loadHarness() {
  const testConfig = buildConfigs().find((c) => c.entryPoints && HARNESS in c.entryPoints);
  if (!testConfig) throw new Error(`${HARNESS}.ts is not among esbuild.mjs's entries`);
  await esbuild({ ...testConfig, entryPoints: { [HARNESS]: testConfig.entryPoints[HARNESS] } });
  return createRequire(import.meta.url)(join(root, 'out', `${HARNESS}.js`));
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') continue;
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`Unexpected argument ${arg}`);
    opts[m[1]] = m[2] ?? rest[++i];
  }
  return { command, opts };
}

function int(opts, key, fallback) {
  if (opts[key] === undefined) return fallback;
  const n = Number(opts[key]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${key} wants a whole number, got ${opts[key]}`);
  return n;
}

const log = (...args) => console.error('[cluster]', ...args);

async function main() {
  const { command, opts } = parseArgs(process.argv.slice(2));
  const dir = resolve(root, opts.dir ?? '.cluster');
  const h = await loadHarness();
  switch (command) {
    case 'up': {
      const t0 = Date.now();
      const cluster = await h.startCluster({ dir, nodes: int(opts, 'nodes', 3), name: opts.name });
      cluster.closeClients();
      log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${cluster.server} (context ${cluster.state.context})`);
      log(`restricted user: ${cluster.restrictedKubeconfig}; kubectl: ${join(cluster.binDir, 'kubectl')}`);
      log(`export KUBECONFIG=${cluster.kubeconfig}`);
      console.log(cluster.kubeconfig);
      return;
    }
    case 'down': {
      const cluster = h.attachCluster(dir);
      await cluster.stop();
      log(`stopped every process of ${dir}`);
      return;
    }
    case 'seed': {
      const cluster = h.attachCluster(dir);
      const wanted = { namespaces: int(opts, 'namespaces', 200), pods: int(opts, 'pods', 20000), nodes: int(opts, 'nodes', 500) };
      log(`seeding ${JSON.stringify(wanted)}`);
      const result = await cluster.seed({ ...wanted, replicasPerDeployment: int(opts, 'replicas', 10), prefix: opts.prefix });
      cluster.closeClients();
      const { namespaces, ...figures } = result;
      console.log(JSON.stringify({ ...figures, namespaces: namespaces.length, memory: cluster.memory() }, null, 2));
      return;
    }
    case 'status': {
      const cluster = h.attachCluster(dir);
      const running = cluster.running();
      let readyz = 'unreachable';
      if (running['kube-apiserver']) {
        readyz = await cluster.api.request('GET', '/readyz').then((r) => String(r.status), (e) => e.message);
      }
      cluster.closeClients();
      console.log(JSON.stringify({ dir, server: cluster.server, context: cluster.state.context, kubeconfig: cluster.kubeconfig, readyz, ports: cluster.ports, running, memory: cluster.memory() }, null, 2));
      return;
    }
    default:
      throw new Error(`Unknown command ${command ?? '(none)'}: use up, down, seed or status`);
  }
}

main().catch((err) => {
  console.error(`[cluster] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
