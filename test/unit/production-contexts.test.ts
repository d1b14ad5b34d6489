import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isProductionContext } from '../../src/kube/config/productionContexts';

test('production patterns: exact names (the old setting), globs, and nothing else', () => {
  const patterns = ['prod-eu', 'arn:aws:eks:*:cluster/live-*', '*-production', 'shard-?'];
  for (const yes of ['prod-eu', 'arn:aws:eks:eu-west-1:123:cluster/live-main', 'payments-production', 'shard-7']) assert.ok(isProductionContext(yes, patterns), yes);
  for (const no of ['prod-eu-2', 'kind-dev', 'payments-production-copy', 'shard-17', 'PROD-EU', 'arn:aws:eks:eu-west-1:123:cluster/staging']) assert.ok(!isProductionContext(no, patterns), no);
  assert.ok(!isProductionContext('anything', []));
  assert.ok(isProductionContext('a.b(c)', ['a.b(c)']), 'regex characters in names are literal');
});
