// Bench reference, loaded beside Kube Atlas as a development extension by bench/workbench.bench.ts
// (never shipped). It does nothing but say when the host called it: activated by the same view in
// the same extension host, its "host starts it → activate() returned" is what the host itself
// costs (reading the manifest, preparing the extension context: storage round trips to the
// workbench), the floor under any extension's activation there.
const { appendFileSync } = require('node:fs');

exports.activate = () => {
  const file = process.env.KUBE_ATLAS_REFERENCE_FILE;
  if (file) appendFileSync(file, `${JSON.stringify({ activated: Date.now() })}\n`);
};
