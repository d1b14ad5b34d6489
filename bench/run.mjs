// `npm run bench [-- --json] [suite…] [--figures a,b] [--vsix PATH] [--pods N --namespaces N --nodes N] [--cluster-dir DIR] [--keep]`
// Starts (or attaches to) a real cluster, seeds it (default 20,000 pods in 200 namespaces on 500
// nodes), and runs the benchmarks in bench/*.bench.ts, which print figures with ratios against a
// reference (kubectl doing the same work) measured in the same run. Suites: `cache` (Node: watch
// cache and tree model), `workbench` (the packaged extension in code-server + Chromium),
// `apply` (no seed: it makes its own objects), `topology` (no seed: the graph model over synthetic
// stores), `topology-render` (the graph in code-server's webview: first render and kubectl scale →
// drawn, on a namespace of 2,000 pods it seeds itself), `diagnosis` (no seed: root causes of 20,000 pods × 50,000 events over synthetic stores,
// heap per cached pod and event), `logs` (lines/s of a followed log through our stream vs
// `kubectl logs -f`), `exec` (no seed: keystroke → echo and session open of a TTY exec through
// our channel client vs `kubectl exec -it` under node-pty), `helm` (no seed: 1,000 release records read and decoded vs `helm list`),
// `overview` (a second cluster beside the seeded one: the cross-cluster table's first full table
// in Node vs kubectl's lists).
// --figures picks figures inside the suites (e.g. start,tree,first,change); --vsix measures another
// build of the extension (e.g. the main branch's) in the workbench suite.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from '../scripts/bootstrap.mjs';

ensureDependencies();
const { build } = await import('../esbuild.mjs');
const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const json = argv.includes('--json');
const optsWithValue = new Set(['--pods', '--namespaces', '--nodes', '--cluster-dir', '--figures', '--vsix']);
const suites = argv.filter((a, i) => !a.startsWith('--') && !optsWithValue.has(argv[i - 1]));
const say = (m) => (json ? console.error(m) : console.log(m));

await build();
const b = spawnSync('bash', [join(root, 'test/cluster/build-binaries.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
if (b.status !== 0) process.exit(1);
const { startCluster, attachCluster } = require(join(root, 'out/test/cluster/cluster.harness.js'));

let dir = opt('cluster-dir', process.env.KUBE_ATLAS_CLUSTER_DIR);
let owned = false;
let cluster;
if (dir && existsSync(join(dir, 'state.json'))) {
  cluster = attachCluster(dir);
  say(`[bench] using the cluster in ${dir}`);
} else {
  dir = mkdtempSync(join(tmpdir(), 'kube-atlas-bench-'));
  owned = !argv.includes('--keep');
  const t = Date.now();
  cluster = await startCluster({ dir, nodes: 3 });
  say(`[bench] cluster started in ${((Date.now() - t) / 1000).toFixed(1)} s (${dir})`);
}

// Suites that make their own objects and need no seeded cluster (`npm run bench apply` runs on a small one).
const UNSEEDED = new Set(['apply', 'topology', 'topology-render', 'helm', 'diagnosis', 'exec']);
const needsSeed = !suites.length || suites.some((s) => !UNSEEDED.has(s));

try {
  const pods = Number(opt('pods', 20000));
  const namespaces = Number(opt('namespaces', 200));
  const nodes = Number(opt('nodes', 500));
  // Seeded namespaces are labelled; the seed is idempotent, but re-running it costs time.
  const seededNs = (await cluster.api.ok('GET', '/api/v1/namespaces?labelSelector=kube-atlas.dev%2Fseed')).items.length;
  const nodesNow = (await cluster.api.ok('GET', '/api/v1/nodes')).items.length;
  // A seed that stopped half way (a timeout under load) left its namespaces: count the pods too.
  const seededDeployments = (await cluster.api.ok('GET', '/apis/apps/v1/deployments?labelSelector=kube-atlas.dev%2Fseed')).items;
  const seededPods = seededDeployments.reduce((n, d) => n + (d.spec?.replicas ?? 0), 0);
  if (!needsSeed) say('[bench] no seed needed for these suites');
  else if (seededNs < namespaces || nodesNow < nodes || seededPods < pods) {
    say(`[bench] seeding ${pods} pods in ${namespaces} namespaces on ${nodes} nodes…`);
    const r = await cluster.seed({ namespaces, pods, nodes });
    say(`[bench] seeded: created in ${r.createSeconds} s, all ready after ${r.readySeconds} s`);
    const mem = cluster.memory().map((m) => `${m.component} ${m.rssMiB} MiB`).join(', ');
    say(`[bench] cluster memory: ${mem}`);
  } else say(`[bench] cluster already seeded (${seededNs} namespaces, ${nodesNow} nodes)`);
  cluster.closeClients();
  const benches = readdirSync(join(root, 'out/bench')).filter((f) => f.endsWith('.bench.js'));
  for (const f of benches) {
    const name = f.replace(/\.bench\.js$/, '');
    if (suites.length && !suites.includes(name)) continue;
    say(`\n[bench] ${name}`);
    const code = await new Promise((resolve) => {
      const p = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', join(root, 'out/bench', f), ...(json ? ['--json'] : [])], {
        stdio: 'inherit',
        env: {
          ...process.env,
          KUBE_ATLAS_CLUSTER_DIR: dir,
          KUBE_ATLAS_BENCH_SUITE: suites[0] ?? '',
          ...(opt('figures') ? { KUBE_ATLAS_BENCH_FIGURES: opt('figures') } : {}),
          ...(opt('vsix') ? { KUBE_ATLAS_VSIX: opt('vsix') } : {}),
        },
      });
      p.on('close', resolve);
    });
    if (code !== 0) process.exitCode = 1;
  }
} finally {
  if (owned) {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  } else if (argv.includes('--keep')) say(`[bench] cluster left running in ${dir}: node test/cluster/cli.mjs down --dir ${dir}`);
}
