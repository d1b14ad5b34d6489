// Messages from the topology webview are untrusted: only well-formed requests naming an element
// the way the graph names them get through; a saved state restores only a sane scope.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseElementId, parsePanelScope, parseWebviewMessage } from '../../src/kube/topology/protocol';

test('webview messages: the four kinds pass, anything else is dropped', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'reveal', id: 'Pod:shop/web-1' }), { type: 'reveal', id: 'Pod:shop/web-1' });
  assert.deepEqual(parseWebviewMessage({ type: 'openYaml', id: 'Node:kwok-node-0' }), { type: 'openYaml', id: 'Node:kwok-node-0' });
  assert.deepEqual(parseWebviewMessage({ type: 'expand', id: 'EndpointSlice:shop/web-abc', open: true }), { type: 'expand', id: 'EndpointSlice:shop/web-abc', open: true });
  assert.deepEqual(parseWebviewMessage({ type: 'expand', id: 'Node:kwok-node-0', open: false }), { type: 'expand', id: 'Node:kwok-node-0', open: false });
  for (const bad of [
    null,
    'ready',
    { type: 'exec', cmd: 'rm -rf /' },
    { type: 'reveal' },
    { type: 'reveal', id: 42 },
    { type: 'reveal', id: 'Secret:shop/db' },
    { type: 'reveal', id: 'Pod:shop/../../etc' },
    { type: 'reveal', id: 'Pod:shop/<img src=x>' },
    { type: 'openYaml', id: `Pod:shop/${'a'.repeat(500)}` },
    { type: 'expand', id: 'Pod:shop/web-1', open: true },
    { type: 'expand', id: 'Service:shop/web', open: true },
    { type: 'expand', id: 'EndpointSlice:shop/web-abc', open: 'yes' },
  ]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('element ids parse into kind, namespace and name', () => {
  assert.deepEqual(parseElementId('Service:shop/web'), { kind: 'Service', namespace: 'shop', name: 'web' });
  assert.deepEqual(parseElementId('Node:node-1.example'), { kind: 'Node', name: 'node-1.example' });
  assert.equal(parseElementId('Pod:shop/web#gone'), undefined, 'a ghost cannot be revealed');
});

test('a restored panel trusts only a sane saved scope', () => {
  assert.deepEqual(parsePanelScope({ context: 'kind-dev', namespace: 'shop', service: 'web' }), { context: 'kind-dev', namespace: 'shop', service: 'web' });
  assert.deepEqual(parsePanelScope({ context: 'kind-dev', service: 'web' }), { context: 'kind-dev' }, 'a Service needs its namespace');
  assert.deepEqual(parsePanelScope({ context: 'kind-dev', namespace: 'Not A Namespace' }), { context: 'kind-dev' });
  assert.equal(parsePanelScope({ namespace: 'shop' }), undefined);
  assert.equal(parsePanelScope('kind-dev'), undefined);
});
