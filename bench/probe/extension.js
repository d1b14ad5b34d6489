// Bench probe, loaded beside Kube Atlas as a development extension by bench/workbench.bench.ts
// (never shipped). It timestamps, in the extension host and on the host's clock (Date.now()), the
// steps between an apiserver write and a rendered tree row:
//   watch    a pod change set delivered by the shared watch (apiserver → extension host)
//   model    BrowseModel.onDidChange (after the tree's coalescing)
//   tree     the tree provider's onDidChangeTreeData, what VS Code receives
//   gc       the workbench calling the tree provider's getChildren, and it resolving
// and appends them as JSON lines to $KUBE_ATLAS_PROBE_FILE.
const { appendFileSync } = require('node:fs');
const vscode = require('vscode');

exports.activate = async (context) => {
  const file = process.env.KUBE_ATLAS_PROBE_FILE;
  if (!file) return;
  const out = (rec) => appendFileSync(file, `${JSON.stringify(rec)}\n`);
  const ext = vscode.extensions.getExtension('kube-atlas.kube-atlas');
  const api = ext.isActive ? ext.exports : await ext.activate();
  out({ k: 'ready', t: Date.now() });
  api.model.onDidChange((nodes) => out({ k: 'model', t: Date.now(), ids: nodes ? nodes.map((n) => n.id) : null }));
  const tree = api.tree;
  tree.onDidChangeTreeData((nodes) => out({ k: 'tree', t: Date.now(), ids: nodes ? [].concat(nodes).map((n) => n.id) : null }));
  const getChildren = tree.getChildren.bind(tree);
  tree.getChildren = async (node) => {
    const t0 = Date.now();
    const kids = await getChildren(node);
    out({ k: 'gc', id: node ? node.id : '', t0, t1: Date.now(), n: kids.length });
    return kids;
  };
  // Pod watches appear when the tree opens them: look for new ones now and then.
  const seen = new Set();
  const timer = setInterval(() => {
    for (const name of api.clusters.contextNames()) {
      const state = api.clusters.session(name)?.state;
      const pods = state?.phase === 'ready' ? state.registry.get('pods') : undefined;
      const deployments = state?.phase === 'ready' ? state.registry.get('deployments.apps') : undefined;
      for (const type of [pods, deployments]) {
        if (!type) continue;
        const w = api.clusters.hub.peek(name, type);
        if (!w || seen.has(w)) continue;
        seen.add(w);
        w.onChange((cs) => {
          const names = [...cs.added, ...cs.deleted, ...cs.updated.map((u) => u.new)].map((o) => o.metadata.name);
          out({ k: 'watch', t: Date.now(), kind: type.kind, names: names.length > 500 ? [] : names, n: names.length });
        });
      }
    }
  }, 100);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
};

exports.deactivate = () => {};
