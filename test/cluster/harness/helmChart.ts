// A small chart of the tests' own, written to a local directory (no repository, no network): a
// ConfigMap that carries the release's values and NOTES that name them, so a test sees an
// install, an upgrade or a rollback in the cluster, in `helm get …` and in Helm's storage.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeChart(dir: string): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 0.1.0\nappVersion: "1.0"\ndescription: a chart of the Kube Atlas tests\n');
  writeFileSync(join(dir, 'values.yaml'), 'replicas: 1\ngreeting: hello\nimage:\n  repository: registry.invalid/shop\n  tag: "1.0"\nextra:\n  keep: true\n');
  writeFileSync(
    join(dir, 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n',
  );
  writeFileSync(join(dir, 'templates', 'NOTES.txt'), 'Thanks for installing {{ .Release.Name }} ({{ .Values.greeting }}).\n');
}
