// The report and the permissions table as text: cluster strings stay text (no links or HTML from
// a pod name or event message), and rules break down and compact like kubectl's can-i --list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderRules, rulesTable } from '../../src/kube/access/rulesReview';
import type { DiagnoseResult } from '../../src/kube/diagnosis/diagnoseObject';
import { diagnosePod } from '../../src/kube/diagnosis/podDiagnosis';
import { renderReport } from '../../src/kube/diagnosis/report';
import { makeResourceType } from '../../src/kube/kinds/discovery';
import { CASES } from './fixtures/diagnosisFixtures';

const podType = makeResourceType('', 'v1', { plural: 'pods', kind: 'Pod', namespaced: true, verbs: ['get', 'list', 'watch'], subresources: [] });

test('report: cause, evidence with times, next step, YAML links; cluster text escaped', () => {
  const c = CASES.find((x) => x.name === 'missing ConfigMap')!;
  const d = diagnosePod(c.pod, [], {})!;
  d.detail += ' [click](http://evil.example) <img src=x>';
  const r: DiagnoseResult = { object: c.pod, type: podType, diagnosis: d, pods: [], owners: [], dependents: [], events: [], eventsVisible: true };
  const text = renderReport(r, 'ctx', (k, ns, name) => `kubeatlas:/${k}/${ns}/${name}`, '2026-03-02T12:00:00Z');
  assert.match(text, /## Cause: ConfigMap "shop-config" not found/);
  assert.match(text, /\*\*Next step:\*\* Create ConfigMap shop\/shop-config/);
  assert.match(text, /- \[ConfigMap shop\/shop-config\]\(kubeatlas:\/ConfigMap\/shop\/shop-config\)/);
  assert.ok(text.includes('\\[click\\](http://evil.example) \\<img src=x\\>'), 'no link, no HTML from cluster text');
});

test('rules: broken down per resource, verbs merged, non-resource rows kept per rule (kubectl can-i --list)', () => {
  const rows = rulesTable({
    resourceRules: [
      { verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments'] },
      { verbs: ['watch'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] },
    ],
    nonResourceRules: [
      { verbs: ['get'], nonResourceURLs: ['/healthz', '/version'] },
      { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    ],
  });
  const flat = rows.map((r) => `${r.resource}|${r.nonResourceURL}|${r.resourceName}|${r.verbs.join(' ')}`);
  assert.deepEqual(flat, ['|/healthz||get', '|/healthz||get', '|/version||get', 'configmaps||a|get', 'configmaps||b|get', 'deployments|||get list', 'deployments.apps|||get list', 'pods|||get list watch', 'pods.apps|||get list']);
  const md = renderRules('ctx', 'team-a', 'user "restricted"', { incomplete: true, resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }, [{ what: 'read events', allowed: false }]);
  assert.match(md, /\| pods \| \\\[\\\] \| \\\[\\\] \| \\\[get\\\] \|/);
  assert.match(md, /incomplete/);
  assert.match(md, /\| read events \| no \|/);
});
